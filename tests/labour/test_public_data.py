"""With only the national files (`gtec import all`, no local file), every bassin, département and région gets
its BMO figures — a bassin's exactly as France Travail publishes its cells — and the Dares tensions; derived
figures say how they were derived. Checked against the real BMO 2024 file of the data folder."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from gtec.labour import models as m
from gtec.labour.observations.run import observations_compute
from gtec.labour.read import bmo_table, dares_table, dashboard_figures, indicator_export
from gtec.territories.models import Territory
from gtec_core.french import format_fr

pytestmark = pytest.mark.django_db

VALUES = ["met", "xmet", "smet"]


@pytest.fixture(scope="module")
def bmo_file() -> pl.DataFrame:
    """The published cells of the BMO 2024 file (Bretagne rows; « * » read as null)."""
    path = Path(settings.GTEC_DATA_DIR) / "bmo" / "BMO_2024_Bretagne_extract.csv"
    frame = pl.read_csv(path, infer_schema_length=0)
    return frame.with_columns(
        pl.when(pl.col(c) == "*").then(None).otherwise(pl.col(c)).cast(pl.Float64).alias(c) for c in VALUES
    )


def compute(*keys: str) -> list[Territory]:
    territories = list(Territory.objects.filter(key__in=keys))
    observations_compute(territories)
    return territories


def obs(indicator: str, key: str, occupation: str = "") -> m.Observation:
    return m.Observation.objects.get(
        indicator=indicator, territory__key=key, occupation=occupation, period="2024"
    )


def test_a_bassin_shows_the_published_cells_exactly(bmo_file):
    compute("bassin:5310")
    cells = bmo_file.filter(pl.col("BE24") == "5310")
    published = cells.drop_nulls("met")
    total = obs("bmo_projects", "bassin:5310")
    assert total.value == published["met"].sum() == 10_664  # every published cell, not the demo's 7 901
    assert total.status == "ok" and total.origin == "sum" and total.synthetic is False
    assert f"{cells.height - published.height} cellule(s) secrète(s)" in total.origin_detail
    for code, met in published.select("Code métier BMO", "met").iter_rows():
        cell = obs("bmo_projects", "bassin:5310", code)
        assert cell.value == met and cell.status == "ok" and cell.origin == "published"
    for code in cells.filter(pl.col("met").is_null())["Code métier BMO"]:
        assert obs("bmo_projects", "bassin:5310", code).status == "secret"
    # the rate of « tous métiers » over the cells whose both counts are published
    both = cells.drop_nulls(["met", "xmet"])
    rate = obs("bmo_difficulty_rate", "bassin:5310")
    assert rate.value == pytest.approx(both["xmet"].sum() / both["met"].sum())
    # the page's table: published cells as published, no complementary suppression, the total as the file
    table = bmo_table(Territory.objects.get(key="bassin:5310"), limit=None)
    assert table["total"].value == 10_664 and not table["derived"]
    shown = {r["code"]: r["projects"] for r in table["rows"]}
    assert sum(1 for c in shown.values() if c.secret) == cells.height - published.height
    assert all(shown[c].value == v for c, v in published.select("Code métier BMO", "met").iter_rows())


def test_departement_and_region_are_sums_of_their_published_cells(bmo_file):
    compute("dep:56", "reg:53")
    dep = bmo_file.filter(pl.col("Dept") == "56")
    assert obs("bmo_projects", "dep:56").value == dep["met"].sum()
    assert obs("bmo_projects", "reg:53").value == bmo_file["met"].sum()
    for key in ("dep:56", "reg:53"):
        assert obs("bmo_projects", key).origin == "sum"
    # a métier is secret when one of its bassin cells is « * »
    mixed = dep.group_by("Code métier BMO").agg(pl.col("met").null_count().alias("n"), pl.len())
    code = mixed.filter((pl.col("n") > 0) & (pl.col("n") < pl.col("len")))["Code métier BMO"][0]
    assert obs("bmo_projects", "dep:56", code).status == "secret"


def test_other_territories_get_population_shares_labelled_as_such():
    compute("ze:5318")
    total = obs("bmo_projects", "ze:5318")
    assert total.origin == "population" and "population" in total.origin_detail
    table = indicator_export("bmo_projects", Territory.objects.get(key="ze:5318"), "2024")
    assert set(table["origine"].str.slice(0, 27)) == {"réparti selon la population"}
    assert set(table["donnees"]) == {"réel"}


def test_export_gives_bmo_and_dares_figures_for_bassin_departement_region(tmp_path):
    keys = ["bassin:5310", "dep:56", "reg:53"]
    compute(*keys)
    for key in keys:
        for indicator, period in (("bmo_difficulty_rate", "2024"), ("dares_tension", "2019")):
            out = tmp_path / f"{indicator}-{key.replace(':', '-')}.csv"
            call_command(
                "export", indicator, "--territory", key, "--period", period, "--format", "csv",
                "--output", str(out), stderr=io.StringIO(), stdout=io.StringIO(),
            )  # fmt: skip
            rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
            assert rows and any(r["valeur"] for r in rows), (indicator, key)
            assert all(r["donnees"] == "réel" and r["origine"] for r in rows)
    # the Dares category of a published département cell, exactly as in the file
    t2a60 = m.Observation.objects.get(
        indicator="dares_tension", territory__key="dep:56", occupation="T2A60", occupation_kind="fap2009"
    )
    published = m.DaresTension.objects.get(niveau_geo="dep", code_geo="56", code_fap="T2A60")
    assert (t2a60.value, t2a60.category) == (pytest.approx(published.tension), published.categorie)
    # below the département, the Dares figures are the département's, and say so
    table = dares_table(Territory.objects.get(key="bassin:5310"))
    assert table["rows"] and table["source"].key == "dep:56" and "Morbihan" in table["note"]


def test_dashboard_says_per_figure_what_is_missing():
    compute("bassin:5310")
    figures = dashboard_figures(Territory.objects.get(key="bassin:5310"), "2024")
    assert figures["projects"].value == 10_664 and "cellules publiées" in figures["projects"].note
    assert figures["offers"].status == "missing" and "fichier d'offres" in figures["offers"].note
    assert figures["stock_a"].status == "missing" and "demandeurs d'emploi" in figures["stock_a"].note


def test_dashboard_page_of_a_bassin_from_public_data_only(client):
    compute("bassin:5310")
    page = client.get(reverse("labour_dashboard", args=["bassin:5310"])).content.decode()
    assert format_fr(10_664) in page and "Tensions publiées par la Dares" in page
    assert "gtec compute" not in page
