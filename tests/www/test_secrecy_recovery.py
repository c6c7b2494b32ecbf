"""The recovery test of issue #14: a small territory with suppressed cells (a survey campaign and labour
tables), every page, CSV/XLSX export and API answer that shows them fetched as an anonymous visitor would,
every published table fed to the auditor (`gtec_core.secrecy_audit`) with the bounds a reader knows —
and no suppressed cell is recovered or narrowed below the protection required (docs/indicators.md)."""

from __future__ import annotations

import csv
import io
import re
import statistics
from datetime import date

import pytest
from django.test import Client
from openpyxl import load_workbook

from gtec.labour import models as m
from gtec.labour.observations.run import observations_compute
from gtec.referentials.models import Fiche
from gtec.surveys.management.commands.secret_audit import audit_page
from gtec.territories import queries as tq
from gtec.territories.models import Territory
from gtec_core import secrecy_audit as sa
from tests.surveys import helpers as h
from tests.www.test_labour_pages import EPCI, parse, small_area  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ARC_SUD, GMVA, QUESTEMBERT = "epci:200027027", "epci:200067932", "epci:245614383"


def communes_by_epci() -> dict[str, Territory]:
    """One commune of each EPCI of the Pays de Vannes."""
    out = {}
    for commune_id, epci in tq.epci_of_communes(h.territory()).items():
        out.setdefault(epci.key, Territory.objects.get(pk=commune_id))
    return out


# The rows of the security review (§5.1): (occupation, EPCI, 12-month hires, 5-year departures), one company
# each. D1106 « s, 13, s, 15 »; M1503 « 0, s, s, 2 »; G1605 = 27 with one company at 24 (88.9 %); D1105 = 4
# from 2 companies; and large published rows in every EPCI.
ANSWERS = (
    [("D1106", ARC_SUD, 1, 1), ("D1106", QUESTEMBERT, 1, 1)]
    + [("D1106", GMVA, n, 2) for n in (4, 3, 3, 3)]
    + [("M1503", GMVA, 1, 1), ("M1503", QUESTEMBERT, 1, 1)]
    + [("G1605", GMVA, 24, 9)]
    + [("G1605", e, 1, 1) for e in (ARC_SUD, GMVA, QUESTEMBERT)]
    + [("D1105", GMVA, 3, 1), ("D1105", QUESTEMBERT, 1, 1)]
    + [(rome, e, n + i, n) for rome, n in (("J1501", 6), ("K2204", 9)) for e in (ARC_SUD, GMVA, QUESTEMBERT)
       for i in range(3)]
)  # fmt: skip


@pytest.fixture
def campaign():
    places = communes_by_epci()
    camp = h.campaign()
    for rome, epci, hires, departures in ANSWERS:
        org = h.company(commune=places[epci])
        h.submit(camp, org, h.answer(rome, hires=hires, departures=departures, difficult=hires > 2))
    return camp


def rows_of(response) -> list[list[str]]:
    """A CSV or XLSX export as rows of texts."""
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def records(rows: list[list[str]], first: str) -> list[dict[str, str]]:
    """The data rows of an export, under its header (the row starting with `first`)."""
    header = next(i for i, r in enumerate(rows) if r and r[0] == first)
    return [dict(zip(rows[header], r, strict=False)) for r in rows[header + 1 :] if any(r)]


