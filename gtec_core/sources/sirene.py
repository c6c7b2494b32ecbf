"""INSEE SIRENE establishments, `StockEtablissement_utf8.csv`. Layout: data-sources.md §9.

Source: data.gouv.fr « Base Sirene des entreprises et de leurs établissements (SIREN, SIRET) », monthly stock,
CSV UTF-8 with comma, one row per establishment (~44 M rows, several GB), Licence Ouverte. Columns kept:
`siren` (9 digits), `nic` (5 digits), `siret` (= siren + nic), `activitePrincipaleEtablissement` (APE code, NAF
rév. 2 `NN.NNL`, e.g. `62.01Z`; older establishments may carry earlier nomenclatures, said in
`nomenclatureActivitePrincipaleEtablissement` when present), `trancheEffectifsEtablissement` (codes below;
`NN` or empty = no employee count), `codeCommuneEtablissement` (INSEE code; empty abroad),
`etatAdministratifEtablissement` (A active, F closed), `dateCreationEtablissement` (YYYY-MM-DD). Fields hidden
for partially diffusible establishments read `[ND]` and become null.

The file is scanned lazily (`pl.scan_csv`, all columns as text): only the kept columns are read and rows are
filtered to the requested communes before anything is materialised; checks then run on the kept rows. Line
numbers assume one physical line per record (true of the published file, which has no multi-line field).

SIRET check: the Luhn key over the 14 digits. Exception: La Poste (SIREN 356000000) has more establishments
than the NIC's Luhn key space allows, so INSEE numbers them with another rule: the plain sum of the 14 digits
of the SIRET is a multiple of 5. A La Poste SIRET is accepted when it passes either rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import polars as pl

from gtec_core.errors import SourceError

LINE = "_line"
LA_POSTE = "356000000"
NOT_DIFFUSED = "[ND]"
HEADCOUNT_BANDS: dict[str, tuple[int, int | None]] = {
    "00": (0, 0),
    "01": (1, 2),
    "02": (3, 5),
    "03": (6, 9),
    "11": (10, 19),
    "12": (20, 49),
    "21": (50, 99),
    "22": (100, 199),
    "31": (200, 249),
    "32": (250, 499),
    "41": (500, 999),
    "42": (1000, 1999),
    "51": (2000, 4999),
    "52": (5000, 9999),
    "53": (10000, None),
}
# column in the file -> (name in frames, pattern or None, required)
COLUMNS: dict[str, tuple[str, str | None, bool]] = {
    "siren": ("siren", r"\d{9}", True),
    "nic": ("nic", r"\d{5}", True),
    "siret": ("siret", r"\d{14}", True),
    "activitePrincipaleEtablissement": ("naf", r"\d{2}\.\d{2}[A-Z]", False),
    "trancheEffectifsEtablissement": ("headcount_band", "NN|" + "|".join(HEADCOUNT_BANDS), False),
    "codeCommuneEtablissement": ("commune", r"\d{5}|2[AB]\d{3}", False),
    "etatAdministratifEtablissement": ("state", r"[AF]", True),
    "dateCreationEtablissement": ("created", r"\d{4}-\d{2}-\d{2}", False),
}


def luhn_ok(digits: pl.Expr, width: int = 14) -> pl.Expr:
    """Luhn check of a column of `width`-digit strings, as a polars expression (vectorised)."""
    terms = []
    for index in range(width):
        digit = digits.str.slice(index, 1).cast(pl.Int32)
        if (width - 1 - index) % 2 == 1:  # every second digit from the right is doubled
            doubled = digit * 2
            digit = pl.when(doubled > 9).then(doubled - 9).otherwise(doubled)
        terms.append(digit)
    return pl.sum_horizontal(terms) % 10 == 0


def digit_sum_ok(digits: pl.Expr, width: int = 14) -> pl.Expr:
    return pl.sum_horizontal([digits.str.slice(i, 1).cast(pl.Int32) for i in range(width)]) % 5 == 0


def siret_ok(siret: pl.Expr) -> pl.Expr:
    """Valid SIRET key: Luhn, or for La Poste the digit sum multiple of 5."""
    la_poste = siret.str.starts_with(LA_POSTE)
    return luhn_ok(siret) | (la_poste & digit_sum_ok(siret))


def _fail(path: Path, frame: pl.DataFrame, mask: pl.Expr, column: str, message: str) -> None:
    bad = frame.filter(mask)
    if not bad.is_empty():
        value = bad[COLUMNS[column][0]][0]
        raise SourceError(path, message.format(value=value), line=int(bad[LINE][0]), column=column)


def scan_establishments(path: Path, communes: Iterable[str] | None = None) -> pl.LazyFrame:
    """Lazy frame of the kept columns (renamed, still text), filtered to `communes` when given, plus `_line`."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "fichier introuvable")
    lazy = pl.scan_csv(
        path, infer_schema=False, row_index_name=LINE, row_index_offset=2, encoding="utf8-lossy"
    )
    try:
        header = lazy.collect_schema().names()
    except pl.exceptions.PolarsError as exc:
        raise SourceError(path, f"en-tête illisible ({exc})", line=1) from None
    for name in COLUMNS:
        if name not in header:
            raise SourceError(path, "colonne obligatoire absente de l'en-tête", line=1, column=name)
    lazy = lazy.select(LINE, *(pl.col(name).alias(alias) for name, (alias, _, _) in COLUMNS.items()))
    if communes is not None:
        lazy = lazy.filter(pl.col("commune").is_in(sorted(set(communes))))
    return lazy


