"""End to end in headless Chromium, on the demo territory: the coordinator opens the diagnostic (progress,
then the document), freezes it, compares it with today, writes an action with an indicator to move, a retex
entry, and finds it in the journal; then the same pages on a 390 px phone, without horizontal scrolling."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SHOTS
from tests.diagnostics.conftest import demo_loaded

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TERRITORY = "custom:pays-de-vannes"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    # in tests/browser, so that the session's one Chromium and live server serve this walk too
    yield from demo_loaded(django_db_blocker, tmp_path_factory)


def login(pg, live_url):
    pg.goto(live_url + "/comptes/connexion/")
    pg.get_by_label("Courriel (identifiant)").fill("coordinateur@demo.gtec")
    pg.get_by_label("Mot de passe").fill("demo-gtec-2025")
    pg.get_by_role("button", name="Se connecter").click()
    pg.wait_for_load_state()


def no_horizontal_scroll(pg) -> bool:
    """On a phone the layout viewport widens to fit overflowing content: compare with the device width."""
    return pg.evaluate("document.documentElement.scrollWidth") <= pg.viewport_size["width"] + 1


def test_diagnostic_snapshot_action_and_retex(demo, page, phone, live_url):
    login(page, live_url)
    page.goto(live_url + f"/territoires/{TERRITORY}/diagnostic/")
    assert page.locator(".diag-progress progress").count() == 1  # the progress shows while the document loads
    page.wait_for_selector("#diag-body[data-loaded] #h-en-bref", timeout=60_000)
    assert page.locator("#diag-body h1").inner_text() == "Diagnostic emploi-formation — Pays de Vannes"
    assert page.locator("#diag-body section.chapter").count() >= 5
    page.screenshot(path=str(SHOTS / "diagnostic-desktop.png"), full_page=True)

    # freeze it, then compare with today
    page.fill("#snap-title", "Comité de pilotage")
    page.get_by_role("button", name="Geler ce diagnostic").click()
    page.wait_for_url("**/diagnostics/instantanes/*/", timeout=60_000)
    assert page.locator("h1").inner_text() == "Comité de pilotage"
    page.get_by_role("button", name="Comparer").click()
    page.wait_for_selector("#compare-figures", timeout=60_000)
    assert page.locator("#compare-summary").inner_text().startswith("0 chiffre")
    assert page.locator("#compare-figures tbody tr").count() >= 10

    # an action aimed at an indicator, then a retex entry
    page.goto(live_url + f"/territoires/{TERRITORY}/plan-d-action/")
    page.get_by_role("link", name="Nouvelle action").click()
    page.get_by_label("Intitulé").fill("Job-dating des métiers du soin")
    page.select_option("#id_lead", index=1)
    page.get_by_label("Budget (€)").fill("12000")
    page.select_option("#id_ind-0-indicator", "dares_tension")
    page.fill("#id_ind-0-occupation", "T4X60")
    page.fill("#id_ind-0-target", "1")
    page.get_by_role("button", name="Créer l'action").click()
    page.wait_for_url("**/actions/*/")
    assert page.locator("h1").inner_text() == "Job-dating des métiers du soin"
    row = page.locator("#followup tbody tr").first
    assert "Indicateur synthétique de tension" in row.inner_text()
    assert "pas encore de nouvelle donnée" in row.inner_text()
    page.fill("#retex-form input[name=date]", "2025-03-14")
    page.select_option("#retex-form select[name=kind]", "reussite")
    page.fill("#retex-form input[name=title]", "Quarante candidats reçus")
    page.fill("#retex-form textarea[name=text]", "Le format court a plu aux employeurs.")
    page.get_by_role("button", name="Ajouter au journal").click()
    page.wait_for_selector("article.retex-entry")
    assert page.locator("article.retex-entry h3").inner_text() == "Quarante candidats reçus"
    page.screenshot(path=str(SHOTS / "action-desktop.png"), full_page=True)
    action_url = page.url

    page.goto(live_url + f"/territoires/{TERRITORY}/retex/?q=format+court")
    assert page.locator("#retex-count").inner_text().startswith("1 retour")

    # the phone
    login(phone, live_url)
    for url, shot in [
        (action_url, "action-phone.png"),
        (live_url + f"/territoires/{TERRITORY}/retex/", "retex-phone.png"),
        (live_url + f"/territoires/{TERRITORY}/plan-d-action/", "plan-phone.png"),
    ]:
        phone.goto(url)
        assert no_horizontal_scroll(phone), url
        phone.screenshot(path=str(SHOTS / shot), full_page=True)
    phone.goto(live_url + f"/territoires/{TERRITORY}/diagnostic/")
    phone.wait_for_selector("#diag-body[data-loaded] #h-en-bref", timeout=60_000)
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(SHOTS / "diagnostic-phone.png"), full_page=True)
    snapshot = phone.locator(".snapshots a").first
    snapshot.click()
    phone.wait_for_url("**/diagnostics/instantanes/*/")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(SHOTS / "snapshot-phone.png"), full_page=True)
