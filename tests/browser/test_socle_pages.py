"""The Socle pages as a person uses them, in headless Chromium."""

import pytest

from tests.browser.conftest import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_home_map_and_territory_switch(page, live_url):
    page.goto(live_url + "/")
    assert page.locator("h2.h1").inner_text().startswith("Pays de Vannes")
    assert page.locator(".map svg path").count() > 50
    page.screenshot(path=str(SHOTS / "accueil.png"), full_page=True)
    page.select_option("#territoire-select", "ze:5318")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**/territoires/ze:5318/")
    assert "Zone d'emploi de Vannes" in page.locator("h1").inner_text()
    assert page.locator(".map svg path").count() == 60
    page.locator(".map a[href='/territoires/commune:56260/']").click()
    page.wait_for_url("**/commune:56260/")
    assert page.locator("h1").inner_text().startswith("Vannes")


def test_search_with_keyboard_autocomplete_opens_the_fiche(page, live_url):
    page.goto(live_url + "/metiers/")
    box = page.get_by_label("Rechercher parmi les")
    box.fill("devloppeuse informatiq")
    page.wait_for_selector("#q-suggestions li")
    assert "Développeur / Développeuse informatique" in page.locator("#q-suggestions").inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    page.screenshot(path=str(SHOTS / "recherche.png"))
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/metiers/M1805/**")
    assert page.locator("h1").inner_text().startswith("Développeur / Développeuse informatique")
    assert page.locator(".badge.core").count() >= 5
    page.screenshot(path=str(SHOTS / "fiche-M1805.png"), full_page=True)


def test_search_works_without_autocomplete(page, live_url):
    page.goto(live_url + "/metiers/")
    page.get_by_label("Rechercher parmi les").fill("aide soignante")
    page.get_by_role("button", name="Rechercher").last.click()
    page.wait_for_url("**/metiers/?q=*")
    first = page.locator("ol.results li a").first
    assert "Aide-soignant" in first.inner_text()
    first.click()
    assert page.locator("h1").inner_text().endswith("J1501")


def test_mobility_links_navigate(page, live_url):
    page.goto(live_url + "/metiers/M1805/")
    link = page.locator("#mobilites ~ ol a").first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url("**" + target)
    assert page.locator("h1").is_visible()


def test_skip_link_is_first_in_tab_order(page, live_url):
    page.goto(live_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"


def test_phone_layout_has_no_horizontal_scroll(phone, live_url):
    for path in ("/", "/metiers/M1805/", "/metiers/?q=soudeur"):
        phone.goto(live_url + path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    phone.goto(live_url + "/")
    phone.screenshot(path=str(SHOTS / "accueil-telephone.png"), full_page=True)
