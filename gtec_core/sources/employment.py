"""Employment by occupation and age band — a small layout of GTEC's own (no official territorial file exists
here), written by the demo generator (`gtec_core.demo.employment`) and meant for local sources shaped alike.

`;`-separated, UTF-8, one row per year × territory × FAP family × age band:

    annee;niveau_geo;code_geo;code_fap;tranche_age;effectif
    2024;ze;5318;A0Z40;15-24 ans;118

`annee` four digits; `niveau_geo` one of commune, epci, ze, bassin, departement, region, france; `code_geo` its
code (empty for france); `code_fap` a FAP-2009 family (`A0Z40`, the nomenclature of the DARES age pyramids) or
a FAP-2021 one (`A0X40`); `tranche_age` one of the DARES « Portrait statistique des métiers » bands
(15-24 ans, 25-29 ans, … 55-59 ans, 60 ans ou plus); `effectif` a count of people in employment (integer ≥ 0,
at most nine digits).
Key: annee × niveau_geo × code_geo × code_fap × tranche_age.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl

from gtec_core.errors import SourceError
from gtec_core.tabular import LINE, Column, FileSpec, read_table

AGE_BANDS = (
    "15-24 ans",
    "25-29 ans",
    "30-34 ans",
    "35-39 ans",
    "40-44 ans",
    "45-49 ans",
    "50-54 ans",
    "55-59 ans",
    "60 ans ou plus",
)
GEO_LEVELS = ("commune", "epci", "ze", "bassin", "departement", "region", "france")
EMPLOYMENT_SPEC = FileSpec(
    "emploi_metiers_age",
    (
        Column("annee", "pattern", True, r"(19|20)\d{2}"),
        Column("niveau_geo", "pattern", True, "|".join(GEO_LEVELS)),
        Column("code_geo", "pattern", False, r"[0-9AB]{1,9}"),
        Column("code_fap", "pattern", True, r"[A-Z]\d[A-Z]\d{2}"),
        Column("tranche_age", "pattern", True, "|".join(AGE_BANDS)),
        # bounded: a 25-digit count overflowed the 64-bit cast with a traceback (review 2026-12-04 §6)
        Column("effectif", "pattern", True, r"\d{1,9}"),
    ),
    delimiter=";",
    key=("annee", "niveau_geo", "code_geo", "code_fap", "tranche_age"),
    description="Emploi par famille professionnelle et tranche d'âge (format GTEC)",
)


def read_employment(path: Path) -> pl.DataFrame:
    """Read the employment file. Frame: `year` (Int16), `geo_level`, `geo_code` (null for france), `fap`,
    `age_band`, `employment` (Int64) and `_line`. A territory other than france without a code is an error."""
    path = Path(path)
    raw = read_table(path, replace(EMPLOYMENT_SPEC, name=path.name))
    missing = raw.filter((pl.col("niveau_geo") != "france") & (pl.col("code_geo").str.strip_chars() == ""))
    if not missing.is_empty():
        raise SourceError(
            path,
            f"code géographique manquant pour le niveau « {missing['niveau_geo'][0]} »",
            line=int(missing[LINE][0]),
            column="code_geo",
        )
    national = raw.filter((pl.col("niveau_geo") == "france") & (pl.col("code_geo").str.strip_chars() != ""))
    if not national.is_empty():
        raise SourceError(
            path,
            f"code géographique « {national['code_geo'][0]} » inattendu pour le niveau « france » (à laisser vide)",
            line=int(national[LINE][0]),
            column="code_geo",
        )
    return raw.select(
        pl.col("annee").cast(pl.Int16).alias("year"),
        pl.col("niveau_geo").alias("geo_level"),
        pl.when(pl.col("code_geo") == "").then(None).otherwise(pl.col("code_geo")).alias("geo_code"),
        pl.col("code_fap").alias("fap"),
        pl.col("tranche_age").alias("age_band"),
        pl.col("effectif").cast(pl.Int64).alias("employment"),
        LINE,
    )
