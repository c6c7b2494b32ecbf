"""A background job's progress in headless Chromium: the job page shows the bar and the step while the job
runs, reloads itself, and shows the summary once the job has ended; a failed job shows its French error; the
diagnostic's PDF is prepared as a job and downloaded from its page."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SHOTS
from tests.browser.test_needs import django_script

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SETUP = """
import json
from gtec.jobs.models import Job
from tests.surveys import helpers as h
u = h.user("jobs@example.org")
running = Job.objects.create(kind="lheo", label="Import d'une offre de formation (LHEO)", status="en_cours",
                             progress=40, step="80 formation(s) lue(s) sur 200", created_by=u)
failed = Job.objects.create(kind="classeur_enquete", label="Import d'un classeur de réponses", status="echec",
                            progress=10, created_by=u,
                            error="Classeur « reponses.xlsx » refusé : 1 problème(s), aucune réponse importée.",
                            result={"erreurs": ["feuille « Etablissements », ligne 4, colonne « SIRET » : SIRET invalide"]})
print(json.dumps([running.pk, failed.pk]))
"""
FINISH = """
from gtec.jobs.models import Job
Job.objects.filter(pk={pk}).update(status="termine", progress=100, step="terminé",
                                   result={{"resume": "LHEO 2.2 : 200 formation(s) lue(s), 0 enregistrement(s) rejeté(s)."}})
"""
TEARDOWN = """
from django.contrib.auth import get_user_model
from gtec.jobs.models import Job
Job.objects.filter(created_by__username="jobs@example.org").delete()
get_user_model().objects.filter(username="jobs@example.org").delete()
"""


@pytest.fixture
def jobs(live_url):
    django_script(TEARDOWN)
    pks = json.loads(django_script(SETUP).strip().splitlines()[-1])
    yield pks
    django_script(TEARDOWN)


def test_job_progress_then_result_and_a_failed_job_error(page, phone, live_url, jobs):
    running, failed = jobs
    page.goto(live_url + "/comptes/connexion/")
    page.get_by_label("Courriel (identifiant)").fill("jobs@example.org")
    page.get_by_label("Mot de passe").fill("mot-de-passe-test")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_url}/traitements/{running}/")
    bar = page.locator("progress")
    assert bar.get_attribute("value") == "40"
    assert page.locator(".job-percent").inner_text() == "40 %"
    assert page.locator(".job-status").inner_text() == "En cours"
    assert page.locator(".job-step").inner_text() == "80 formation(s) lue(s) sur 200"
    page.screenshot(path=str(SHOTS / "traitement-en-cours.png"), full_page=True)
    django_script(FINISH.format(pk=running))
    page.wait_for_selector(".job-result", timeout=10_000)  # the page reloads itself every 2 s
    assert page.locator(".job-percent").inner_text() == "100 %"
    assert "200 formation(s) lue(s)" in page.locator(".job-result").inner_text()
    page.goto(f"{live_url}/traitements/{failed}/")
    error = page.get_by_role("alert")
    assert "Échec : rien n'a été enregistré." in error.inner_text()
    assert "ligne 4, colonne « SIRET » : SIRET invalide" in error.inner_text()
    page.goto(f"{live_url}/traitements/")
    assert page.locator(".job-progress").count() == 2
    page.screenshot(path=str(SHOTS / "traitements.png"), full_page=True)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{live_url}/traitements/")
    phone.screenshot(path=str(SHOTS / "traitements-390.png"), full_page=True)


RUNNING_REPORT = """
from django.contrib.auth import get_user_model
from gtec.jobs.models import Job
u = get_user_model().objects.get(username="jobs@example.org")
job = Job.objects.create(kind="rapport", label="Diagnostic PDF — Morbihan", status="en_cours", progress=45,
                         step="marché du travail", created_by=u,
                         params={{"territory": "dep:56", "format": "pdf"}})
print(job.pk)
"""


def test_diagnostic_pdf_is_prepared_as_a_job_with_its_progress(page, live_url, jobs):
    page.goto(live_url + "/comptes/connexion/")
    page.get_by_label("Courriel (identifiant)").fill("jobs@example.org")
    page.get_by_label("Mot de passe").fill("mot-de-passe-test")
    page.get_by_role("button", name="Se connecter").click()
    # a report job under way: its page shows the section being written
    pk = django_script(RUNNING_REPORT.format()).strip().splitlines()[-1]
    page.goto(f"{live_url}/traitements/{pk}/")
    expect(page.locator(".job-percent")).to_have_text("45 %")
    expect(page.locator(".job-step")).to_have_text("marché du travail")
    page.screenshot(path=str(SHOTS / "diagnostic-en-preparation.png"), full_page=True)
    # the diagnostic page's button: the job runs (at once on the test server) and its page offers the file
    page.goto(f"{live_url}/territoires/dep:56/diagnostic/")
    page.get_by_role("button", name="Préparer le PDF").click()
    expect(page).to_have_url(re.compile(r"/traitements/\d+/$"))
    expect(page.locator(".job-percent")).to_have_text("100 %")
    expect(page.locator(".job-result")).to_contain_text("prêt à télécharger")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Télécharger diagnostic-dep-56")).click()
    path = info.value.path()
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
    assert re.fullmatch(r"diagnostic-dep-56(-\d{4})?\.pdf", info.value.suggested_filename)