def test_campaign_results_page_and_gap_export_recover_nothing(client, campaign):
    html = client.get(f"/besoins/campagnes/{campaign.pk}/").content.decode()
    audited = audit_page(html)
    assert set(audited) == {"needs-12m", "needs-5ans"}
    for name, findings in audited.items():
        assert findings, f"{name} : aucune cellule « s »"
        assert sa.leaks(findings) == [], (name, sa.leaks(findings))
    tables = sa.html_tables(html)
    table, texts = sa.grid_table(tables["needs-12m"], total_rows=["Ensemble des métiers"], default_lower=1)
    labels = {k[0] for k in texts}
    row = {code: next(lab for lab in labels if lab.endswith(code)) for code in ("M1503", "G1605", "D1105")}
    # margins are cells: 2 companies, or one at 88.9 %, never give a published territory total
    for code in ("M1503", "G1605", "D1105"):
        assert texts[(row[code], "Total")] == "s", code

    # the training-gap report publishes the same territory column (CSV and XLSX): together with the page
    # it gives a reader nothing more
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/formations/manquantes/?territoire={h.territory().key}&format={fmt}")
        assert response.status_code == 200
        gap = {
            r["code_rome"]: r["recrutements_enquete_12_mois"] for r in records(rows_of(response), "code_rome")
        }
        both = sa.PublishedTable(dict(table.cells), list(table.relations), default_lower=1)
        for label in labels - {"Total"}:
            code = label.split()[-1]
            shown = gap.get(code, "")
            if shown not in ("", "s"):
                assert texts[(label, "Total")] != "s", f"{code} : « s » sur la page, {shown} dans l'export"
                both.cells[(label, "Total")] = sa.parse_number(shown)
        assert sa.leaks(sa.audit(both)) == []


def test_a_row_of_the_review_is_recovered_before_the_fix():
    """The auditor does find the review's leak on the page as it was (« s, 13, s, 15 »)."""
    rows = [["Métier", "Arc Sud", "GMVA", "Questembert", "Territoire"],
            ["Vendeur D1106", "s", "13", "s", "15"], ["Ensemble des métiers", "s", "13", "s", "15"]]  # fmt: skip
    table, _ = sa.grid_table(rows, total_rows=["Ensemble des métiers"], default_lower=1)
    assert {f.status for f in sa.audit(table)} == {sa.RECOVERED}


@pytest.fixture
def bmo_area():
    """The commune of Vannes and its BMO bassin, computed from the real BMO file of the test database."""
    territories = [Territory.objects.get(key=k) for k in ("commune:56260", "bassin:5310")]
    m.DemandeurEmploi.objects.bulk_create(  # job seekers in every commune: the bassin counts as covered
        m.DemandeurEmploi(mois=date(2024, 1, 1), categorie="A", niveau_geo="commune", code_geo=c.code,
                          code_rome="K2204", stock=40, entrees=4, sorties=4)
        for c in territories[1].communes()
    )  # fmt: skip
    observations_compute(territories, years=[2024])
    return territories


def bmo_cells(client, key: str, fmt: str) -> dict[str, float | None]:
    response = client.get(f"/territoires/{key}/export/bmo.{fmt}")
    assert response.status_code == 200
    out = {}
    for r in records(rows_of(response), "territoire"):
        if r["metier"] != "Total":
            out[r["metier"]] = sa.parse_number(r["projets_affichage"])
    return out


def test_derived_bmo_cells_do_not_come_back_from_the_bassin(client, bmo_area):
    for fmt in ("csv", "xlsx"):
        commune, bassin = (bmo_cells(client, t.key, fmt) for t in bmo_area)
        assert any(v is None for v in commune.values()), "aucune cellule « s » à auditer"
        # the share a reader fits from the published pairs (it is also the public population share)
        share = statistics.median(
            commune[c] / bassin[c] for c in commune if commune[c] and (bassin.get(c) or 0) > 50
        )
        cells = {("commune", c): v for c, v in commune.items()} | {
            ("bassin", c): v for c, v in bassin.items()
        }
        table = sa.PublishedTable(cells, default_lower=0.0, rounding=0.5, integer=False)
        for code in commune.keys() & bassin.keys():
            table.relations.append({("commune", code): 1.0, ("bassin", code): -share})
        assert sa.leaks(sa.audit(table)) == []


def test_published_rates_are_rounded_and_hidden_with_their_hidden_count(client, bmo_area):
    bassin = bmo_area[1]
    hidden = {c for c, v in bmo_cells(client, bassin.key, "csv").items() if v is None}
    assert hidden, "aucune cellule BMO « s » dans le bassin"
    for name in ("bmo_seasonality_rate", "bmo_difficulty_rate"):
        payload = client.get(f"/api/indicateurs/{name}?territoire={bassin.key}&periode=2024").json()
        assert payload["lignes"]
        for row in payload["lignes"]:
            if row["valeur"] is not None:  # one decimal of a percent: 0.722, never 0.72173913
                assert re.fullmatch(r"-?\d+(\.\d{1,3})?", repr(row["valeur"])), row
            if row["metier"] in hidden:
                assert row["affichage"] == "s" and row["valeur"] is None, row


