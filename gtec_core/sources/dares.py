"""Dares / France Travail tension indicators, 2019 publication (StatDares/PortraitStatMetiers).

- `tensions.csv`: one row per FAP-2009 (225 or 87 level) × territory (national `nat`, région `reg`,
  département `dep`): average employment (rounded to 100), the composite TENSION (centred and reduced on
  2014-2018; imputed where volumes are insufficient), its category 1-5 (blank when imputed), and the six
  complementary indicators as quintile classes 1-5. The header has a trailing space (`Tension `), FAP-87
  regional rows say `reg ` (trailing space), and codes are written as floats (`53.0`, `5.0`).
- `evol_tensions.csv`: national FAP-225 series 2011-2019 of TENSION.
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from pathlib import Path

import polars as pl

from gtec_core.errors import SourceError
from gtec_core.tabular import LINE, Column, FileSpec, read_table

TENSIONS_FILE = "tensions.csv"
EVOL_FILE = "evol_tensions.csv"

FAP = r"[A-Z]\d[A-Z](\d{2})?"
CLASS = r"[1-5](\.0)?"
NUMBER = r"-?\d+(\.\d+)?([eE]-?\d+)?"

# complementary indicators: column in the file -> English name used in frames
COMPLEMENTARY = {
    "Intensité d'embauches": "hiring_intensity",
    "Lien formation-emploi": "training_link",
    "Manque de main-d'œuvre disponible": "lack_of_labour",
    "Non-durabilité de l'emploi": "non_durability",
    "Conditions de travail contraignantes": "working_conditions",
    "Inadéquation géographique": "geographic_mismatch",
}

TENSIONS_SPEC = FileSpec(
    TENSIONS_FILE,
    (
        Column("fap", "pattern", True, FAP),
        Column("Emploi moyen", "int", True),
        Column("Tension", "pattern", False, NUMBER),  # header written `Tension ` (trailing space)
        Column("Catégorie Tension", "pattern", False, CLASS),
        *(Column(name, "pattern", False, CLASS) for name in COMPLEMENTARY),
        Column("Année", "int", True),
        Column("niveau_geo", "pattern", True, r"(nat|reg|dep) *"),
        Column("niveau_fap", "pattern", True, r"fap (225|87)"),
        Column("reg", "pattern", False, r"\d+(\.0)?"),
        Column("dep", "pattern", False, r"\d[0-9AB]\d?"),
    ),
    key=("fap", "niveau_geo", "reg", "dep"),
    description="Dares, indicateurs de tension 2019 par FAP × territoire",
)

EVOL_SPEC = FileSpec(
    EVOL_FILE,
    (
        Column("fap", "pattern", True, FAP),
        Column("Tension", "pattern", False, NUMBER),
        Column("Année", "int", True),
    ),
    key=("fap", "Année"),
    description="Dares, série nationale de l'indicateur de tension 2011-2019 par FAP 225",
)


def _number(name: str) -> pl.Expr:
    return pl.when(pl.col(name).str.strip_chars() == "").then(None).otherwise(pl.col(name)).cast(pl.Float64)


def _class(name: str) -> pl.Expr:
    return _number(name).cast(pl.Int8)


def read_tensions(path: Path) -> pl.DataFrame:
    """Read `tensions.csv` into a typed frame: `fap`, `fap_level` (225/87), `geo_level` (nat/reg/dep),
    `territory` (« FR », région or département code), `year`, `employment`, `tension`, `category` and the
    six complementary classes (null when imputed), plus `_line` for error messages."""
    raw = read_table(Path(path), TENSIONS_SPEC)
    frame = raw.select(
        "fap",
        pl.col("niveau_fap").str.extract(r"(\d+)").cast(pl.Int16).alias("fap_level"),
        pl.col("niveau_geo").str.strip_chars().alias("geo_level"),
        pl.col("reg").str.replace(r"\.0$", "").alias("_reg"),
        pl.col("dep").alias("_dep"),
        pl.col("Année").str.strip_chars().cast(pl.Int16).alias("year"),
        pl.col("Emploi moyen").str.strip_chars().cast(pl.Int64).alias("employment"),
        _number("Tension").alias("tension"),
        _class("Catégorie Tension").alias("category"),
        *(_class(name).alias(alias) for name, alias in COMPLEMENTARY.items()),
        LINE,
    )
    for level, column in (("reg", "_reg"), ("dep", "_dep")):
        bad = frame.filter((pl.col("geo_level") == level) & (pl.col(column).fill_null("") == ""))
        if not bad.is_empty():
            raise SourceError(
                path,
                f"code de territoire manquant pour le niveau « {level} »",
                line=bad[LINE][0],
                column=column[1:],
            )
    fap_len = pl.col("fap").str.len_chars()
    bad = frame.filter(
        ((pl.col("fap_level") == 225) & (fap_len != 5)) | ((pl.col("fap_level") == 87) & (fap_len != 3))
    )
    if not bad.is_empty():
        raise SourceError(path, "code FAP incohérent avec niveau_fap", line=bad[LINE][0], column="fap")
    territory = (
        pl.when(pl.col("geo_level") == "nat")
        .then(pl.lit("FR"))
        .when(pl.col("geo_level") == "reg")
        .then(pl.col("_reg"))
        .otherwise(pl.col("_dep"))
    )
    columns = ["fap", "fap_level", "geo_level", "territory", "year", "employment", "tension", "category"]
    return frame.with_columns(territory.alias("territory")).select(*columns, *COMPLEMENTARY.values(), LINE)


def read_evol_tensions(path: Path) -> pl.DataFrame:
    """Read `evol_tensions.csv`: `fap`, `year`, `tension` (national FAP-225 series)."""
    raw = read_table(Path(path), EVOL_SPEC)
    return raw.select(
        "fap",
        pl.col("Année").str.strip_chars().cast(pl.Int16).alias("year"),
        _number("Tension").alias("tension"),
        LINE,
    )


# --- Portraits statistiques des métiers (Dares), national series by FAP (cp1252, comma, `NA` = missing) ---

PORTRAIT_EFFECTIFS = "effectifs_3niv.csv"
PORTRAIT_AGE = "age_2017_2019_3niv.csv"
PORTRAIT_DEMANDEURS = "serie_demandeurs_emploi_A_ABC.csv"
PORTRAIT_NUMBER = rf"NA|{NUMBER}"
PORTRAIT_FAP = r"[A-Z]([0-9][A-Z]([0-9]{2})?)?|G0[AB]|T2[AB]|ENS|ENSEMBLE|ZZZ|ZZZZZ"

AGE_SPEC = FileSpec(
    PORTRAIT_AGE,
    (
        Column("fap", "pattern", True, PORTRAIT_FAP),
        Column("tr_age", required=True),
        Column("annee_2017_2019", "pattern", True, PORTRAIT_NUMBER),
    ),
    encoding="cp1252",
    key=("fap", "tr_age"),
    description="Dares, portraits des métiers : emploi par tranche d'âge 2017-2019 (milliers)",
)

DEMANDEURS_SPEC = FileSpec(
    PORTRAIT_DEMANDEURS,
    (
        Column("Fap3", "pattern", True, PORTRAIT_FAP + "|Ensemble"),
        Column("Annee", "int", True),
        Column("Effectifs", "pattern", True, PORTRAIT_NUMBER),
        Column("Categorie", "pattern", True, r"Catégorie A|Catégories A, B, C"),
    ),
    encoding="cp1252",
    key=("Fap3", "Annee", "Categorie"),
    description="Dares, portraits des métiers : demandeurs d'emploi en catégories A et ABC (milliers)",
)


def _portrait_value(name: str) -> pl.Expr:
    value = pl.col(name).str.strip_chars()
    return pl.when(value == "NA").then(None).otherwise(value).cast(pl.Float64)


def read_portrait_employment(path: Path) -> pl.DataFrame:
    """`effectifs_3niv.csv`: a wide table, one row per year (`Annee`) and one column per FAP (domain, FAP 87
    and FAP 225 codes, `ENS` for all), in thousands. Long frame: `fap`, `period` (year), `value` (thousands,
    null for `NA`), `_line`."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "fichier introuvable")
    with open(path, encoding="cp1252", newline="") as handle:
        header = [h.strip() for h in next(csv.reader(handle), [])]
    faps = [h for h in header if h != "Annee"]
    bad = [c for c in faps if not re.fullmatch(PORTRAIT_FAP, c)]
    if bad:
        raise SourceError(path, f"colonne inattendue « {bad[0]} » (code FAP attendu)", line=1, column=bad[0])
    spec = FileSpec(
        path.name,
        (Column("Annee", "int", True), *(Column(f, "pattern", True, PORTRAIT_NUMBER) for f in faps)),
        encoding="cp1252",
        key=("Annee",),
        description="Dares, portraits des métiers : emploi par FAP (milliers)",
    )
    raw = read_table(path, spec)
    long = raw.unpivot(index=["Annee", LINE], on=faps, variable_name="fap", value_name="_value")
    return long.select(
        "fap",
        pl.col("Annee").str.strip_chars().alias("period"),
        _portrait_value("_value").alias("value"),
        LINE,
    ).sort("fap", "period")


