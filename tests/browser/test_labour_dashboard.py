"""The labour dashboard in headless Chromium: chart, map, « s » where a commune is secret."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

EPCI = "epci:245614383"  # CC Questembert Communauté


@pytest.fixture(scope="module")
def labour_rows(django_db_setup, django_db_blocker):
    """Committed rows (the server is another process): one secret commune, a monthly series, a tension."""
    from gtec.labour import models as m
    from gtec.territories.models import Territory
    from tests.factories import ObservationFactory

    with django_db_blocker.unblock():
        epci = Territory.objects.get(key=EPCI)
        communes = list(epci.communes().order_by("code"))
        seekers = [
            m.DemandeurEmploi(
                mois=date(2024, 1, 1),
                categorie="A",
                niveau_geo="commune",
                code_geo=c.code,
                code_rome="K2204",
                stock=1 if i == 0 else 40 + 13 * i,
            )
            for i, c in enumerate(communes)
        ]
        seekers += [
            m.DemandeurEmploi(
                mois=date(2024, month, 1),
                categorie="ABC",
                niveau_geo="commune",
                code_geo=communes[2].code,
                code_rome="",
                stock=800 + 25 * month,
            )
            for month in range(1, 13)
        ]
        created = m.DemandeurEmploi.objects.bulk_create(seekers)
        obs = ObservationFactory(
            indicator="dares_tension", territory=epci, value=1.2, category=5, counts={"offers": 30}
        )
    yield {"secret_commune": communes[0]}
    with django_db_blocker.unblock():
        m.DemandeurEmploi.objects.filter(pk__in=[r.pk for r in created]).delete()
        obs.delete()


def test_dashboard_chart_map_and_secret(page, phone, live_url, labour_rows):
    page.goto(live_url + f"/territoires/{EPCI}/marche-du-travail/")
    assert page.locator("h1").inner_text().startswith("Marché du travail")
    chart = page.locator("#chart-jobseekers svg.line-chart")
    assert chart.is_visible()
    assert page.locator("#chart-jobseekers path.series").get_attribute("d").count("L") == 11
    assert page.locator(".choropleth svg path").count() == 13
    assert page.locator(".choropleth path.sec").count() >= 2  # the secret commune and its complement
    assert page.locator(".choropleth text.secret-label").count() >= 2
    secret = labour_rows["secret_commune"]
    row = page.locator("#table-communes tbody tr", has_text=secret.name)
    assert row.locator("td").nth(1).inner_text() == "s"
    assert page.locator("#tensions").is_visible()
    page.screenshot(path=str(SHOTS / "labour-dashboard.png"), full_page=True)
    # the map links to the communes' dashboards; the tension table to the fiche pages
    href = page.locator(".choropleth a").first.get_attribute("href")
    assert href.startswith("/territoires/commune:") and href.endswith("/marche-du-travail/")
    page.locator("table.tension a").first.click()
    page.wait_for_url(f"**/territoires/{EPCI}/metiers/**")
    assert page.locator("h1").is_visible()

    phone.goto(live_url + f"/territoires/{EPCI}/marche-du-travail/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"la page déborde en largeur sur téléphone ({width} px)"
    assert phone.locator("#chart-jobseekers svg").bounding_box()["width"] <= 390
    phone.screenshot(path=str(SHOTS / "labour-dashboard-phone.png"), full_page=True)
