"""Labour-market pages and exports: they render, and no page or export reveals a secret cell, directly or by
subtraction from a displayed total."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from gtec.labour import models as m
from gtec.territories.models import Territory
from tests.factories import ObservationFactory

pytestmark = pytest.mark.django_db

EPCI = "epci:245614383"  # CC Questembert Communauté, inside the Pays de Vannes
PDV = "custom:pays-de-vannes"
SECRET_TENSION = 4.321987  # stored value of a secret observation: must never show, in any form
SECONDARY_BASE = 5101  # job seekers of the other communes: 5101, 5102, … (distinctive numbers)
BMO_SMALL = 1  # projects of the primary-secret BMO cell
BMO_OTHERS = {"A0X40": 4711, "V0X60": 6089, "A0X41": 7333}  # FAP of A1416, J1501, A1403


class Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts, with the row's section (thead/tbody/tfoot)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[tuple[str, list[str]]]] = {}
        self._stack: list[str] = []
        self._section = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._count = 0
        self._svg = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self._svg += 1
        if tag == "table":
            self._count += 1
            self._stack.append(a.get("id") or f"t{self._count}")
            self.tables[self._stack[-1]] = []
        elif tag in {"thead", "tbody", "tfoot"}:
            self._section = tag
        elif tag == "tr" and self._stack:
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg -= 1
        if tag == "table" and self._stack:
            self._stack.pop()
        elif tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._stack:
            self.tables[self._stack[-1]].append((self._section, self._row))
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if not self._svg:
            self.text.append(data)


def parse(html: str) -> Tables:
    p = Tables()
    p.feed(html)
    return p


def forms(value: float) -> list[str]:
    """Ways a number could be written on a page or in a file."""
    n = round(value)
    plain = str(n)
    spaced = f"{n:,}".replace(",", "\u202f")
    return [plain, spaced, f"{n:,}".replace(",", " "), f"{n:,}".replace(",", "\u00a0")]


@pytest.fixture
def small_area(db):
    """Hand-made labour rows for CC Questembert: one commune with 1 job seeker (primary secret), the others
    with distinctive counts; a secret tension; a BMO table with one primary-secret cell."""
    epci = Territory.objects.get(key=EPCI)
    pdv = Territory.objects.get(key=PDV)
    communes = list(epci.communes().order_by("code"))
    assert len(communes) >= 5
    values = {c.code: SECONDARY_BASE + i for i, c in enumerate(communes)}
    values[communes[0].code] = 1
    rows = [
        m.DemandeurEmploi(
            mois=date(2024, 1, 1),
            categorie="A",
            niveau_geo="commune",
            code_geo=code,
            code_rome="K2204",
            stock=v,
        )
        for code, v in values.items()
    ]
    rows += [
        m.DemandeurEmploi(
            mois=date(2024, month, 1),
            categorie="ABC",
            niveau_geo="commune",
            code_geo=communes[1].code,
            code_rome="",
            stock=9000 + 37 * month,
        )
        for month in range(1, 7)
    ]
    m.DemandeurEmploi.objects.bulk_create(rows)
    for t in (epci, pdv):
        ObservationFactory(
            indicator="dares_tension",
            territory=t,
            occupation="S2X61",
            value=SECRET_TENSION,
            status="secret",
            category=5,
            counts={"offers": 2},
        )
        ObservationFactory(
            indicator="dares_tension", territory=t, value=1.5, category=5, counts={"offers": 40}
        )
        ObservationFactory(
            territory=t,
            occupation="S1X40",
            value=1.0,
            status="secret",
            counts={"projects": BMO_SMALL, "difficult": BMO_SMALL},
        )
        for code, projects in BMO_OTHERS.items():
            ObservationFactory(
                territory=t, occupation=code, counts={"projects": projects, "difficult": projects / 2}
            )
    return {"epci": epci, "pdv": pdv, "communes": communes, "values": values}


def get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, url
    return response


def test_pages_render_without_observations(client):
    for key in [PDV, "ze:5318", "commune:56260"]:
        html = get(client, f"/territoires/{key}/marche-du-travail/").content.decode()
        assert "Pas encore de chiffres du marché du travail" in html
        assert "gtec " not in html  # no developer command on a public page
    get(client, "/territoires/nope:0/marche-du-travail/", 404)
    get(client, "/territoires/nope:0/metiers/J1501/", 404)
    get(client, f"/territoires/{PDV}/metiers/Z9999/", 404)
    get(client, f"/territoires/{PDV}/export/nothing.csv", 404)
    assert get(client, f"/territoires/{PDV}/metiers/J1501/").status_code == 200
    assert "Comparer deux territoires" in get(client, "/comparer/").content.decode()
    get(client, "/comparer/?a=nope:0", 404)


def test_links_from_existing_pages(client):
    assert f"/territoires/{PDV}/marche-du-travail/" in get(client, f"/territoires/{PDV}/").content.decode()
    assert f"/territoires/{PDV}/metiers/J1501/" in get(client, "/metiers/J1501/").content.decode()


def test_dashboard_with_data(client, small_area):
    for key in [PDV, EPCI]:
        html = get(client, f"/territoires/{key}/marche-du-travail/").content.decode()
        assert "Métiers en tension" in html
    html = get(client, f"/territoires/{PDV}/marche-du-travail/?periode=2024").content.decode()
    page = parse(html)
    # tension table: the secret row shows « s », the other its category and links to the FAP's fiches
    tension = next(rows for rows in page.tables.values() if rows and "Tension" in rows[0][1])
    cells = {r[0].split()[-1]: r for _, r in tension[1:]}
    assert cells["S2X61"][1] == "s" and cells["S2X61"][2] == "secret"
    assert cells["A0X40"][1] == "1,50" and cells["A0X40"][2] == "tension très forte"
    assert re.search(rf"/territoires/{PDV}/metiers/A14\d\d/\?periode=2024", html)
    # monthly chart: an SVG path with one point per month, and the data table
    assert html.count('class="dot s-jobseekers"') == 6
    assert "9\u202f222" in html  # June: 9000 + 37 × 6
    # map: the secret commune is hatched and labelled « s »
    assert 'class="sec"' in html and 'class="secret-label"' in html
    # EPCI table: CC Questembert holds the secret commune, so it is « s »
    epci_rows = [r for _, r in page.tables["table-epci"]]
    assert any(r and "Questembert" in r[0] and r[3] == "s" for r in epci_rows), epci_rows
    assert "Données de démonstration" not in html or "synthétiques" in html


def test_occupation_and_comparison_with_data(client, small_area):
    html = get(client, f"/territoires/{EPCI}/metiers/A1416/?periode=2024").content.decode()
    assert "approximation : formule officielle non publiée" in html
    assert "Tension publiée par la Dares" in html
    html = get(client, f"/comparer/?a={EPCI}&b={PDV}&periode=2024").content.decode()
    assert "Indicateurs, tous métiers, 2024" in html
    assert "donnée indisponible" in html  # no offers loaded in the test database


def test_exports_content_types_and_names(client, small_area):
    r = get(client, f"/territoires/{EPCI}/export/dares_tension.csv?periode=2024")
    assert r["Content-Type"].startswith("text/csv")
    assert 'filename="gtec_dares_tension_epci-245614383_2024.csv"' in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["indicateur", "territoire", "periode"]
    assert {row[4] for row in rows[1:]} == {"S2X61", "A0X40"}
    r = get(client, f"/territoires/{EPCI}/export/dares_tension.xlsx?periode=2024")
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert load_workbook(io.BytesIO(r.content)).active.max_row >= 4
    for name in ["bmo", "communes"]:
        for fmt in ["csv", "xlsx"]:
            r = get(client, f"/territoires/{EPCI}/export/{name}.{fmt}?periode=2024")
            assert f".{fmt}" in r["Content-Disposition"]


def export_rows(client, url: str) -> list[list[str]]:
    r = get(client, url)
    if url.split("?")[0].endswith(".csv"):
        return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    sheet = load_workbook(io.BytesIO(r.content)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def assert_protected(values: list[str], total: str, label: str):
    """A line of counts shown with its total: either no « s », or at least two, or the total is « s »."""
    secrets = sum(v == "s" for v in values)
    assert secrets == 0 or secrets >= 2 or total == "s", f"{label}: une seule cellule « s » avec son total"


def test_secrecy_nothing_recoverable(client, small_area):
    """The secret cells (1 job seeker in a commune, 1 BMO project, a secret tension) do not show, and the
    cells suppressed to protect them are not shown anywhere else (page, other page, CSV or XLSX export)."""
    values = small_area["values"]
    secret_commune = small_area["communes"][0]
    urls = [
        f"/territoires/{key}/marche-du-travail/?periode=2024"
        for key in [PDV, EPCI, *(f"commune:{c.code}" for c in small_area["communes"])]
    ] + [f"/territoires/{EPCI}/metiers/{code}/?periode=2024" for code in ["A1416", "A1403", "K2204", "J1501"]]
    urls.append(f"/comparer/?a={EPCI}&b={PDV}&periode=2024")
    pages = {url: get(client, url).content.decode() for url in urls}

    # 1. the commune table of the EPCI: the secret commune is « s » and the total cannot reveal it
    page = parse(pages[urls[1]])
    table = page.tables["table-communes"]
    body = {r[0]: r for section, r in table if section == "tbody"}
    total = next(r for section, r in table if section == "tfoot")
    assert body[secret_commune.name][2] == "s"
    assert_protected([r[2] for r in body.values()], total[2], "demandeurs par commune")
    assert_protected([r[1] for r in body.values()], total[1], "offres par commune")
    suppressed = {name for name, r in body.items() if r[2] == "s"}
    hidden_values = [
        values[c.code] for c in small_area["communes"] if c.name in suppressed and values[c.code] > 3
    ]
    assert hidden_values, "une cellule complémentaire au moins"

    # 2. the BMO table: the 1-project cell is « s », with a second « s » or a secret total
    bmo = next(rows for rows in page.tables.values() if rows and rows[0][1][:2] == ["Métier", "Projets"])
    bmo_body = {r[0].split()[-1]: r for section, r in bmo if section == "tbody"}
    bmo_total = next(r for section, r in bmo if section == "tfoot")
    assert bmo_body["S1X40"][1] == "s"
    assert_protected([r[1] for r in bmo_body.values()], bmo_total[1], "projets BMO")
    hidden_projects = [BMO_OTHERS[c] for c, r in bmo_body.items() if r[1] == "s" and c in BMO_OTHERS]
    hidden_values += hidden_projects

    # 3. exports of the same tables, CSV and XLSX
    exports = {}
    for key in [EPCI, PDV]:
        for name in ["communes", "bmo", "dares_tension", "bmo_difficulty_rate", "bmo_seasonality_rate"]:
            for fmt in ["csv", "xlsx"]:
                url = f"/territoires/{key}/export/{name}.{fmt}?periode=2024"
                exports[url] = export_rows(client, url)
    for fmt in ["csv", "xlsx"]:
        rows = exports[f"/territoires/{EPCI}/export/communes.{fmt}?periode=2024"]
        header = rows.index(next(r for r in rows if r and r[0] == "territoire"))
        cols = rows[header]
        data = [dict(zip(cols, r, strict=False)) for r in rows[header + 1 :]]
        lines = [d for d in data if d["code_commune"] != "Total"]
        tot = next(d for d in data if d["code_commune"] == "Total")
        secret_row = next(d for d in lines if d["code_commune"] == secret_commune.code)
        assert secret_row["demandeurs_a_moyenne"] == "" and secret_row["demandeurs_a_affichage"] == "s"
        assert_protected([d["demandeurs_a_affichage"] for d in lines], tot["demandeurs_a_affichage"], fmt)
        for d in lines:  # a « s » cell keeps no value in the file
            if d["demandeurs_a_affichage"] == "s":
                assert d["demandeurs_a_moyenne"] == ""
        rows = exports[f"/territoires/{EPCI}/export/bmo.{fmt}?periode=2024"]
        header = rows.index(next(r for r in rows if r and r[0] == "territoire"))
        data = [dict(zip(rows[header], r, strict=False)) for r in rows[header + 1 :]]
        x1 = next(d for d in data if d["metier"] == "S1X40")
        assert x1["projets"] == "" and x1["projets_affichage"] == "s"
        tot = next(d for d in data if d["metier"] == "Total")
        assert_protected(
            [d["projets_affichage"] for d in data if d["metier"] != "Total"], tot["projets_affichage"], fmt
        )

    # 4. no suppressed value (nor the secret tension) appears in any page's text or table, or in any export
    forbidden = [f for v in hidden_values for f in forms(v)] + ["4,32", "4.32", "4,3", "4.3"]
    for url, html in pages.items():
        text = " ".join(parse(html).text)
        for f in forbidden:
            assert f not in text, f"{url} montre {f!r}"
    for url, rows in exports.items():
        flat = " ".join(c for r in rows for c in r)
        for f in forbidden:
            assert not re.search(rf"(?<![\d,.]){re.escape(f)}(?![\d])", flat), f"{url} contient {f!r}"

    # 5. the JSON API answers the same rows under the same secrecy
    for key in [EPCI, PDV]:
        for name in ["dares_tension", "bmo_difficulty_rate", "bmo_seasonality_rate", "offers_demand_ratio"]:
            response = client.get(f"/api/indicateurs/{name}?territoire={key}&periode=2024")
            assert response.status_code == 200
            payload = response.json()
            for row in payload["lignes"]:
                if row["statut"] == "secret":
                    assert row["valeur"] is None and row["affichage"] == "s" and row["effectifs"] == ""
            flat = response.content.decode()
            for f in forbidden:
                assert not re.search(rf"(?<![\d,.]){re.escape(f)}(?![\d])", flat), f"API {name} {key} : {f!r}"


def test_period_selector_and_unknown_period(client, small_area):
    html = get(client, f"/territoires/{EPCI}/marche-du-travail/?periode=1999").content.decode()
    assert '<option value="2024" selected>' in html


def test_an_action_baseline_hides_a_rate_built_on_a_hidden_bmo_count(small_area):
    """The action plan copies « the value published today » as a baseline: a BMO rate whose project count is
    « s » in the territory's BMO table is « s » there too, as on the pages (#14)."""
    from gtec.actions.services import published_value
    from gtec.labour import read as lq

    territory = Territory.objects.get(key=EPCI)
    year, codes = lq.bmo_suppressed(territory)
    assert "S1X40" in codes
    open_rates = [
        code
        for code in codes
        if m.Observation.objects.filter(indicator="bmo_difficulty_rate", territory=territory, occupation=code)
        .exclude(status="secret")
        .exists()
    ]
    for code in codes:
        value = published_value("bmo_difficulty_rate", territory, code)
        assert value["status"] in {"secret", "missing"} and value["value"] is None, code
    assert open_rates, "at least one rate not secret by itself, so the test sees the inherited secrecy"


def test_the_location_quotient_names_its_reference_on_the_page_and_in_the_export(client, small_area):
    ObservationFactory(
        indicator="location_quotient",
        territory=small_area["epci"],
        occupation="A0X40",
        value=1.8,
        counts={"employment": 400, "territory_employment": 1600},
        origin_detail="par rapport à l'emploi du Morbihan",
    )
    html = get(client, f"/territoires/{EPCI}/metiers/A1416/?periode=2024").content.decode()
    assert "<small>par rapport à l&#x27;emploi du Morbihan</small>" in html
    rows = export_rows(client, f"/territoires/{EPCI}/export/location_quotient.csv?periode=2024")
    origin = rows[0].index("origine")
    assert rows[1][origin] == "calculé par GTEC (par rapport à l'emploi du Morbihan)"