def check_utf8(path: Path, block: int = 16 << 20) -> None:
    """Refuse a file that is not UTF-8 (a Latin-1 export was silently read with replacement characters),
    naming the line of the first bad byte. One streaming pass, a block at a time."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with open(path, "rb") as handle:
        while True:
            data = handle.read(block)
            try:
                decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                line = lines + data[: max(exc.start, 0)].count(b"\n")
                raise SourceError(
                    path, "encodage invalide : UTF-8 attendu (fichier Latin-1 ou binaire ?)", line=line
                ) from None
            if not data:
                return
            lines += data.count(b"\n")


def csv_problem_line(path: Path) -> int | None:
    """The line where the record polars could not parse starts (unclosed quote, wrong number of fields)."""
    import csv

    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return 1
        start = 2
        try:
            for row in reader:
                if len(row) != len(header):
                    return start
                start = reader.line_num + 1
        except csv.Error:
            return start
    return None


def unreadable(path: Path, exc: Exception) -> SourceError:
    return SourceError(
        path,
        f"fichier CSV illisible : guillemet non fermé ou nombre de champs différent de l'en-tête "
        f"({str(exc).splitlines()[0][:120]})",
        line=csv_problem_line(path),
    )


def read_establishments(path: Path, communes: Iterable[str] | None = None) -> pl.DataFrame:
    """Read and check the establishments of `communes` (all when None). Frame: `siret`, `siren`, `nic`, `naf`,
    `headcount_band` (null when `NN`/empty), `headcount_min`, `headcount_max`, `commune`, `state`, `active`,
    `created` (date) and `_line`."""
    path = Path(path)
    if path.is_file():
        check_utf8(path)
    try:
        raw = scan_establishments(path, communes).collect()
    except pl.exceptions.PolarsError as exc:
        raise unreadable(path, exc) from None
    return check_establishments(path, raw)


def check_establishments(path: Path, raw: pl.DataFrame) -> pl.DataFrame:
    """The checks and typing of `read_establishments` on rows already scanned (`scan_establishments`)."""
    raw = raw.with_columns(
        pl.when(pl.col(alias).str.strip_chars().is_in(["", NOT_DIFFUSED]))
        .then(None)
        .otherwise(pl.col(alias).str.strip_chars())
        .alias(alias)
        for alias, _, _ in COLUMNS.values()
    )
    for name, (alias, pattern, required) in COLUMNS.items():
        if required:
            _fail(path, raw, pl.col(alias).is_null(), name, "valeur obligatoire manquante")
        if pattern:
            mask = pl.col(alias).is_not_null() & ~pl.col(alias).str.contains(f"^(?:{pattern})$")
            _fail(path, raw, mask, name, "valeur « {value} » ne respecte pas le format attendu")
    _fail(
        path,
        raw,
        pl.col("siret") != pl.col("siren") + pl.col("nic"),
        "siret",
        "SIRET « {value} » ≠ siren + nic",
    )
    _fail(path, raw, ~siret_ok(pl.col("siret")), "siret", "SIRET « {value} » invalide (clé de Luhn)")
    created = pl.col("created").str.to_date("%Y-%m-%d", strict=False)
    _fail(
        path,
        raw,
        pl.col("created").is_not_null() & created.is_null(),
        "dateCreationEtablissement",
        "date « {value} » impossible",
    )
    repeated = ~pl.col("siret").is_first_distinct()
    _fail(path, raw, repeated, "siret", "SIRET « {value} » en double")
    band = pl.when(pl.col("headcount_band") == "NN").then(None).otherwise(pl.col("headcount_band"))
    bounds = {code: low for code, (low, _) in HEADCOUNT_BANDS.items()}
    tops = {code: high for code, (_, high) in HEADCOUNT_BANDS.items()}
    return raw.with_columns(band.alias("headcount_band")).select(
        "siret",
        "siren",
        "nic",
        "naf",
        "headcount_band",
        pl.col("headcount_band")
        .replace_strict(bounds, default=None, return_dtype=pl.Int32)
        .alias("headcount_min"),
        pl.col("headcount_band")
        .replace_strict(tops, default=None, return_dtype=pl.Int32)
        .alias("headcount_max"),
        "commune",
        "state",
        (pl.col("state") == "A").alias("active"),
        created.alias("created"),
        LINE,
    )


def establishment_chunks(
    path: Path,
    communes: Iterable[str] | None = None,
    *,
    rows_per_chunk: int = 1_000_000,
    max_communes: int = 2000,
) -> Iterator[tuple[list[str], pl.DataFrame]]:
    """Read a large stock by groups of communes of about `rows_per_chunk` establishments each: yield
    (communes of the group, checked frame of `read_establishments`). A first streaming pass over three
    columns finds the communes and the SIRETs repeated across groups (the SIRET as a 64-bit integer, so that
    ten million of them fit in about 100 MB); each group is then read with the communes filter pushed down
    to the scan; a group holds at most `max_communes` communes (the IN lists of the database stay under
    SQLite's limit on SQL variables). Establishments without a commune (abroad) are not read, as with an explicit commune list."""
    path = Path(path)
    if path.is_file():
        check_utf8(path)
    lazy = scan_establishments(path, communes)
    digits = pl.col("siret").str.strip_chars()
    try:
        index = (
            lazy.select(
                LINE,
                pl.when(digits.str.contains(r"^\d{14}$"))
                .then(digits)
                .cast(pl.Int64, strict=False)
                .alias("_n"),
                pl.col("commune"),
            )
            .filter(pl.col("commune").is_not_null() & (pl.col("commune") != ""))
            .collect(engine="streaming")
            .sort(LINE)
        )
    except pl.exceptions.PolarsError as exc:
        raise unreadable(path, exc) from None
    repeated = index.filter(pl.col("_n").is_not_null() & ~pl.col("_n").is_first_distinct())
    if repeated.height:
        first = repeated.sort(LINE).row(0, named=True)
        raise SourceError(
            path, f"SIRET « {first['_n']:014d} » en double", line=int(first[LINE]), column="siret"
        )
    sizes = index.group_by("commune").len().sort("commune")
    del index
    group: list[str] = []
    size = 0
    groups: list[list[str]] = []
    for commune, n in sizes.iter_rows():
        group.append(commune)
        size += n
        if size >= rows_per_chunk or len(group) >= max_communes:
            groups.append(group)
            group, size = [], 0
    if group:
        groups.append(group)
    for members in groups:
        try:
            raw = scan_establishments(path, members).collect()
        except pl.exceptions.PolarsError as exc:
            raise unreadable(path, exc) from None
        yield members, check_establishments(path, raw)
