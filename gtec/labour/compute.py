"""Compute every declared indicator for territories × occupations × years and store the observations.

Inputs are read from the labour tables, aggregated to each territory through its member communes
(`territories.Membership`), and brought to one occupation key, the FAP-2021 code of the BMO, through the
bridge of `gtec_core.occupations` (ROME counts are spread with `rome_share`). Rules, in order:

- offers (API v2): counted by creation year; `offers` = `online_offers` (France Travail's collected offers are
  the only offer source loaded; the Dares adds partner sites to its « offres en ligne » [P]);
- job seekers (STMT, commune level): yearly sums of monthly entries / exits, mean of the monthly end-of-month
  stocks, and the stock at the start of the year (end of the previous December, or the first month loaded);
- BMO (bassin level): a territory receives from each bassin the share of the bassin's population living in it
  (the BMO publishes no finer geography) [P]; a `*` cell stays null, so the result is secret;
- employment (layout of `gtec_core.sources.employment`), aggregated over age bands;
- the composite tension is standardised on the moments of the reference territory's occupations × years (the
  widest territory computed), not on the Dares' unpublished 2014-2018 national moments [P].

Scale (which occupations for which territories): a targeted run (`observations_compute`: one territory and
those around it, or named territories — a few dozen communes) computes every occupation (FAP-2021 and ROME)
for every territory, communes included. A national run (`observations_compute_all`, `gtec compute
--all-territories`) computes the FAP-2021 and ROME indicators for the territories above the commune (EPCI,
zone d'emploi, bassin, département, région, custom) and only the « tous métiers » indicators
(`occupation = ""`) for the communes: 35 000 communes × 600 occupations would be hundreds of millions of
mostly secret cells. Inputs are aggregated in SQL (yearly sums of entries / exits, mean monthly stock, start
stocks: one row per commune × ROME × year, not per month), read through a cursor in chunks into polars, once;
territories are then computed in batches of bounded size.

Secrecy (methods.md §6): an input cell built from fewer than `min_units` units (offers, job seekers, projects)
is secret and every indicator using it inherits the secrecy. Values are stored with their status; pages,
exports and the API show them only through `gtec.labour.queries`."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Min, Q, Sum
from django.db.models.functions import ExtractYear, Substr

from gtec.imports.models import ImportRun
from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, sync
from gtec.labour import models as m
from gtec.territories.models import Membership, Territory
from gtec_core import occupations
from gtec_core.indicators.registry import REGISTRY
from gtec_core.secrecy import SECRET, load_rules, secondary_suppression
from gtec_core.secrecy import TOTAL as TOTAL_ROW

CHUNK = 100_000  # rows per fetch when reading query results into polars
ALL = ""  # occupation code of the « tous métiers » observations
# indicators computed per occupation, and per territory for all occupations together
PER_OCCUPATION = [
    "bmo_projects",
    "offers_demand_ratio",
    "bmo_difficulty_rate",
    "bmo_seasonality_rate",
    "hiring_intensity",
    "lack_of_labour",
    "non_durability",
    "geographic_mismatch",
    "dares_tension",
    "location_quotient",
]
BMO_RATE_BASE = {
    "bmo_difficulty_rate": "projects_for_difficult",
    "dares_tension": "projects_for_difficult",
    "bmo_seasonality_rate": "projects_for_seasonal",
    "non_durability": "projects_for_seasonal",
}
# indicators built on the BMO alone: their figures carry the BMO's origin (published, sum, population share)
BMO_ONLY = {"bmo_projects", "bmo_difficulty_rate", "bmo_seasonality_rate"}
# the source (`ImportRun.source`) of each input frame, for the « réel » / « synthétique » label of each figure
INPUT_SOURCES = {
    "offers": ("offres",),
    "jobseekers": ("stmt",),
    "bmo": ("bmo",),
    "employment": ("emploi",),
    "reference": ("emploi",),
    "subareas": ("offres", "stmt"),
    "sectors": ("sirene",),
}
PER_TERRITORY = ["krugman_specialisation", "herfindahl", "shannon", "shannon_normalised"]


@cache
def bridge() -> pl.DataFrame:
    """The FAP-2021 ↔ ROME bridge as stored by `gtec import passerelle` (part of `gtec import all`), or built
    from the data folder when it was not imported."""
    columns = ["code_fap2021", "code_rome", "weight", "rome_share", "route", "confidence"]
    rows = list(m.PasserelleFapRome.objects.order_by("code_fap2021", "code_rome").values_list(*columns))
    if rows:
        schema = {
            c: (pl.Float64 if c in {"weight", "rome_share", "confidence"} else pl.String) for c in columns
        }
        return pl.DataFrame(rows, schema=schema, orient="row")
    return occupations.fap2021_rome_bridge(Path(settings.GTEC_DATA_DIR))


def _frame(rows: Iterable[dict], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def commune_map(territories: list[Territory]) -> pl.DataFrame:
    """(`commune`, `territory`) for every territory: itself for a commune, its members otherwise."""
    rows = [{"commune": t.code, "territory": t.key} for t in territories if t.scale == "commune"]
    others = {t.pk: t.key for t in territories if t.scale != "commune"}
    for territory_id, code in Membership.objects.filter(territory_id__in=others).values_list(
        "territory_id", "commune__code"
    ):
        rows.append({"commune": code, "territory": others[territory_id]})
    return _frame(rows, {"commune": pl.String, "territory": pl.String})


def null_sum(column: str) -> pl.Expr:
    """Sum that stays null when one part is null (secret at source), instead of treating it as 0."""
    return pl.when(pl.col(column).is_null().any()).then(None).otherwise(pl.col(column).sum()).alias(column)


def to_fap(frame: pl.DataFrame, values: list[str], by: list[str]) -> pl.DataFrame:
    """ROME counts (column `rome`) spread over FAP-2021 codes (column `occupation`), nulls kept."""
    shares = bridge().select(
        pl.col("code_rome").alias("rome"), pl.col("code_fap2021").alias("occupation"), "rome_share"
    )
    joined = frame.join(shares, on="rome", how="inner")
    return joined.group_by(*by, "occupation").agg(
        pl.when(pl.col(v).is_null().any())
        .then(None)
        .otherwise((pl.col(v) * pl.col("rome_share")).sum())
        .alias(v)
        for v in values
    )


FILTER_MAX = 500  # above this many communes, read every commune and keep the wanted ones in polars


def query_frame(queryset, schema: dict) -> pl.DataFrame:
    """Rows of a `values_list` queryset read through a server-side cursor in chunks of tuples, each chunk
    turned into a polars frame (never one dict per row)."""
    parts = []
    rows = queryset.iterator(chunk_size=CHUNK)
    while block := list(islice(rows, CHUNK)):
        parts.append(pl.DataFrame(block, schema=schema, orient="row"))
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _in_communes(queryset, field: str, communes: list[str] | None):
    if communes is not None and len(communes) <= FILTER_MAX:
        return queryset.filter(**{f"{field}__in": communes})
    return queryset


def _keep_communes(frame: pl.DataFrame, communes: list[str] | None) -> pl.DataFrame:
    if communes is None or len(communes) <= FILTER_MAX:
        return frame
    return frame.filter(pl.col("commune").is_in(communes))


def load_offers(communes: pl.DataFrame | None, years: list[int]) -> pl.DataFrame:
    """Offers by commune × ROME × year (counted in SQL), for the communes of `communes` (all when None)."""
    wanted = None if communes is None else communes["commune"].unique().to_list()
    queryset = _in_communes(m.Offre.objects.filter(date_creation__year__in=years), "code_insee", wanted)
    rows = (
        queryset.annotate(year=ExtractYear("date_creation"))
        .values("code_insee", "code_rome", "year")
        .annotate(
            offers=Count("id"),
            durable_offers=Count("id", filter=Q(durable=True)),
            full_time_offers=Count("id", filter=Q(temps_plein=True)),
        )
        .values_list("code_insee", "code_rome", "year", "offers", "durable_offers", "full_time_offers")
    )
    frame = query_frame(
        rows,
        {
            "commune": pl.String,
            "rome": pl.String,
            "period": pl.Int64,
            "offers": pl.Float64,
            "durable_offers": pl.Float64,
            "full_time_offers": pl.Float64,
        },
    )
    frame = _keep_communes(frame, wanted).with_columns(pl.col("period").cast(pl.String))
    return frame.with_columns(pl.col("offers").alias("online_offers"))


SEEKER_SCHEMA = {
    "commune": pl.String,
    "rome": pl.String,
    "period": pl.String,
    **{
        c: pl.Float64
        for c in ("entries", "entries_a", "entries_abc", "exits_abc", "stock_a", "stock_abc_start")
    },
}


def load_jobseekers(communes: pl.DataFrame | None, years: list[int]) -> pl.DataFrame:
    """Job seekers by commune × ROME × year: entries/exits sums, mean stock of category A, start stocks.

    Aggregated in SQL (one row per commune × ROME × year × category, not per month): the sums of monthly
    entries and exits (null when one month is secret, from the count of non-null values), the mean of the
    end-of-month stocks; then the ABC stocks of the Decembers and of the first month loaded, for the stock at
    the start of each year (end of the previous December, or the first month loaded when no December
    precedes)."""
    wanted = None if communes is None else communes["commune"].unique().to_list()
    base = _in_communes(
        m.DemandeurEmploi.objects.filter(niveau_geo="commune", categorie__in=["A", "ABC"]).exclude(
            code_rome=""
        ),
        "code_geo",
        wanted,
    )
    grouped = (
        base.filter(mois__year__in=years)
        .annotate(year=ExtractYear("mois"))
        .values("code_geo", "code_rome", "year", "categorie")
        .annotate(
            n=Count("id"),
            n_entries=Count("entrees"),
            n_exits=Count("sorties"),
            sum_entries=Sum("entrees"),
            sum_exits=Sum("sorties"),
            mean_stock=Avg("stock"),
        )
        .values_list(
            "code_geo",
            "code_rome",
            "year",
            "categorie",
            "n",
            "n_entries",
            "n_exits",
            "sum_entries",
            "sum_exits",
            "mean_stock",
        )
    )
    sums = query_frame(
        grouped,
        {
            "commune": pl.String,
            "rome": pl.String,
            "year": pl.Int64,
            "category": pl.String,
            "n": pl.Int64,
            "n_entries": pl.Int64,
            "n_exits": pl.Int64,
            "entries": pl.Float64,
            "exits": pl.Float64,
            "stock": pl.Float64,
        },
    )
    sums = _keep_communes(sums, wanted)
    if sums.is_empty():
        return pl.DataFrame(schema=SEEKER_SCHEMA)
    # a sum stays null when one month is secret (null), as `null_sum` does
    sums = sums.with_columns(
        pl.when(pl.col("n_entries") < pl.col("n")).then(None).otherwise(pl.col("entries")).alias("entries"),
        pl.when(pl.col("n_exits") < pl.col("n")).then(None).otherwise(pl.col("exits")).alias("exits"),
    )
    first_month = base.filter(mois__year__in=[min(years) - 1, *years]).aggregate(first=Min("mois"))["first"]
    starts = query_frame(
        base.filter(categorie="ABC", mois__year__in=[min(years) - 1, *years])
        .filter(Q(mois__month=12) | Q(mois=first_month))
        .values_list("code_geo", "code_rome", "mois", "stock"),
        {"commune": pl.String, "rome": pl.String, "month": pl.Date, "stock": pl.Float64},
    )
    starts = _keep_communes(starts, wanted)
    keys = ["commune", "rome"]
    # a December stock starts the next year; the first month loaded starts its own year when no December precedes
    start_stock = (
        starts.with_columns(
            pl.when(pl.col("month").dt.month() == 12)
            .then(pl.col("month").dt.year().cast(pl.Int64) + 1)
            .otherwise(pl.col("month").dt.year().cast(pl.Int64))
            .alias("year")
        )
        .sort("month")
        .group_by(*keys, "year")
        .agg(pl.col("stock").first().alias("stock_abc_start"))
    )
    a = sums.filter(pl.col("category") == "A").select(
        *keys,
        "year",
        pl.col("entries").alias("entries_a"),
        pl.col("stock").alias("stock_a"),
        pl.lit(True).alias("_a"),
    )
    abc = sums.filter(pl.col("category") == "ABC").select(
        *keys,
        "year",
        pl.col("entries").alias("entries_abc"),
        pl.col("exits").alias("exits_abc"),
        pl.lit(True).alias("_abc"),
    )
    out = abc.join(a, on=[*keys, "year"], how="full", coalesce=True).join(
        start_stock, on=[*keys, "year"], how="left"
    )
    # a category with no row for a commune × ROME × year counts 0 (missing row = 0); only a `*` stays null
    out = out.with_columns(
        *(
            pl.when(pl.col("_a").is_null()).then(0.0).otherwise(pl.col(c)).alias(c)
            for c in ("entries_a", "stock_a")
        ),
        *(
            pl.when(pl.col("_abc").is_null()).then(0.0).otherwise(pl.col(c)).alias(c)
            for c in ("entries_abc", "exits_abc")
        ),
    ).drop("_a", "_abc")
    out = out.with_columns(
        pl.col("year").cast(pl.String).alias("period"),
        pl.col("entries_abc").alias("entries"),
        pl.col("stock_abc_start").fill_null(0.0),
    ).drop("year")
    return out.select(list(SEEKER_SCHEMA))


def bassin_members() -> pl.DataFrame:
    """(`bassin`, `commune`, `population`, `_bassin_pop`) of every BMO bassin."""
    bassins = Territory.objects.filter(scale="bassin")
    members = query_frame(
        Membership.objects.filter(territory__in=bassins).values_list(
            "territory__code", "commune__code", "commune__population"
        ),
        {"bassin": pl.String, "commune": pl.String, "population": pl.Float64},
    )
    return members.with_columns(pl.col("population").sum().over("bassin").alias("_bassin_pop"))


def bassin_weights(territory_map: pl.DataFrame, members: pl.DataFrame | None = None) -> pl.DataFrame:
    """(`bassin`, `territory`, `weight`): share of each BMO bassin's population living in the territory."""
    members = bassin_members() if members is None else members
    joined = members.join(territory_map, on="commune", how="inner")
    return (
        joined.group_by("bassin", "territory")
        .agg((pl.col("population").sum() / pl.col("_bassin_pop").first()).alias("weight"))
        .filter(pl.col("weight") > 0)
    )


