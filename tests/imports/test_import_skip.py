"""`gtec import` skips a source whose folder has not changed since its last import (sha256 fingerprint)."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import call_command

from gtec.imports.models import ImportRun

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_data", *args, stdout=out)
    return out.getvalue()


def test_an_unchanged_folder_is_skipped_and_a_changed_one_imported(data_dir, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(data_dir / "bmo", folder / "bmo")
    runs = ImportRun.objects.filter(source="bmo").count()
    # the same files as the session's import (same relative paths, same contents): skipped
    again = run("bmo", "--data-dir", str(folder))
    assert "fichiers inchangés (empreinte sha256 identique)" in again
    assert ImportRun.objects.filter(source="bmo").count() == runs  # nothing imported, nothing recorded
    forced = run("bmo", "--data-dir", str(folder), "--force")
    assert "0 créés, 0 modifiés, 0 supprimés" in forced
    (folder / "bmo" / "notes.txt").write_text("un fichier de plus")
    assert "bmo BMO 2024 :" in run("bmo", "--data-dir", str(folder))