def test_labour_commune_table_recovers_nothing(client, small_area):  # noqa: F811
    values = small_area["values"]
    names = {c.name: c.code for c in small_area["communes"]}
    html = client.get(f"/territoires/{EPCI}/marche-du-travail/?periode=2024").content.decode()
    table = parse(html).tables["table-communes"]
    body = [r for section, r in table if section == "tbody"]
    total = next(r for section, r in table if section == "tfoot")
    shown = {(r[0], None): sa.parse_number(r[2]) for r in body} | {("Total", None): sa.parse_number(total[2])}
    truth = {(n, None): values[names[n]] for n, _ in shown if n in names and shown[(n, None)] is None}
    assert truth, "aucune commune « s »"
    published = sa.pivot_table(shown, rows=[k[0] for k in shown], cols=None, rounding=0.5, integer=False)
    assert sa.leaks(sa.audit(published, truth)) == []


def test_hidden_bmo_counts_stay_hidden_in_the_career_explorer(client, small_area):  # noqa: F811
    """A BMO cell hidden as a complement in the territory's table (A0X40, the smallest beside the 1-project
    S1X40) shows « s » in the career explorer too, with its difficulty rate."""
    from gtec.labour.read import local_demand

    rows = parse(client.get(f"/territoires/{EPCI}/marche-du-travail/?periode=2024").content.decode()).tables
    bmo = next(r for r in rows.values() if r and r[0][1][:2] == ["Métier", "Projets"])
    hidden = {r[0].split()[-1] for section, r in bmo if section == "tbody" and r[1] == "s"}
    assert {"S1X40", "A0X40"} <= hidden
    figures = local_demand(EPCI, ["A1416"])["A1416"]  # A1416 belongs to A0X40
    assert figures["fap"] == "A0X40"
    assert figures["projects"] == "s" and figures["difficulty"] == "s", figures


# --- the give-to-get page and the diagnostic PDF: the same survey figures, on two more paths ---------------


def difficulty_rates(html: str) -> dict[str, str]:
    """The results page's « Part des recrutements jugés difficiles » table: ROME code → displayed rate."""
    from lxml import html as lhtml

    names = {f.code_rome: f.libelle for f in Fiche.objects.filter(code_rome__in={a[0] for a in ANSWERS})}
    by_label = {v: k for k, v in names.items()}
    table = lhtml.fromstring(html).xpath(
        "//h2[contains(., 'recrutements jugés difficiles')]/following::table[1]"
    )[0]
    out = {}
    for tr in table.iter("tr"):
        label, rate = (" ".join(td.text_content().split()) for td in tr.xpath("./td"))
        out[by_label.get(label, label)] = rate
    return out


@pytest.mark.parametrize("answer", [0, 8, 9])  # a D1106 company, the dominant G1605 one, a small G1605 one
def test_give_to_get_page_publishes_nothing_the_results_page_hides(client, campaign, answer):
    """The comparison page a company gets for its answer shows, per occupation it recruits for, the
    territory's share of difficult hires, and the counts of its sector's skills. Each is the figure of the
    public results page under the same secrecy: a rate beside a hidden hires total would be a rate of a
    hidden count, and a skill count is published only from 3 companies."""
    from gtec.organisations.models import ADMIN, Organisation
    from gtec.surveys.models import Response

    page = client.get(f"/besoins/campagnes/{campaign.pk}/").content.decode()
    _, texts = sa.grid_table(sa.html_tables(page)["needs-12m"], total_rows=["Ensemble des métiers"])
    hires = {label.split()[-1]: texts[(label, "Total")] for label, col in texts if col == "Total"}
    rates = difficulty_rates(page)
    rome, *_ = ANSWERS[answer]
    orgs = Response.objects.filter(campaign=campaign, submitted__isnull=False).values_list(
        "organisation", flat=True
    )
    org = next(o for o in Organisation.objects.filter(pk__in=orgs).order_by("pk")[answer : answer + 1])
    reader = Client()
    reader.force_login(h.user(f"retour{answer}@example.org", org, ADMIN))
    g2g = reader.get(f"/besoins/campagnes/{campaign.pk}/retour/{org.pk}/")
    assert g2g.status_code == 200
    rows = sa.html_tables(g2g.content.decode())["g2g-difficulty"][1:]
    assert [r[0].split()[-1] for r in rows] == [rome]
    for row in rows:
        code, shown = row[0].split()[-1], row[3]
        assert shown == rates[code], (code, shown, rates[code])
        if hires[code] == "s":
            assert shown == "s", f"{code} : taux {shown} à côté de recrutements « s »"
    for count in re.findall(r"citée par (\S+) entreprise", g2g.content.decode()):
        assert int(count) >= secrecy_rules().min_units, count


