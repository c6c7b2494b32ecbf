"""The career paths flow as a person uses it, in headless Chromium, on a desktop and on a phone (375×667)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.audit import Audit
from tests.browser.conftest import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module", autouse=True)
def warm_text_engine(django_db_setup, django_db_blocker):
    """Build the text engine once before the pages ask for it: its disk cache (var/cache) then lets the test
    server load it in a second instead of building it for tens of seconds on the first request."""
    from gtec.referentials.search import text_engine

    with django_db_blocker.unblock():
        text_engine()


@pytest.fixture
def small_phone(browser):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    pg = context.new_page()
    yield pg
    context.close()


def test_free_text_on_a_phone_to_results_and_saved_link(small_phone, live_url):
    page = small_phone
    page.goto(live_url + "/parcours/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("Ce que vous avez fait, payé ou non").fill(
        "Je me suis occupée de ma mère malade pendant deux ans : toilette, repas, courses."
    )
    page.get_by_role("button", name="Voir mes compétences").click()
    page.wait_for_url("**/parcours/competences/")
    assert page.locator("h1").inner_text() == "Vos compétences"
    assert page.get_by_label(re.compile("Aider la personne")).is_checked()
    page.screenshot(path=str(SHOTS / "parcours-competences-mobile.png"), full_page=True)
    page.get_by_role("button", name="Voir les métiers à ma portée").click()
    page.wait_for_url("**/parcours/resultats/?c=*")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    titles = page.locator("ol.paths h2").all_inner_texts()
    assert any("K1302" in t or "K1311" in t or "K1304" in t for t in titles[:10]), titles[:10]
    assert page.locator(".unavailable").first.inner_text() == "donnée locale indisponible"
    page.screenshot(path=str(SHOTS / "parcours-resultats-mobile.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer et obtenir un lien privé").click()
    page.wait_for_url("**/parcours/s/**")
    assert page.get_by_role("status").inner_text().startswith("Votre parcours est enregistré")
    private = page.url
    page.get_by_role("button", name="Supprimer ce parcours").click()
    assert "supprimé" in page.locator("h1").inner_text()
    assert page.goto(private).status == 404


def test_keyboard_only_appellation_and_skill_autocomplete(page, live_url):
    page.goto(live_url + "/parcours/")
    box = page.get_by_label("Métiers que vous avez exercés")
    box.focus()
    page.keyboard.type("serveuse")
    page.wait_for_selector("#metier-suggestions li")
    assert box.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    chip = page.locator("#metier-picked li")
    assert chip.count() == 1 and "Serveu" in chip.inner_text()
    expect(page.locator("#careers-live")).to_have_text(re.compile(r"ajouté\.$"))
    page.keyboard.press("Tab")  # on to the chip's remove button, then the description
    skill = page.get_by_label("Chercher une compétence ou un savoir")
    skill.focus()
    page.keyboard.type("gérer les stocks")
    page.wait_for_selector("#q_competence-suggestions li")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("#q_competence-picked input[name=c]").count() == 1
    page.get_by_label("Votre commune").select_option(label="Vannes")
    page.get_by_label("Distance maximale").select_option("20")
    page.get_by_role("button", name="Voir mes compétences").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/parcours/competences/")
    assert "De votre expérience : Serveu" in page.locator("#careers-review").inner_text()
    picked = page.locator("#careers-review input[name=c]:checked").count()
    # Add one more skill on the review step with the keyboard: it appears checked, announced.
    add = page.get_by_label("Ajouter une compétence")
    add.focus()
    page.keyboard.type("anglais")
    page.wait_for_selector("#q_competence-suggestions li")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("#careers-review input[name=c]:checked").count() == picked + 1
    expect(page.locator("#careers-live")).to_contain_text("compétences retenues")
    page.get_by_role("button", name="Voir les métiers à ma portée").click()
    page.wait_for_url("**/parcours/resultats/*")
    assert "autour de Vannes (20 km)" in page.locator(".lead").inner_text()
    assert page.locator("ol.paths > li").count() >= 5
    assert page.get_by_role("button", name="Imprimer").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Vue conseiller").click()
    page.wait_for_url("**/parcours/conseil/resultats/*")
    assert page.locator("table.dense tbody tr").count() >= 5
    page.screenshot(path=str(SHOTS / "parcours-conseiller.png"), full_page=True)


def test_flow_without_javascript(browser, live_url):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_url + "/parcours/")
    page.get_by_label("Métiers que vous avez exercés").fill("magasinier, caissiere")
    page.get_by_label("Chercher une compétence ou un savoir").fill("permis poids lourd")
    page.get_by_role("button", name="Voir mes compétences").click()
    # the review page may come slowly on a busy machine (engines warming): wait for it, then count
    expect(page.locator("fieldset legend", has_text="Vous avez écrit")).to_have_count(2)
    assert page.locator("text=Résultats pour « permis poids lourd »").count() == 1
    page.locator("#added-list input").first.check()
    page.get_by_role("button", name="Voir les métiers à ma portée").click()
    page.wait_for_url("**/parcours/resultats/*")
    assert page.locator("ol.paths > li").count() >= 5
    assert "Passerelle officielle du ROME" in page.content()
    context.close()


def describe(page, live_url: str, text: str) -> str:
    """The describe step: `text` typed in « Ce que vous avez fait », sent; the review's text."""
    page.goto(live_url + "/parcours/")
    page.get_by_label("Ce que vous avez fait, payé ou non").fill(text)
    page.get_by_role("button", name="Voir mes compétences").click()
    page.wait_for_url("**/parcours/competences/")
    return page.locator("#careers-review").inner_text()


