"""Indicator registry and pure computations on small hand-computed tables (methods.md §1, §5)."""

from __future__ import annotations

import math

import polars as pl
import pytest

from gtec_core.indicators import REGISTRY, get, load_parameters

KEYS = {"territory": "T", "occupation": "F1", "period": 2024}


def one(**columns) -> pl.DataFrame:
    return pl.DataFrame([KEYS | columns])


def result(name: str, **frames: pl.DataFrame) -> dict:
    out = get(name).run(frames)
    assert out.height == 1
    return out.row(0, named=True)


def test_registry_declarations_are_complete():
    assert len(REGISTRY) == 15
    for name, indicator in REGISTRY.items():
        assert indicator.name == name
        assert indicator.label and indicator.unit and indicator.period and indicator.documentation
        assert callable(indicator.compute)
        if indicator.parameters:
            assert load_parameters(indicator.parameters) is not None
        if not indicator.official_formula_public:
            assert "[P]" in indicator.documentation or "Non publics" in indicator.documentation


def test_parameter_files_are_dated_and_sourced():
    for key in ("tension", "labour", "structure"):
        data = load_parameters(key)
        assert data["date"] and data["sources"]


def test_missing_input_frame_is_an_error():
    with pytest.raises(KeyError, match="jobseekers"):
        get("offers_demand_ratio").run({"offers": one(offers=1)})


@pytest.mark.parametrize(
    ("offers", "entries", "value", "status"),
    [
        (30, 20, 1.5, "ok"),
        (10, 0, None, "insufficient"),  # DEE = 0: None, never infinity
        (5, 5, 1.0, "insufficient"),  # OEE + DEE < N_min = 20
        (None, 20, None, "secret"),  # suppressed at source
    ],
)
def test_offers_demand_ratio(offers, entries, value, status):
    row = result("offers_demand_ratio", offers=one(offers=offers), jobseekers=one(entries=entries))
    assert row["value"] == (pytest.approx(value) if value is not None else None)
    assert row["status"] == status
    assert row["counts"] == {"offers": offers, "entries": entries}


@pytest.mark.parametrize(
    ("name", "met", "xmet", "smet", "value", "status"),
    [
        ("bmo_difficulty_rate", 152924, 90225, 30000, 0.59, "ok"),  # Bretagne 2024: 59 % difficult
        ("bmo_seasonality_rate", 200, 150, 50, 0.25, "ok"),
        ("bmo_difficulty_rate", 200, None, 50, None, "secret"),  # '*' is never replaced by 0 or 1
        ("bmo_seasonality_rate", 0, 0, 0, None, "insufficient"),
    ],
)
def test_bmo_rates(name, met, xmet, smet, value, status):
    row = result(name, bmo=one(projects=met, difficult=xmet, seasonal=smet))
    assert row["status"] == status
    assert row["value"] == (pytest.approx(value, abs=5e-4) if value is not None else None)


def test_hiring_intensity_lack_of_labour_and_non_durability():
    emp, offers = one(employment=1000), one(online_offers=100, durable_offers=60, full_time_offers=80)
    bmo = one(projects=50, seasonal=10)
    intensity = result("hiring_intensity", employment=emp, offers=offers, bmo=bmo)
    assert intensity["value"] == pytest.approx(0.5 * 100 / 1000 + 0.5 * 50 / 1000)
    assert intensity["counts"] == {"online_offers": 100, "projects": 50, "employment": 1000}
    lack = result("lack_of_labour", employment=emp, jobseekers=one(stock_a=200))
    assert lack["value"] == pytest.approx(-0.2)
    nd = result("non_durability", offers=offers, bmo=bmo)
    assert nd["value"] == pytest.approx(-(0.6 + 0.8 + 0.8) / 3)
    tiny = result("lack_of_labour", employment=one(employment=0), jobseekers=one(stock_a=3))
    assert (tiny["value"], tiny["status"]) == (None, "insufficient")


def test_missing_rows_count_as_zero_and_secret_inputs_propagate():
    offers = pl.DataFrame([KEYS | {"offers": 40}, KEYS | {"occupation": "F2", "offers": 40, "secret": True}])
    out = get("offers_demand_ratio").run({"offers": offers, "jobseekers": one(entries=20)}).sort("occupation")
    assert out["value"].to_list() == [2.0, None]  # F2 has no registrations: 0, ratio undefined
    assert out["status"].to_list() == ["ok", "secret"]


def subareas(offers: list[int | None], seekers: list[int], territory: str = "T") -> list[dict]:
    return [
        {
            "territory": territory,
            "occupation": "F1",
            "period": 2024,
            "subarea": f"g{i}",
            "offers": o,
            "jobseekers": d,
        }
        for i, (o, d) in enumerate(zip(offers, seekers, strict=True))
    ]


