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

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import polars as pl

from gtec_core.errors import SourceError
from gtec_core.tabular import LINE, Column, FileSpec, read_table

INSEE = r"\d{5}|2[AB]\d{3}"
DEPARTEMENT = r"\d{2}|2[AB]|97\d"
ROME = r"[A-N]\d{4}"
COUNT = r"\d{1,12}|\*"  # bounded: a 25-digit count overflowed the 64-bit cast with a traceback
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
    return _typed(raw)


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


# --- large files: a lazy polars scan, checked batch by batch, handed out one month at a time -----------------

BATCH_ROWS = 1_000_000


def _typed(raw: pl.DataFrame) -> pl.DataFrame:
    """The frame of `read_stmt` from checked text columns."""
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


def _first_error(path: Path, raw: pl.DataFrame) -> None:
    """All the checks of `read_stmt` as vectorised masks; raise on the lowest offending line (its first
    failing column, in file order)."""
    problems: list[tuple[pl.Expr, str, str]] = []
    for col in STMT_SPEC.columns:
        value = pl.col(col.name)
        if col.required:
            problems.append((value == "", col.name, "valeur obligatoire manquante"))
        problems.append(
            (
                (value != "") & ~value.str.contains(f"^(?:{col.pattern})$"),
                col.name,
                "valeur « {value} » ne respecte pas le format attendu",
            )
        )
    expected = {"commune": INSEE, "departement": DEPARTEMENT, "region": r"\d{2}", "ze": r"\d{4}"}
    for level, pattern in expected.items():
        problems.append(
            (
                (pl.col("niveau_geo") == level) & ~pl.col("code_geo").str.contains(f"^(?:{pattern})$"),
                "code_geo",
                f"code « {{value}} » invalide pour le niveau « {level} »",
            )
        )
    flags = raw.select(LINE, *(mask.alias(f"_bad{i}") for i, (mask, _, _) in enumerate(problems)))
    bad = flags.filter(pl.any_horizontal(pl.exclude(LINE)))
    if bad.is_empty():
        return
    first = bad.sort(LINE).row(0, named=True)
    index = next(i for i in range(len(problems)) if first[f"_bad{i}"])
    _, column, message = problems[index]
    value = raw.filter(pl.col(LINE) == first[LINE])[column][0]
    raise SourceError(path, message.format(value=value), line=int(first[LINE]), column=column)


def scan_stmt(path: Path) -> pl.LazyFrame:
    """Lazy scan of a (UTF-8) STMT file: the declared columns as text (empty string for an empty field) and
    `_line`. Line numbers assume one physical line per record (no quoted line break), as in the published
    exports; a blank line is skipped."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "fichier introuvable")
    lazy = pl.scan_csv(
        path, separator=";", infer_schema=False, row_index_name=LINE, row_index_offset=2, encoding="utf8"
    )
    try:
        header = [name.strip() for name in lazy.collect_schema().names()]
    except pl.exceptions.PolarsError as exc:
        raise SourceError(path, f"en-tête illisible ({exc})", line=1) from None
    for name in STMT_SPEC.column_names:
        if name not in header:
            raise SourceError(path, "colonne obligatoire absente de l'en-tête", line=1, column=name)
    names = STMT_SPEC.column_names
    lazy = lazy.select(pl.col(LINE).cast(pl.Int64), *(pl.col(n).str.strip_chars() for n in names))
    blank = pl.all_horizontal(pl.col(n).is_null() for n in names)
    return lazy.filter(~blank).with_columns(pl.col(n).fill_null("") for n in names)


def iter_stmt_months(
    path: Path, workdir: Path, *, batch_rows: int = BATCH_ROWS
) -> tuple[list, Iterator[pl.DataFrame]]:
    """Check a large STMT file in one streaming pass (batches of `batch_rows`, vectorised checks, the first
    bad line and column raised as a SourceError) while spilling it month by month to Parquet files under
    `workdir`; return the months found and an iterator of the `read_stmt` frame of each month (checked for
    duplicate keys within the month). Memory is bounded by one batch and one month."""
    path = Path(path)
    lazy = scan_stmt(path)
    parts: dict[str, int] = {}
    try:
        for raw in lazy.collect_batches(chunk_size=batch_rows):
            if raw.is_empty():
                continue
            _first_error(path, raw)
            for (period,), group in raw.partition_by("periode", as_dict=True, maintain_order=True).items():
                number = parts.get(period, 0)
                folder = Path(workdir) / period
                folder.mkdir(parents=True, exist_ok=True)
                group.write_parquet(folder / f"{number:05d}.parquet")
                parts[period] = number + 1
    except pl.exceptions.PolarsError as exc:
        raise SourceError(path, f"fichier CSV illisible ({str(exc).splitlines()[0]})") from None
    if not parts:
        raise SourceError(path, "fichier vide : aucune ligne de données après l'en-tête", line=2)
    periods = sorted(parts)

    def months() -> Iterator[pl.DataFrame]:
        for period in periods:
            raw = pl.read_parquet(Path(workdir) / period / "*.parquet").sort(LINE)
            repeated = raw.filter(~pl.struct(list(STMT_SPEC.key)).is_first_distinct())
            if not repeated.is_empty():
                row = repeated.row(0, named=True)
                label = ", ".join(f"{k}={row[k]}" for k in STMT_SPEC.key)
                raise SourceError(path, f"clé en double ({label})", line=int(row[LINE]), column="periode")
            yield _typed(raw)

    from datetime import date

    return [date(int(p[:4]), int(p[5:7]), 1) for p in periods], months()
