"""The needs questionnaire as a company fills it, from login to submission, then the give-to-get page and
the coordinator's campaign page, in headless Chromium on a live server."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import SHOTS, database_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SETUP = """
import json
from gtec.organisations.models import ADMIN, COORDINATOR
from gtec.surveys import services
from tests.surveys import helpers as h
camp = h.campaign()
for i in range(3):
    h.submit(camp, h.company(f"Voisine {i}"))
org = h.company("Clinique démo du Golfe", naf="86.10Z")
services.campaign_invite(camp, [org])
h.user("boss@example.org", org, ADMIN)
h.user("coord@example.org", role=COORDINATOR, terr=camp.territory)
print(json.dumps([camp.pk, org.pk]))
"""
TEARDOWN = """
from django.contrib.auth import get_user_model
from gtec.organisations.models import Organisation
from gtec.surveys.models import Campaign
Campaign.objects.filter(name="Campagne test").delete()
Organisation.objects.filter(name__in=["Clinique démo du Golfe", "Voisine 0", "Voisine 1", "Voisine 2"]).delete()
get_user_model().objects.filter(username__in=["boss@example.org", "coord@example.org"]).delete()
"""


def django_script(code: str) -> str:
    """Run code in a separate process on the session's test database, committed (the live server reads
    it), without touching the test's own transaction."""
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.fixture
def world(live_url):
    django_script(TEARDOWN)
    camp_pk, org_pk = json.loads(django_script(SETUP).strip().splitlines()[-1])
    yield camp_pk, org_pk
    django_script(TEARDOWN)


def login(page, live_url, username):
    page.goto(live_url + "/comptes/connexion/")
    page.get_by_label("Courriel (identifiant)").fill(username)
    page.get_by_label("Mot de passe").fill("mot-de-passe-test")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/besoins/")


def test_company_fills_and_submits_then_sees_give_to_get_and_coordinator_follows(page, live_url, world):
    camp, org = world
    login(page, live_url, "boss@example.org")
    page.screenshot(path=str(SHOTS / "besoins-accueil.png"), full_page=True)
    page.get_by_role("link", name="Questionnaire", exact=True).click()
    page.wait_for_url(f"**/questionnaire/{org}/")
    page.fill("#id_effectif", "30")
    page.fill("#add-metier", "aide-soignant")
    page.wait_for_selector("#add-metier-list li")
    page.locator("#add-metier-list li").first.dispatch_event("mousedown")
    metier = page.locator("fieldset.metier").first
    metier.wait_for()
    metier.get_by_label("55 ans ou plus").fill("3")
    metier.get_by_label("55 ans ou plus").dispatch_event("change")
    assert metier.get_by_label("Départs à remplacer d'ici 5 ans").input_value() == "3"
    metier.get_by_label("Recrutements prévus à 12 mois").fill("2")
    metier.get_by_label("Contrat principal").select_option("cdi")
    metier.get_by_label("Recrutement difficile").check()
    metier.get_by_label("Manque de candidats").check()
    page.wait_for_selector("fieldset.metier [data-skill]")
    metier.locator("[data-skill]").first.check()
    page.get_by_label("Formation en situation de travail (AFEST)").check()
    page.locator("input[name=consentement][value=agregats]").check()
    # a locator assertion, not a JavaScript string: the site's Content-Security-Policy forbids eval
    expect(page.locator("#autosave")).to_contain_text("Brouillon enregistré", timeout=15000)
    page.screenshot(path=str(SHOTS / "besoins-questionnaire.png"), full_page=True)
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.wait_for_url(f"**/retour/{org}/")
    assert page.locator("h1").inner_text() == "Votre établissement face au territoire"
    table = page.locator("[data-table=g2g-difficulty]").inner_text()
    assert "J1501" in table and "oui" in table
    page.screenshot(path=str(SHOTS / "besoins-retour.png"), full_page=True)
    page.get_by_role("button", name="Se déconnecter").click()
    login(page, live_url, "coord@example.org")
    page.goto(live_url + f"/besoins/campagnes/{camp}/suivi/")
    assert page.locator("[data-kpi=submitted]").inner_text() == "4"
    assert page.locator("[data-kpi=invited]").inner_text() == "4"
    page.screenshot(path=str(SHOTS / "besoins-suivi.png"), full_page=True)
