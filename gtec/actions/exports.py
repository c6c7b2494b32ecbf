"""CSV and XLSX of the retex journal. Free text typed by people goes into spreadsheets, so every cell that a
spreadsheet would read as a formula (starting with =, +, -, @, tab or carriage return) is prefixed with an
apostrophe: the text shows as typed and nothing is executed."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_rows(header: list[str], rows: list[list], fmt: str, *, title: str = "") -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[neutralise(v) for v in row] for row in rows])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "retex"
        if title:
            sheet.append([neutralise(title)])
        sheet.append(header)
        for row in rows:
            sheet.append([neutralise(v) for v in row])
            for cell in sheet[sheet.max_row]:
                cell.data_type = "s"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise ValueError(f"format inconnu : {fmt}")
