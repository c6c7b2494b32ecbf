"""The work `gtec import` saves: each file hashed once per run, xlsx read by calamine as openpyxl gave it,
an unchanged source skipped without changing a row."""

from __future__ import annotations

import io
import os
import shutil

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from gtec.imports.models import ImportRun
from gtec_core.checksums import hashed_once, sha256_file
from gtec_core.errors import SourceError
from gtec_core.tabular import xlsx_cell, xlsx_sheets


def test_a_file_is_hashed_once_within_a_run(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n1,2\n")
    stat = path.stat()
    with hashed_once():
        first = sha256_file(path)
        # same size, same modification time: within the run, the file is not read again
        path.write_bytes(b"a,b\n3,4\n")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert sha256_file(path) == first
    assert sha256_file(path) != first  # outside a run, every call reads the file


def test_a_changed_file_is_hashed_again_within_a_run(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"a\n")
    with hashed_once():
        first = sha256_file(path)
        path.write_bytes(b"a,b\n")
        assert sha256_file(path) != first


def test_xlsx_sheets_gives_openpyxl_values_and_sheet_rows(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Epcicom"
    sheet.append(["siren", "nom", "part"])
    sheet.append([200067932, "Golfe du Morbihan", 0.5])
    sheet.append([])
    sheet.append([245614383, None, 2])
    other = book.create_sheet("Notes")
    other["B3"] = "texte"
    path = tmp_path / "classeur.xlsx"
    book.save(path)
    sheets = dict(xlsx_sheets(path))
    assert list(sheets) == ["Epcicom", "Notes"]
    rows = sheets["Epcicom"]
    assert rows[0] == ("siren", "nom", "part")
    assert rows[1] == (200067932, "Golfe du Morbihan", 0.5)
    assert all(v is None for v in rows[2])
    assert rows[3][0] == 245614383 and rows[3][1] is None and rows[3][2] == 2
    # rows start at A1: B3 is the third row, second cell
    assert sheets["Notes"][2][1] == "texte"
    assert xlsx_cell("") is None and xlsx_cell(3.0) == 3 and xlsx_cell(3.5) == 3.5


def test_xlsx_sheets_refuses_a_damaged_or_missing_file_in_french(tmp_path):
    damaged = tmp_path / "abime.xlsx"
    damaged.write_bytes(b"PK\x03\x04 pas un classeur")
    with pytest.raises(SourceError, match="classeur Excel illisible"):
        list(xlsx_sheets(damaged))
    with pytest.raises(SourceError, match="fichier introuvable"):
        list(xlsx_sheets(tmp_path / "absent.xlsx"))


@pytest.mark.django_db
def test_an_unchanged_source_is_skipped_and_changes_no_row(data_dir, tmp_path):
    from gtec.referentials.models import Fap, RomeV3Fap

    folder = tmp_path / "data"
    shutil.copytree(data_dir / "fap_rome", folder / "fap_rome")
    before = list(Fap.objects.order_by("pk").values_list()), RomeV3Fap.objects.count()
    runs = ImportRun.objects.count()
    out = io.StringIO()
    call_command("import_data", "fap", "--data-dir", str(folder), stdout=out)
    assert "fichiers inchangés (empreinte sha256 identique)" in out.getvalue()
    assert (list(Fap.objects.order_by("pk").values_list()), RomeV3Fap.objects.count()) == before
    assert ImportRun.objects.count() == runs
