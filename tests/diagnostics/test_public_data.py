"""A département from public data only (`gtec import all`, no local file): the diagnostic still generates,
with its profile, map, the Dares published tensions and its annexes. This module runs before the others of
the package (file order), that is before the demo fixture loads the synthetic territory; synthetic rows
committed by earlier packages are set aside by the `public_only` fixture."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from gtec.diagnostics.report import build_report, render_html, render_pdf
from gtec.imports.models import ImportRun
from gtec.territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_only():
    """Only the official files: whatever synthetic data earlier test modules committed (the browser tests'
    demo training offer) is removed inside this test's transaction, and comes back at its rollback."""
    from gtec.training.models import Formation

    Formation.objects.filter(synthetic=True).delete()
    ImportRun.objects.filter(synthetic=True).delete()


def test_department_diagnostic_from_public_data_only(public_only):
    assert not ImportRun.objects.filter(synthetic=True).exists(), "only the official files are loaded here"
    dep = Territory.objects.get(key="dep:56")
    report = build_report(dep)
    assert report.period is None and not report.synthetic
    assert [r.key for r in report.references] == ["reg:53"]
    html = render_html(report)
    assert "Diagnostic emploi-formation — Morbihan" in html and "<svg" in html
    pdf = render_pdf(report, html)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Profil du territoire" in text and "Annexe A. Méthodes et sources" in text
    assert "Métiers les plus en tension dans le département selon la Dares (2019)" in text
    assert "données synthétiques" not in text
    # every official run is listed with its id in the annex
    for run in report.runs:
        assert run["version"][:12] in text.replace("\n", " ")


def test_report_command_writes_html_and_pdf(tmp_path):
    out = tmp_path / "morbihan.pdf"
    call_command(
        "report", "--territory", "dep:56", "--format", "pdf", "--out", str(out), stdout=io.StringIO()
    )
    assert out.read_bytes().startswith(b"%PDF") and len(PdfReader(out).pages) >= 4
    page = tmp_path / "morbihan.html"
    call_command(
        "report", "--territory", "dep:56", "--format", "html", "--out", str(page), stdout=io.StringIO()
    )
    assert "<h1>Diagnostic emploi-formation — Morbihan</h1>" in page.read_text(encoding="utf-8")


def test_report_command_errors_are_french_and_clear(tmp_path):
    with pytest.raises(CommandError, match="territoire inconnu : dep:999"):
        call_command("report", "--territory", "dep:999", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="période 1990 non calculée"):
        call_command("report", "--territory", "dep:56", "--period", "1990", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="dossier introuvable"):
        call_command("report", "--territory", "dep:56", "--out", str(tmp_path / "absent" / "x.pdf"))


def test_diagnostic_pages_answer_for_a_public_territory(client):
    assert client.get("/territoires/dep:56/diagnostic/").status_code == 200
    page = client.get("/territoires/dep:56/diagnostic/contenu/?fragment=1")
    assert page.status_code == 200 and "Profil du territoire" in page.content.decode()
    pdf = client.get("/territoires/dep:56/diagnostic.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get("/territoires/dep:999/diagnostic/").status_code == 404
