"""Backups of the database, and their restoration.

SQLite: SQLite's online backup API (a consistent copy while the site keeps reading and writing, WAL
included) into a single `.sqlite3` file; restoring copies it back the same way, page by page, under a lock.
PostgreSQL: `pg_dump --format=custom` into a `.dump` file; restoring runs `pg_restore --clean --if-exists
--single-transaction`, so a failed restore leaves the database as it was. Both check the file first."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from gtec_core.errors import SourceError


class BackupError(Exception):
    """A French message for the person running the command."""


def is_sqlite(cfg: dict) -> bool:
    return cfg["ENGINE"].endswith("sqlite3")


def default_name(cfg: dict) -> str:
    return f"gtec-{datetime.now():%Y%m%d-%H%M%S}." + ("sqlite3" if is_sqlite(cfg) else "dump")


def sqlite_check(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            status = db.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise SourceError(path, f"ce n'est pas une sauvegarde SQLite lisible ({exc})") from None
    if status != "ok":
        raise SourceError(path, f"sauvegarde SQLite endommagée ({status})")


def sqlite_copy(src: Path, dst: Path) -> None:
    """Copy a SQLite database with the online backup API (consistent even while it is written to)."""
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)
    target.close()
    source.close()


def pg_env(cfg: dict) -> tuple[list[str], dict]:
    args = ["--host", cfg.get("HOST") or "127.0.0.1", "--port", str(cfg.get("PORT") or 5432)]
    if cfg.get("USER"):
        args += ["--username", cfg["USER"]]
    env = {**os.environ}
    if cfg.get("PASSWORD"):
        env["PGPASSWORD"] = cfg["PASSWORD"]
    return args, env


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} introuvable : installez le client PostgreSQL (paquet postgresql-client)")
    return found


def run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} a échoué : {done.stderr.strip()[-800:]}")


def backup(cfg: dict, out: Path) -> Path:
    """Write a backup of the database described by `cfg` (a Django DATABASES entry) to `out`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        raise BackupError(f"{out} existe déjà : choisissez un autre nom")
    if is_sqlite(cfg):
        if not Path(cfg["NAME"]).is_file():
            raise BackupError(f"base SQLite introuvable : {cfg['NAME']}")
        partial = out.with_name(out.name + ".part")
        partial.unlink(missing_ok=True)
        sqlite_copy(Path(cfg["NAME"]), partial)
        sqlite_check(partial)
        partial.rename(out)
    else:
        args, env = pg_env(cfg)
        partial = out.with_name(out.name + ".part")
        run(
            [pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(partial), cfg["NAME"]],
            env,
        )
        partial.rename(out)
    return out


def restore(cfg: dict, path: Path) -> None:
    """Replace the database's content by the backup at `path`, all or nothing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"sauvegarde introuvable : {path}")
    if is_sqlite(cfg):
        sqlite_check(path)
        sqlite_copy(path, Path(cfg["NAME"]))
        return
    args, env = pg_env(cfg)
    listing = subprocess.run([pg_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise SourceError(path, "ce n'est pas une sauvegarde PostgreSQL (pg_dump --format=custom) lisible")
    run(
        [
            pg_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
            "--dbname", cfg["NAME"], str(path),
        ],
        env,
    )  # fmt: skip