@pytest.mark.parametrize(
    ("offers", "seekers", "value", "status"),
    [
        ([50, 30, 20], [30, 30, 40], 0.20, "ok"),  # worked example of methods.md §1.3
        ([50, 30, 20, 0], [30, 30, 40, 0], 0.20, "ok"),  # a sub-area with O = DE = 0 drops out
        ([10, 0], [0, 10], 1.0, "ok"),  # complete segregation; 10 + 10 reaches N_min = 20
        ([5, 0], [0, 5], 1.0, "insufficient"),  # same, below N_min: value kept, flagged
        ([0, 0], [10, 30], None, "insufficient"),  # O = 0 for the territory: undefined
        ([None, 5], [30, 30], None, "secret"),
    ],
)
def test_duncan_geographic_mismatch(offers, seekers, value, status):
    row = result("geographic_mismatch", subareas=pl.DataFrame(subareas(offers, seekers)))
    assert row["status"] == status
    assert row["value"] == (pytest.approx(value) if value is not None else None)


def structure_frames() -> dict[str, pl.DataFrame]:
    emp = pl.DataFrame(
        {"territory": "T", "occupation": ["a", "b", "c"], "period": 2019, "employment": [3000, 5000, 2000]}
    )
    ref = pl.DataFrame(
        {"occupation": ["a", "b", "c"], "period": 2019, "employment": [100_000, 300_000, 600_000]}
    )
    return {"employment": emp, "reference": ref}


def test_section_5_worked_example():
    """methods.md §5.3: LQ = (3, 1.67, 0.33); K = 0.8; HHI = 0.38; H = 1.030, normalised 0.937."""
    frames = structure_frames()
    lq = get("location_quotient").run(frames).sort("occupation")
    assert lq["value"].to_list() == pytest.approx([3.0, 5 / 3, 1 / 3])
    assert lq["counts"][0] == {
        "employment": 3000,
        "territory_employment": 10000,
        "reference_employment": 100000,
        "reference_total": 1000000,
    }
    assert result("krugman_specialisation", **frames)["value"] == pytest.approx(0.8)
    assert result("herfindahl", **frames)["value"] == pytest.approx(0.38)
    assert result("shannon", **frames)["value"] == pytest.approx(1.0297, abs=1e-4)
    assert result("shannon_normalised", **frames)["value"] == pytest.approx(0.937, abs=5e-4)


def test_specialisation_indices_on_a_second_hand_table():
    emp = pl.DataFrame(
        {"territory": ["A", "A", "B", "B"], "occupation": ["x", "y", "x", "z"], "employment": [10, 10, 5, 0]}
    )
    ref = pl.DataFrame({"occupation": ["x", "y", "z"], "employment": [50, 25, 25]})
    k = get("krugman_specialisation").run({"employment": emp, "reference": ref}).sort("territory")
    # A: |0.5-0.5| + |0.5-0.25| + |0-0.25| = 0.5 ; B: |1-0.5| + |0-0.25| + |0-0.25| = 1.0
    assert k["value"].to_list() == pytest.approx([0.5, 1.0])
    halved = get("krugman_specialisation").run({"employment": emp, "reference": ref}, {"halve": True})
    assert sorted(halved["value"].to_list()) == pytest.approx([0.25, 0.5])
    hhi = get("herfindahl").run({"employment": emp}).sort("territory")
    assert hhi["value"].to_list() == pytest.approx([0.5, 1.0])
    h = get("shannon").run({"employment": emp}).sort("territory")
    assert h["value"].to_list() == pytest.approx([math.log(2), 0.0])
    lq = get("location_quotient").run({"employment": emp, "reference": ref}).sort("territory", "occupation")
    assert lq["value"].to_list() == pytest.approx([1.0, 2.0, 2.0, 0.0])
    assert lq["status"].to_list() == ["insufficient", "insufficient", "insufficient", "insufficient"]  # < 20


def test_covid_exposure_worked_example():
    """methods.md §5.2: shares (10, 15, 8, 45, 22) % with the Insee 26 March 2020 losses give 34.6 %."""
    sectors = ["agri_iaa", "industry", "construction", "market_services", "non_market_services"]
    emp = pl.DataFrame({"territory": "T", "sector": sectors, "employment": [10, 15, 8, 45, 22]})
    row = result("covid_exposure", employment=emp)
    assert row["value"] == pytest.approx(0.346)
    assert row["counts"] == {"territory_employment": 100, "sectors": 5}
    with pytest.raises(ValueError, match="tourism"):
        get("covid_exposure").run({"employment": emp.with_columns(pl.lit("tourism").alias("sector"))})


