"""France Travail « Besoins en Main-d'Œuvre » (BMO) survey, open-data layout. Layout: data-sources.md §3.

Source: statistiques.francetravail.org/bmo and francetravail.org/opendata (Licence Ouverte v2.0), one workbook a
year, `Base_open_data_BMO_YYYY.xlsx`. The data sheet (`BMO_2024_open_data`; the other sheet describes the
variables) is long: one row per BMO métier × bassin d'emploi (× département when a bassin straddles two,
e.g. 5304 CARHAIX in 22 and 29), with `annee`, `Code métier BMO` (FAP-2021 based since 2024, e.g. `S2X61`,
`QAX01`), `Nom métier BMO`, `Famille_met`, `Lbl_fam_met`, `REG`, `NOM_REG`, `Dept`, `NomDept`, `BE24`
(bassin code, an integer cell), `NOMBE24`, and the counts `met` (recruitment projects), `xmet` (projects judged
difficult), `smet` (seasonal projects). The bassin columns are suffixed by the vintage (`BE24`, `BE25`…) and are
found by pattern. A count written `*` is under statistical secrecy: it becomes null with a `*_secret` flag
(and a row-level `secret` flag), never 0. The CSV extract has the same header (comma, UTF-8).

Errors name the file, the row (xlsx row number, or CSV line) and the column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from gtec_core.errors import SourceError
from gtec_core.tabular import LINE, Column, FileSpec, check_frame, read_table, string_frame, xlsx_sheets

# column in the file -> name in frames; the bassin columns are resolved per vintage
FIXED = {
    "annee": "year",
    "Code métier BMO": "metier_code",
    "Nom métier BMO": "metier_label",
    "Famille_met": "family_code",
    "Lbl_fam_met": "family_label",
    "REG": "region",
    "NOM_REG": "region_label",
    "Dept": "departement",
    "NomDept": "departement_label",
}
COUNTS = {"met": "projects", "xmet": "difficult_projects", "smet": "seasonal_projects"}
BASSIN = re.compile(r"BE\d{2}")
BASSIN_LABEL = re.compile(r"NOMBE\d{2}")
METIER = r"[A-Z][0-9A-Z][A-Z]\d{2}"
COUNT = r"\d+|\*"
SECRET = "*"
HEADER_SEARCH_ROWS = 30


def _columns(bassin: str, bassin_label: str) -> tuple[Column, ...]:
    return (
        Column("annee", "int", True),
        Column("Code métier BMO", "pattern", True, METIER),
        Column("Nom métier BMO", required=True),
        Column("Famille_met", "pattern", True, r"[A-Z]"),
        Column("Lbl_fam_met"),
        Column("REG", "pattern", True, r"\d{2}"),
        Column("NOM_REG"),
        Column("Dept", "pattern", True, r"\d{2,3}|2[AB]"),
        Column("NomDept"),
        Column(bassin, "int", True),
        Column(bassin_label, required=True),
        *(Column(name, "pattern", True, COUNT) for name in COUNTS),
    )


def _bassin_columns(path: Path, header: Sequence[str], line: int) -> tuple[str, str]:
    bassin = next((h for h in header if BASSIN.fullmatch(h)), None)
    label = next((h for h in header if BASSIN_LABEL.fullmatch(h)), None)
    if bassin is None:
        raise SourceError(
            path, "colonne du code bassin (BEaa) absente de l'en-tête", line=line, column="BE24"
        )
    if label is None:
        raise SourceError(
            path, "colonne du libellé bassin (NOMBEaa) absente de l'en-tête", line=line, column="NOMBE24"
        )
    return bassin, label


def _cell(value: Any) -> str:
    """An xlsx cell as the text the CSV layout would hold (integers stored as floats lose their `.0`)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _typed(raw: pl.DataFrame, bassin: str, bassin_label: str) -> pl.DataFrame:
    counts = []
    for name, alias in COUNTS.items():
        value = pl.col(name).str.strip_chars()
        counts.append(pl.when(value == SECRET).then(None).otherwise(value).cast(pl.Int64).alias(alias))
        counts.append((value == SECRET).alias(f"{alias}_secret"))
    frame = raw.select(
        pl.col("annee").str.strip_chars().cast(pl.Int16).alias("year"),
        *(pl.col(name).str.strip_chars().alias(alias) for name, alias in FIXED.items() if name != "annee"),
        pl.col(bassin).str.strip_chars().cast(pl.Int32).alias("bassin"),
        pl.col(bassin_label).str.strip_chars().alias("bassin_label"),
        *counts,
        LINE,
    )
    secret = pl.any_horizontal(*(pl.col(f"{alias}_secret") for alias in COUNTS.values()))
    return frame.with_columns(secret.alias("secret")).select(pl.exclude(LINE), LINE)