BMO_SCHEMA = {
    "bassin": pl.String,
    "dep": pl.String,
    "reg": pl.String,
    "occupation": pl.String,
    "projects": pl.Float64,
    "difficult": pl.Float64,
    "seasonal": pl.Float64,
}
BMO_VALUES = ["projects", "difficult", "seasonal"]
# the denominators of the two BMO rates: in a « tous métiers » row, the projects of the cells whose numerator is
# published too (a rate over every published project would count the projects of a « * » numerator as 0)
BMO_BASES = {"difficult": "projects_for_difficult", "seasonal": "projects_for_seasonal"}
BMO_FRAME_SCHEMA = {
    "territory": pl.String,
    "occupation": pl.String,
    **{v: pl.Float64 for v in BMO_VALUES},
    **{b: pl.Float64 for b in BMO_BASES.values()},
    "secret_cells": pl.Float64,
    "period": pl.String,
}
# how each scale gets its BMO figures: the file publishes cells by bassin × département part × métier, each
# with its département and région, so bassins, départements and régions are sums of published cells; any other
# territory receives from each bassin the share of the bassin's population living in it [P]
BMO_PUBLISHED_SCALES = {"bassin": "bassin", "dep": "dep", "reg": "reg"}
BMO_DETAIL = {
    "bassin": "cellules publiées du bassin BMO {code}",
    "dep": "somme des cellules publiées des bassins du département {code}",
    "reg": "somme des cellules publiées des bassins de la région {code}",
    "population": "projets de chaque bassin BMO répartis selon la part de sa population vivant dans le territoire",
}


