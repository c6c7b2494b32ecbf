"""RNCP / RS reader on the shared France Compétences excerpts and on broken tables."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from gtec_core.errors import SourceError
from gtec_core.sources.rncp import find_files, read_release

RNCP = Path(settings.GTEC_DATA_DIR) / "rncp"


def test_excerpts_are_read_with_levels_dates_and_rome_links():
    release = read_release(RNCP)
    fiches = {row["code"]: row for row in release.fiches.to_dicts()}
    assert len(fiches) == 24
    assert fiches["RNCP35477"]["niveau"] == "NIV6" and fiches["RNCP35477"]["actif"]
    assert fiches["RNCP35477"]["date_fin"] == dt.date(2026, 8, 31)
    assert fiches["RNCP181"]["actif"] is False and fiches["RNCP181"]["date_fin"] is None
    assert fiches["RS5055"]["niveau"] == ""
    romes = {(r["code"], r["code_rome"]): r["libelle_rome"] for r in release.romes.to_dicts()}
    assert len(romes) == 20
    assert romes[("RNCP26572", "H2102")] == "Conduite d'équipement de production alimentaire"  # '' undone
    assert release.blocs.is_empty()
    assert set(release.checksums) == {"rncp_standard_EXCERPT_edumatch.csv", "rncp_rome_EXCERPT_edumatch.csv"}


def test_official_file_names_are_found(tmp_path):
    for name in (
        "export_fiches_CSV_Standard_2026-01-15.csv",
        "export_fiches_CSV_Rome_2026-01-15.csv",
        "export_fiches_CSV_Blocs_De_Compétences_2026-01-15.csv",
        "export_fiches_CSV_Nsf_2026-01-15.csv",
    ):
        (tmp_path / name).write_text("x")
    found = {k: p.name for k, p in find_files(tmp_path).items()}
    assert found == {
        "standard": "export_fiches_CSV_Standard_2026-01-15.csv",
        "rome": "export_fiches_CSV_Rome_2026-01-15.csv",
        "blocs": "export_fiches_CSV_Blocs_De_Compétences_2026-01-15.csv",
    }


def copy_with(tmp_path: Path, old: str, new: str) -> Path:
    for src in RNCP.glob("*.csv"):
        shutil.copy(src, tmp_path / src.name)
    target = tmp_path / "rncp_standard_EXCERPT_edumatch.csv"
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def test_bad_fiche_number_names_line_and_column(tmp_path):
    with pytest.raises(SourceError) as exc:
        read_release(copy_with(tmp_path, "RNCP317;", "RNCPX317;"))
    assert exc.value.line == 3 and exc.value.column == "Numero_Fiche"


def test_bad_status_is_refused(tmp_path):
    with pytest.raises(SourceError) as exc:
        read_release(copy_with(tmp_path, ";INACTIVE\n14922", ";PERIME\n14922"))
    assert exc.value.column == "Actif" and exc.value.line == 2


def test_missing_standard_table_is_refused(tmp_path):
    shutil.copy(RNCP / "rncp_rome_EXCERPT_edumatch.csv", tmp_path)
    with pytest.raises(SourceError, match="Standard"):
        read_release(tmp_path)
