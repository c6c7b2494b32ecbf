"""Synthetic employment by FAP-2009 family × age band (layout of `gtec_core.sources.employment`).

Calibration: the DARES « Portrait statistique des métiers » age pyramids (`age_2017_2019_3niv.csv`, people in
employment by FAP-2009 family (225) and age band, thousands, 2017–2019 average, France). A territory gets the
national counts times its share of the French population, times a fixed random factor per family (log-normal,
σ = 0.2: local specialisation); the age structure of each family is the national one, rounded by cumulative
rounding so that the family total holds. One set of rows per territory level of the scale (the zone d'emploi
and its département, the région and its départements, or France and its départements), year 2024.

A département's family totals are the real ones the Dares publishes with its tension indicators
(`dares_tension/tensions.csv`, « Emploi moyen » 2019 by FAP-2009 family, rounded to hundreds; a family it does
not list counts zero), so that the département is a reference area with its own structure: a location quotient
of the zone d'emploi against it measures something (#13), where a copy of the same synthetic draw would give
1.00 everywhere.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from gtec_core.demo.context import SCALES, Context, rng
from gtec_core.sources.employment import AGE_BANDS

PYRAMIDS = "dares_portrait_metiers/age_2017_2019_3niv.csv"
YEAR = 2024


def read_pyramids(data_dir: Path) -> pl.DataFrame:
    """The DARES national pyramids of the FAP-2009 families (225): `fap`, `age_band`, `employment` (people)."""
    frame = pl.read_csv(Path(data_dir) / PYRAMIDS, encoding="cp1252", infer_schema=False)
    return (
        frame.filter(pl.col("fap").str.contains(r"^[A-Z]\d[A-Z]\d{2}$") & pl.col("tr_age").is_in(AGE_BANDS))
        .select(
            "fap",
            pl.col("tr_age").alias("age_band"),
            (pl.col("annee_2017_2019").cast(pl.Float64, strict=False).fill_null(0.0) * 1000).alias(
                "employment"
            ),
        )
        .sort("fap", "age_band")
    )


DARES_EMPLOYMENT = "dares_tension/tensions.csv"


def read_department_employment(data_dir: Path) -> pl.DataFrame:
    """The Dares 2019 employment of each département by FAP-2009 family: `dep`, `fap`, `total` (people)."""
    frame = pl.read_csv(Path(data_dir) / DARES_EMPLOYMENT, infer_schema=False)
    return frame.filter(
        (pl.col("niveau_geo").str.strip_chars() == "dep") & (pl.col("niveau_fap") == "fap 225")
    ).select(
        pl.col("dep").str.strip_chars(),
        "fap",
        pl.col("Emploi moyen").cast(pl.Float64, strict=False).fill_null(0.0).alias("total"),
    )


def _areas(ctx: Context) -> list[tuple[str, str, int]]:
    """(niveau_geo, code_geo, population) of each territory written."""
    level, code, _ = SCALES[ctx.scale]
    areas = [(level, code, int(ctx.communes["population"].sum()))]
    if level == "ze":  # its département(s), reference of its location quotients
        deps = ctx.communes.group_by("dep").agg(pl.col("population").sum()).sort("dep")
        areas += [("departement", dep, int(pop)) for dep, pop in deps.iter_rows()]
    if level in ("region", "france"):
        deps = ctx.communes.group_by("dep").agg(pl.col("population").sum()).sort("dep")
        areas += [("departement", dep, int(pop)) for dep, pop in deps.iter_rows()]
    return areas


def write(ctx: Context, path: Path) -> int:
    pyramids = read_pyramids(ctx.data_dir)
    faps = pyramids["fap"].unique().sort()
    factor = pl.DataFrame(
        {"fap": faps, "_factor": rng(ctx.seed, "employment").lognormal(0.0, 0.2, len(faps))}
    )
    national_pop = int(ctx.all_communes["population"].sum())
    departments = read_department_employment(ctx.data_dir)
    age_share = pyramids.with_columns(
        (pl.col("employment") / pl.col("employment").sum().over("fap")).fill_nan(0.0).alias("_share")
    )
    frames = []
    for level, code, population in _areas(ctx):
        published = (
            departments.filter(pl.col("dep") == code) if level == "departement" else departments.clear()
        )
        if published.height:
            expected = age_share.join(published.select("fap", "total"), on="fap", how="left").with_columns(
                (pl.col("total").fill_null(0.0) * pl.col("_share")).alias("_x")
            )
        else:
            expected = pyramids.join(factor, on="fap").with_columns(
                (pl.col("employment") * population / national_pop * pl.col("_factor")).alias("_x")
            )
        cum = pl.col("_x").cum_sum().over("fap").round().cast(pl.Int64)
        frames.append(
            expected.with_columns(cum.alias("_cum"))
            .with_columns(
                (pl.col("_cum") - pl.col("_cum").shift(1, fill_value=0).over("fap")).alias("effectif")
            )
            .select(
                pl.lit(YEAR).alias("annee"),
                pl.lit(level).alias("niveau_geo"),
                pl.lit(code).alias("code_geo"),
                pl.col("fap").alias("code_fap"),
                pl.col("age_band").alias("tranche_age"),
                "effectif",
            )
        )
    frame = pl.concat(frames)
    frame.write_csv(path, separator=";")
    return frame.height