def bmo_raw(year: int, bassins: list[str] | None = None) -> pl.DataFrame:
    """The BMO cells of `year` as published (one per bassin × département part × métier; « * » = null)."""
    queryset = m.BmoProjet.objects.filter(annee=year)
    if bassins is not None:
        queryset = queryset.filter(code_bassin__in=bassins)
    return query_frame(
        queryset.values_list(
            "code_bassin",
            "code_departement",
            "code_region",
            "code_metier",
            "projets",
            "difficiles",
            "saisonniers",
        ),
        BMO_SCHEMA,
    )


def bmo_origin(scale: str, code: str, raw: pl.DataFrame) -> tuple[str, str]:
    """(`origin`, detail) of a territory's BMO figures: « published » for a bassin published in one piece,
    « sum » for a bassin published in département parts, a département or a région, « population » else."""
    if scale == "bassin":
        parts = raw.filter(pl.col("bassin") == code)["dep"].n_unique() if raw.height else 1
        if parts > 1:
            return "sum", BMO_DETAIL["bassin"].format(code=code) + f" ({parts} parties départementales)"
        return "published", BMO_DETAIL["bassin"].format(code=code)
    if scale in ("dep", "reg"):
        return "sum", BMO_DETAIL[scale].format(code=code)
    return "population", BMO_DETAIL["population"]


def bmo_cells_of(
    territories: dict[str, tuple[str, str]], tmap: pl.DataFrame, members: pl.DataFrame, raw: pl.DataFrame
) -> pl.DataFrame:
    """(`territory`, `occupation`, BMO values…, `weight`): the published cells each territory is made of, with
    the weight each counts for (1 for a bassin, département or région, the population share otherwise)."""
    parts = []
    for scale, column in BMO_PUBLISHED_SCALES.items():
        wanted = {code: key for key, (s, code) in territories.items() if s == scale}
        if wanted:
            cells = raw.filter(pl.col(column).is_in(list(wanted)))
            parts.append(
                cells.with_columns(
                    pl.col(column).replace_strict(wanted, return_dtype=pl.String).alias("territory"),
                    pl.lit(1.0).alias("weight"),
                )
            )
    others = [key for key, (s, _) in territories.items() if s not in BMO_PUBLISHED_SCALES]
    if others:
        weights = bassin_weights(tmap.filter(pl.col("territory").is_in(others)), members)
        parts.append(raw.join(weights, on="bassin", how="inner"))
    columns = ["territory", "occupation", *BMO_VALUES, "weight"]
    if not parts:
        return pl.DataFrame(
            schema={**{c: BMO_SCHEMA.get(c, pl.String) for c in columns}, "weight": pl.Float64}
        )
    return pl.concat([p.select(columns) for p in parts])


def bmo_for(cells: pl.DataFrame, year: int) -> pl.DataFrame:
    """BMO values by territory × métier (a secret part makes the métier secret: null), and the « tous
    métiers » row: each count is the sum of its published cells (a lower bound that reveals nothing), each
    rate's denominator the projects of the cells whose numerator is published; `secret_cells` counts the
    « * » project cells left out."""
    weighted = {v: pl.col(v) * pl.col("weight") for v in BMO_VALUES}
    by_occupation = cells.group_by("territory", "occupation").agg(
        pl.when(pl.col(v).is_null().any()).then(None).otherwise(weighted[v].sum()).alias(v)
        for v in BMO_VALUES
    )
    by_occupation = by_occupation.with_columns(
        *(pl.col("projects").alias(b) for b in BMO_BASES.values()),
        pl.lit(None, pl.Float64).alias("secret_cells"),
    )
    published = {v: pl.col(v).is_not_null() for v in BMO_VALUES}
    total = cells.group_by("territory").agg(
        weighted["projects"].filter(published["projects"]).sum().alias("projects"),
        *(
            weighted[v].filter(published["projects"] & published[v]).sum().alias(v)
            for v in ("difficult", "seasonal")
        ),
        *(
            weighted["projects"].filter(published["projects"] & published[v]).sum().alias(b)
            for v, b in BMO_BASES.items()
        ),
        pl.col("projects").is_null().sum().cast(pl.Float64).alias("secret_cells"),
    )
    total = total.with_columns(pl.lit(ALL).alias("occupation"))
    out = pl.concat([by_occupation, total.select(by_occupation.columns)], how="vertical_relaxed")
    out = out.with_columns(pl.lit(str(year)).alias("period"))
    return out.select(list(BMO_FRAME_SCHEMA)).cast(BMO_FRAME_SCHEMA)


SCALE_OF_LEVEL = {
    "commune": "commune",
    "epci": "epci",
    "ze": "ze",
    "bassin": "bassin",
    "departement": "dep",
    "dep": "dep",
    "region": "reg",
    "reg": "reg",
    "custom": "custom",
}


@cache
def fap2009_to_fap2021() -> pl.DataFrame:
    """(`fap2009`, `occupation`, `share`): how a FAP-2009 family's count spreads over FAP-2021 codes — over its
    ROME v3 codes equally (official Dares table), then to ROME 4.0 fiches (`code_rome_parent`) and FAP-2021
    codes (`rome_share` of the bridge). Shares sum to 1 per family that reaches the bridge."""
    from gtec.referentials.models import Fiche, RomeV3Fap

    links = _frame(
        (
            {"fap2009": f, "rome_v3": r}
            for f, r in RomeV3Fap.objects.values_list("fap__code", "rome_v3").distinct()
        ),
        {"fap2009": pl.String, "rome_v3": pl.String},
    )
    fiches = _frame(
        (
            {"rome_v3": p or c, "rome": c}
            for c, p in Fiche.objects.values_list("code_rome", "code_rome_parent")
        ),
        {"rome_v3": pl.String, "rome": pl.String},
    )
    shares = bridge().select(
        pl.col("code_rome").alias("rome"), pl.col("code_fap2021").alias("occupation"), "rome_share"
    )
    chain = links.join(fiches, on="rome_v3").join(shares, on="rome")
    chain = chain.with_columns(
        (pl.col("rome_share") / pl.len().over("fap2009", "rome_share").cast(pl.Float64)).alias("_w")
    )
    out = chain.group_by("fap2009", "occupation").agg(pl.col("rome_share").sum().alias("share"))
    return out.with_columns((pl.col("share") / pl.col("share").sum().over("fap2009")).alias("share"))


def employment_raw(years: list[int]) -> pl.DataFrame:
    raw = query_frame(
        m.Emploi.objects.filter(annee__in=years).values_list(
            "niveau_geo", "code_geo", "code_fap", "annee", "effectif"
        ),
        {
            "level": pl.String,
            "code": pl.String,
            "occupation": pl.String,
            "period": pl.Int64,
            "employment": pl.Float64,
        },
    )
    return raw.with_columns(
        pl.col("period").cast(pl.String),
        pl.col("level").replace_strict(SCALE_OF_LEVEL, default=None).alias("scale"),
    )


