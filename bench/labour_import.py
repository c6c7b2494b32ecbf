"""Per-file benchmark of the labour-market importers (SIRENE, STMT, offers, employment), in one process.

    DATABASE_URL=postgres://… .venv/bin/python bench/labour_import.py DIR [--only sirene,stmt,offres,emploi]
        [--fresh] [--twice]

DIR holds the files of a demo folder (`StockEtablissement_utf8.csv`, `stmt_demandeurs.csv`, `offres.jsonl`,
`emploi_*.csv`), or a cut of them (`head -n`). The database must be migrated with the referentials imported
(`gtec migrate && gtec import all --no-compute`). `--fresh` empties the labour tables first (a first import:
the bulk path); `--twice` imports each file a second time (nothing may change). For each import it prints the
wall time, the CPU of this process (user + system) and the CPU of the PostgreSQL backend serving it (read from
/proc on this machine; the parallel workers of an index build are not counted).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def backend_cpu(pid: int | None) -> float:
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--only", default="sirene,stmt,offres,emploi")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--twice", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.db import connection

    from gtec.labour import models as m
    from gtec.labour.imports.employment import employment_import
    from gtec.labour.imports.establishments import sirene_import
    from gtec.labour.imports.jobseekers import stmt_import
    from gtec.labour.imports.offers import offers_import

    folder = args.folder
    files = {
        "sirene": (
            m.Etablissement,
            lambda p: sirene_import(p, synthetic=True),
            "StockEtablissement_utf8.csv",
        ),
        "stmt": (m.DemandeurEmploi, lambda p: stmt_import(p, synthetic=True), "stmt_demandeurs.csv"),
        "offres": (m.Offre, lambda p: offers_import([p], synthetic=True), "offres.jsonl"),
        "emploi": (m.Emploi, lambda p: employment_import(p, synthetic=True), None),
    }
    wanted = args.only.split(",")
    if args.fresh:
        for name in wanted:
            files[name][0].objects.all().delete() if connection.vendor != "postgresql" else None
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"TRUNCATE {files[name][0]._meta.db_table}")
    pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
    for name in wanted:
        model, call, filename = files[name]
        if filename is None:
            found = sorted(folder.glob("emploi*.csv"))
            if not found:
                continue
            path = found[0]
        else:
            path = folder / filename
            if not path.is_file():
                continue
        for attempt in range(2 if args.twice else 1):
            usage = resource.getrusage(resource.RUSAGE_SELF)
            server = backend_cpu(pid)
            started = time.perf_counter()
            version, counts = call(path)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_SELF)
            cpu = after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime
            server = backend_cpu(pid) - server
            total = {
                k: sum(getattr(c, k) for c in counts.values()) for k in ("created", "updated", "unchanged")
            }
            print(
                f"{name:7s} {'re-import' if attempt else 'import':9s} wall {wall:7.1f} s  CPU client {cpu:7.1f} s"
                f"  CPU serveur {server:7.1f} s  rows {model.objects.count():>10}  {total}  "
                f"RSS max {after.ru_maxrss / 1024:.0f} Mo",
                flush=True,
            )


if __name__ == "__main__":
    main()
