"""The read side's cache follows every write of observations, not only imports: a recomputation that updates
rows in place (no new row, no import run, every primary-key maximum unchanged) shows its new figures at once,
without emptying the cache."""

from __future__ import annotations

import polars as pl
import pytest

from gtec.imports.models import ImportRun
from gtec.labour import models as m
from gtec.labour import read
from gtec.labour.observations.storage import OBSERVATION_SCHEMA, store_observations
from gtec.territories.models import Territory

pytestmark = pytest.mark.django_db

EPCI = "epci:245614383"  # CC Questembert Communauté


def _difficulty(territory: Territory, value: float) -> pl.DataFrame:
    row = {
        "indicator": "bmo_difficulty_rate", "territory_id": territory.pk, "occupation_kind": "all",
        "occupation": "", "period": "2024", "value": value, "status": "ok", "category": None, "counts": "{}",
        "synthetic": False, "origin": "computed", "origin_detail": "",
    }  # fmt: skip
    return pl.DataFrame([row], schema=OBSERVATION_SCHEMA, orient="row")


def test_observations_written_in_place_reach_the_cached_read_side():
    territory = Territory.objects.get(key=EPCI)
    store_observations(_difficulty(territory, 0.4), [territory.pk])
    assert read.key_figures(territory, "2024")["difficulty"].display == "40,0 %"  # now in the cache
    stored = m.Observation.objects.get(indicator="bmo_difficulty_rate", territory=territory)
    runs = ImportRun.objects.count()
    counts = store_observations(_difficulty(territory, 0.55), [territory.pk])
    assert counts.updated == 1 and counts.created == 0
    assert m.Observation.objects.get(indicator="bmo_difficulty_rate", territory=territory).pk == stored.pk
    assert ImportRun.objects.count() == runs  # no import run: only the write itself can tell the cache
    figures = read.key_figures(territory, "2024")
    assert figures["difficulty"].display == "55,0 %"
