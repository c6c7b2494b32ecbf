"""The « Prospective » and « Stress test » pages in headless Chromium, desktop and phone widths."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

KEY = "custom:pays-de-vannes"


def _no_horizontal_scroll(pg) -> bool:
    return pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_prospective_page_desktop(page, live_url):
    _prospective(page, live_url, "page")


def test_prospective_page_phone(phone, live_url):
    _prospective(phone, live_url, "phone")


def _prospective(pg, live_url, device):
    pg.goto(f"{live_url}/territoires/{KEY}/prospective/")
    assert pg.locator("h1").inner_text().startswith("Prospective des métiers")
    bars = pg.locator("svg.bars rect.seg-remplacement")
    assert bars.count() >= 10
    assert pg.locator("table.projection tbody tr").count() > 50
    pg.select_option("#scenario", "covid")
    pg.select_option("#comparer", "reference")
    pg.click("form.switch button[type=submit]")
    pg.wait_for_load_state()
    assert "scenario=covid" in pg.url
    assert pg.locator("#cmp").is_visible()
    assert _no_horizontal_scroll(pg), "la page déborde horizontalement"
    pg.screenshot(path=str(SHOTS / f"prospective-{device}.png"))


def test_stress_page_desktop(page, live_url):
    _stress(page, live_url, "page")


def test_stress_page_phone(phone, live_url):
    _stress(phone, live_url, "phone")


def _stress(pg, live_url, device):
    pg.goto(f"{live_url}/territoires/{KEY}/stress/")
    pg.fill("#nom", f"Saison ratée ({device})")
    pg.select_option("#preset", "tourisme")
    pg.click("form.stress-form button[type=submit]")
    pg.wait_for_load_state()
    assert "/stress/" in pg.url and pg.url.rstrip("/").split("/")[-1] != "stress"
    assert pg.locator("#dep").is_visible()
    assert pg.get_by_text("Où peuvent-ils aller").is_visible()
    permalink = pg.url
    pg.goto(permalink)
    assert f"Saison ratée ({device})" in pg.locator("#res").inner_text()
    assert _no_horizontal_scroll(pg), "la page déborde horizontalement"
    pg.screenshot(path=str(SHOTS / f"stress-{device}.png"))


def test_stress_page_refuses_a_bad_shock(page, live_url):
    page.goto(f"{live_url}/territoires/{KEY}/stress/")
    page.fill("#pertes", "IZ=2")
    page.click("form.stress-form button[type=submit]")
    page.wait_for_load_state()
    assert "taux entre 0 et 1" in page.locator("[role=alert]").inner_text()
