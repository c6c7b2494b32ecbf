"""`gtec backup` / `gtec restore` round trips: SQLite through the command line on a scratch database file,
PostgreSQL with pg_dump / pg_restore on a scratch database; damaged backups are refused, changing nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings

from gtec.maintenance.backup import BackupError, backup, restore
from gtec_core.errors import SourceError

PG = {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1", "PORT": 5432, "USER": "postgres"}


def gtec(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    return subprocess.run(
        [sys.executable, "-m", "gtec.cli", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def rows_sqlite(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id, name FROM t ORDER BY id").fetchall()


def test_sqlite_round_trip_through_the_command_line(tmp_path):
    db = tmp_path / "site.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
        conn.executemany("INSERT INTO t (name) VALUES (?)", [("Vannes",), ("Auray",), ("Ploërmel",)])
    url = f"sqlite:///{db}"
    out = tmp_path / "sauvegardes" / "gtec.sqlite3"
    done = gtec("backup", "--out", str(out), url=url)
    assert done.returncode == 0, done.stderr
    assert "Sauvegarde écrite" in done.stdout and out.is_file()
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM t WHERE name = 'Auray'")
        conn.execute("INSERT INTO t (name) VALUES ('Lorient')")
    assert [n for _, n in rows_sqlite(db)] == ["Vannes", "Ploërmel", "Lorient"]
    done = gtec("restore", str(out), "--yes", url=url)
    assert done.returncode == 0, done.stderr
    assert rows_sqlite(db) == [(1, "Vannes"), (2, "Auray"), (3, "Ploërmel")]
    # a second backup to the same name is refused; a damaged backup is refused and changes nothing
    assert "existe déjà" in gtec("backup", "--out", str(out), url=url).stderr
    junk = tmp_path / "abime.sqlite3"
    junk.write_bytes(b"ceci n'est pas une base" * 100)
    done = gtec("restore", str(junk), "--yes", url=url)
    assert (
        done.returncode != 0 and "abime.sqlite3 : ce n'est pas une sauvegarde SQLite lisible" in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert rows_sqlite(db) == [(1, "Vannes"), (2, "Auray"), (3, "Ploërmel")]


@pytest.fixture
def pg_scratch():
    run = (os.environ.get("GTEC_TEST_DB") or "test").replace("-", "_")
    name = f"gtec_backup_{run}_{uuid.uuid4().hex[:8]}"  # two runs at once never share it
    try:
        admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL injoignable sur 127.0.0.1:5432 ({exc})")
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    yield {**PG, "NAME": name}
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def pg_rows(cfg) -> list[tuple]:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{cfg['NAME']}") as conn:
        return conn.execute("SELECT id, name FROM t ORDER BY id").fetchall()


def test_postgresql_round_trip_with_pg_dump_and_pg_restore(pg_scratch, tmp_path):
    cfg = pg_scratch
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{cfg['NAME']}") as conn:
        conn.execute("CREATE TABLE t (id serial PRIMARY KEY, name text)")
        conn.execute("INSERT INTO t (name) VALUES ('Vannes'), ('Auray'), ('Ploërmel')")
    out = backup(cfg, tmp_path / "gtec.dump")
    assert out.stat().st_size > 0
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{cfg['NAME']}") as conn:
        conn.execute("DELETE FROM t WHERE name = 'Auray'")
        conn.execute("CREATE TABLE extra (x int)")
    restore(cfg, out)
    assert pg_rows(cfg) == [(1, "Vannes"), (2, "Auray"), (3, "Ploërmel")]
    junk = tmp_path / "abime.dump"
    junk.write_bytes(b"PGDMP" + b"\0" * 50)
    with pytest.raises(SourceError, match="ce n'est pas une sauvegarde PostgreSQL"):
        restore(cfg, junk)
    with pytest.raises(BackupError, match="pg_dump a échoué"):
        backup({**cfg, "NAME": "base_qui_n_existe_pas"}, tmp_path / "x.dump")
    assert pg_rows(cfg) == [(1, "Vannes"), (2, "Auray"), (3, "Ploërmel")]
