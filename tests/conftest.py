"""Test set-up: the session's test database (SQLite or PostgreSQL, per DATABASE_URL) is created once and
loaded with the real referentials from GTEC_DATA_DIR (../shared/data by default). Each test then runs
in a transaction rolled back at its end, so tests may change data freely."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

(Path(settings.BASE_DIR) / "var" / "static").mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = Path(settings.GTEC_DATA_DIR)
    if not (path / "rome4").is_dir():
        pytest.exit(f"données officielles introuvables dans {path} : réglez GTEC_DATA_DIR", returncode=2)
    return path


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, data_dir):
    """Import every referential once per session (committed in the test database)."""
    with django_db_blocker.unblock(), open(os.devnull, "w") as devnull:
        call_command("import_data", "all", "--data-dir", str(data_dir), "--no-compute", stdout=devnull)


@pytest.fixture
def rome_copy(tmp_path, data_dir) -> Path:
    """A writable copy of the ROME release folder (symlinks), for corrupting one file in a test."""
    folder = tmp_path / "rome4"
    folder.mkdir()
    for src in (data_dir / "rome4").iterdir():
        (folder / src.name).symlink_to(src)
    return folder


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a rolled-back transaction can reuse primary keys on SQLite, so a
    cached read (keyed on the data's version) must not outlive the test that filled it."""
    from django.core.cache import cache

    cache.clear()
    yield