ALLOCATION_MIN_SHARE = 0.5


# Employees of an establishment estimated by the middle of its SIRENE headcount band (`NN` / empty: none).
BAND_MIDPOINTS = {
    "00": 0.0, "01": 1.5, "02": 4.0, "03": 7.5, "11": 14.5, "12": 34.5, "21": 74.5, "22": 149.5,
    "31": 224.5, "32": 374.5, "41": 749.5, "42": 1499.5, "51": 3499.5, "52": 7499.5, "53": 10000.0,
}  # fmt: skip


def exposure_sector(division: str) -> str:
    """The five sectors of the Insee activity-loss scenario (`structure.yaml`) from a NAF division."""
    d = int(division) if division.isdigit() else -1
    if 1 <= d <= 3 or 10 <= d <= 12:
        return "agri_iaa"
    if 5 <= d <= 39:
        return "industry"
    if 41 <= d <= 43:
        return "construction"
    if 84 <= d <= 88:
        return "non_market_services"
    return "market_services"


def load_sector_employment(communes: pl.DataFrame | None) -> pl.DataFrame:
    """Estimated employees of the active SIRENE establishments by commune × exposure sector, for the
    sectoral-shock exposure (France Stratégie form) [P: employees from headcount-band midpoints]."""
    wanted = communes["commune"].unique().to_list() if communes is not None else None
    qs = _in_communes(m.Etablissement.objects.filter(actif=True), "code_insee", wanted)
    rows = (
        qs.annotate(division=Substr("naf", 1, 2))
        .values_list("code_insee", "division", "tranche_effectifs")
        .annotate(n=Count("id"))
    )
    raw = query_frame(
        rows.values_list("code_insee", "division", "tranche_effectifs", "n"),
        {"commune": pl.String, "division": pl.String, "band": pl.String, "n": pl.Float64},
    )
    raw = _keep_communes(raw, wanted)
    return (
        raw.with_columns(
            pl.col("division").map_elements(exposure_sector, return_dtype=pl.String).alias("sector"),
            (
                pl.col("band").replace_strict(BAND_MIDPOINTS, default=0.0, return_dtype=pl.Float64)
                * pl.col("n")
            ).alias("employment"),
        )
        .group_by("commune", "sector")
        .agg(pl.col("employment").sum(), pl.col("n").sum().alias("establishments"))
    )


def commune_populations(codes: list[str]) -> pl.DataFrame:
    return _frame(
        (
            {"commune": c, "population": p}
            for c, p in Territory.objects.filter(scale="commune", code__in=codes).values_list(
                "code", "population"
            )
        ),
        {"commune": pl.String, "population": pl.Float64},
    )


def allocated(territory_map: pl.DataFrame, direct: pl.DataFrame, keys: set[str]) -> pl.DataFrame:
    """Employment for the territories that have none published (a project territory, a large EPCI) from a
    published territory that holds at least 95 % of their population and of which they are at least half,
    in proportion of the population they share with it [P] — e.g. the Pays de Vannes from its zone d'emploi.
    Smaller territories (communes) get none: a copy of the zone's structure would make their location
    quotients 1 and their specialisation 0, which would be read as facts."""
    empty = pl.DataFrame(
        schema={
            "territory": pl.String,
            "occupation": pl.String,
            "period": pl.String,
            "employment": pl.Float64,
        }
    )
    published = set(direct["territory"].unique().to_list()) if not direct.is_empty() else set()
    sources = [k for k in published if k in set(territory_map["territory"].unique().to_list())]
    wanting = [k for k in keys if k not in published]
    if not sources or not wanting:
        return empty
    tmap = territory_map.filter(pl.col("territory").is_in(sources + wanting))
    pops = commune_populations(tmap["commune"].unique().to_list())
    tmap = tmap.join(pops, on="commune", how="left").with_columns(pl.col("population").fill_null(0.0))
    totals = dict(tmap.group_by("territory").agg(pl.col("population").sum()).iter_rows())
    source_communes = tmap.filter(pl.col("territory").is_in(sources)).rename({"territory": "source"})
    overlap = (
        tmap.filter(pl.col("territory").is_in(wanting))
        .join(source_communes.select("source", "commune"), on="commune", how="inner")
        .group_by("territory", "source")
        .agg(pl.col("population").sum().alias("shared"))
    )
    parts = []
    for territory, source, shared in overlap.iter_rows():
        if not totals.get(territory) or shared / totals[territory] < MIN_COVERAGE or not totals.get(source):
            continue
        if shared / totals[source] < ALLOCATION_MIN_SHARE:
            continue
        weight = shared / totals[source]
        rows = direct.filter(pl.col("territory") == source).with_columns(
            pl.lit(territory).alias("territory"), pl.col("employment") * weight
        )
        parts.append(rows.select(empty.columns))
        # one source is enough: the first that covers the territory
        wanting = [w for w in wanting if w != territory]
    seen: set[str] = set()
    kept = []
    for part in parts:
        key = part["territory"][0] if part.height else None
        if key and key not in seen:
            seen.add(key)
            kept.append(part)
    return pl.concat(kept) if kept else empty


def load_employment(
    territory_map: pl.DataFrame,
    years: list[int],
    territories: list[Territory],
    raw: pl.DataFrame | None = None,
    keys: set[str] | None = None,
) -> pl.DataFrame:
    """Employment by territory × FAP-2021 × year: commune rows summed over each territory, and rows published
    for a territory itself (zone d'emploi, département…) used as they are; FAP-2009 codes are spread over
    FAP-2021 codes (`fap2009_to_fap2021`)."""
    keys = {t.key for t in territories} if keys is None else keys
    raw = employment_raw(years) if raw is None else raw
    communes = raw.filter(pl.col("scale") == "commune").rename({"code": "commune"})
    from_communes = communes.join(territory_map, on="commune", how="inner").select(
        "territory", "occupation", "period", "employment"
    )
    direct = (
        raw.filter(pl.col("scale") != "commune")
        .with_columns((pl.col("scale") + ":" + pl.col("code")).alias("territory"))
        .filter(pl.col("territory").is_in(list(keys)))
        .select("territory", "occupation", "period", "employment")
    )
    both = pl.concat([from_communes, direct, allocated(territory_map, direct, keys)])
    both = both.group_by("territory", "occupation", "period").agg(null_sum("employment"))
    known21 = set(bridge()["code_fap2021"].unique().to_list())
    is21 = pl.col("occupation").is_in(list(known21))
    as21 = both.filter(is21)
    as09 = (
        both.filter(~is21)
        .rename({"occupation": "fap2009"})
        .join(fap2009_to_fap2021(), on="fap2009", how="inner")
    )
    as09 = as09.with_columns(pl.col("employment") * pl.col("share")).select(
        "territory", "occupation", "period", "employment"
    )
    return pl.concat([as21, as09]).group_by("territory", "occupation", "period").agg(null_sum("employment"))


def to_territories(frame: pl.DataFrame, territory_map: pl.DataFrame, values: list[str]) -> pl.DataFrame:
    joined = frame.join(territory_map, on="commune", how="inner")
    return joined.group_by("territory", "rome", "period").agg(null_sum(v) for v in values)


def flag_small(frame: pl.DataFrame, counts: list[str], min_units: int) -> pl.DataFrame:
    """Primary frequency rule on each input cell: 0 < count < min_units → secret."""
    small = pl.any_horizontal([(pl.col(c) > 0) & (pl.col(c) < min_units) for c in counts] + [pl.lit(False)])
    return frame.with_columns(small.alias("secret"))