def secrecy_rules():
    from gtec_core.secrecy import load_rules

    return load_rules()


def document_table(html: str, caption: str) -> list[list[str]]:
    """The diagnostic's table whose caption starts with `caption`, as rows of cell texts (header first)."""
    from lxml import html as lhtml

    table = lhtml.fromstring(html).xpath(f"//table[starts-with(normalize-space(caption), '{caption}')]")[0]
    return [[" ".join(c.text_content().split()) for c in tr.xpath("./th|./td")] for tr in table.iter("tr")]


def test_diagnostic_pdf_survey_tables_recover_nothing(client, campaign):
    """The diagnostic's « Besoins des entreprises » tables (the HTML the PDF is rendered from, and the PDF's
    own text) carry the results page's territory column: the same cells hidden, and the table alone — its
    rows and its « Ensemble des métiers » total — gives the auditor nothing either."""
    from gtec.diagnostics.report import build_report, render_html, render_pdf
    from tests.diagnostics.test_report import pdf_rows

    page = client.get(f"/besoins/campagnes/{campaign.pk}/").content.decode()
    grid, texts = sa.grid_table(sa.html_tables(page)["needs-12m"], total_rows=["Ensemble des métiers"])
    on_page = {
        ("Total" if label == "Total" else label.split()[-1]): texts[(label, "Total")] for label, _ in texts
    }
    rates = difficulty_rates(page)

    report = build_report(h.territory())
    html = render_html(report)
    hires = document_table(html, "Recrutements envisagés")
    shown = {(r[0] or "Total"): r[2] for r in hires[1:]}
    assert len(shown) == len(on_page) <= 11  # every occupation fits the document's top ten: a complete column
    assert shown == on_page
    assert "s" in shown.values()
    difficulty = {r[0]: r[2] for r in document_table(html, "Part des recrutements")[1:]}
    assert difficulty and difficulty == {c: rates[c] for c in difficulty}
    # the table as the document prints it, alone: occupations and their total
    cells = {(code, None): sa.parse_number(v) for code, v in shown.items()}
    table = sa.pivot_table(cells, rows=list(shown), cols=None, default_lower=1)
    findings = sa.audit(table)
    assert findings and sa.leaks(findings) == []
    # and together with the results page (the same column, so nothing more)
    both = sa.PublishedTable(dict(grid.cells), list(grid.relations), default_lower=1)
    for label, _ in texts:
        code = "Total" if label == "Total" else label.split()[-1]
        if code in shown and shown[code] != "s":
            both.cells[(label, "Total")] = sa.parse_number(shown[code])
    assert sa.leaks(sa.audit(both)) == []
    # the PDF prints what its HTML says: every survey row, with « s » where the HTML has it
    assert "Recrutements envisagés à 12 mois" in html
    rows = pdf_rows(render_pdf(report, html))
    for code, value in shown.items():
        if code == "Total":
            continue
        found = [r for r in rows if r and r[0].split()[0] == code]
        assert found, f"{code} absent du PDF"
        assert value in " ".join(found[0]).split()[1:], (code, value, found[0])
