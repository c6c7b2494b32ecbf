"""The five journeys of #13 walked end to end, at desktop and phone widths, each page checked by axe-core
(no serious or critical violation) and for sideways scrolling: a citizen, a company, a coordinator, a
training body and a counsellor."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.audit import Audit
from tests.browser.conftest import SHOTS
from tests.browser.test_needs import django_script
from tests.training.loading import load_training_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SETUP = """
import json
from gtec.organisations.models import ADMIN, CONTRIBUTOR, COORDINATOR, Organisation
from gtec.surveys import services
from tests.surveys import helpers as h
camp = h.campaign()
for i in range(3):
    h.submit(camp, h.company(f"Parcours voisine {i}"))
org = h.company("Parcours clinique", naf="86.10Z")
services.campaign_invite(camp, [org])
h.user("rh@parcours.test", org, ADMIN)
h.user("coord@parcours.test", role=COORDINATOR, terr=camp.territory)
body = Organisation.objects.create(name="Parcours institut", kind="organisme_formation")
h.user("of@parcours.test", body, CONTRIBUTOR)
print(json.dumps([camp.pk, org.pk]))
"""
TEARDOWN = """
from django.contrib.auth import get_user_model
from gtec.organisations.models import Organisation
from gtec.surveys.models import Campaign
Campaign.objects.filter(name="Campagne test").delete()
Organisation.objects.filter(name__startswith="Parcours ").delete()
get_user_model().objects.filter(username__endswith="@parcours.test").delete()
"""


@pytest.fixture(scope="module")
def world(live_url, django_db_blocker, tmp_path_factory, data_dir):
    load_training_data(django_db_blocker, tmp_path_factory.mktemp("journeys-training"), data_dir)
    django_script(TEARDOWN)
    camp, org = json.loads(django_script(SETUP).strip().splitlines()[-1])
    yield camp, org
    django_script(TEARDOWN)


@pytest.fixture(params=["bureau", "telephone"])
def screen(request, browser):
    phone = request.param == "telephone"
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900},
        is_mobile=phone,
        has_touch=phone,
    )
    pg = context.new_page()
    pg.width_label = request.param
    yield pg
    context.close()


def login(page, live_url, username):
    page.goto(live_url + "/comptes/connexion/")
    page.get_by_label("Courriel (identifiant)").fill(username)
    page.get_by_label("Mot de passe").fill("mot-de-passe-test")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/besoins/")


def test_citizen_finds_reachable_jobs_and_keeps_a_private_link(screen, live_url, world):
    page, audit = screen, Audit(screen)
    page.goto(live_url + "/")
    audit.check("accueil")
    page.get_by_role("link", name="Je cherche un métier").click()
    page.wait_for_url("**/parcours/")
    audit.check("parcours : décrire")
    page.fill("#metier", "serveur")
    page.fill("#texte", "J'ai été serveuse pendant 5 ans dans une crêperie, bénévole aux Restos du cœur.")
    page.get_by_role("button", name="Voir mes compétences").click()
    page.wait_for_url("**/parcours/competences/")
    audit.check("parcours : vérifier")
    page.get_by_role("button", name="Voir les métiers à ma portée").click()
    page.wait_for_url("**/parcours/resultats/**")
    assert page.get_by_role("heading", name="En bref").is_visible()
    audit.check("parcours : résultats")
    page.screenshot(path=str(SHOTS / f"parcours-resultats-{page.width_label}.png"), full_page=False)
    page.get_by_role("button", name="Enregistrer et obtenir un lien privé").click()
    page.wait_for_url("**/parcours/s/**")
    assert page.get_by_role("status").inner_text().startswith("Votre parcours est enregistré")
    audit.check("parcours : lien privé")
    page.get_by_role("button", name="Supprimer ce parcours").click()  # leaves nothing behind
    page.wait_for_load_state()
    for path in (
        "/methodes/",
        "/accessibilite/",
        "/mentions-legales/",
        "/donnees-personnelles/",
        "/contact/",
    ):
        page.goto(live_url + path)
        audit.check(path)
    audit.assert_clean()


def test_company_opens_its_questionnaire(screen, live_url, world):
    camp, org = world
    page, audit = screen, Audit(screen)
    page.goto(live_url + "/")
    page.get_by_role("link", name="Je recrute").click()
    login(page, live_url, "rh@parcours.test")
    audit.check("besoins : accueil entreprise")
    page.goto(live_url + f"/besoins/campagnes/{camp}/questionnaire/{org}/")
    audit.check("besoins : questionnaire")
    # the template is offered to the company: download it, fill it as a company would, import it
    siret = re.search(r"\d{14}", page.locator("dl.identity").inner_text()).group(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le modèle de questionnaire (XLSX)").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    _fill_like_a_company(book, siret)
    out = io.BytesIO()
    book.save(out)
    page.locator("#id_fichier").set_input_files(
        files=[
            {
                "name": "mon-questionnaire.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": out.getvalue(),
            }
        ]
    )
    page.get_by_role("button", name="Importer comme brouillon").click()
    expect(page.get_by_text("Classeur « mon-questionnaire.xlsx » importé")).to_be_visible()
    expect(page.locator("#etat")).to_contain_text("brouillon")
    audit.check("besoins : questionnaire importé")
    page.screenshot(path=str(SHOTS / f"questionnaire-classeur-{page.width_label}.png"), full_page=True)
    page.goto(live_url + f"/besoins/organisations/{org}/")
    audit.check("besoins : organisation")
    audit.assert_clean()


def _fill_like_a_company(book, siret: str) -> None:
    """Keep the example's occupation label, delete the example rows, write the company's own rows."""
    for title in ("Etablissements", "Metiers", "Competences"):
        ws = book[title]
        names = [c.value for c in ws[1]]
        example = dict(zip(names, [c.value for c in ws[2]], strict=False))
        ws.delete_rows(2)
        example["Ligne d'exemple"] = None
        example["SIRET"] = siret
        ws.append([example[n] for n in names])


def test_coordinator_follows_the_campaign_and_the_territory(screen, live_url, world):
    camp, _ = world
    page, audit = screen, Audit(screen)
    login(page, live_url, "coord@parcours.test")
    audit.check("besoins : accueil coordinateur")
    expect(page.get_by_text("Suivi : Campagne test")).to_be_visible()
    assert "(ouverte)" in page.locator("main").inner_text()  # a state inside a sentence, not « (Ouverte) »
    logout = page.get_by_role("button", name="Se déconnecter")  # a menu item, not a white button
    assert logout.evaluate("b => getComputedStyle(b).backgroundColor") == "rgba(0, 0, 0, 0)"
    page.goto(live_url + f"/besoins/campagnes/{camp}/suivi/")
    audit.check("besoins : suivi de campagne")
    page.get_by_role("link", name="Ajouter et inviter une organisation").click()
    audit.check("besoins : ajouter des organisations")
    page.get_by_label("Raison sociale").fill("Parcours garage")
    page.get_by_label("SIRET", exact=True).fill("73282932000074")
    page.get_by_label("Code NAF").fill("4520A")
    page.get_by_label("Commune", exact=True).select_option(label="Vannes")
    page.get_by_label("Courriel de la personne à inviter (administrateur)").fill("garage@parcours.test")
    page.get_by_role("button", name="Créer et inviter").click()
    expect(page.get_by_text("invitée à la campagne")).to_be_visible()
    expect(page.get_by_role("cell", name="Parcours garage")).to_be_visible()
    page.screenshot(path=str(SHOTS / f"campagne-organisation-ajoutee-{page.width_label}.png"), full_page=True)
    page.goto(live_url + f"/besoins/campagnes/{camp}/organisations/ajouter/")
    roster = "raison sociale;SIRET;courriel;commune;code NAF\nParcours liste;44306184100047;liste@parcours.test;56260;\n"
    page.locator("#id_liste").set_input_files(
        files=[{"name": "liste.csv", "mimeType": "text/csv", "buffer": roster.encode()}]
    )
    page.get_by_role("button", name="Importer la liste").click()
    expect(page.get_by_text("Liste « liste.csv »")).to_be_visible()
    page.goto(live_url + f"/besoins/campagnes/{camp}/")
    audit.check("besoins : résultats agrégés")
    for fmt in ("CSV", "XLSX"):
        link = page.get_by_role("link", name=fmt, exact=True)
        response = page.request.get(live_url + link.get_attribute("href"))
        assert response.status == 200 and response.body()[:3] in (b"\xef\xbb\xbf", b"PK\x03")
    page.screenshot(path=str(SHOTS / f"campagne-resultats-{page.width_label}.png"), full_page=True)
    page.goto(live_url + "/territoires/custom:pays-de-vannes/marche-du-travail/")
    audit.check("marché du travail")
    page.goto(live_url + "/comparer/")
    audit.check("comparer")
    page.goto(live_url + "/formations/manquantes/")
    audit.check("formations manquantes")
    summary = page.locator("#resume").inner_text()
    assert not re.search(r"\b[01] métiers\b", summary), summary  # « 0 métier prioritaire », French plural
    audit.assert_clean()


def test_training_body_reads_the_catalogue_and_adds_an_offer(screen, live_url, world):
    page, audit = screen, Audit(screen)
    login(page, live_url, "of@parcours.test")
    page.goto(live_url + "/")
    page.get_by_role("link", name="Je forme").click()
    page.wait_for_url("**/formations/manquantes/**")
    audit.check("je forme : formations manquantes")
    page.goto(live_url + "/formations/")
    audit.check("catalogue")
    page.locator("#catalogue li > a").first.click()
    page.wait_for_url("**/formations/*/")
    assert page.get_by_role("heading", name="S'inscrire, se renseigner").is_visible()
    audit.check("formation")
    page.goto(live_url + "/formations/nouvelle/")
    audit.check("nouvelle formation")
    # the commune by name and the occupations by appellation, picked from the suggestions
    page.fill("#id_commune", "vann")
    page.get_by_role("option", name="Vannes (56)").click()
    expect(page.locator("#id_commune")).to_have_value("Vannes (56)")
    page.locator("#id_romes").press_sequentially("aide-soig", delay=20)
    option = page.locator("#id_romes-suggestions li").first
    expect(option).to_be_visible()
    option.click()
    expect(page.locator("#id_romes")).to_have_value(re.compile(r"\([A-N]\d{4}\); $"))
    page.screenshot(path=str(SHOTS / f"offre-suggestions-{page.width_label}.png"), full_page=False)
    audit.check("nouvelle formation : suggestions")
    # sent without a title: refused in French, and what was typed is kept whole (nothing is stored)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    expect(page.locator("#id_commune")).to_have_value("Vannes (56)")
    expect(page.locator("#id_romes")).to_have_value(re.compile(r"\([A-N]\d{4}\);"))
    audit.check("nouvelle formation : erreurs")
    audit.assert_clean()


def test_counsellor_explores_paths_for_a_person(screen, live_url, world):
    page, audit = screen, Audit(screen)
    page.goto(live_url + "/")
    page.get_by_role("link", name="J'accompagne").click()
    page.wait_for_url("**/parcours/conseil/")
    expect(page.get_by_role("heading", name="Les outils des partenaires")).to_be_visible()
    audit.check("conseil : décrire")
    page.fill("#metier", "aide-soignant")
    page.get_by_role("button", name="Voir mes compétences").click()
    page.wait_for_url("**/parcours/competences/")
    audit.check("conseil : vérifier")
    page.get_by_role("button", name="Voir les métiers à ma portée").click()
    page.wait_for_url("**/parcours/conseil/resultats/**")
    audit.check("conseil : résultats")
    boxes = page.locator("input[name=m]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Préparer la fiche à remettre").click()
    page.wait_for_url("**/parcours/conseil/fiche/**")
    expect(page.locator("section.sheet")).to_have_count(2)
    expect(page.get_by_role("link", name="Immersion Facile").first).to_be_visible()
    page.screenshot(path=str(SHOTS / f"conseil-fiche-{page.width_label}.png"), full_page=True)
    audit.check("conseil : fiche à remettre")
    page.emulate_media(media="print")
    expect(page.locator("section.sheet").first).to_be_visible()
    expect(page.locator("header.site")).to_be_hidden()
    audit.assert_clean()
