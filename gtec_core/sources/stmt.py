"""Registered job seekers (France Travail DEFM, STMT tool). Layouts: data-sources.md §6.

Two layouts:

1. `read_stmt` — the STMT series by ROME × territory × month × category. France Travail publishes this through
   the STMT tool (statistiques.francetravail.org/stmt/defm) and the « Marché du travail » API; no file was
   obtained, so the long CSV layout below is an ASSUMPTION, written to hold what §6 describes (stocks and
   flows, categories A–E and their usual aggregates), with the conventions of French official CSV exports
   (`;`, UTF-8, codes as text):
       periode;categorie;niveau_geo;code_geo;code_rome;stock;entrees;sorties
       2024-03;ABC;commune;56260;J1501;120;15;12
   `periode` is YYYY-MM; `categorie` one of A, B, C, D, E, AB, ABC, ABCDE; `niveau_geo` one of commune, ze,
   bassin, departement, region, france; `code_rome` a ROME code (A1101) or empty for all métiers; `stock` =
   job seekers registered at the end of the month, `entrees` / `sorties` = registrations / exits during the
   month; a count may be `*` (statistical secrecy) → null with a `secret` flag, never 0. Key: periode ×
   categorie × niveau_geo × code_geo × code_rome.
2. `read_commune_series` — the real third-party export `emploi_demandeur_par_commune_odis.csv` (dataforgoodfr
   13_odis, from France Travail open statistics): `codgeo,YEAR,Demandeurs_Emploi`, UTF-8, comma; YEAR is an
   unaccented French month and a year (`janvier_2020`, `fevrier_2020` … `decembre_2024`); values rounded to
   tens; category not documented. `codgeo` is a commune (5 characters) or, for département totals, a
   département (2–3 characters), or for région totals `reg` + the région code (`reg53`). The file repeats some (codgeo, month) pairs: identical copies are collapsed;
   differing values (communes nouvelles whose former communes were recoded) are summed, and `source_rows`
   says how many rows made each value.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl

from gtec_core.errors import SourceError
from gtec_core.tabular import LINE, Column, FileSpec, read_table

INSEE = r"\d{5}|2[AB]\d{3}"
DEPARTEMENT = r"\d{2}|2[AB]|97\d"
ROME = r"[A-N]\d{4}"
COUNT = r"\d+|\*"
CATEGORIES = ("A", "B", "C", "D", "E", "AB", "ABC", "ABCDE")
GEO_LEVELS = ("commune", "ze", "bassin", "departement", "region", "france")
MEASURES = {"stock": "stock", "entrees": "entries", "sorties": "exits"}
MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "décembre": 12,
}

STMT_SPEC = FileSpec(
    "stmt",
    (
        Column("periode", "pattern", True, r"\d{4}-(0[1-9]|1[0-2])"),
        Column("categorie", "pattern", True, "|".join(CATEGORIES)),
        Column("niveau_geo", "pattern", True, "|".join(GEO_LEVELS)),
        Column("code_geo", "pattern", True, r"[0-9AB]{1,9}"),
        Column("code_rome", "pattern", False, ROME),
        *(Column(name, "pattern", True, COUNT) for name in MEASURES),
    ),
    delimiter=";",
    key=("periode", "categorie", "niveau_geo", "code_geo", "code_rome"),
    description="France Travail, demandeurs d'emploi (STMT) par ROME × territoire × mois × catégorie",
)

ODIS_SPEC = FileSpec(
    "emploi_demandeur",
    (
        Column("codgeo", "pattern", True, rf"{INSEE}|{DEPARTEMENT}|reg\d{{2}}"),
        Column("YEAR", "pattern", True, rf"({'|'.join(MONTHS)})_\d{{4}}"),
        Column("Demandeurs_Emploi", "int", True),
    ),
    description="Demandeurs d'emploi par commune, export 13_odis (source France Travail)",
)


def _geo_check(path: Path, frame: pl.DataFrame) -> None:
    expected = {"commune": INSEE, "departement": DEPARTEMENT, "region": r"\d{2}", "ze": r"\d{4}"}
    for level, pattern in expected.items():
        bad = frame.filter(
            (pl.col("niveau_geo") == level) & ~pl.col("code_geo").str.contains(f"^(?:{pattern})$")
        )
        if not bad.is_empty():
            raise SourceError(
                path,
                f"code « {bad['code_geo'][0]} » invalide pour le niveau « {level} »",
                line=int(bad[LINE][0]),
                column="code_geo",
            )


def read_stmt(path: Path, *, encoding: str = "utf-8") -> pl.DataFrame:
    """Read the (assumed) long STMT layout. Frame: `month` (date, first day), `category`, `geo_level`,
    `geo_code`, `rome` (null = all métiers), `stock`, `entries`, `exits` (null when secret), `secret` and
    `_line`."""
    path = Path(path)
    spec = replace(STMT_SPEC, name=path.name, encoding=encoding)
    raw = read_table(path, spec)
    _geo_check(path, raw)
    counts = []
    for name, alias in MEASURES.items():
        value = pl.col(name).str.strip_chars()
        counts.append(pl.when(value == "*").then(None).otherwise(value).cast(pl.Int64).alias(alias))
    secret = pl.any_horizontal(*(pl.col(name).str.strip_chars() == "*" for name in MEASURES))
    return raw.select(
        (pl.col("periode") + "-01").str.to_date("%Y-%m-%d").alias("month"),
        pl.col("categorie").alias("category"),
        pl.col("niveau_geo").alias("geo_level"),
        pl.col("code_geo").alias("geo_code"),
        pl.when(pl.col("code_rome") == "").then(None).otherwise(pl.col("code_rome")).alias("rome"),
        *counts,
        secret.alias("secret"),
        LINE,
    )


def read_commune_series(path: Path) -> pl.DataFrame:
    """Read `emploi_demandeur_par_commune_odis.csv`. Frame, one row per level × code × month: `code`,
    `level` (`commune` / `departement` / `region`; the `reg` prefix is removed), `month` (date, first day), `job_seekers`, `source_rows` (rows of the file
    behind the value: 1, or more for repeated pairs) and `_line` (first such row)."""
    path = Path(path)
    raw = read_table(path, replace(ODIS_SPEC, name=path.name))
    parts = pl.col("YEAR").str.split_exact("_", 1)
    frame = raw.select(
        pl.col("codgeo").str.strip_prefix("reg").alias("code"),
        pl.when(pl.col("codgeo").str.starts_with("reg"))
        .then(pl.lit("region"))
        .when(pl.col("codgeo").str.len_chars() == 5)
        .then(pl.lit("commune"))
        .otherwise(pl.lit("departement"))
        .alias("level"),
        pl.date(
            parts.struct.field("field_1").cast(pl.Int32),
            parts.struct.field("field_0").replace_strict(MONTHS, return_dtype=pl.Int8),
            1,
        ).alias("month"),
        pl.col("Demandeurs_Emploi").str.strip_chars().cast(pl.Int64).alias("job_seekers"),
        LINE,
    )
    # identical copies of a row count once; differing values for the same pair are added up
    distinct = frame.unique(
        subset=["level", "code", "month", "job_seekers"], keep="first", maintain_order=True
    )
    counted = frame.group_by("level", "code", "month", "job_seekers").agg(pl.len().alias("_copies"))
    distinct = distinct.join(counted, on=["level", "code", "month", "job_seekers"])
    return (
        distinct.group_by("level", "code", "month", maintain_order=True)
        .agg(
            pl.col("job_seekers").sum(),
            pl.col("_copies").sum().cast(pl.Int32).alias("source_rows"),
            pl.col(LINE).min(),
        )
        .sort("level", "code", "month")
    )