def test_location_quotient_with_one_reference_per_territory():
    """Each territory against its own reference area (#13): A is compared with its département D1, B with D2;
    the quotient is not identically 1 and each row carries its reference's employment."""
    emp = pl.DataFrame(
        {
            "territory": ["A", "A", "B", "B"],
            "occupation": ["x", "y", "x", "y"],
            "employment": [30, 10, 20, 20],
        }
    )
    ref = pl.DataFrame(
        {
            "territory": ["A", "A", "B", "B"],
            "occupation": ["x", "y", "x", "y"],
            "employment": [50, 50, 80, 20],
        }
    )
    lq = get("location_quotient").run({"employment": emp, "reference": ref}).sort("territory", "occupation")
    # A: 0.75 / 0.5 = 1.5 and 0.25 / 0.5 = 0.5 ; B: 0.5 / 0.8 = 0.625 and 0.5 / 0.2 = 2.5
    assert lq["value"].to_list() == pytest.approx([1.5, 0.5, 0.625, 2.5])
    assert [c["reference_total"] for c in lq["counts"].to_list()] == [100, 100, 100, 100]
    assert lq["counts"].to_list()[2]["reference_employment"] == 80


def test_location_quotient_reference_scale():
    from gtec_core.indicators.structure import lq_reference_scale

    assert [lq_reference_scale(s) for s in ("commune", "epci", "bassin", "ze", "custom", "dep", "reg")] == [
        "dep",
        "dep",
        "dep",
        "dep",
        "dep",
        "reg",
        "fr",
    ]


def test_the_registry_declares_what_a_run_computes_and_what_a_comparison_shows():
    """The run's per-occupation indicators and the comparison's rows come from the registry: the comparison
    shows the territory-wide values of the per-occupation indicators (not the BMO projects, a key figure, nor
    the location quotient, which has none), then the structure indices and the shock exposure."""
    from gtec_core.indicators.registry import COMPARED, PER_OCCUPATION, STRUCTURE

    assert set(PER_OCCUPATION) == {
        "bmo_projects", "offers_demand_ratio", "bmo_difficulty_rate", "bmo_seasonality_rate", "hiring_intensity",
        "lack_of_labour", "non_durability", "geographic_mismatch", "dares_tension", "location_quotient",
    }  # fmt: skip
    assert STRUCTURE == ("krugman_specialisation", "herfindahl", "shannon", "shannon_normalised")
    assert COMPARED == (
        "offers_demand_ratio", "bmo_difficulty_rate", "bmo_seasonality_rate", "hiring_intensity",
        "lack_of_labour", "non_durability", "geographic_mismatch", "dares_tension", "krugman_specialisation",
        "herfindahl", "shannon_normalised", "covid_exposure",
    )  # fmt: skip
    assert "France pour une région" in get("location_quotient").documentation


def test_structure_indices_do_not_depend_on_the_order_of_the_input_rows():
    """A re-run of the France computation changed one COVID exposure, then three geographical mismatches, in
    their 9th decimal: the input rows came in another order and the float sums added them in another order.
    The rows are now summed in the order of their keys, so any order of the rows gives the same bits."""
    import random

    rng = random.Random(7)
    sectors = ["agri_iaa", "industry", "construction", "market_services", "non_market_services"]
    rows = [
        {"territory": f"t{t}", "period": "2024", "sector": s, "employment": rng.uniform(0.1, 1e4)}
        for t in range(300)
        for s in sectors
    ]
    occupations = [
        {
            "territory": f"t{t}",
            "period": "2024",
            "occupation": f"O{o:03d}",
            "employment": rng.uniform(0.1, 500),
        }
        for t in range(60)
        for o in range(40)
    ]
    reference = pl.DataFrame(
        [{"period": "2024", "occupation": f"O{o:03d}", "employment": rng.uniform(1, 1e5)} for o in range(40)]
    )
    subareas = [
        {
            "territory": f"t{t}",
            "period": "2024",
            "subarea": f"c{c:03d}",
            "offers": rng.uniform(0, 80),
            "jobseekers": rng.uniform(0, 300),
        }
        for t in range(40)
        for c in range(30)
    ]
    first: dict[str, list] = {}
    for attempt in range(12):
        for items in (rows, occupations, subareas):
            rng.shuffle(items)
        emp = pl.DataFrame(rows)
        occ = pl.DataFrame(occupations)
        for name, frames in (
            ("covid_exposure", {"employment": emp}),
            ("shannon_normalised", {"employment": occ}),
            ("location_quotient", {"employment": occ, "reference": reference}),
            ("krugman_specialisation", {"employment": occ, "reference": reference}),
            ("geographic_mismatch", {"subareas": pl.DataFrame(subareas)}),
        ):
            out = get(name).run(frames)
            out = out.sort([c for c in ("territory", "occupation") if c in out.columns])
            values = out["value"].to_list()
            if attempt == 0:
                first[name] = values
            assert values == first[name], name