def protect_with_totals(frame: pl.DataFrame, counts: list[str], min_units: int) -> pl.DataFrame:
    """The primary frequency rule (`flag_small`), then secondary suppression (`gtec_core.secrecy`) within each
    territory × year for each count, the « tous métiers » row being the published total: a cell published
    next to a secret one in the same total would give it away by subtraction, so it becomes secret too, here,
    once, and every indicator built on it inherits the secrecy — on every page, export and API answer.
    Cells secret at source (null) are outside the totals and outside this table."""
    frame = flag_small(frame, counts, min_units)
    detail = frame.filter((pl.col("occupation") != ALL) & pl.col("secret"))
    if detail.is_empty():
        return frame
    groups = detail.select("territory", "period").unique()
    cells = frame.join(groups, on=["territory", "period"], how="semi").filter(pl.col("occupation") != ALL)
    hidden: list[tuple[str, str, str]] = []
    for (territory, period), group in cells.group_by(["territory", "period"]):
        for count in counts:
            table = group.select(
                "occupation", pl.col(count).alias("value"), pl.col("secret").alias(SECRET)
            ).drop_nulls("value")
            if not table[SECRET].any():
                continue
            out = secondary_suppression(table, rows="occupation", value="value", total=TOTAL_ROW)
            added = out.filter(pl.col(SECRET) & (pl.col("occupation") != TOTAL_ROW))["occupation"]
            hidden += [(territory, period, o) for o in added]
    if not hidden:
        return frame
    marks = pl.DataFrame(hidden, schema=["territory", "period", "occupation"], orient="row").unique()
    marks = marks.with_columns(pl.lit(True).alias("_hidden"))
    out = frame.join(marks, on=["territory", "period", "occupation"], how="left")
    return out.with_columns((pl.col("secret") | pl.col("_hidden").fill_null(False)).alias("secret")).drop(
        "_hidden"
    )


def with_all(
    frame: pl.DataFrame, values: list[str], keys: list[str], *, published_only: bool = False
) -> pl.DataFrame:
    """Add the « tous métiers » rows (occupation = ALL) summing the occupations. With `published_only`
    (BMO), the total is the sum of the cells published at source (rows with a `*` are left out, so the total
    is a lower bound that reveals nothing), instead of becoming secret as soon as one cell is."""
    parts = frame.drop_nulls(values) if published_only else frame
    total = (
        parts.group_by(keys).agg(null_sum(v) for v in values).with_columns(pl.lit(ALL).alias("occupation"))
    )
    return pl.concat([frame, total.select(frame.columns)], how="vertical_relaxed")


@dataclass
class Inputs:
    frames: dict[str, pl.DataFrame]
    rome_frames: dict[str, pl.DataFrame]
    bmo_origins: dict[str, tuple[str, str, str]] = None  # territory -> (origin, detail, note on the total)


def protect_bmo(bmo: pl.DataFrame, origins: dict[str, tuple[str, str]], min_units: int) -> pl.DataFrame:
    """Cells published by France Travail (a bassin, and the sums of its published cells for a département or a
    région) are shown as published: the source applied its own secrecy (« * »). Figures shared out by
    population are derived values: the frequency rule and the secondary suppression apply to them."""
    shared = [k for k, (origin, *_) in origins.items() if origin == "population"]
    as_published = bmo.filter(~pl.col("territory").is_in(shared)).with_columns(pl.lit(False).alias("secret"))
    derived = protect_with_totals(bmo.filter(pl.col("territory").is_in(shared)), ["projects"], min_units)
    return pl.concat([as_published, derived.select(as_published.columns)])


OFFER_VALUES = ["offers", "online_offers", "durable_offers", "full_time_offers"]
SEEKER_VALUES = ["entries", "entries_a", "entries_abc", "exits_abc", "stock_a", "stock_abc_start"]


@dataclass
class Loaded:
    """The commune-level inputs read once from the database (aggregated in SQL), for one or many batches."""

    offers: pl.DataFrame  # commune × ROME × year
    seekers: pl.DataFrame  # commune × ROME × year
    bmo: pl.DataFrame  # bassin × FAP-2021 of the BMO year
    bmo_year: int | None
    members: pl.DataFrame  # communes of the BMO bassins
    employment: pl.DataFrame  # as stored, any level
    sectors: pl.DataFrame = None  # commune × exposure sector: estimated employees (SIRENE)


def load_all(tmap: pl.DataFrame | None, years: list[int], bmo_year: int | None) -> Loaded:
    return Loaded(
        offers=load_offers(tmap, years),
        seekers=load_jobseekers(tmap, years),
        bmo=bmo_raw(bmo_year) if bmo_year else pl.DataFrame(schema=BMO_SCHEMA),
        bmo_year=bmo_year,
        members=bassin_members(),
        employment=employment_raw(years),
        sectors=load_sector_employment(tmap),
    )


def build_inputs(
    territories: list[Territory], years: list[int], bmo_year: int | None, local: set[str] | None = None
) -> Inputs:
    tmap = commune_map(territories)
    return inputs_for(tmap, {t.key for t in territories}, load_all(tmap, years, bmo_year), local=local)


def _scale_code(key: str) -> tuple[str, str]:
    scale, _, code = key.partition(":")
    return scale, code


def bmo_frame(tmap: pl.DataFrame, keys: set[str], loaded: Loaded) -> tuple[pl.DataFrame, dict]:
    """The BMO input of the territories `keys` and, per territory, (origin, detail) of its figures."""
    if not loaded.bmo_year or loaded.bmo.is_empty():
        return pl.DataFrame(schema=BMO_FRAME_SCHEMA), {}
    info = {k: _scale_code(k) for k in keys}
    cells = bmo_cells_of(info, tmap, loaded.members, loaded.bmo)
    frame = bmo_for(cells, loaded.bmo_year)
    secret = dict(frame.filter(pl.col("occupation") == ALL).select("territory", "secret_cells").iter_rows())
    origins = {}
    for key, n in secret.items():
        origin, detail = bmo_origin(*info[key], loaded.bmo)
        note = f"{round(n or 0)} cellule(s) secrète(s) « * » non comptée(s)"
        origins[key] = (origin, detail, note)
    return frame, origins


