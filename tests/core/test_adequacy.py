"""Adequacy indicators (methods.md §7.4) as tables of input → expected output."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from gtec_core.indicators.adequacy import (
    centroid,
    coverage,
    haversine_km,
    places_per_year,
    tension_without_training,
    uncovered_skills,
)


def test_places_are_split_equally_over_the_fiches_of_an_action():
    links = pl.DataFrame({"action_id": [1, 1, 2], "code_rome": ["J1501", "K1302", "J1501"]})
    sessions = pl.DataFrame(
        {
            "action_id": [1, 1, 2, 2, 3],
            "debut": [
                dt.date(2025, 9, 1),
                dt.date(2026, 1, 5),
                dt.date(2025, 3, 1),
                None,
                dt.date(2025, 1, 1),
            ],
            "nb_places": [20, 10, None, 8, 50],
        }
    )
    out = places_per_year(links, sessions, default_places=0)
    assert out.to_dicts() == [
        {"code_rome": "J1501", "year": 2025, "places": 10.0, "sessions": 2, "sessions_without_places": 1},
        {"code_rome": "J1501", "year": 2026, "places": 5.0, "sessions": 1, "sessions_without_places": 0},
        {"code_rome": "K1302", "year": 2025, "places": 10.0, "sessions": 1, "sessions_without_places": 0},
        {"code_rome": "K1302", "year": 2026, "places": 5.0, "sessions": 1, "sessions_without_places": 0},
    ]
    with_default = places_per_year(links, sessions, default_places=12)
    assert with_default.filter(pl.col("code_rome") == "J1501")["places"].to_list() == [22.0, 5.0]


def test_coverage_reproduces_the_methods_worked_example():
    # PàP 2019–2030 = 1 100 (100 a year); 80 DEAS leavers a year with π = 0.85 → 68; COUV = 0.68 (§7.4).
    supply = pl.DataFrame({"code_rome": ["J1501"], "places": [80 * 0.85]})
    needs = pl.DataFrame({"code_rome": ["J1501", "M1805"], "positions": [1100, 0]})
    tension = pl.DataFrame({"code_rome": ["J1501"], "category": [5]})
    out = coverage(supply, needs, horizon_years=11, tension=tension)
    rows = {r["code_rome"]: r for r in out.to_dicts()}
    assert rows["J1501"]["coverage"] == pytest.approx(0.68)
    assert rows["J1501"]["under_covered"] and rows["J1501"]["priority"]
    assert rows["M1805"]["coverage"] is None and not rows["M1805"]["under_covered"]


@pytest.mark.parametrize(
    ("places", "positions", "category", "expected"),
    [(120, 100, 5, (1.2, False, False)), (50, 100, 3, (0.5, True, False)), (0, 100, 4, (0.0, True, True))],
)
def test_coverage_table(places, positions, category, expected):
    out = coverage(
        pl.DataFrame({"code_rome": ["X0001"], "places": [float(places)]}),
        pl.DataFrame({"code_rome": ["X0001"], "positions": [positions]}),
        tension=pl.DataFrame({"code_rome": ["X0001"], "category": [category]}),
    ).row(0, named=True)
    assert (out["coverage"], out["under_covered"], out["priority"]) == expected


def test_tension_without_training_within_a_distance():
    vannes = (47.66, -2.7568)
    tension = pl.DataFrame({"code_rome": ["J1501", "F1703", "M1805", "A1415"], "category": [5, 4, 5, 3]})
    trainings = pl.DataFrame(
        {
            "code_rome": ["J1501", "F1703", "A1415"],
            "latitude": [47.6986, 48.11, 47.52],  # Saint-Avé; Rennes; Sarzeau
            "longitude": [-2.7418, -1.68, -2.75],
        }
    )
    out = tension_without_training(tension, trainings, origin=vannes, max_km=30)
    assert out["code_rome"].to_list() == ["M1805", "F1703"]  # J1501 is 4 km away; A1415 is not in tension
    assert out.filter(pl.col("code_rome") == "M1805")["nearest_km"][0] is None
    assert out.filter(pl.col("code_rome") == "F1703")["nearest_km"][0] == pytest.approx(95, abs=5)


def test_uncovered_skills_most_cited_first():
    cited = pl.DataFrame(
        {"code_ogr": [1, 2, 3, 4], "libelle": ["a", "b", "c", "d"], "companies": [3, 9, 1, 9]}
    )
    covered = pl.DataFrame({"code_ogr": [3, 3, 4]})
    assert uncovered_skills(cited, covered)["code_ogr"].to_list() == [2, 1]


def test_geometry_helpers():
    assert haversine_km(47.66, -2.7568, 47.66, -2.7568) == 0
    assert haversine_km(48.8566, 2.3522, 45.7640, 4.8357) == pytest.approx(392, abs=2)  # Paris–Lyon
    square = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}
    assert centroid(square) == pytest.approx((1.0, 1.0))
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square["coordinates"], [[[10, 0], [11, 0], [11, 1], [10, 1], [10, 0]]]],
    }
    lat, lon = centroid(multi)
    assert lon == pytest.approx((4 * 1 + 1 * 10.5) / 5) and lat == pytest.approx((4 * 1 + 1 * 0.5) / 5)
