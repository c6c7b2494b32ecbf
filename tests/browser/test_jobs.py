"""A background job's progress in headless Chromium: the job page shows the bar and the step while the job
runs, reloads itself, and shows the summary once the job has ended; a failed job shows its French error."""

import json

import pytest

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