def _header_row(path: Path, rows: Iterator[tuple], sheet: str) -> tuple[list[str], int] | None:
    for number, row in enumerate(rows, start=1):
        header = [_cell(v) for v in row]
        if "Code métier BMO" in header and "met" in header:
            return header, number
        if number >= HEADER_SEARCH_ROWS:
            return None
    return None


def read_bmo_xlsx(path: Path) -> pl.DataFrame:
    """Read the national BMO workbook (calamine, `tabular.xlsx_sheets`): find the sheet whose header row holds
    `Code métier BMO` and `met`, and return the typed frame (see `read_bmo_csv`); `_line` is the xlsx row."""
    path = Path(path)
    for title, sheet in xlsx_sheets(path):
        rows = iter(sheet)
        found = _header_row(path, rows, title)
        if found is None:
            continue
        header, header_row = found
        bassin, label = _bassin_columns(path, header, header_row)
        columns = _columns(bassin, label)
        for col in columns:
            if col.name not in header:
                raise SourceError(
                    path,
                    f"colonne absente de la feuille « {title} »",
                    line=header_row,
                    column=col.name,
                )
        index = [header.index(c.name) for c in columns]
        values: list[list[str]] = [[] for _ in columns]
        lines: list[int] = []
        for number, row in enumerate(rows, start=header_row + 1):
            if not row or all(v is None for v in row):
                continue
            cells = [_cell(row[i]) if i < len(row) else "" for i in index]
            for target, cell in zip(values, cells, strict=True):
                target.append(cell)
            lines.append(number)
        if not lines:
            raise SourceError(path, f"feuille « {title} » sans ligne de données", line=header_row + 1)
        raw = string_frame([c.name for c in columns], values, lines)
        check_frame(path, raw, columns, ("Code métier BMO", bassin, "Dept"))
        return _typed(raw, bassin, label)
    raise SourceError(path, "aucune feuille ne contient l'en-tête BMO (« Code métier BMO », « met »)")


def read_bmo_csv(path: Path, *, encoding: str = "utf-8", delimiter: str = ",") -> pl.DataFrame:
    """Read a CSV copy of the BMO data sheet (same header). Frame: `year`, `metier_code`, `metier_label`,
    `family_code`, `family_label`, `region`, `region_label`, `departement`, `departement_label`, `bassin`
    (integer), `bassin_label`, `projects`, `difficult_projects`, `seasonal_projects` (null when secret), one
    `<count>_secret` flag per count, `secret` (any count secret) and `_line`."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "fichier introuvable")
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        first = handle.readline().removeprefix("\ufeff")
    header = [h.strip().strip('"') for h in first.rstrip("\r\n").split(delimiter)]
    bassin, label = _bassin_columns(path, header, 1)
    spec = FileSpec(
        path.name,
        _columns(bassin, label),
        encoding=encoding,
        delimiter=delimiter,
        key=("Code métier BMO", bassin, "Dept"),
        description="France Travail, enquête BMO (open data)",
    )
    return _typed(read_table(path, spec), bassin, label)


def read_bmo(path: Path) -> pl.DataFrame:
    """Read a BMO file, workbook or CSV, by its extension."""
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return read_bmo_xlsx(path)
    return read_bmo_csv(path)