def inputs_for(
    tmap: pl.DataFrame,
    keys: set[str],
    loaded: Loaded,
    *,
    totals_only: Iterable[str] = (),
    local: set[str] | None = None,
) -> Inputs:
    """The input frames of the territories `keys` (their communes in `tmap`). Coverage is decided per source:
    the BMO reaches every territory (published cells for a bassin, a département, a région; population shares
    otherwise), the local files (offers, job seekers, employment, establishments) only the territories of
    `local` (all when None). Territories in `totals_only` (communes of a national run, or communes the local
    files do not cover) keep only their « tous métiers » rows."""
    rules = load_rules()
    bmo, bmo_origins = bmo_frame(tmap, keys, loaded)
    if local is not None:
        keys = {k for k in keys if k in local}
        tmap = tmap.filter(pl.col("territory").is_in(list(keys)))
    offers_c = loaded.offers.join(tmap.select("commune").unique(), on="commune", how="semi")
    seekers_c = loaded.seekers.join(tmap.select("commune").unique(), on="commune", how="semi")
    offers_t = to_territories(offers_c, tmap, OFFER_VALUES)
    seekers_t = to_territories(seekers_c, tmap, SEEKER_VALUES)
    by = ["territory", "period"]
    offers_f = with_all(to_fap(offers_t, OFFER_VALUES, by), OFFER_VALUES, by)
    seekers_f = with_all(to_fap(seekers_t, SEEKER_VALUES, by), SEEKER_VALUES, by)
    employment = load_employment(tmap, [], [], raw=loaded.employment, keys=keys)
    # sub-areas for the geographical mismatch: the communes of each territory
    sub_o = offers_c.join(tmap, on="commune")
    sub_o = to_fap(sub_o, ["offers"], ["territory", "commune", "period"])
    sub_d = seekers_c.join(tmap, on="commune")
    sub_d = to_fap(
        sub_d.rename({"stock_a": "jobseekers"}), ["jobseekers"], ["territory", "commune", "period"]
    )
    sub = sub_o.join(sub_d, on=["territory", "commune", "period", "occupation"], how="full", coalesce=True)
    sub = with_all(
        sub.with_columns(pl.col("offers", "jobseekers").fill_null(0.0)),
        ["offers", "jobseekers"],
        ["territory", "commune", "period"],
    )
    sub = sub.rename({"commune": "subarea"})
    totals_only = list(totals_only)
    if totals_only:
        detail = pl.col("territory").is_in(totals_only) & (pl.col("occupation") != ALL)
        offers_f, seekers_f, bmo, sub = (f.filter(~detail) for f in (offers_f, seekers_f, bmo, sub))
        offers_t = offers_t.filter(~pl.col("territory").is_in(totals_only))
        seekers_t = seekers_t.filter(~pl.col("territory").is_in(totals_only))
    frames = {
        "offers": protect_with_totals(offers_f, ["offers"], rules.min_units),
        "jobseekers": protect_with_totals(seekers_f, ["entries", "stock_a"], rules.min_units),
        "bmo": protect_bmo(bmo, bmo_origins, rules.min_units),
        "employment": employment,
        "subareas": sub,
    }
    if loaded.sectors is not None and not loaded.sectors.is_empty():
        sectors = loaded.sectors.join(tmap, on="commune", how="inner")
        frames["sectors"] = sectors.group_by("territory", "sector").agg(
            pl.col("employment").sum(), pl.col("establishments").sum()
        )
    rome_frames = {
        "offers": protect_with_totals(offers_t.rename({"rome": "occupation"}), ["offers"], rules.min_units),
        "jobseekers": protect_with_totals(
            seekers_t.rename({"rome": "occupation"}), ["entries", "stock_a"], rules.min_units
        ),
    }
    return Inputs(frames, rome_frames, bmo_origins)


def reference_for(frames: dict[str, pl.DataFrame], reference_key: str) -> pl.DataFrame:
    """Counts of the reference territory by occupation × year, for the tension's standardisation."""
    parts = []
    for name in ("offers", "jobseekers", "bmo"):
        f = frames[name].filter((pl.col("territory") == reference_key) & (pl.col("occupation") != ALL))
        if name == "bmo":
            f = f.select("territory", "occupation", "period", *BMO_VALUES, "secret")
        parts.append(f.drop("territory", "secret"))
    out = (
        parts[0]
        .join(parts[1], on=["occupation", "period"], how="inner")
        .join(parts[2], on=["occupation"], how="inner", suffix="_bmo")
    )
    return out.drop_nulls()


def run_indicators(inputs: Inputs, reference_key: str) -> pl.DataFrame:
    """All indicators as one long frame: indicator, territory, occupation_kind, occupation, period, value,
    status, category, counts (JSON text)."""
    frames = inputs.frames
    results = []
    bmo = frames["bmo"]
    for name in PER_OCCUPATION:
        indicator = REGISTRY[name]
        params = None
        local = {k: frames[k] for k in indicator.inputs if k in frames}
        if "bmo" in local and name in BMO_RATE_BASE:
            # a rate's denominator in the « tous métiers » row: the projects whose numerator is published
            local["bmo"] = local["bmo"].with_columns(pl.col(BMO_RATE_BASE[name]).alias("projects"))
        if name == "dares_tension":
            ref = reference_for(frames, reference_key)
            if ref.height < 3:
                continue
            from gtec_core.indicators.tension import reference_moments, tension_parameters

            params = tension_parameters()
            params = {
                **params,
                "composite": {
                    **params["composite"],
                    "reference_moments": reference_moments(
                        ref.drop("period_bmo", strict=False), period=(0, 9999)
                    ),
                },
            }
        if name in ("hiring_intensity", "lack_of_labour") and not frames["employment"].is_empty():
            # these relate flows to employment for « tous métiers » too (the structure indicators must not
            # see a total row among the occupations)
            local["employment"] = with_all(frames["employment"], ["employment"], ["territory", "period"])
        if name == "location_quotient":
            emp = frames["employment"]
            if emp.is_empty():
                continue
            local["reference"] = emp.filter(pl.col("territory") == reference_key).drop("territory")
            local["employment"] = emp
        if any(k not in local for k in indicator.inputs):
            continue
        if any(local[k].is_empty() for k in indicator.inputs):
            continue
        # BMO is yearly: indicators mixing it with monthly data only exist for the BMO year
        if "bmo" in indicator.inputs and name != "bmo_difficulty_rate":
            local = {
                k: (
                    v.filter(pl.col("period").is_in(bmo["period"].unique().to_list()))
                    if "period" in v.columns
                    else v
                )
                for k, v in local.items()
            }
        out = indicator.run(local, params)
        results.append(_long(name, out, "fap2021"))
    for name in ("offers_demand_ratio",):
        out = REGISTRY[name].run(inputs.rome_frames)
        results.append(_long(name, out, "rome"))
    emp = frames["employment"]
    if not emp.is_empty():
        emp_occ = emp.filter(pl.col("occupation") != ALL)
        for name in PER_TERRITORY:
            indicator = REGISTRY[name]
            local = {
                "employment": emp_occ,
                "reference": emp_occ.filter(pl.col("territory") == reference_key).drop("territory"),
            }
            out = indicator.run({k: local[k] for k in indicator.inputs})
            results.append(_long(name, out.with_columns(pl.lit(ALL).alias("occupation")), "all"))
    sectors = frames.get("sectors")
    if sectors is not None and not sectors.is_empty():
        # establishments are a stock: the exposure is dated by the latest year computed
        latest = max(
            frames["offers"]["period"].unique().to_list()
            or frames["jobseekers"]["period"].unique().to_list()
            or ["0"]
        )
        out = REGISTRY["covid_exposure"].run({"employment": sectors.drop("establishments")})
        # a territory's exposure built on fewer than 3 establishments would describe them: secret (§6)
        few = sectors.group_by("territory").agg(pl.col("establishments").sum() < load_rules().min_units)
        out = (
            out.join(few.rename({"establishments": "_few"}), on="territory", how="left")
            .with_columns(
                pl.when(pl.col("_few")).then(pl.lit("secret")).otherwise(pl.col("status")).alias("status")
            )
            .drop("_few")
        )
        out = out.with_columns(pl.lit(ALL).alias("occupation"), pl.lit(latest).alias("period"))
        results.append(_long("covid_exposure", out, "all"))
    return (
        pl.concat([r for r in results if r is not None], how="diagonal_relaxed")
        if results
        else pl.DataFrame()
    )


def _long(name: str, out: pl.DataFrame, kind: str) -> pl.DataFrame:
    kinds = pl.when(pl.col("occupation") == ALL).then(pl.lit("all")).otherwise(pl.lit(kind))
    category = pl.col("category") if "category" in out.columns else pl.lit(None, dtype=pl.Int8)
    return out.select(
        pl.lit(name).alias("indicator"),
        "territory",
        kinds.alias("occupation_kind"),
        pl.col("occupation").fill_null(ALL),
        pl.col("period").cast(pl.String),
        "value",
        "status",
        category.cast(pl.Int8).alias("category"),
        pl.col("counts").struct.json_encode().alias("counts"),
    )


