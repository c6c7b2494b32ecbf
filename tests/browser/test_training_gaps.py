"""The « formations manquantes » page as a coordinator uses it, in headless Chromium: territory selector,
the ranked gaps with their figures, « s » for secret cells, the demo banner and the CSV export."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.browser.conftest import SHOTS
from tests.training.loading import load_training_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

KEY = "custom:test-manques"
# FAP-2021 cell: (BMO projects, status, Dares category); V0X60 → J1501 (aides-soignants), S1X40 → G1602,
# T2A60 → K1302 (secret at source: its fiches must show « s »)
CELLS = {
    "V0X60": (400, "ok", 5),
    "S1X40": (300, "ok", 4),
    "T2A60": (2, "secret", 3),
    "A1X40": (150, "ok", 1),
    "J0X33": (120, "ok", 2),
}


@pytest.fixture(scope="module", autouse=True)
def gaps_data(django_db_setup, django_db_blocker, tmp_path_factory, data_dir):
    load_training_data(django_db_blocker, tmp_path_factory.mktemp("demo-training-gaps"), data_dir)
    from gtec.labour.models import Observation
    from gtec.territories.models import Membership, Territory
    from tests.factories import ObservationFactory

    with django_db_blocker.unblock():
        territory = Territory.objects.create(
            key=KEY, scale="custom", code="test-manques", name="Test manques", editable=True
        )
        for code in ("56260", "56003", "56206", "56158"):  # Vannes, Arradon, Saint-Avé, Ploeren
            commune = Territory.objects.filter(scale="commune", code=code).first()
            if commune:
                Membership.objects.create(territory=territory, commune=commune)
        for fap, (projects, status, category) in CELLS.items():
            ObservationFactory(
                territory=territory,
                occupation=fap,
                status=status,
                counts={"projects": projects, "difficult": projects / 2},
            )
            ObservationFactory(
                indicator="dares_tension",
                territory=territory,
                occupation=fap,
                value=float(category),
                status=status,
                category=category,
            )
    yield territory
    with django_db_blocker.unblock():
        Observation.objects.filter(territory=territory).delete()
        Membership.objects.filter(territory=territory).delete()
        territory.delete()


def test_gaps_page_ranks_needs_against_places(page, live_url):
    page.goto(live_url + "/formations/manquantes/")
    assert page.locator("h1").inner_text() == "Formations manquantes"
    assert page.locator("#g-territoire").input_value() == settings.GTEC_DEFAULT_TERRITORY
    page.goto(live_url + f"/formations/manquantes/?territoire={KEY}&km=30")
    assert "Test manques" in page.locator(".lead").inner_text()
    assert page.locator("#bandeau-demo").is_visible()  # the demo LHEO offer is synthetic
    rows = page.locator("#manques tbody tr")
    assert rows.count() > 3
    aides = page.locator('#manques tr[data-rome="J1501"]')
    cells = aides.locator("td").all_inner_texts()
    assert cells[0].split()[0] == "45"  # 400 projects × 0.1125 bridge weight
    assert "5 — tension très forte" in cells[4]
    assert "km" in cells[5]  # the nearest training and its distance
    secret = page.locator('#manques tr[data-rome="K1302"] td').all_inner_texts()
    assert secret[0].split()[0] == "s" and secret[2] == "s" and secret[3] == "s"
    # priorities (tag) come first
    first = rows.first.inner_text()
    assert "priorité" in first
    page.screenshot(path=str(SHOTS / "formations-manquantes.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    text = open(info.value.path(), encoding="utf-8-sig").read()
    assert text.splitlines()[0].startswith("code_rome;metier;priorite;postes_a_pourvoir_par_an")
    k1302 = next(line for line in text.splitlines() if line.startswith("K1302;"))
    # the figure is empty and its secrecy stands in its own column, so the numbers stay numbers
    assert k1302.split(";")[3] == "" and k1302.split(";")[4] == "s"
