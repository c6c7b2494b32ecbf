"""CSV and XLSX rendering of a published table (already protected by the read side of its app). CSV: UTF-8 with BOM, `;`,
decimal comma — what a French spreadsheet opens correctly; XLSX: openpyxl, a title row and the source."""

from __future__ import annotations

import csv
import io

import polars as pl
from openpyxl import Workbook

from gtec_core.french import format_fr
from gtec_core.tabular import spreadsheet_safe


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format_fr(value, 6).rstrip("0").rstrip(",")
    if isinstance(value, str):  # a lone CR would end the row in a spreadsheet (the writer quotes only LF)
        return spreadsheet_safe(value).replace("\r\n", "\n").replace("\r", "\n")
    return str(value)


def write_table(
    table: pl.DataFrame, fmt: str, *, title: str = "", note: str = "", secrecy_note: bool = True
) -> bytes:
    """The one CSV/XLSX writer of GTEC: every text cell goes through `spreadsheet_safe`. `secrecy_note` adds
    the line explaining « s » (tables of statistics; not a journal of free text)."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow([spreadsheet_safe(c) for c in table.columns])
        for row in table.iter_rows():
            writer.writerow([_text(v) for v in row])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "donnees"
        if title:
            sheet.append([spreadsheet_safe(title)])
        if secrecy_note:
            sheet.append(
                ["Secret statistique : « s » = valeur non diffusable (moins de 3 unités ou dominance)."]
            )
        if note:
            sheet.append([spreadsheet_safe(note)])
        sheet.append([spreadsheet_safe(c) for c in table.columns])
        for row in table.iter_rows():
            sheet.append([spreadsheet_safe(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise ValueError(f"format inconnu : {fmt}")
