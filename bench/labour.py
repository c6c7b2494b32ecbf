"""Benchmark of the labour-market chain: generate the demo files, import them, compute every indicator.

    .venv/bin/python bench/labour.py [--scale pays-de-vannes|france] [--months N] [--db sqlite|postgres]
        [--pg-url postgres://postgres@127.0.0.1:5432/] [--keep] [--reimport] [--data DIR]

Each step runs in its own `gtec` process on a fresh database (a SQLite file under `var/`, or a PostgreSQL
database `gtec_bench_labour` created for the run), timed, with the peak resident memory of that process
(`os.wait4`'s ru_maxrss). The referentials (`gtec import all`) are imported first and timed apart: they are
not part of the target (Pays de Vannes on SQLite under 60 s; France on PostgreSQL under 15 minutes for 24
months on 2 cores, memory bounded). Computation: the default territory and its surroundings for the Pays de
Vannes, `gtec compute --all-territories` for France. With `--months N` < 24, the per-month steps are also
extrapolated linearly to 24 months (clearly labelled). Generated files and the database are deleted at the
end unless `--keep`. `--data DIR` (or BENCH_FRANCE_DATA) reads files generated earlier by `gtec demo generate`
instead of generating them (they are never deleted). The target counts what a territory's run costs: the import
of its labour files and the computation; generating the synthetic files (which stand in for the real ones) is
timed apart, like the referentials.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GTEC = str(ROOT / ".venv" / "bin" / "gtec")
DB_NAME = "gtec_bench_labour"
TARGETS = {"pays-de-vannes": 60.0, "france": 15 * 60.0}


def run(label: str, command: list[str], env: dict, log: Path) -> tuple[float, float, float]:
    """Run one step; return (seconds, peak RSS in MB, CPU seconds of the process: user + system — the wall
    time of a machine shared with other work is pessimistic, the CPU time is not). The output goes to `log`; a failure stops the bench."""
    started = time.perf_counter()
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(command)}\n")
        out.flush()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{label} : échec (code {process.returncode}), voir {log}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def postgres(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.rstrip("/") + "/postgres", autocommit=True) as connection:
        connection.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="pays-de-vannes", choices=["pays-de-vannes", "bretagne", "france"])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--out", type=Path, default=None, help="dossier des fichiers générés (temporaire)")
    parser.add_argument("--reimport", action="store_true", help="réimporter (rien ne doit changer)")
    parser.add_argument("--keep", action="store_true", help="garder fichiers et base")
    parser.add_argument(
        "--data",
        type=Path,
        default=os.environ.get("BENCH_FRANCE_DATA") or None,
        help="fichiers déjà générés (gtec demo generate) : pas de génération",
    )
    args = parser.parse_args()

    (ROOT / "var").mkdir(exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "LOG_LEVEL": "WARNING"}
    sqlite_path = ROOT / "var" / "bench-labour.sqlite3"
    if args.db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{sqlite_path}"
    else:
        postgres(args.pg_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        postgres(args.pg_url, f"CREATE DATABASE {DB_NAME}")
        env["DATABASE_URL"] = args.pg_url.rstrip("/") + "/" + DB_NAME
    if args.data:
        args.keep_files = True
        out = Path(args.data)
        if not (out / "manifest.json").exists():
            sys.exit(f"{out} : pas de manifest.json (fichiers de gtec demo generate attendus)")
    else:
        args.keep_files = args.keep
    out = (
        out
        if args.data
        else args.out or Path(tempfile.mkdtemp(prefix=f"gtec-bench-{args.scale}-", dir=ROOT / "var"))
    )
    log = ROOT / "var" / f"bench-labour-{args.scale}-{args.db}.log"
    log.write_text("", encoding="utf-8")
    free = shutil.disk_usage(out).free / 1e9
    print(
        f"GTEC banc marché du travail : {args.scale}, {args.months} mois, {args.db} (disque libre {free:.0f} Go)"
    )
    print(f"journal : {log}")

    compute = [GTEC, "compute"] + (["--all-territories"] if args.scale == "france" else [])
    generate = [GTEC, "demo", "generate", "--scale", args.scale, "--seed", "20241", "--out", str(out)]
    steps = [
        ("migrate", [GTEC, "migrate", "--noinput", "-v0"], False),
        ("import all (référentiels)", [GTEC, "import", "all"], False),
        *([] if args.data else [("generate", generate + ["--months", str(args.months)], False)]),
        ("import demo", [GTEC, "import", "demo", str(out)], True),
        ("compute", compute, True),
    ]
    if args.reimport:
        steps += [("re-import demo (idempotent)", [GTEC, "import", "demo", str(out)], False)]
        steps += [("re-compute (idempotent)", compute, False)]
    results = []
    cpus: dict[str, float] = {}
    try:
        for label, command, target in steps:
            seconds, peak, cpu = run(label, command, env, log)
            results.append((label, seconds, peak, target))
            cpus[label] = cpu
            print(f"  {label:30s} {seconds:8.1f} s (CPU {cpu:7.1f} s) {peak:8.0f} Mo", flush=True)
        if args.scale == "pays-de-vannes":
            # page latency on the database just computed (target: dashboard p95 under 300 ms)
            subprocess.run([sys.executable, str(ROOT / "bench" / "dashboard.py")], env=env, check=True)
    finally:
        if not args.keep_files:
            shutil.rmtree(out, ignore_errors=True)
        if not args.keep:
            if args.db == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
            else:
                postgres(args.pg_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")

    total = sum(s for _, s, _, t in results if t)
    peak = max(p for _, _, p, t in results if t)
    target = TARGETS.get(args.scale)
    print("\n| étape | durée (s) | CPU (s) | pic mémoire (Mo) |\n|---|---:|---:|---:|")
    for label, seconds, mb, counted in results:
        print(
            f"| {label}{'' if counted else ' (hors objectif)'} | {seconds:.1f} | {cpus[label]:.1f} | {mb:.0f} |"
        )
    verdict = (
        f" — objectif {target:.0f} s : {'atteint' if total <= target else 'NON atteint'}" if target else ""
    )
    cpu = sum(cpus[label] for label, _, _, t in results if t)
    print(f"| **import + compute** | **{total:.1f}** | **{cpu:.1f}** | **{peak:.0f}** |{verdict}")
    if args.months < 24 and not args.data:
        extrapolate(results, log, args.months)


def extrapolate(results: list, log: Path, months: int) -> None:
    """24-month estimate from the measured run: the parts that grow with the months (STMT and offers, in
    generation and import; the whole computation, as a majorant) × 24 / months, the others (SIRENE, employment,
    start-up) as measured. Per-file times are read from the commands' own reports in the log."""
    import re

    text = log.read_text(encoding="utf-8")
    factor = 24 / months
    seconds = {label: s for label, s, _, _ in results}

    def timed(pattern: str) -> float:
        return sum(float(x) for x in re.findall(pattern, text, flags=re.M))

    gen_monthly = timed(r"^\s+(?:stmt_demandeurs\.csv|offres\.jsonl) : .*\((\d+\.\d+) s\)$")
    imp_monthly = timed(r"^(?:stmt|offres) .*\((\d+\.\d+) s\)$")
    generate = seconds["generate"] + gen_monthly * (factor - 1)
    imported = seconds["import demo"] + imp_monthly * (factor - 1)
    compute = seconds["compute"] * factor
    print(
        f"\nExtrapolation à 24 mois (ESTIMATION, non mesurée) : generate ~{generate:.0f} s, import ~{imported:.0f} s"
        f" (STMT et offres × {factor:g}, SIRENE et emploi inchangés), compute ≤ {compute:.0f} s (majorant × "
        f"{factor:g}) ; total ~{generate + imported + compute:.0f} s ; pic mémoire : inchangé pour l'import "
        "(un mois, un lot d'offres, un groupe de communes à la fois)."
    )


if __name__ == "__main__":
    main()
