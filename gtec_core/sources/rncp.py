"""RNCP / Répertoire spécifique, France Compétences open-data CSV export (data-sources.md §8).

The daily zip `export-fiches-csv-YYYY-MM-DD.zip` holds one `;`-separated UTF-8 file per table, named
`export_fiches_CSV_<Table>_<date>.csv`. GTEC reads three of them:

- `Standard`: one row per fiche (Numero_Fiche RNCP… / RS…, Intitule, Nomenclature_Europe_Niveau, dates
  dd/mm/yyyy, Actif ACTIVE/INACTIVE);
- `Rome`: fiche → ROME codes (ROME v3 labels, apostrophes doubled `''` as in an SQL dump);
- `Blocs_De_Compétences`: fiche → blocs (Bloc_Competences_Code, e.g. RNCP38596BC02, and label).

A folder is searched for each table by its name (case and accents ignored), so the official names and the
shared excerpts (`rncp_standard_EXCERPT_….csv`) are both found. `Standard` is required; the others are
read when present.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from gtec_core.errors import SourceError
from gtec_core.tabular import Column, FileSpec, read_table, sha256_file

FICHE = r"(RNCP|RS)\d{1,6}"
DATE = r"\d{2}/\d{2}/\d{4}"

STANDARD = FileSpec(
    "Standard",
    (
        Column("Numero_Fiche", "pattern", True, FICHE),
        Column("Intitule", required=True),
        Column("Abrege_Libelle"),
        Column("Abrege_Intitule"),
        Column("Nomenclature_Europe_Niveau", "pattern", False, r"NIV[1-8]|REPRISE"),
        Column("Nomenclature_Europe_Intitule"),
        Column("Date_Fin_Enregistrement", "pattern", False, DATE),
        Column("Date_Effet", "pattern", False, DATE),
        Column("Type_Enregistrement"),
        Column("Actif", "pattern", True, r"ACTIVE|INACTIVE"),
    ),
    delimiter=";",
    key=("Numero_Fiche",),
    unescape_sql_quotes=("Intitule", "Abrege_Intitule", "Nomenclature_Europe_Intitule"),
)
ROME = FileSpec(
    "Rome",
    (
        Column("Numero_Fiche", "pattern", True, FICHE),
        Column("Codes_Rome_Code", "pattern", True, r"[A-N]\d{4}"),
        Column("Codes_Rome_Libelle"),
    ),
    delimiter=";",
    key=("Numero_Fiche", "Codes_Rome_Code"),
    unescape_sql_quotes=("Codes_Rome_Libelle",),
)
BLOCS = FileSpec(
    "Blocs_De_Compétences",
    (
        Column("Numero_Fiche", "pattern", True, FICHE),
        Column("Bloc_Competences_Code", "pattern", True, r"(RNCP|RS)\d{1,6}BC\d{1,3}"),
        Column("Bloc_Competences_Libelle", required=True),
    ),
    delimiter=";",
    key=("Numero_Fiche", "Bloc_Competences_Code"),
    unescape_sql_quotes=("Bloc_Competences_Libelle",),
    allow_empty=True,
)
SPECS = {"standard": STANDARD, "rome": ROME, "blocs": BLOCS}
NAME_HINTS = {"standard": "standard", "rome": "rome", "blocs": "blocs_de_competences"}


@dataclass
class RncpRelease:
    fiches: pl.DataFrame  # code, intitule, abrege, niveau, niveau_intitule, date_fin, actif, type
    romes: pl.DataFrame  # code, code_rome, libelle_rome
    blocs: pl.DataFrame  # code, code_bloc, libelle
    checksums: dict[str, str]


def fold_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return text.replace("-", "_").replace(" ", "_")


def find_files(folder: Path) -> dict[str, Path]:
    """The table files of a folder, by table (the most recent name first when several match)."""
    found: dict[str, Path] = {}
    candidates = sorted((p for p in Path(folder).iterdir() if p.suffix.lower() == ".csv"), reverse=True)
    for table, hint in NAME_HINTS.items():
        for path in candidates:
            name = fold_name(path.name)
            if hint in name and not (table == "rome" and "standard" in name):
                found.setdefault(table, path)
    return found


def to_date(column: str) -> pl.Expr:
    return pl.col(column).str.strptime(pl.Date, "%d/%m/%Y", strict=False)


def read_release(folder: Path) -> RncpRelease:
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceError(folder, "dossier RNCP introuvable")
    files = find_files(folder)
    if "standard" not in files:
        raise SourceError(
            folder, "fichier « Standard » de l'export RNCP absent (export_fiches_CSV_Standard_*)"
        )
    standard = read_table(files["standard"], STANDARD)
    fiches = standard.select(
        pl.col("Numero_Fiche").alias("code"),
        pl.col("Intitule").str.strip_chars().alias("intitule"),
        pl.col("Abrege_Libelle").str.strip_chars().alias("abrege"),
        pl.col("Nomenclature_Europe_Niveau").alias("niveau"),
        pl.col("Nomenclature_Europe_Intitule").alias("niveau_intitule"),
        to_date("Date_Fin_Enregistrement").alias("date_fin"),
        (pl.col("Actif") == "ACTIVE").alias("actif"),
        pl.col("Type_Enregistrement").alias("type_enregistrement"),
    )
    romes = pl.DataFrame(schema={"code": pl.String, "code_rome": pl.String, "libelle_rome": pl.String})
    blocs = pl.DataFrame(schema={"code": pl.String, "code_bloc": pl.String, "libelle": pl.String})
    if "rome" in files:
        romes = read_table(files["rome"], ROME).select(
            pl.col("Numero_Fiche").alias("code"),
            pl.col("Codes_Rome_Code").alias("code_rome"),
            pl.col("Codes_Rome_Libelle").alias("libelle_rome"),
        )
    if "blocs" in files:
        blocs = read_table(files["blocs"], BLOCS).select(
            pl.col("Numero_Fiche").alias("code"),
            pl.col("Bloc_Competences_Code").alias("code_bloc"),
            pl.col("Bloc_Competences_Libelle").str.strip_chars().alias("libelle"),
        )
    checksums = {path.name: sha256_file(path) for path in files.values()}
    return RncpRelease(fiches, romes, blocs, checksums)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a table in the France Compétences layout: `;`, UTF-8, quotes only where a field needs them
    (callers double the apostrophes of the tables that carry them, as the official `Rome` export does)."""
    import csv

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)
