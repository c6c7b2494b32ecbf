"""CSV and XLSX rendering of a published table (already protected by `queries`). CSV: UTF-8 with BOM, `;`,
decimal comma — what a French spreadsheet opens correctly; XLSX: openpyxl, a title row and the source."""

from __future__ import annotations

import csv
import io

import polars as pl
from openpyxl import Workbook

from gtec_core.secrecy import format_fr


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format_fr(value, 6).rstrip("0").rstrip(",")
    return str(value)


def write_table(table: pl.DataFrame, fmt: str, *, title: str = "", note: str = "") -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow(table.columns)
        for row in table.iter_rows():
            writer.writerow([_text(v) for v in row])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "donnees"
        if title:
            sheet.append([title])
        sheet.append(["Secret statistique : « s » = valeur non diffusable (moins de 3 unités ou dominance)."])
        if note:
            sheet.append([note])
        sheet.append(table.columns)
        for row in table.iter_rows():
            sheet.append(list(row))
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise ValueError(f"format inconnu : {fmt}")
