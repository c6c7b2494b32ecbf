"""The FAP-2021 ↔ ROME 4.0 bridge on the real referentials: coverage both ways, weights, conversions."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from gtec_core.occupations import convert, coverage, fap2021_families, fap2021_rome_bridge
from gtec_core.sources.bmo import read_bmo
from gtec_core.sources.rome import read_release

SHARED = Path(os.environ.get("GTEC_DATA_DIR") or Path(__file__).resolve().parents[3] / "shared" / "data")


@pytest.fixture(scope="module")
def bridge() -> pl.DataFrame:
    return fap2021_rome_bridge(SHARED)


def test_every_bmo_2024_code_reaches_a_fiche(bridge):
    codes = read_bmo(SHARED / "bmo" / "Base_open_data_BMO_2024.xlsx")["metier_code"].unique().to_list()
    assert len(codes) == 217
    assert sorted(set(codes) - set(bridge["code_fap2021"])) == []


def test_every_fiche_and_every_fap2021_family_is_covered(bridge):
    fiches = read_release(SHARED / "rome4", ["referentiel_code_rome"]).tables["referentiel_code_rome"]
    families = fap2021_families(SHARED)
    report = coverage(bridge, families["code_fap2021"].to_list(), fiches["code_rome"].to_list())
    # FAP-2021 families outside BMO (clergy X0X01: no ROME fiche, no recruitment survey) may stay unlinked
    assert report["fap2021_total"] == 228 and set(report["fap2021_missing"]) <= {"X0X01"}
    assert report["rome_total"] == fiches.height and report["rome_missing"] == []
    # most links come from the official FAP-2009 ↔ ROME v3 table, not from label guesses
    official = report["routes"]["fap2009_code"] + report["routes"]["fap2009_label"]
    assert official / bridge.height > 0.8


def test_weights_sum_to_one_both_ways(bridge):
    per_fap = bridge.group_by("code_fap2021").agg(pl.col("weight").sum())
    per_rome = bridge.group_by("code_rome").agg(pl.col("rome_share").sum())
    assert (per_fap["weight"] - 1).abs().max() < 1e-9
    assert (per_rome["rome_share"] - 1).abs().max() < 1e-9
    assert bridge["confidence"].is_between(0, 1).all()
    assert bridge.select(pl.struct("code_fap2021", "code_rome").is_unique().all()).item()


def test_known_links(bridge):
    """Waiters reach the restaurant-service fiche through the same-numbered FAP-2009 family."""
    waiters = bridge.filter(pl.col("code_fap2021") == "S2X61")
    assert "G1803" in waiters["code_rome"].to_list()
    assert set(waiters["route"]) == {"fap2009_code"}
    farmers = bridge.filter(pl.col("code_fap2021") == "A0X40")["code_rome"].to_list()
    assert "A1416" in farmers


def test_convert_preserves_totals(bridge):
    projects = pl.DataFrame(
        {"bassin": [1, 1, 2], "code_fap2021": ["S2X61", "A0X40", "S2X61"], "n": [100, 40, 7]}
    )
    to_rome = convert(projects, bridge, to="rome", code="code_fap2021", values=["n"], by=["bassin"])
    assert to_rome.group_by("bassin").agg(pl.col("n").sum()).sort("bassin")["n"].round(6).to_list() == [
        140.0,
        7.0,
    ]
    back = convert(to_rome, bridge, to="fap2021", code="code_rome", values=["n"], by=["bassin"])
    assert back["n"].sum() == pytest.approx(147.0)
    with pytest.raises(ValueError):
        convert(projects, bridge, to="pcs", code="code_fap2021", values=["n"])
