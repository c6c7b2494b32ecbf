"""Reading delimited official files into polars frames with the checks every importer needs.

The file is decoded with its declared encoding (an undecodable byte is reported with its line), parsed
with the csv module so that every record keeps the line it starts on (quoted fields may span lines),
checked for the declared columns and field counts, then turned into a polars frame of strings with a
`_line` column. Typed checks (integers, codes, duplicate keys) run as polars expressions and report the
first offending line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from gtec_core.checksums import sha256_file  # noqa: F401 (importers take it from here)
from gtec_core.errors import SourceError

LINE = "_line"


@dataclass(frozen=True)
class Column:
    """One declared column: its name in the file, and the check its values must pass."""

    name: str
    kind: str = "str"  # str | int | float | pattern
    required: bool = False
    pattern: str | None = None


@dataclass(frozen=True)
class FileSpec:
    """The layout of one official file, as published."""

    name: str
    columns: tuple[Column, ...]
    encoding: str = "utf-8"
    delimiter: str = ","
    key: tuple[str, ...] = ()
    skip_lines: int = 0
    extra_columns_ok: bool = True
    description: str = ""
    unescape_sql_quotes: tuple[str, ...] = field(default=())
    allow_empty: bool = (
        False  # a header without any data row is an error unless the file is known to be empty
    )

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def decode(
    path: Path, raw: bytes, encoding: str, *, delimiter: str | None = None, skip_lines: int = 0
) -> str:
    """Decode the whole file; an undecodable byte is reported with its line (and, when the delimiter is
    given, the column of the header it falls in)."""
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = None
        if delimiter is not None:
            column = column_at(raw, exc.start, encoding, delimiter, skip_lines)
        raise SourceError(
            path,
            f"encodage invalide : octet {raw[exc.start]:#04x} illisible en {encoding}",
            line=line,
            column=column,
        ) from None
    return text.removeprefix("\ufeff")


def column_at(raw: bytes, offset: int, encoding: str, delimiter: str, skip_lines: int) -> str | None:
    """Name of the header column in which byte `offset` falls (best effort, for error messages)."""
    lines = raw.decode(encoding, errors="replace").removeprefix("\ufeff").splitlines()
    if len(lines) <= skip_lines:
        return None
    header = [h.strip() for h in next(csv.reader([lines[skip_lines]], delimiter=delimiter))]
    start = raw.rfind(b"\n", 0, offset) + 1
    prefix = raw[start:offset].decode(encoding, errors="replace")
    try:
        index = len(next(csv.reader([prefix + "x"], delimiter=delimiter))) - 1
    except (csv.Error, StopIteration):
        return None
    return header[index] if 0 <= index < len(header) else None


def read_table(path: Path, spec: FileSpec) -> pl.DataFrame:
    """Read and check one file; return a frame of strings (empty string for empty fields) plus `_line`."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "fichier introuvable")
    text = decode(
        path, path.read_bytes(), spec.encoding, delimiter=spec.delimiter, skip_lines=spec.skip_lines
    )
    return parse_table(path, text, spec)


