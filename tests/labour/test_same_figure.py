"""The same figure is the same everywhere, and counts of people are whole numbers (#13): the job-seeker headline
equals the commune table's total and the sum of its rows; allocated (population-share) counts are never shown
with decimals; the BMO projects of the headline are those of the export, and a rate's base is named as such."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache

from gtec.labour import models as m
from gtec.labour import read
from gtec.labour.read.cells import count_cell
from gtec.territories.models import Territory
from gtec_core.french import parse_fr
from gtec_core.secrecy import TOTAL
from tests.factories import ObservationFactory

pytestmark = pytest.mark.django_db

EPCI = "epci:245614383"  # CC Questembert Communauté


@pytest.fixture
def seekers(db):
    """Three months of category-A job seekers whose commune means are not whole (100.33…, 200.33…)."""
    epci = Territory.objects.get(key=EPCI)
    communes = list(epci.communes().order_by("code"))[:4]
    rows = []
    for i, c in enumerate(communes):
        for month, extra in zip((1, 2, 3), (0, 0, 1), strict=True):
            rows.append(
                m.DemandeurEmploi(
                    mois=date(2024, month, 1),
                    categorie="A",
                    niveau_geo="commune",
                    code_geo=c.code,
                    code_rome="K2204",
                    stock=100 * (i + 1) + extra,
                )
            )
    m.DemandeurEmploi.objects.bulk_create(rows)
    return epci


def test_jobseekers_headline_is_the_commune_table_total(seekers):
    table = read.commune_table(seekers, "2024")
    body = table.filter(table["commune"] != TOTAL)
    shown = [v for v in body["jobseekers"].to_list() if v]
    assert shown and all(float(v).is_integer() for v in shown)  # whole people, not 100,33
    total = table.filter(table["commune"] == TOTAL).row(0, named=True)
    figures = read.key_figures(seekers, "2024")
    assert figures["stock_a"].value == total["jobseekers"] == sum(body["jobseekers"].to_list())
    # the raw mean of the four communes is 1 001,33 (→ 1 001 in the headline before) while the rows shown add
    # up to 1 000: both now say the sum of what is shown
    assert figures["stock_a"].value == 100 + 200 + 300 + 400
    assert parse_fr(figures["stock_a"].display) == figures["stock_a"].value


def test_allocated_counts_are_whole_numbers():
    territory = Territory.objects.get(key=EPCI)
    ObservationFactory(
        indicator="hiring_intensity",
        territory=territory,
        occupation="A0X40",
        value=0.3,
        origin="population",
        counts={"projects": 433.7, "employment": 1445.6},
    )
    export = read.indicator_export("hiring_intensity", territory, "2024")
    text = export["effectifs"].to_list()[0]
    assert text == "projects = 434, employment = 1\u202f446"
    assert count_cell(433.7).display == "434" and count_cell(433.7).value == 434


def test_bmo_projects_of_the_headline_and_of_the_export_agree():
    cache.clear()  # the read side caches per data version; another test read this territory's empty BMO table
    territory = Territory.objects.get(key=EPCI)
    for code, value in (("A0X40", 120.0), ("V0X60", 80.0), ("A0X41", 40.0)):
        ObservationFactory(
            indicator="bmo_projects", territory=territory, occupation=code, value=value, origin="sum"
        )
    ObservationFactory(
        indicator="bmo_projects",
        territory=territory,
        occupation="",
        occupation_kind="all",
        value=240.0,
        origin="sum",
    )
    # the « tous métiers » difficulty rate is computed on the projects whose numerator is published (200)
    ObservationFactory(
        indicator="bmo_difficulty_rate",
        territory=territory,
        occupation="",
        occupation_kind="all",
        value=0.5,
        origin="sum",
        counts={"projects": 200.0, "difficult": 100.0},
    )
    headline = read.key_figures(territory, "2024")["projects"]
    export = read.indicator_export("bmo_projects", territory, "2024")
    total = export.filter(export["metier"] == "tous").row(0, named=True)
    assert headline.value == total["valeur"] == 240 and headline.display == total["affichage"]
    rate = read.indicator_export("bmo_difficulty_rate", territory, "2024")
    base = rate.filter(rate["metier"] == "tous").row(0, named=True)["effectifs"]
    assert "projects (base du taux) = 200" in base  # never read as a second BMO total
