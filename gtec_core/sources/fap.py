"""FAP (familles professionnelles, DARES).

- FAP-2009 and its crosswalk to ROME v3: the official DARES table "FAP-2009 / PCS-2003 / ROME-V3"
  (`Rome-V3_vers_Fap-2009.xls`, sheet `Table`): a code in the first column opens a family (1 character =
  domaine, 3 = FAP 87, 5 = FAP 225); the ROME v3 column lists the ROME codes of the current FAP 225 with a
  qualification restriction (`Q_0123456` = qualification levels, empty = all).
- FAP-2021 labels at four levels (341 / 228 / 86 / 22), `;`-separated UTF-8 with BOM.

ROME 4.0 fiches reach FAP-2009 through their `code_rome_parent` (the historic ROME v3 code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import xlrd

from gtec_core.errors import SourceError
from gtec_core.tabular import Column, FileSpec, read_table, sha256_file

FAP2009_FILE = "Rome-V3_vers_Fap-2009.xls"
FAP2021_FILE = "Intitules_FAP2021_odis.csv"

FAP2021_SPEC = FileSpec(
    FAP2021_FILE,
    (
        Column("Code_FAP341", "pattern", True, r"[A-Z][A-Z0-9][A-Z]\d{2}[a-z]?"),
        Column("Intitulé_FAP341", required=True),
        Column("Code_FAP228", "pattern", True, r"[A-Z][A-Z0-9][A-Z]\d{2}"),
        Column("Intitulé_FAP228", required=True),
        Column("Code_FAP86", "pattern", True, r"[A-Z][A-Z0-9][A-Z]"),
        Column("Intitulé_FAP86", required=True),
        Column("Code_FAP22", "pattern", True, r"[A-Z]"),
        Column("Intitulé_FAP22", required=True),
    ),
    delimiter=";",
    key=("Code_FAP341",),
)

FAP_CODE = re.compile(r"^([A-Z]|[A-Z]\d[A-Z]|[A-Z]\d[A-Z]\d{2})$")
ROME_V3 = re.compile(r"^[A-N]\d{4}$")
QUALIF = re.compile(r"^Q_\d+$")


@dataclass
class FapRelease:
    fap2009: pl.DataFrame  # code, libelle, level (22/87/225), parent
    rome_v3: pl.DataFrame  # rome_v3, libelle_rome_v3, fap, qualification
    fap2021: pl.DataFrame  # code, libelle, level (22/86/228/341), parent
    checksums: dict[str, str]


def read_fap2009(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    if not path.is_file():
        raise SourceError(path, "fichier introuvable")
    try:
        book = xlrd.open_workbook(str(path))
    except Exception as exc:  # xlrd raises many types for a damaged workbook
        raise SourceError(path, f"classeur Excel illisible ({exc})") from None
    if "Table" not in book.sheet_names():
        raise SourceError(path, "feuille « Table » absente")
    sheet = book.sheet_by_name("Table")
    header = [str(v).strip() for v in sheet.row_values(0)]
    expected = [
        "FAP",
        "Familles professionnelles",
        "PCS",
        "Professions et catégories socioprofessionnelles",
        "ROME",
        "Qualification",
    ]
    for i, name in enumerate(expected):
        if i >= len(header) or header[i] != name:
            raise SourceError(
                path, f"en-tête inattendu : « {name} » attendu en colonne {i + 1}", line=1, column=name
            )
    families: list[dict] = []
    links: list[dict] = []
    parents: dict[int, str] = {}
    seen: dict[str, int] = {}
    current: str | None = None
    for r in range(1, sheet.nrows):
        row = [str(v).strip() for v in sheet.row_values(r)]
        code, label, rome, qualif, rome_label = row[0], row[1], row[4], row[5], row[6] if len(row) > 6 else ""
        if code:
            if not FAP_CODE.match(code):
                if r <= 3 or code.startswith("*") or " " in code:  # sub-headers and footnotes
                    continue
                raise SourceError(path, f"code FAP « {code} » mal formé", line=r + 1, column="FAP")
            level = {1: 22, 3: 87, 5: 225}[len(code)]
            parent = {22: None, 87: parents.get(22), 225: parents.get(87)}[level]
            parents[level] = code
            if code in seen:
                raise SourceError(
                    path,
                    f"famille FAP « {code} » en double (déjà ligne {seen[code]})",
                    line=r + 1,
                    column="FAP",
                )
            seen[code] = r + 1
            families.append({"code": code, "libelle": label, "level": level, "parent": parent})
            current = code if level == 225 else None
        if rome:
            if not ROME_V3.match(rome):
                raise SourceError(path, f"code ROME v3 « {rome} » mal formé", line=r + 1, column="ROME")
            if current is None:
                raise SourceError(
                    path, f"code ROME « {rome} » hors d'une famille FAP 225", line=r + 1, column="ROME"
                )
            if qualif and not QUALIF.match(qualif):
                raise SourceError(
                    path, f"qualification « {qualif} » mal formée", line=r + 1, column="Qualification"
                )
            links.append(
                {"rome_v3": rome, "libelle_rome_v3": rome_label, "fap": current, "qualification": qualif}
            )
    fam = pl.DataFrame(
        families, schema={"code": pl.String, "libelle": pl.String, "level": pl.Int64, "parent": pl.String}
    )
    link = pl.DataFrame(
        links,
        schema={
            "rome_v3": pl.String,
            "libelle_rome_v3": pl.String,
            "fap": pl.String,
            "qualification": pl.String,
        },
    )
    return fam, link.unique(subset=["rome_v3", "fap"], keep="first", maintain_order=True)


def read_fap2021(path: Path) -> pl.DataFrame:
    frame = read_table(path, FAP2021_SPEC)
    levels = []
    for level, code, label, parent in [
        (22, "Code_FAP22", "Intitulé_FAP22", None),
        (86, "Code_FAP86", "Intitulé_FAP86", "Code_FAP22"),
        (228, "Code_FAP228", "Intitulé_FAP228", "Code_FAP86"),
        (341, "Code_FAP341", "Intitulé_FAP341", "Code_FAP228"),
    ]:
        levels.append(
            frame.select(
                pl.col(code).alias("code"),
                pl.col(label).alias("libelle"),
                pl.lit(level, dtype=pl.Int64).alias("level"),
                (pl.col(parent) if parent else pl.lit(None, dtype=pl.String)).alias("parent"),
            ).unique(subset=["code"], keep="first", maintain_order=True)
        )
    # A FAP-228 family without subdivision keeps the same code at level 341: keep it once, at its finest level,
    # under its FAP-86 parent (not under itself).
    out = pl.concat(levels).unique(subset=["code"], keep="last", maintain_order=True)
    parent_86 = dict(zip(frame["Code_FAP228"].to_list(), frame["Code_FAP86"].to_list(), strict=True))
    return out.with_columns(
        pl.when(pl.col("parent") == pl.col("code"))
        .then(pl.col("code").replace_strict(parent_86, default=None))
        .otherwise(pl.col("parent"))
        .alias("parent")
    )


def read_release(folder: Path) -> FapRelease:
    folder = Path(folder)
    fam, link = read_fap2009(folder / FAP2009_FILE)
    fap2021 = read_fap2021(folder / FAP2021_FILE)
    checksums = {name: sha256_file(folder / name) for name in (FAP2009_FILE, FAP2021_FILE)}
    return FapRelease(fam, link, fap2021, checksums)
