"""Benchmark of the demo generator: time, rows and peak RSS per scale.

    .venv/bin/python bench/demo_generate.py [--scales pays-de-vannes bretagne france] [--months N]
        [--data-dir DIR] [--out DIR]

`france` is the benchmark scale (about 3 million offers a year); with `--months N` < 24 the script prints the
measured figures and their linear extrapolation to 24 months (source reading is counted once).
Each scale runs in its own process so that peak RSS (ru_maxrss) is that scale's.
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

DEFAULT_DATA = Path(
    os.environ.get("GTEC_DATA_DIR") or Path(__file__).resolve().parents[2] / "shared" / "data"
)


def run_one(scale: str, months: int, data_dir: Path, out: Path) -> None:
    from gtec_core.demo import generate

    start = time.perf_counter()
    result = generate(scale, 20241, out, data_dir, months=months)
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    files = {f["kind"]: f["rows"] for f in result.manifest["files"]}
    sizes = {f["name"]: (out / f["name"]).stat().st_size for f in result.manifest["files"]}
    print(
        json.dumps({"total": total, "steps": result.seconds, "rows": files, "bytes": sizes, "peak_mb": peak})
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", nargs="+", default=["pays-de-vannes", "bretagne", "france"])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_one(args.child, args.months, args.data_dir, args.out)
        return
    base = args.out or Path(tempfile.mkdtemp(prefix="gtec-demo-bench-"))
    for scale in args.scales:
        command = [sys.executable, __file__, "--child", scale, "--months", str(args.months)]
        command += ["--data-dir", str(args.data_dir), "--out", str(base / scale)]
        report = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        factor = 24 / args.months
        monthly = report["steps"]["jobseekers"] + report["steps"]["offers"]
        fixed = report["total"] - monthly
        print(
            f"{scale} ({args.months} mois) : {report['total']:.1f} s, pic mémoire {report['peak_mb']:.0f} Mo"
        )
        for name, seconds in report["steps"].items():
            print(f"  {name:22s} {seconds:7.1f} s")
        for kind, rows in report["rows"].items():
            print(f"  {kind:22s} {rows:>12,} lignes".replace(",", " "))
        print(f"  octets écrits          {sum(report['bytes'].values()) / 1e6:,.0f} Mo")
        if args.months < 24:
            print(
                f"  extrapolation 24 mois : ~{fixed + monthly * factor:.0f} s, "
                f"~{report['rows']['offers'] * factor:,.0f} offres, "
                f"~{report['rows']['jobseekers'] * factor:,.0f} lignes STMT "
                f"(pic mémoire inchangé : écriture mois par mois)".replace(",", " ")
            )


if __name__ == "__main__":
    main()