def parse_table(path: Path, text: str, spec: FileSpec) -> pl.DataFrame:
    stream = io.StringIO(text, newline="")
    for _ in range(spec.skip_lines):
        stream.readline()
    reader = csv.reader(stream, delimiter=spec.delimiter, quotechar='"', strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError(path, "fichier vide : ligne d'en-tête absente", line=spec.skip_lines + 1) from None
    except csv.Error as exc:
        raise SourceError(path, f"en-tête illisible ({exc})", line=spec.skip_lines + 1) from None
    header = [h.strip() for h in header]
    header_line = spec.skip_lines + 1
    for col in spec.columns:
        if col.name not in header:
            raise SourceError(
                path, "colonne obligatoire absente de l'en-tête", line=header_line, column=col.name
            )
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise SourceError(path, "colonne en double dans l'en-tête", line=header_line, column=dup)
    wanted = [header.index(c.name) for c in spec.columns]
    columns: list[list[str]] = [[] for _ in wanted]
    lines: list[int] = []
    width = len(header)
    # `line_num` counts the physical lines the reader consumed, so a record starts on the line after the
    # previous record ended, even when a quoted field spans several lines.
    start = reader.line_num + 1 + spec.skip_lines
    try:
        for record in reader:
            if len(record) != width:
                if not record or record == [""]:
                    start = reader.line_num + 1 + spec.skip_lines
                    continue
                missing = header[len(record)] if len(record) < width else None
                raise SourceError(
                    path,
                    f"ligne tronquée ou mal formée : {len(record)} champs au lieu de {width}",
                    line=start,
                    column=missing,
                )
            for target, index in zip(columns, wanted, strict=True):
                target.append(record[index])
            lines.append(start)
            start = reader.line_num + 1 + spec.skip_lines
    except csv.Error as exc:
        message = str(exc)
        column = None
        if "unexpected end of data" in message or "EOF" in message:
            message = "fichier tronqué : guillemet ouvert jamais refermé"
            # the record runs to the end of the file: the column it was cut in is its last field
            rest = "\n".join(text.splitlines()[start - 1 :])
            partial = next(csv.reader(io.StringIO(rest, newline=""), delimiter=spec.delimiter), [])
            if 0 < len(partial) <= width:
                column = header[len(partial) - 1]
        raise SourceError(path, f"enregistrement illisible ({message})", line=start, column=column) from None
    if not lines and not spec.allow_empty:
        raise SourceError(
            path, "fichier vide : aucune ligne de données après l'en-tête", line=header_line + 1
        )
    frame = string_frame([c.name for c in spec.columns], columns, lines)
    if spec.unescape_sql_quotes:
        frame = frame.with_columns(
            pl.col(c).str.replace_all("''", "'", literal=True) for c in spec.unescape_sql_quotes
        )
    check_frame(path, frame, spec.columns, spec.key)
    return frame


def string_frame(names: Sequence[str], values: Sequence[list[str]], lines: list[int]) -> pl.DataFrame:
    """Columns of strings read from a file, plus the `_line` each record starts on."""
    return pl.DataFrame(
        {name: pl.Series(name, column, dtype=pl.String) for name, column in zip(names, values, strict=True)}
        | {LINE: pl.Series(LINE, lines, dtype=pl.Int64)}
    )


def xlsx_cell(value):
    """A calamine cell as openpyxl gives it: None for an empty cell, an int for a whole number (xlsx stores
    every number as a float), anything else unchanged."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def xlsx_sheets(path: Path) -> Iterator[tuple[str, list[tuple]]]:
    """The sheets of an xlsx workbook as (name, rows), read by calamine (Rust) — 10–20× faster than
    openpyxl's streaming reader. Rows start at A1, so row `i` of the list is row `i + 1` of the sheet (the
    line an error names); cells are as openpyxl's `values_only` gives them (`xlsx_cell`). A missing or
    damaged file is a SourceError. Each sheet is read when the iteration reaches it."""
    from python_calamine import CalamineWorkbook

    if not Path(path).is_file():
        raise SourceError(path, "fichier introuvable")
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types for a damaged workbook
        raise SourceError(path, f"classeur Excel illisible ({exc})") from None
    try:
        for name in book.sheet_names:
            try:
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as exc:
                raise SourceError(path, f"feuille « {name} » illisible ({exc})") from None
            yield name, [tuple(xlsx_cell(v) for v in row) for row in rows]
    finally:
        book.close()


def open_xlsx(path: Path):
    """An xlsx workbook opened for streaming (read-only, cached values); a damaged file is a SourceError."""
    import openpyxl

    if not Path(path).is_file():
        raise SourceError(path, "fichier introuvable")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise SourceError(path, f"classeur Excel illisible ({exc})") from None


def first_line(frame: pl.DataFrame, mask: pl.Series) -> int | None:
    bad = frame.filter(mask)
    return None if bad.is_empty() else int(bad[LINE][0])


def check_frame(path: Path, frame: pl.DataFrame, columns: Sequence[Column], key: Iterable[str] = ()) -> None:
    """Typed checks on a frame of strings; raise on the first offending line."""
    for col in columns:
        values = frame[col.name]
        empty = values.str.strip_chars() == ""
        if col.required:
            line = first_line(frame, empty)
            if line is not None:
                raise SourceError(path, "valeur obligatoire manquante", line=line, column=col.name)
        if col.kind == "int":
            bad = ~empty & ~values.str.strip_chars().str.contains(r"^-?\d+$")
            line = first_line(frame, bad)
            if line is not None:
                value = frame.filter(bad)[col.name][0]
                raise SourceError(path, f"entier attendu, lu « {value} »", line=line, column=col.name)
        elif col.kind == "float":
            bad = ~empty & ~values.str.strip_chars().str.contains(r"^-?\d+([.,]\d+)?$")
            line = first_line(frame, bad)
            if line is not None:
                value = frame.filter(bad)[col.name][0]
                raise SourceError(path, f"nombre attendu, lu « {value} »", line=line, column=col.name)
        elif col.kind == "pattern" and col.pattern:
            bad = ~empty & ~values.str.contains(f"^(?:{col.pattern})$")
            line = first_line(frame, bad)
            if line is not None:
                value = frame.filter(bad)[col.name][0]
                raise SourceError(
                    path, f"valeur « {value} » ne respecte pas le format attendu", line=line, column=col.name
                )
    key = list(key)
    if key:
        repeated = ~frame.select(pl.struct(key).is_first_distinct()).to_series()
        line = first_line(frame, repeated)
        if line is not None:
            row = frame.filter(repeated).row(0, named=True)
            label = ", ".join(f"{k}={row[k]}" for k in key)
            raise SourceError(path, f"clé en double ({label})", line=line, column=key[0])


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell no spreadsheet runs as a formula (CSV/XLSX formula injection): text starting with
    = + - @ tab or CR gets a leading apostrophe, which spreadsheets read as « this is text ». Numbers and
    other values pass unchanged. Every CSV/XLSX export writes its cells through this function."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
