"""The diagnostic's PDF/HTML prepared as a background job (run eagerly here; tests/deploy/test_worker.py runs
one on a real RQ worker): the diagnostic page's button leads to the job's page, the section-by-section
progress, the file to download for whoever asked (a visitor's session too, nobody else), a French error
and no file when it fails."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from gtec.jobs import services
from gtec.jobs.kinds import documents_dir
from gtec.jobs.models import DONE, FAILED, Job
from gtec.jobs.registry import kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs_dir(tmp_path):
    with override_settings(GTEC_JOBS_DIR=tmp_path / "jobs"):
        yield tmp_path / "jobs"


def test_visitor_prepares_the_html_diagnostic_through_a_job(jobs_dir):
    visitor = Client()
    page = visitor.get("/territoires/dep:56/diagnostic/").content.decode()
    assert 'action="/territoires/dep:56/diagnostic/preparer/"' in page and "Préparer le PDF" in page
    response = visitor.post("/territoires/dep:56/diagnostic/preparer/", {"format": "html"})
    job = Job.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/traitements/{job.pk}/"
    assert (job.kind, job.status, job.progress, job.created_by) == ("rapport", DONE, 100, None)
    assert job.result["territoire"] == "dep:56" and "prêt à télécharger" in job.result["resume"]
    detail = visitor.get(f"/traitements/{job.pk}/").content.decode()
    assert "Terminé" in detail and f'href="/traitements/{job.pk}/document/"' in detail
    document = visitor.get(f"/traitements/{job.pk}/document/")
    assert document["Content-Type"].startswith("text/html")
    html = b"".join(document.streaming_content).decode()
    assert "Profil du territoire" in html
    files = list(documents_dir().rglob("*"))
    names = [f.name for f in files if f.is_file()]
    assert len(names) == 1 and re.fullmatch(r"diagnostic-dep-56(-\d{4})?\.html", names[0])
    # another visitor (no session) is sent to the login page, for the job and its file
    stranger = Client()
    assert stranger.get(f"/traitements/{job.pk}/")["Location"].startswith("/comptes/connexion/")
    assert stranger.get(f"/traitements/{job.pk}/document/")["Location"].startswith("/comptes/connexion/")


def test_pdf_job_reports_each_section_then_writes_a_pdf(jobs_dir):
    steps: list[tuple[int, str]] = []
    result = kind("rapport").run({"territory": "dep:56", "format": "pdf"}, lambda p, s: steps.append((p, s)))
    labels = [s for _, s in steps]
    assert labels[:3] == ["lecture des données", "profil", "économie"]
    assert "marché du travail" in labels and labels[-1] == "mise en page du PDF"
    percents = [p for p, _ in steps]
    assert percents == sorted(percents) and percents[0] < 10 < percents[-1] <= 95
    with open(result["fichier"], "rb") as f:
        assert f.read(5) == b"%PDF-"
    assert result["type"] == "application/pdf" and re.fullmatch(
        r"diagnostic-dep-56(-\d{4})?\.pdf", result["nom"]
    )


def test_failed_report_job_says_why_in_french_and_leaves_no_file(jobs_dir, monkeypatch):
    job = services.enqueue("rapport", territory="dep:999", format="pdf")
    assert job.status == FAILED and job.error == "Territoire inconnu : dep:999."

    def no_pango(*args, **kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr("gtec.diagnostics.queries.render_pdf", no_pango)
    job = services.enqueue("rapport", territory="dep:56", format="pdf")
    assert job.status == FAILED
    assert job.error.startswith(
        "Le document PDF n'a pas pu être produit (OSError) : rien n'a été enregistré."
    )
    assert job.progress > 50  # it failed at the layout, after the sections
    assert not documents_dir().exists() or not any(documents_dir().rglob("*"))
    assert services.job_document(job) is None


def test_bad_format_is_a_400_and_starts_no_job(client):
    before = Job.objects.count()
    response = client.post("/territoires/dep:56/diagnostic/preparer/", {"format": "docx"})
    assert response.status_code == 400 and Job.objects.count() == before
    assert client.post("/territoires/dep:999/diagnostic/preparer/", {"format": "pdf"}).status_code == 404
