"""The demo territory generator at the pays-de-vannes scale: determinism, official readers, calibration."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

from gtec_core.demo import FILES, generate
from gtec_core.demo.context import ODIS, months_of
from gtec_core.occupations import convert, fap2021_rome_bridge
from gtec_core.sources.bmo import read_bmo
from gtec_core.sources.employment import read_employment
from gtec_core.sources.offers import read_offers
from gtec_core.sources.rome import read_release
from gtec_core.sources.sirene import read_establishments
from gtec_core.sources.stmt import read_commune_series, read_stmt

SHARED = Path(os.environ.get("GTEC_DATA_DIR") or Path(__file__).resolve().parents[3] / "shared" / "data")
SEED = 20241


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return generate("pays-de-vannes", SEED, out, SHARED)


@pytest.fixture(scope="module")
def offers(demo) -> pl.DataFrame:
    return read_offers(demo.out / FILES["offers"])


@pytest.fixture(scope="module")
def stmt(demo) -> pl.DataFrame:
    return read_stmt(demo.out / FILES["jobseekers"])


def test_same_seed_same_bytes_other_seed_other_bytes(demo, tmp_path):
    again = generate("pays-de-vannes", SEED, tmp_path / "again", SHARED, months=24)
    other = generate("pays-de-vannes", SEED + 1, tmp_path / "other", SHARED, months=24)
    for name in [*FILES.values(), "manifest.json"]:
        assert (demo.out / name).read_bytes() == (again.out / name).read_bytes(), name
    for name in (
        "StockEtablissement_utf8.csv",
        "stmt_demandeurs.csv",
        "offres.jsonl",
        "emploi_metiers_age.csv",
    ):
        assert (demo.out / name).read_bytes() != (other.out / name).read_bytes(), name


def test_manifest_and_provenance(demo):
    manifest = json.loads((demo.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True and manifest["seed"] == SEED
    assert manifest["territory"]["communes"] == 64
    assert manifest["period"] == {"first_month": "2023-01", "last_month": "2024-12", "months": 24}
    assert {f["name"] for f in manifest["files"]} == set(FILES.values())
    assert all(f["rows"] > 0 and len(f["sha256"]) == 64 for f in manifest["files"])
    text = (demo.out / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "SYNTHÉTIQUES" in text and "catégorie ABC" in text


def test_establishments_read_back_valid_siret_64_communes(demo):
    frame = read_establishments(demo.out / FILES["establishments"])  # the reader checks Luhn and duplicates
    communes = pl.read_csv(SHARED / "cog_ze" / "ZE2020_5318_Vannes_communes_DERIVED.csv", infer_schema=False)
    # the 60 communes of the zone d'emploi and the 4 communes of the Pays de Vannes EPCI outside it
    assert set(communes["CODGEO"]) < set(frame["commune"]) and frame["commune"].n_unique() == 64
    assert frame["siret"].is_unique().all()
    assert 0.6 < frame["active"].mean() < 0.8
    sectors = frame.group_by(pl.col("naf").str.slice(0, 2)).len()
    assert {"43", "47", "56", "86", "01", "10"} <= set(
        sectors["naf"]
    )  # building, retail, food, health, farming


def test_commune_totals_equal_the_real_series(stmt):
    real = read_commune_series(SHARED / ODIS).filter(
        (pl.col("level") == "commune") & pl.col("month").is_in(months_of(24))
    )
    totals = stmt.filter(pl.col("rome").is_null() & (pl.col("category") == "ABC"))
    joined = totals.join(real, left_on=["geo_code", "month"], right_on=["code", "month"], how="inner")
    assert joined.height == 13 * 24  # the 13 communes of the ZE published in the real series
    assert (joined["stock"] == joined["job_seekers"]).all()
    assert totals["geo_code"].n_unique() == 64 and totals["month"].n_unique() == 24


def test_stmt_rows_add_up(stmt):
    by_rome = (
        stmt.filter(pl.col("rome").is_not_null())
        .group_by("geo_code", "month", "category")
        .agg(pl.col("stock", "entries", "exits").sum())
    )
    overall = stmt.filter(pl.col("rome").is_null()).select(
        "geo_code", "month", "category", "stock", "entries", "exits"
    )
    joined = overall.join(by_rome, on=["geo_code", "month", "category"], suffix="_r")
    assert joined.height == overall.height
    assert (joined["stock"] == joined["stock_r"]).all()
    wide = overall.pivot("category", index=["geo_code", "month"], values="stock")
    assert (wide["A"] + wide["B"] + wide["C"] == wide["ABC"]).all()
    # stock(t) = stock(t-1) + entries(t) - exits(t) for each commune x category x fiche
    keyed = stmt.sort("geo_code", "category", "rome", "month").with_columns(
        pl.col("stock").shift(1).over("geo_code", "category", "rome").alias("before")
    )
    inner = keyed.filter(pl.col("before").is_not_null() & (pl.col("month") > pl.date(2023, 1, 1)))
    consecutive = inner.filter(pl.col("rome").is_null())
    assert (
        consecutive["before"] + consecutive["entries"] - consecutive["exits"] == consecutive["stock"]
    ).all()


def test_offers_follow_bmo_projects(offers):
    """Spearman rank correlation, per ROME fiche, between the offers and the BMO 2024 projects of bassin 5310
    spread over the fiches by the bridge. Offers are Poisson draws of means proportional to those projects (plus
    the few projects of the 4 communes in other bassins); restricted to fiches expecting ≥ 40 offers over the two
    years, Poisson noise (relative sd ≤ 16 %) keeps the rank correlation near 0.95, so 0.85 fails only if the
    mix does not follow BMO."""
    bridge = fap2021_rome_bridge(SHARED)
    counts = offers.group_by(pl.col("rome_code").alias("code_rome")).agg(pl.len().alias("n"))
    bmo = read_bmo(SHARED / "bmo" / "BMO_2024_Bretagne_extract.csv").filter(pl.col("bassin") == 5310)
    projects = bmo.group_by(pl.col("metier_code").alias("code_fap2021")).agg(
        pl.col("projects").fill_null(5).sum()
    )
    per_rome = convert(projects, bridge, to="rome", code="code_fap2021", values=["projects"])
    joined = per_rome.join(counts, on="code_rome", how="left").fill_null(0)
    scale = offers.height / joined["projects"].sum()
    joined = joined.filter(pl.col("projects") * scale >= 40)
    rho = joined.select(pl.corr("projects", "n", method="spearman")).item()
    assert joined.height > 50
    assert rho > 0.85, rho
    # and the volume: about 1.09 offers per project and year, over two years, for the population share
    assert 1.5 * bmo["projects"].sum() < offers.height < 2.6 * bmo["projects"].sum()


def test_offer_skills_and_appellations_belong_to_the_fiche(offers, demo):
    release = read_release(
        SHARED / "rome4", ["referentiel_code_rome", "referentiel_appellation", "liens_rome_referentiels"]
    )
    items = release.tables["liens_rome_referentiels"].filter(pl.col("code_compo_bloc") == "5")
    skills = offers.select("rome_code", "skills").explode("skills").drop_nulls()
    unknown = skills.join(
        items, left_on=["rome_code", "skills"], right_on=["code_rome", "code_ogr"], how="anti"
    )
    assert skills.height > offers.height * 3 and unknown.is_empty()
    appellations = release.tables["referentiel_appellation"]
    bad = offers.join(
        appellations,
        left_on=["rome_code", "appellation"],
        right_on=["code_rome", "libelle_appellation_long"],
        how="anti",
    )
    assert bad.is_empty()
    assert set(offers["contract_type"]) == {"CDI", "CDD", "MIS", "SAI"}
    assert 0 < offers["lacks_candidates"].mean() < 0.5
    assert offers["commune"].n_unique() == 64
    first = json.loads((demo.out / FILES["offers"]).read_text(encoding="utf-8").splitlines()[0])
    assert first["description"].endswith(".") and len(first["description"]) > 100
    assert first["competences"][0]["libelle"]


def test_employment_follows_the_dares_pyramids(demo):
    written = read_employment(demo.out / FILES["employment"])
    assert set(written.select("geo_level", "geo_code").iter_rows()) == {("ze", "5318"), ("departement", "56")}
    frame = written.filter(pl.col("geo_level") == "ze")
    national = pl.read_csv(
        SHARED / "dares_portrait_metiers" / "age_2017_2019_3niv.csv", encoding="cp1252", infer_schema=False
    )
    nurses = (
        national.filter(pl.col("fap") == "V1Z80")
        .sort("tr_age")
        .with_columns(pl.col("annee_2017_2019").cast(pl.Float64))
    )
    local = frame.filter(pl.col("fap") == "V1Z80").sort("age_band")
    shares_local = (local["employment"] / local["employment"].sum()).to_list()
    shares_national = (nurses["annee_2017_2019"] / nurses["annee_2017_2019"].sum()).to_list()
    assert max(abs(a - b) for a, b in zip(shares_local, shares_national, strict=True)) < 0.01
    assert 50_000 < frame["employment"].sum() < 200_000


def test_the_departement_of_the_zone_has_the_real_dares_structure(demo):
    """The département is the reference of the zone's location quotients: its family totals are the Dares
    2019 published ones (#13), not a copy of the zone's synthetic draw."""
    written = read_employment(demo.out / FILES["employment"]).filter(pl.col("geo_level") == "departement")
    dares = pl.read_csv(SHARED / "dares_tension" / "tensions.csv", infer_schema=False).filter(
        (pl.col("niveau_geo") == "dep") & (pl.col("dep") == "56") & (pl.col("niveau_fap") == "fap 225")
    )
    published = dict(zip(dares["fap"], dares["Emploi moyen"].cast(pl.Float64), strict=True))
    totals = dict(written.group_by("fap").agg(pl.col("employment").sum()).iter_rows())
    assert totals["A0Z41"] == published["A0Z41"] == 1200
    assert sum(totals.values()) == pytest.approx(sum(published.values()), abs=len(published))