def read_portrait_age(path: Path) -> pl.DataFrame:
    """`age_2017_2019_3niv.csv`: employment by age band (average 2017-2019, thousands). Frame: `fap`,
    `age_band`, `value`, `_line`."""
    raw = read_table(Path(path), replace(AGE_SPEC, name=Path(path).name))
    return raw.select(
        "fap",
        pl.col("tr_age").str.strip_chars().alias("age_band"),
        _portrait_value("annee_2017_2019").alias("value"),
        LINE,
    )


def read_portrait_jobseekers(path: Path) -> pl.DataFrame:
    """`serie_demandeurs_emploi_A_ABC.csv`: yearly average of job seekers in category A and ABC by FAP 87
    (thousands). Frame: `fap`, `period`, `category` (A / ABC), `value`, `_line`."""
    raw = read_table(Path(path), replace(DEMANDEURS_SPEC, name=Path(path).name))
    return raw.select(
        pl.col("Fap3").alias("fap"),
        pl.col("Annee").str.strip_chars().alias("period"),
        pl.when(pl.col("Categorie").str.starts_with("Catégories"))
        .then(pl.lit("ABC"))
        .otherwise(pl.lit("A"))
        .alias("category"),
        _portrait_value("Effectifs").alias("value"),
        LINE,
    )
