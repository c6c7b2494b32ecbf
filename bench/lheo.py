"""Benchmark of the LHEO import: throughput (MB/s) and peak memory at 10, 100 and 1,000 MB.

    .venv/bin/python bench/lheo.py [--sizes 10,100,1000] [--out DIR] [--data-dir DIR] [--no-db]

For each size, a demo LHEO 2.3 file (gtec_core.demo.lheo, scale calibrated on the 300-formation file) is
read three ways, each in its own process so that peak RSS (ru_maxrss) is that step's:

- `iterparse`: lxml iterparse merely reading the file (formation ends, elements cleared) — the floor;
- `reader`: GTEC's LheoReader (parse, check every record, no database);
- `import`: `gtec import_lheo` into a fresh SQLite database holding the ROME referential (so that ROME links
  are computed), in one transaction.

The import is expected within 3× the bare iterparse time for the reader, and the memory flat in the size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("GTEC_DATA_DIR") or ROOT.parent / "shared" / "data")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_iterparse(path: Path) -> dict:
    from lxml import etree

    tags = ["{http://lheo.gouv.fr/2.3}formation"]
    n = 0
    for _, elem in etree.iterparse(
        str(path), events=("end",), tag=tags, resolve_entities=False, no_network=True
    ):
        n += 1
        elem.clear(keep_tail=False)
        while elem.getprevious() is not None:
            del elem.getparent()[0]
    return {"formations": n}


def step_reader(path: Path) -> dict:
    from gtec_core.sources.lheo import read_summary

    summary = read_summary(path)
    return {k: summary[k] for k in ("formations", "actions", "sessions", "rejected_count")}


def step_import(path: Path) -> dict:
    import django

    django.setup()
    from gtec.training.lheo_import import lheo_import

    result = lheo_import(path, flux="bench")
    return {"formations": result.formations, "actions": result.actions, "sessions": result.sessions}


STEPS = {"iterparse": step_iterparse, "reader": step_reader, "import": step_import}


def child(step: str, path: Path) -> None:
    start = time.perf_counter()
    counts = STEPS[step](path)
    print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": peak_mb(), **counts}))


def run(step: str, path: Path, env: dict) -> dict:
    command = [sys.executable, __file__, "--child", step, "--file", str(path)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare_database(db: Path, data_dir: Path, env: dict) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], check=True, env=env, cwd=ROOT)
    subprocess.run(
        [*manage, "import_data", "rome", "--data-dir", str(data_dir)],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,100,1000", help="tailles en Mo, séparées par des virgules")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--no-db", action="store_true", help="sans l'import en base")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.file)
        return
    sys.path.insert(0, str(ROOT))
    from gtec_core.demo.lheo import write_lheo

    out = args.out or Path(tempfile.mkdtemp(prefix="gtec-lheo-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    unit = write_lheo(out / "unit.xml", scale=1)
    unit_mb = (out / "unit.xml").stat().st_size / 1e6
    db = out / "bench.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{db}",
        "GTEC_DATA_DIR": str(args.data_dir),
        "PYTHONPATH": str(ROOT),
    }
    if not args.no_db:
        prepare_database(db, args.data_dir, env)
    print(f"fichier unité : {unit['formations']} formations, {unit_mb:.2f} Mo")
    for size in [int(s) for s in args.sizes.split(",") if s]:
        path = out / f"lheo-{size}mo.xml"
        counts = write_lheo(path, scale=size / unit_mb)
        mb = path.stat().st_size / 1e6
        print(
            f"\n{mb:.0f} Mo — {counts['formations']} formations, {counts['actions']} actions, {counts['sessions']} sessions"
        )
        floor = None
        for step in ["iterparse", "reader"] + ([] if args.no_db else ["import"]):
            report = run(step, path, env)
            floor = floor or report["seconds"]
            print(
                f"  {step:10s} {report['seconds']:8.1f} s  {mb / report['seconds']:7.1f} Mo/s  "
                f"× {report['seconds'] / floor:4.1f}  pic mémoire {report['peak_mb']:6.0f} Mo"
            )
        path.unlink()


if __name__ == "__main__":
    main()
