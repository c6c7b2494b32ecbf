"""The diagnostic of the demo territory: every section, the glossary straight from the registry, and — in
the PDF itself — no cell that the read side suppresses."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest
from django.utils.html import escape
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextContainer, LTTextLine
from pypdf import PdfReader

from gtec.diagnostics.report import build_report, render_html, render_pdf
from gtec.labour import read as lq
from gtec.labour.models import Observation
from gtec.territories.models import Territory
from gtec_core.french import format_fr
from gtec_core.indicators.registry import REGISTRY

pytestmark = pytest.mark.django_db

SMALL = "commune:56088"  # Île-d'Arz, 321 inhabitants


def pdf_rows(pdf: bytes) -> list[list[str]]:
    """Text lines of the PDF grouped by page and baseline: the cells of one table row share their top."""
    rows = []
    for page in extract_pages(io.BytesIO(pdf)):
        lines = defaultdict(list)
        for box in page:
            if isinstance(box, LTTextContainer):
                for line in box:
                    if isinstance(line, LTTextLine):
                        lines[round(line.y1)].append((line.x0, line.get_text().strip()))
        for y in sorted(lines, reverse=True):
            rows.append([text for _, text in sorted(lines[y])])
    return rows


def test_demo_diagnostic_has_every_section_and_compares_with_references(demo):
    report = build_report(demo)
    assert report.period and report.synthetic
    assert [r.key for r in report.references] == ["ze:5318", "dep:56", "reg:53"]
    anchors = [s.anchor for s in report.sections]
    assert anchors == ["profil", "economie", "marche", "besoins", "formation", "prospective", "parcours"]
    assert {s.anchor: s.empty for s in report.sections if s.empty} == {}
    prospective = next(s for s in report.sections if s.anchor == "prospective")
    assert "postes à pourvoir par an" in prospective.lead and len(prospective.tables[0].rows) == 10
    # the location quotients' table names what they are measured against, as stored with them (#13)
    economy = next(s for s in report.sections if s.anchor == "economie")
    reference = lq.reference_area(demo, report.period)
    assert reference.startswith("par rapport à l'emploi ")
    assert economy.tables[0].rows and reference in economy.tables[0].note
    figures = {f.key: f for f in report.headline}
    assert figures["population"].value == sum(c.population for c in demo.communes())
    # the zone d'emploi column carries its own published figure
    ze = Territory.objects.get(key="ze:5318")
    expected = lq.indicator_cell(lq.observation("bmo_difficulty_rate", ze, report.period, "", "all")).display
    assert figures["bmo_difficulty_rate"].refs[0] == expected
    assert report.brief.strengths or report.brief.weaknesses
    pdf = render_pdf(report)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 8
    text = "\n".join(p.extract_text() for p in reader.pages)
    for title in [
        "En bref",
        "Chiffres clés et comparaisons",
        "Marché du travail",
        "Les métiers en 2030",
        "Annexe B. Glossaire",
    ]:
        assert title in text
    assert "données synthétiques" in text


def test_glossary_takes_each_definition_once_from_the_registry(demo):
    report = build_report(demo)
    labels = [g["label"] for g in report.glossary]
    assert len(labels) == len(set(labels)) >= 8
    by_label = {spec.label: spec for spec in REGISTRY.values()}
    for entry in report.glossary:
        assert entry["definition"] == by_label[entry["label"]].documentation
    html = render_html(report)
    for entry in report.glossary:
        assert html.count(f"<dt>{escape(entry['label'])}") == 1


def test_the_pdf_shows_no_suppressed_cell(demo):
    """Row by row, the PDF shows exactly the text the read side publishes: « s » where a cell is secret,
    and never the stored count of a suppressed BMO cell."""
    commune = Territory.objects.get(key=SMALL)
    # a BMO table of eight métiers whose first three are suppressed at source (BMO « * »): the protected table
    # adds complementary suppression, and every row fits in the document's top ten
    bmo_obs = Observation.objects.filter(
        territory=commune, indicator="bmo_projects", occupation_kind="fap2021"
    )
    period = max(bmo_obs.values_list("period", flat=True))
    keep = list(
        bmo_obs.filter(period=period, value__gt=0).order_by("-value").values_list("pk", flat=True)[:8]
    )
    bmo_obs.exclude(pk__in=keep).delete()
    Observation.objects.filter(pk__in=keep[:3]).update(status="secret")
    from django.core.cache import cache

    cache.clear()
    report = build_report(commune)
    secret_rows = [
        row for s in report.sections for t in s.tables for row in t.rows if report.symbol in row[1:]
    ]
    assert len(secret_rows) >= 3  # the test is not vacuous
    rows = pdf_rows(render_pdf(report))
    bmo = lq.bmo_table(commune, limit=None)
    hidden = {r["code"] for r in bmo["rows"] if r["projects"].secret}
    stored = {
        o.occupation: o.value
        for o in Observation.objects.filter(
            territory=commune, indicator="bmo_projects", occupation__in=hidden, period=bmo["period"]
        )
    }
    checked = 0
    for row in secret_rows:
        code = row[0]
        # the code opens the row (pdfminer may join it with the label into one text line)
        found = [r for r in rows if r and r[0].split()[0] == code]
        assert found, f"row {code} not found in the PDF"
        tokens = " ".join(found[0]).split()[1:]
        assert report.symbol in tokens
        if code in stored and stored[code]:
            assert format_fr(round(stored[code])) not in tokens
            checked += 1
    assert checked >= 1