def test_describe_step_reads_a_whole_job_ad(page, live_url):
    """The describe step with a pasted job ad: the text engine (#10) finds the skills with the passage that
    shows each, and proposes the métier the ad describes (aide-soignante → J1501, not K1302)."""
    review = describe(
        page,
        live_url,
        "Aide-soignante – EHPAD, CDI de nuit\n"
        "- toilette et habillage des résidents\n"
        "- aide aux repas et aux déplacements\n"
        "- surveillance de l'état de santé et transmissions à l'infirmière",
    )
    assert page.get_by_label(re.compile("Aider la personne")).is_checked()
    assert "d'après « aide aux repas" in review
    proposed = page.locator("#text-metiers label").first
    assert "J1501" in proposed.inner_text() and "Aide-soignant" in proposed.inner_text()
    page.screenshot(path=str(SHOTS / "parcours-description-offre.png"), full_page=True)
    before = page.locator("#careers-review input[name=c]:checked").count()
    page.locator("#text-metiers input").first.check()
    page.locator("section[aria-labelledby=h-text-metiers] button").click()
    page.wait_for_url("**/parcours/competences/")
    assert "De votre expérience : Aide-soignant" in page.locator("#careers-review").inner_text()
    assert page.locator("#careers-review input[name=c]:checked").count() > before


def test_describe_step_reads_a_life_story_on_a_phone(phone, live_url):
    """A life story typed on a 390 px phone, all of it unpaid (caring for a father, volunteering at a
    solidarity grocery): the engine (#10) finds « Aider la personne » from the meals prepared and the till
    from « je tiens la caisse », each with the passage that shows it; the page passes axe-core and does not
    scroll sideways."""
    audit = Audit(phone)
    review = describe(
        phone,
        live_url,
        "Pendant six ans je me suis occupée de mon père malade à la maison : je l'aidais à se lever, à se "
        "laver et à s'habiller, je préparais ses repas et je gérais ses médicaments et ses rendez-vous chez "
        "le médecin. Le week-end je suis bénévole à l'épicerie solidaire de Theix, je range les livraisons "
        "et je tiens la caisse.",
    )
    assert phone.get_by_label(re.compile("Aider la personne")).is_checked()
    assert phone.get_by_label(re.compile("Gérer une caisse")).is_checked()
    assert "d'après « je préparais ses repas" in review
    assert "d'après « je tiens la caisse" in review
    assert phone.locator("#text-metiers label").count() >= 1
    phone.screenshot(path=str(SHOTS / "parcours-description-recit-390.png"), full_page=True)
    audit.check("parcours : décrire un récit (téléphone)")
    audit.assert_clean()
