"""Adequacy indicators (methods.md §7.4) as tables of input → expected output."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from gtec_core.indicators.adequacy import (
    centroid,
    coverage,
    gap_table,
    haversine_km,
    main_category,
    needs_by_rome,
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


BRIDGE = pl.DataFrame(
    {
        "code_fap2021": ["V5X80", "V5X80", "S1X40", "S1X40", "T4X60"],
        "code_rome": ["J1501", "K1302", "G1602", "G1603", "K1302"],
        "weight": [0.75, 0.25, 0.5, 0.5, 1.0],
        "rome_share": [1.0, 0.2, 1.0, 1.0, 0.8],
    }
)


def test_needs_spread_over_fiches_and_secrecy_is_inherited():
    needs = pl.DataFrame(
        {
            "code_fap2021": ["V5X80", "S1X40", "T4X60"],
            "positions": [40.0, 30.0, None],
            "secret": [False, False, True],
        }
    )
    out = {r["code_rome"]: r for r in needs_by_rome(needs, BRIDGE).iter_rows(named=True)}
    assert out["J1501"] == {"code_rome": "J1501", "positions": 30.0, "secret": False}
    assert out["G1602"]["positions"] == out["G1603"]["positions"] == 15.0
    # K1302 draws 10 from a published cell and the rest from a secret one: secret, no value at all
    assert out["K1302"] == {"code_rome": "K1302", "positions": None, "secret": True}


def test_main_category_is_the_category_of_the_fiche_main_fap():
    tension = pl.DataFrame(
        {"code_fap2021": ["V5X80", "T4X60", "S1X40"], "category": [5, 2, 4], "secret": [False, False, True]}
    )
    out = {r["code_rome"]: r for r in main_category(tension, BRIDGE).iter_rows(named=True)}
    assert out["K1302"]["code_fap2021"] == "T4X60" and out["K1302"]["category"] == 2  # share 0.8 > 0.2
    assert out["J1501"]["category"] == 5
    assert out["G1602"]["category"] is None and out["G1602"]["tension_secret"] is True


GAP_CASES = [
    # positions, secret, places, category, nearest_km → coverage, unfilled, under_covered, far, priority
    ((100.0, False, 68.0, 5, 4.0), (0.68, 32.0, True, False, True)),  # the §7.4 worked example
    ((100.0, False, 120.0, 5, 4.0), (1.2, 0.0, False, False, False)),  # covered, training nearby
    ((10.0, False, 0.0, 4, 80.0), (0.0, 10.0, True, True, True)),
    ((10.0, False, 0.0, 3, None), (0.0, 10.0, True, True, False)),  # under-covered but not in tension
    ((None, True, 5.0, 4, 12.0), (None, None, None, False, False)),  # secret: nothing derived
    ((None, True, 0.0, 5, None), (None, None, None, True, True)),  # secret, but no training at all
    ((0.0, False, 0.0, 5, None), (None, 0.0, False, True, True)),  # tension without any need reported
]


@pytest.mark.parametrize(("given", "expected"), GAP_CASES)
def test_gap_table_rows(given, expected):
    positions, secret, places, category, km = given
    out = gap_table(
        pl.DataFrame({"code_rome": ["J1501"], "positions": [positions], "secret": [secret]}),
        pl.DataFrame({"code_rome": ["J1501"], "places": [places]}),
        pl.DataFrame({"code_rome": ["J1501"], "category": [category]}),
        pl.DataFrame(
            {"code_rome": ["J1501"], "nearest_km": [km]},
            schema={"code_rome": pl.String, "nearest_km": pl.Float64},
        ),
        max_km=30,
    ).row(0, named=True)
    cov = out["coverage"] if out["coverage"] is None else round(out["coverage"], 2)
    assert (cov, out["unfilled"], out["under_covered"], out["no_training_near"], out["priority"]) == expected
    if secret:
        assert out["positions_per_year"] is None


def test_gap_table_ranks_priorities_then_published_unfilled_never_secret_values():
    needs = pl.DataFrame(
        {
            "code_rome": ["A1101", "B1101", "C1101", "D1101", "E1101"],
            "positions": [50.0, 200.0, None, 20.0, 5.0],
            "secret": [False, False, True, False, False],
        }
    )
    supply = pl.DataFrame({"code_rome": ["A1101", "B1101", "E1101"], "places": [10.0, 190.0, 10.0]})
    tension = pl.DataFrame(
        {"code_rome": ["A1101", "B1101", "C1101", "D1101", "F1101"], "category": [4, 2, 5, 5, 1]}
    )
    nearest = pl.DataFrame(
        {"code_rome": ["A1101", "B1101", "C1101", "D1101", "E1101"], "nearest_km": [5.0] * 5}
    )
    out = gap_table(needs, supply, tension, nearest, max_km=30)
    # F1101: no need, not in tension → not listed; E1101 covered (coverage 2) but listed (has a need)
    assert out["code_rome"].to_list() == ["A1101", "D1101", "B1101", "E1101", "C1101"]
    assert out["priority"].to_list() == [True, True, False, False, False]
    with pytest.raises(ValueError):
        gap_table(needs, supply, tension, nearest, max_km=30, horizon_years=0)
