"""Loading the inputs of the labour indicators: offers, job seekers, BMO cells, employment and establishments read
from the labour tables (aggregated in SQL, read through a cursor in chunks into polars)."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from datetime import date
from functools import reduce

import polars as pl
from django.db.models import Avg, Count, Min, Q, Sum
from django.db.models.functions import ExtractYear, Substr

from gtec.labour import models as m
from gtec.labour.observations.reading import CHUNK, query_frame  # noqa: F401  (re-exported)
from gtec.referentials.queries import bridge  # noqa: F401  (the FAP-2021 ↔ ROME bridge, a referential)
from gtec.territories.models import Territory

ALL = ""  # occupation code of the « tous métiers » observations


def _frame(rows: Iterable[dict], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def null_sum(column: str) -> pl.Expr:
    """Sum that stays null when one part is null (secret at source), instead of treating it as 0. The parts
    are added in sorted order: the same total whatever order a parallel join left the rows in (a re-run
    stores the same figures, and a cell at the frequency threshold is secret or not the same way)."""
    return (
        pl.when(pl.col(column).is_null().any()).then(None).otherwise(sorted_sum(pl.col(column))).alias(column)
    )


def sorted_sum(expr: pl.Expr) -> pl.Expr:
    """The sum of `expr` over its group, its values added in sorted order (deterministic, see `null_sum`)."""
    return expr.sort().sum()


def in_years(field: str, years: list[int]) -> Q:
    """`field` (a date) in one of `years`, as date ranges: the planner then estimates the rows from the
    column's statistics (`__year__in` filters on EXTRACT(year …), which it guesses at 0.5 % of the table, and
    PostgreSQL sorted 31 million job-seeker rows to group them instead of hashing them)."""
    return reduce(operator.or_, (Q(**{f"{field}__year": y}) for y in sorted(set(years))), Q(pk__in=[]))


FILTER_MAX = 500  # above this many communes, read every commune and keep the wanted ones in polars


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
    queryset = _in_communes(m.Offre.objects.filter(in_years("date_creation", years)), "code_insee", wanted)
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
        base.filter(in_years("mois", years))
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
    first_month = base.filter(in_years("mois", [min(years) - 1, *years])).aggregate(first=Min("mois"))[
        "first"
    ]
    starts = query_frame(
        base.filter(in_years("mois", [min(years) - 1, *years]), categorie="ABC")
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


BMO_SCHEMA = {
    "bassin": pl.String,
    "dep": pl.String,
    "reg": pl.String,
    "occupation": pl.String,
    "projects": pl.Float64,
    "difficult": pl.Float64,
    "seasonal": pl.Float64,
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
    "france": "fr",
    "fr": "fr",
}


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


def commune_populations(codes: list[str] | None = None) -> pl.DataFrame:
    """(`commune`, `population`) of the communes `codes`, or of every commune when None."""
    communes = Territory.objects.filter(scale="commune")
    if codes is not None:
        communes = communes.filter(code__in=codes)
    return _frame(
        ({"commune": c, "population": p} for c, p in communes.values_list("code", "population")),
        {"commune": pl.String, "population": pl.Float64},
    )


OFFER_VALUES = ["offers", "online_offers", "durable_offers", "full_time_offers"]


SEEKER_VALUES = ["entries", "entries_a", "entries_abc", "exits_abc", "stock_a", "stock_abc_start"]


def _years_of(queryset, field: str) -> set[int]:
    """The years an indexed date `field` takes, by a loose index scan: the first date, then the first date of
    a later year, and so on — one index probe per year. (A DISTINCT over the truncated dates read the whole
    table: 5.6 s on 63 million job-seeker rows; a probe per year with EXISTS scanned the earlier months.)"""
    years: set[int] = set()
    first = queryset.aggregate(first=Min(field))["first"]
    while first is not None:
        years.add(first.year)
        later = queryset.filter(**{f"{field}__gte": date(first.year + 1, 1, 1)})
        first = later.aggregate(first=Min(field))["first"]
    return years


def _years_and_bmo(years: list[int] | None) -> tuple[list[int], int | None]:
    """The years to compute (those of the local files, or the BMO year when no local file is loaded) and the
    BMO year."""
    bmo_years = list(m.BmoProjet.objects.values_list("annee", flat=True).distinct())
    bmo_year = max(bmo_years) if bmo_years else None
    if years is None:
        years = sorted(
            _years_of(m.Offre.objects, "date_creation") | _years_of(m.DemandeurEmploi.objects, "mois")
        )
        if not years and bmo_year:
            years = [bmo_year]
    return years, bmo_year
