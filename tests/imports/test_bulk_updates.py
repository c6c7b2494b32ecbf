"""Many rows changed at once (`gtec.imports.bulk.update_rows`): on PostgreSQL, from `COPY_UPDATE_FROM` rows,
through a temporary table and one UPDATE; the stored values must be those of the row-by-row path, for dates,
nulls, booleans and JSON alike, on both databases."""

from __future__ import annotations

from datetime import date

import pytest

from gtec.imports.bulk import COPY_UPDATE_FROM
from gtec.imports.sync import sync
from gtec.labour import models as m
from gtec.territories.models import Territory

pytestmark = pytest.mark.django_db


def establishments(n: int, changed: bool) -> list[dict]:
    return [
        {
            "siret": f"{i:014d}",
            "siren": f"{i:09d}",
            "naf": ("47.11F" if changed else "10.71C") if i % 3 else "",
            "tranche_effectifs": "12" if changed else "11",
            "code_insee": "56260",
            "actif": not changed if i % 2 else True,
            "date_creation": (date(2020, 1, 1 + i % 28) if changed else date(2001, 5, 1)) if i % 5 else None,
        }
        for i in range(n)
    ]


@pytest.mark.parametrize("n", [3, COPY_UPDATE_FROM + 100])
def test_many_updated_rows_store_the_new_values(n):
    assert sync(m.Etablissement, establishments(n, False), ("siret",)).created == n
    counts = sync(m.Etablissement, establishments(n, True), ("siret",))
    assert (counts.created, counts.updated, counts.deleted) == (0, n, 0)
    stored = {
        e["siret"]: e
        for e in m.Etablissement.objects.values(
            "siret", "siren", "naf", "tranche_effectifs", "code_insee", "actif", "date_creation"
        )
    }
    assert stored == {row["siret"]: row for row in establishments(n, True)}
    again = sync(m.Etablissement, establishments(n, True), ("siret",))
    assert (again.updated, again.unchanged) == (0, n)


def test_many_updated_json_values_are_stored_as_json():
    territory = Territory.objects.create(scale="custom", code="T1", key="custom:T1", name="Essai")
    n = COPY_UPDATE_FROM + 10

    def rows(version: int) -> list[dict]:
        return [
            {
                "indicator": "offers_demand_ratio",
                "territory_id": territory.pk,
                "occupation_kind": "rome",
                "occupation": f"A{i:04d}",
                "period": "2024",
                "value": None if i % 7 == 0 else i / (3 + version),
                "status": "ok",
                "origin_detail": "",
                "counts": {"offers": float(i + version), "note": "« é »", "list": [version, None]},
            }
            for i in range(n)
        ]

    sync(m.Observation, rows(0), ("indicator", "territory_id", "occupation_kind", "occupation", "period"))
    counts = sync(
        m.Observation, rows(1), ("indicator", "territory_id", "occupation_kind", "occupation", "period")
    )
    assert counts.updated == n
    stored = {o.occupation: o for o in m.Observation.objects.filter(territory=territory)}
    for row in rows(1):
        o = stored[row["occupation"]]
        assert o.counts == row["counts"] and o.value == row["value"]
