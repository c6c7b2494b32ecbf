"""The training catalogue and a training page as a person uses them, in headless Chromium."""

import pytest

from tests.browser.conftest import SHOTS
from tests.training.loading import load_training_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="session", autouse=True)
def training_data(django_db_setup, django_db_blocker, tmp_path_factory, data_dir):
    return load_training_data(django_db_blocker, tmp_path_factory.mktemp("demo-training-browser"), data_dir)


def count(page) -> int:
    return int(page.locator("#nb-actions").inner_text())


def test_catalogue_filters_and_map(page, live_url):
    page.goto(live_url + "/")
    page.get_by_role("link", name="Formations").first.click()
    page.wait_for_url("**/formations/")
    assert page.locator("h1").inner_text() == "Formations du territoire"
    total = count(page)
    assert total > 100
    assert page.locator(".map svg path").count() >= 50
    page.screenshot(path=str(SHOTS / "formations.png"), full_page=True)
    page.select_option("#f-metier", "J1501")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**metier=J1501**")
    assert 0 < count(page) < total
    titles = page.locator("#catalogue li > a").all_inner_texts()
    assert titles and all("aide-soignant" in t.lower() for t in titles)
    page.select_option("#f-metier", "")
    page.get_by_label("En alternance").check()
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**alternance=1**")
    assert all("alternance" in m for m in page.locator("#catalogue .meta").all_inner_texts())
    # a commune on the map filters the list to it
    page.locator(".map a").first.click()
    page.wait_for_url("**commune=*")
    commune = page.locator("#f-commune option:checked").inner_text()
    assert commune and count(page) > 0


def test_training_page_shows_occupations_and_skills(page, live_url):
    page.goto(live_url + "/formations/?q=aide-soignant")
    page.locator("#catalogue li > a").first.click()
    page.wait_for_url("**/formations/*/")
    assert "aide-soignant" in page.locator("h1").inner_text().lower()
    assert "Aide-soignant" in page.locator("#liste-metiers").inner_text()
    assert page.locator("#liste-competences li").count() > 3
    assert page.get_by_text("Données synthétiques").is_visible()
    page.screenshot(path=str(SHOTS / "formation.png"), full_page=True)
    page.locator("#liste-metiers a").first.click()
    page.wait_for_url("**/metiers/J1501/")
    assert page.locator("h1").inner_text().endswith("J1501")
