"""Dares composite tension: the worked example, the five categories against every published row of the
2019 file, and the reader of `tensions.csv` (methods.md §1.2, §1.5, §8.1)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from gtec_core.errors import SourceError
from gtec_core.indicators import categorise, get
from gtec_core.indicators.tension import composite, cut_points, reference_moments
from gtec_core.sources.dares import read_evol_tensions, read_tensions

MOMENTS = {
    "offers_per_jobseeker": {"mean": 0.9, "sd": 0.6},
    "outflow_rate": {"mean": 0.40, "sd": 0.05},
    "difficulty_rate": {"mean": 0.45, "sd": 0.15},
}


@pytest.fixture(scope="module")
def tensions(data_dir: Path) -> pl.DataFrame:
    return read_tensions(data_dir / "dares_tension" / "tensions.csv")


def test_worked_example_composite():
    """methods.md §1.3: z = (1, 1, 1.667), TENSION = 1.333, category 5."""
    value = composite({"offers_per_jobseeker": 1.5, "outflow_rate": 0.45, "difficulty_rate": 0.70}, MOMENTS)
    assert value == pytest.approx(1.3333, abs=1e-4)
    assert categorise(value) == 5


def test_composite_indicator_from_counts():
    """Same example from counts: C1 = 150/100, C2 = 45/(80+20), C3 = 70/100."""
    keys = {"territory": "56", "occupation": "T2A60", "period": 2019}
    frames = {
        "offers": pl.DataFrame([keys | {"online_offers": 150}]),
        "jobseekers": pl.DataFrame(
            [keys | {"entries_a": 100, "exits_abc": 45, "stock_abc_start": 80, "entries_abc": 20}]
        ),
        "bmo": pl.DataFrame([keys | {"projects": 100, "difficult": 70}]),
    }
    indicator = get("dares_tension")
    params = {"composite": {"reference_moments": MOMENTS}}
    row = indicator.run(frames, params).row(0, named=True)
    assert row["value"] == pytest.approx(1.3333, abs=1e-4)
    assert (row["status"], row["category"]) == ("ok", 5)
    assert row["counts"]["online_offers"] == 150 and row["counts"]["difficult"] == 70
    small = indicator.run(frames, {"composite": {"reference_moments": MOMENTS, "min_volume": 1000}})
    assert small.select("status", "category").row(0) == ("insufficient", None)  # value kept, no category
    with pytest.raises(ValueError, match="reference moments"):
        indicator.run(frames)  # the Dares does not publish the 2014-2018 moments


def test_reference_moments_use_the_reference_period_only():
    reference = pl.DataFrame(
        {
            "period": [2013, 2014, 2018],
            "online_offers": [999, 10, 30],
            "entries_a": [1, 10, 10],
            "exits_abc": [1, 4, 6],
            "stock_abc_start": [1, 8, 8],
            "entries_abc": [1, 2, 2],
            "projects": [1, 10, 10],
            "difficult": [1, 4, 6],
        }
    )
    moments = reference_moments(reference)
    assert moments["offers_per_jobseeker"]["mean"] == pytest.approx(2.0)
    assert moments["offers_per_jobseeker"]["sd"] == pytest.approx(2**0.5)
    assert moments["difficulty_rate"]["mean"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("value", "category"),
    [
        (-1.9485, 1),
        (-0.564685, 1),  # largest published value of category 1
        (-0.564098, 2),  # smallest of category 2
        (-0.259824, 2),
        (-0.259603, 3),
        (0.129989, 3),
        (0.131076, 4),
        (0.509663, 4),
        (0.509706, 5),
        (12.98, 5),
        (None, None),
    ],
)
def test_categorise_boundaries(value, category):
    assert categorise(value) == category


def test_cut_points_lie_in_the_published_intervals():
    intervals = [(-0.56469, -0.56410), (-0.25982, -0.25960), (0.12999, 0.13108), (0.50966, 0.50971)]
    for cut, (low, high) in zip(cut_points(), intervals, strict=True):
        assert low < cut <= high


def test_categorise_reproduces_every_published_category(tensions):
    published = tensions.filter(pl.col("category").is_not_null())
    mismatches = [
        (
            row["_line"],
            row["fap"],
            row["territory"],
            row["tension"],
            row["category"],
            categorise(row["tension"]),
        )
        for row in published.iter_rows(named=True)
        if categorise(row["tension"]) != row["category"]
    ]
    assert published.height == 17143
    assert mismatches == [], f"{len(mismatches)} mismatches out of {published.height}: {mismatches[:10]}"


def test_reader_normalises_the_file_quirks(tensions):
    assert tensions.height == 31034
    assert set(tensions["geo_level"].unique()) == {"nat", "reg", "dep"}  # `reg ` stripped
    assert tensions.filter((pl.col("geo_level") == "nat") & (pl.col("fap_level") == 225)).height == 186
    assert tensions.filter((pl.col("geo_level") == "reg") & (pl.col("fap_level") == 225)).height == 3162
    assert tensions.filter((pl.col("geo_level") == "dep") & (pl.col("fap_level") == 225)).height == 18600
    assert tensions["tension"].dtype == pl.Float64  # read from the `Tension ` column


@pytest.mark.parametrize(
    ("fap", "territory", "employment", "tension", "category", "classes"),
    [
        ("M2Z90", "FR", 332900, 2.409, 5, (5, 5, 5, 1, 1, 2)),
        ("M2Z90", "53", 11000, 3.316, 5, (5, 5, 5, 1, 1, 2)),
        ("M2Z90", "35", 7000, 4.019, 5, (5, 5, 5, 1, 1, 2)),
        ("T2A60", "FR", 569500, 1.357, 5, (3, 1, 4, 3, 3, 3)),
        ("T2A60", "53", 30300, 1.667, 5, (3, 1, 4, 3, 3, 3)),
        ("T2A60", "35", 8300, 2.035, 5, (4, 1, 4, 2, 3, 3)),
        ("J3Z43", "FR", 311800, 1.343, 5, (4, 4, 4, 3, 4, 2)),
        ("J3Z43", "53", 21200, 1.499, 5, (4, 4, 4, 3, 4, 2)),
        ("T4Z60", "FR", 941700, -0.120, 3, (2, 1, 3, 5, 3, 4)),
        ("T4Z60", "53", 44900, 0.616, 5, (3, 1, 4, 5, 3, 4)),
        ("V1Z80", "FR", 520400, 0.484, 4, (2, 5, 5, 3, 4, 1)),
        ("V1Z80", "53", 27800, -0.158, 3, (1, 5, 5, 5, 4, 1)),
        ("V1Z80", "35", 8700, -0.591, 1, (1, 5, 5, 5, 4, 1)),
        ("G1Z70", "53", 14100, 1.858, 5, (5, 4, 4, 1, 3, 2)),
        ("S1Z40", "53", 11000, 1.038, 5, (5, 5, 2, 4, 5, 1)),
        ("E1Z42", "53", 6700, -0.001, 3, (4, 1, 3, 5, 5, 3)),
        ("D6Z70", "53", 5700, 2.631, None, (None,) * 6),  # imputed value, no category
        ("B7Z91", "FR", 111900, 2.579, 5, (5, 4, 5, 1, 1, 3)),
    ],
)
def test_published_values_of_section_1_5(tensions, fap, territory, employment, tension, category, classes):
    level = {"FR": "nat", "53": "reg", "35": "dep"}[territory]  # 53 is both Bretagne and Mayenne
    row = tensions.filter(
        (pl.col("fap") == fap) & (pl.col("geo_level") == level) & (pl.col("territory") == territory)
    ).row(0, named=True)
    assert row["employment"] == employment
    assert row["tension"] == pytest.approx(tension, abs=5e-4)
    assert row["category"] == category
    names = [
        "hiring_intensity",
        "training_link",
        "lack_of_labour",
        "non_durability",
        "working_conditions",
        "geographic_mismatch",
    ]
    assert tuple(row[n] for n in names) == classes
    if category is not None:
        assert categorise(row["tension"]) == category


@pytest.mark.parametrize(("level", "territory", "uncategorised"), [("reg", "53", 31), ("dep", "35", 66)])
def test_rows_without_category_keep_their_value(tensions, level, territory, uncategorised):
    """Bretagne: 31 of 186 FAP-225 without category; Ille-et-Vilaine: 66 (methods.md §1.2)."""
    rows = tensions.filter(
        (pl.col("geo_level") == level) & (pl.col("territory") == territory) & (pl.col("fap_level") == 225)
    )
    assert rows.height == 186
    assert rows.filter(pl.col("category").is_null()).height == uncategorised
    assert rows.filter(pl.col("category").is_null() & pl.col("tension").is_not_null()).height > 0


def test_national_series(data_dir):
    evol = read_evol_tensions(data_dir / "dares_tension" / "evol_tensions.csv")
    t4z60 = dict(evol.filter(pl.col("fap") == "T4Z60").select("year", "tension").iter_rows())
    assert t4z60[2011] == pytest.approx(-0.731, abs=5e-4)
    assert t4z60[2019] == pytest.approx(-0.120, abs=5e-4)


def test_reader_reports_file_line_and_column(tmp_path, data_dir):
    lines = (data_dir / "dares_tension" / "tensions.csv").read_text(encoding="utf-8").splitlines()[:4]
    fields = lines[3].split(",")
    fields[3] = "7.0"  # a category outside 1-5 on line 4
    lines[3] = ",".join(fields)
    bad = tmp_path / "tensions.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        read_tensions(bad)
    assert (error.value.line, error.value.column) == (4, "Catégorie Tension")
    assert "tensions.csv, ligne 4" in str(error.value)