def _clean(value):
    """JSON- and database-safe float: NaN and infinities become null, and values are rounded to 9 decimals so
    that a re-run whose parallel sums add in another order stores exactly the same number."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, 9)
    return value


def _years_and_bmo(years: list[int] | None) -> tuple[list[int], int | None]:
    """The years to compute (those of the local files, or the BMO year when no local file is loaded) and the
    BMO year."""
    bmo_years = list(m.BmoProjet.objects.values_list("annee", flat=True).distinct())
    bmo_year = max(bmo_years) if bmo_years else None
    if years is None:
        years = sorted(
            {d.year for d in m.Offre.objects.dates("date_creation", "year")}
            | {d.year for d in m.DemandeurEmploi.objects.dates("mois", "year")}
        )
        if not years and bmo_year:
            years = [bmo_year]
    return years, bmo_year


def synthetic_sources() -> set[str]:
    """The sources whose latest import is synthetic (demo files)."""
    out = set()
    for source in {s for sources in INPUT_SOURCES.values() for s in sources}:
        run = ImportRun.objects.filter(source=source).order_by("-pk").first()
        if run is not None and run.synthetic:
            out.add(source)
    return out


def _is_synthetic() -> bool:
    return bool(synthetic_sources())


def indicator_synthetic(name: str, synthetic: set[str]) -> bool:
    """An indicator is synthetic when one of the sources of its inputs is."""
    return any(s in synthetic for k in REGISTRY[name].inputs for s in INPUT_SOURCES.get(k, ()))


def _observation_rows(
    long: pl.DataFrame,
    ids: dict[str, int],
    synthetic: set[str] | bool,
    bmo_origins: dict[str, tuple[str, str]] | None = None,
) -> list[dict]:
    if long.is_empty():
        return []
    if isinstance(synthetic, bool):  # every figure of the run has the same label
        flags = dict.fromkeys(REGISTRY, synthetic)
    else:
        flags = {name: indicator_synthetic(name, synthetic) for name in REGISTRY}
    origins = bmo_origins or {}
    long = long.filter(pl.col("territory").is_in(list(ids)))
    rows = []
    # the counts (JSON text, one shape per indicator) are decoded in polars, one indicator at a time
    for (name,), part in long.group_by("indicator", maintain_order=True):
        keys = json.loads(part["counts"][0] or "{}")
        if keys:
            decoded = part.with_columns(
                pl.col("counts").str.json_decode(pl.Struct(dict.fromkeys(keys, pl.Float64)))
            )
        else:
            decoded = part.with_columns(pl.lit(None).alias("counts"))
        synthetic_flag = flags[name]
        for r in decoded.iter_rows(named=True):
            origin, detail = "computed", ""
            if name in BMO_ONLY and r["territory"] in origins:
                origin, detail, note = origins[r["territory"]]
                if r["occupation"] == ALL:  # a total is the sum of the published cells
                    origin, detail = ("sum" if origin == "published" else origin), f"{detail} ; {note}"
            counts = r["counts"] or {}
            rows.append(
                {
                    "indicator": name,
                    "territory_id": ids[r["territory"]],
                    "occupation_kind": r["occupation_kind"],
                    "occupation": r["occupation"],
                    "period": r["period"],
                    "value": _clean(r["value"]),
                    "status": r["status"],
                    "category": r["category"],
                    "counts": {k: _clean(v) for k, v in counts.items()},
                    "synthetic": synthetic_flag,
                    "origin": origin,
                    "origin_detail": detail,
                }
            )
    return rows


DARES_LEVELS = {"dep": "dep", "reg": "reg"}
DARES_DETAIL = {"dep": "Dares, département {code}", "reg": "Dares, région {code}"}


def _geo_code(code: str) -> str:
    """Codes of the Dares file are written without leading zero for régions (« 1 », « 94 »)."""
    return code.lstrip("0") or "0"


def dares_rows(territories: list[Territory], ids: dict[str, int]) -> list[dict]:
    """The Dares tension indicator as published (FAP-2009, 225 and 87 families) for the départements and
    régions among `territories`, stored as observations of `dares_tension` (nomenclature FAP 2009, origin
    « publié »): a category is given only where the Dares gives one (an imputed value has none, status
    « insufficient »)."""
    wanted = {
        (t.scale, _geo_code(t.code)): t.key for t in territories if t.scale in DARES_LEVELS and t.key in ids
    }
    if not wanted:
        return []
    synthetic = bool(
        (run := ImportRun.objects.filter(source="dares").order_by("-pk").first()) and run.synthetic
    )
    rows = []
    for level, code, fap, year, employment, tension, category in m.DaresTension.objects.filter(
        niveau_geo__in=list(DARES_LEVELS)
    ).values_list("niveau_geo", "code_geo", "code_fap", "annee", "emploi_moyen", "tension", "categorie"):
        key = wanted.get((level, _geo_code(code)))
        if key is None:
            continue
        rows.append(
            {
                "indicator": "dares_tension",
                "territory_id": ids[key],
                "occupation_kind": "fap2009",
                "occupation": fap,
                "period": str(year),
                "value": _clean(tension),
                "status": "ok" if tension is not None and category is not None else "insufficient",
                "category": category,
                "counts": {"employment": employment},
                "synthetic": synthetic,
                "origin": "published",
                "origin_detail": DARES_DETAIL[level].format(code=code),
            }
        )
    return rows


OBSERVATION_KEY = ("indicator", "territory_id", "occupation_kind", "occupation", "period")
NOTHING_COVERED = (
    "aucun territoire couvert par les données chargées (ni fichier BMO, ni demandeurs d'emploi ou offres par "
    "commune) : lancez `gtec import all`"
)


def observations_compute(
    territories: list[Territory],
    *,
    years: list[int] | None = None,
    reference: Territory | None = None,
    progress=None,
) -> tuple[str, dict[str, Counts]]:
    """Compute and store the observations of `territories` (all indicators, all occupations, `years`),
    communes included at the occupation level. Coverage is decided per source: the BMO figures reach every
    territory; the figures of the local files (offers, job seekers, employment, establishments) only the
    territories they cover (`covered`); a commune those files do not cover gets its « tous métiers » BMO
    figures only."""
    years, bmo_year = _years_and_bmo(years)
    if not years:
        return "aucune donnée", {"observations": Counts()}
    local, skipped = covered(territories)
    if not local and not bmo_year:
        raise ValueError(NOTHING_COVERED)
    reference = reference or max(local or territories, key=lambda t: t.population)
    if reference not in territories:
        territories = [*territories, reference]
        local = [*local, reference] if reference not in local else local
    if progress and skipped:
        progress(
            "territoires sans fichier local (BMO seulement) : " + ", ".join(t.key for t in skipped[:8]),
            len(skipped),
        )
    local_keys = {t.key for t in local}
    tmap = commune_map(territories)
    bare = [t.key for t in territories if t.scale == "commune" and t.key not in local_keys]
    inputs = inputs_for(
        tmap,
        {t.key for t in territories},
        load_all(tmap, years, bmo_year),
        local=local_keys,
        totals_only=bare,
    )
    long = run_indicators(inputs, reference.key)
    if bare and not long.is_empty():
        long = long.filter(~pl.col("territory").is_in(bare) | (pl.col("occupation") == ALL))
    ids = {t.key: t.pk for t in territories}
    synthetic = synthetic_sources()
    rows = _observation_rows(long, ids, synthetic, inputs.bmo_origins) + dares_rows(territories, ids)
    if progress:
        progress("observations", len(rows))
    with transaction.atomic():
        counts = {
            "observations": sync(
                m.Observation, rows, OBSERVATION_KEY, scope={"territory_id__in": list(ids.values())}
            )
        }
        version = f"indicateurs {min(years)}-{max(years)} ({len(territories)} territoires, référence {reference.key})"
        importrun_record(
            source="indicateurs",
            version=version,
            data_dir="",
            files={},
            counts=counts,
            synthetic=bool(synthetic),
        )
    return version, counts


BATCH_COMMUNES = 3000  # communes per batch of commune territories
BATCH_MEMBERS = 12_000  # member communes per batch of wider territories
BATCH_TERRITORIES = 150  # wider territories per batch


def plan_batches(territories: list[Territory], sizes: dict[str, int]) -> list[list[Territory]]:
    """Batches of territories of one scale each: communes by `BATCH_COMMUNES`, wider territories until their
    member communes reach `BATCH_MEMBERS` or their number `BATCH_TERRITORIES`."""
    batches: list[list[Territory]] = []
    by_scale: dict[str, list[Territory]] = {}
    for t in sorted(territories, key=lambda t: (t.scale, t.code)):
        by_scale.setdefault(t.scale, []).append(t)
    for scale, items in by_scale.items():
        if scale == "commune":
            batches += [items[i : i + BATCH_COMMUNES] for i in range(0, len(items), BATCH_COMMUNES)]
            continue
        batch: list[Territory] = []
        members = 0
        for t in items:
            if batch and (members + sizes.get(t.key, 0) > BATCH_MEMBERS or len(batch) >= BATCH_TERRITORIES):
                batches.append(batch)
                batch, members = [], 0
            batch.append(t)
            members += sizes.get(t.key, 0)
        if batch:
            batches.append(batch)
    return batches


def observations_compute_all(
    *,
    years: list[int] | None = None,
    reference: Territory | None = None,
    scales: list[str] | None = None,
    progress=None,
) -> tuple[str, dict[str, Counts]]:
    """Compute every territory the loaded data covers (`covered`), of every scale (or of `scales`), in
    batches of bounded size: the commune-level inputs are read once (aggregated in SQL), then each batch is
    aggregated, computed and stored in turn, the reference territory's inputs joining every batch so that
    the tension's standardisation and the location quotients are the same everywhere. Communes get the
    « tous métiers » indicators only (see the module docstring). One transaction for the whole run."""
    years, bmo_year = _years_and_bmo(years)
    if not years:
        return "aucune donnée", {"observations": Counts()}
    candidates = Territory.objects.filter(actif=True).only("pk", "key", "scale", "code", "population")
    if scales:
        candidates = candidates.filter(scale__in=scales)
    candidates = list(candidates)
    local, skipped = covered(candidates)
    if not local and not bmo_year:
        raise ValueError(NOTHING_COVERED)
    # every territory above the commune gets its BMO figures; the local files' figures only where they cover it
    # (a commune's share of its bassin by population says little: communes get figures where local files are)
    local_keys = {t.key for t in local}
    territories = (
        [t for t in candidates if t.scale != "commune" or t.key in local_keys] if bmo_year else local
    )
    if progress and skipped:
        progress("territoires sans fichier local (BMO seulement)", len(skipped))
    reference = reference or max(local or territories, key=lambda t: t.population)
    local_keys.add(reference.key)
    tmap = commune_map(territories if reference in territories else [*territories, reference])
    sizes = dict(tmap.group_by("territory").len().iter_rows())
    loaded = load_all(None, years, bmo_year)
    if progress:
        progress("entrées par commune (offres, demandeurs)", loaded.offers.height + loaded.seekers.height)
    ref_map = tmap.filter(pl.col("territory") == reference.key)
    ref_inputs = inputs_for(ref_map, {reference.key}, loaded)
    synthetic = synthetic_sources()
    total = Counts()
    batches = plan_batches(territories, sizes)
    with transaction.atomic():
        for number, batch in enumerate(batches, start=1):
            keys = {t.key for t in batch}
            communes = [t.key for t in batch if t.scale == "commune"]
            inputs = inputs_for(
                tmap.filter(pl.col("territory").is_in(list(keys))),
                keys,
                loaded,
                totals_only=communes,
                local=local_keys,
            )
            if reference.key not in keys:
                for name in ("offers", "jobseekers", "bmo", "employment"):
                    inputs.frames[name] = pl.concat(
                        [inputs.frames[name], ref_inputs.frames[name].select(inputs.frames[name].columns)],
                        how="vertical_relaxed",
                    )
            long = run_indicators(inputs, reference.key)
            if communes and not long.is_empty():
                long = long.filter(~pl.col("territory").is_in(communes) | (pl.col("occupation") == ALL))
            ids = {t.key: t.pk for t in batch}
            rows = _observation_rows(long, ids, synthetic, inputs.bmo_origins) + dares_rows(batch, ids)
            if progress:
                progress(
                    f"observations, lot {number}/{len(batches)} ({batch[0].scale}, {len(batch)})", len(rows)
                )
            part = sync(m.Observation, rows, OBSERVATION_KEY, scope={"territory_id__in": list(ids.values())})
            for field in ("created", "updated", "deleted", "unchanged"):
                setattr(total, field, getattr(total, field) + getattr(part, field))
        counts = {"observations": total}
        version = (
            f"indicateurs {min(years)}-{max(years)} ({len(territories)} territoires couverts, "
            f"référence {reference.key})"
        )
        importrun_record(
            source="indicateurs",
            version=version,
            data_dir="",
            files={},
            counts=counts,
            synthetic=bool(synthetic),
        )
    return version, counts


MIN_COVERAGE = 0.95


def covered(territories: list[Territory]) -> tuple[list[Territory], list[Territory]]:
    """Split territories into those whose population lives at least 95 % in communes with loaded commune data
    (job seekers or offers) and the others: an indicator of a département computed from a few of its communes
    would be wrong, so it is not computed. Memberships are read in bulk (one query per 1 000 territories)."""
    with_data = set(
        m.DemandeurEmploi.objects.filter(niveau_geo="commune").values_list("code_geo", flat=True).distinct()
    ) | set(m.Offre.objects.values_list("code_insee", flat=True).distinct())
    if not with_data:
        return [], list(territories)
    members: dict[int, list[tuple[str, int]]] = {
        t.pk: [(t.code, t.population)] for t in territories if t.scale == "commune"
    }
    wider = [t.pk for t in territories if t.scale != "commune"]
    for start in range(0, len(wider), 1000):
        # (the scale is tested here: as a SQL filter it makes SQLite pick a plan a hundred times slower)
        for territory_id, code, population, scale in Membership.objects.filter(
            territory_id__in=wider[start : start + 1000]
        ).values_list("territory_id", "commune__code", "commune__population", "commune__scale"):
            if scale == "commune":
                members.setdefault(territory_id, []).append((code, population))
    keep, skip = [], []
    for t in territories:
        communes = members.get(t.pk, [])
        total = sum(p for _, p in communes) or 1
        inside = sum(p for c, p in communes if c in with_data)
        (keep if communes and inside / total >= MIN_COVERAGE else skip).append(t)
    return keep, skip


def default_territories(root: Territory) -> list[Territory]:
    """A territory, the EPCI and communes inside it, the zones d'emploi, bassins, département and région that
    contain its communes."""
    communes = list(root.communes())
    inside = list(Territory.objects.filter(scale="epci", memberships__commune__in=communes).distinct())
    around = list(
        Territory.objects.filter(
            scale__in=["ze", "bassin", "dep", "reg"], memberships__commune__in=communes
        ).distinct()
    )
    seen: dict[str, Territory] = {}
    for t in [root, *communes, *inside, *around]:
        seen[t.key] = t
    return list(seen.values())
