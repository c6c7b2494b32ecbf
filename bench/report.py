"""`make bench`: time to generate the « Diagnostic emploi-formation » of the Pays de Vannes (printed, never
asserted). Needs the demo territory in the development database (`make demo-data`).

Each run is a fresh process (`gtec report`, cold caches: what a person waits for from the command line),
then three runs in one process with the read-side cache cleared each time (the page's cold path), split
into assembly (`build_report`), HTML and PDF (WeasyPrint)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GTEC = str(ROOT / ".venv" / "bin" / "gtec")
TERRITORY = os.environ.get("BENCH_TERRITORY", "custom:pays-de-vannes")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.cache import cache

    from gtec.diagnostics.report import build_report, render_html, render_pdf
    from gtec.territories.models import Territory

    territory = Territory.objects.filter(key=TERRITORY).first()
    if territory is None:
        print(f"bench report : territoire {TERRITORY} absent — lancez `make demo-data`")
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "diagnostic.pdf"
        started = time.perf_counter()
        subprocess.run(
            [GTEC, "report", "--territory", TERRITORY, "--format", "pdf", "--out", str(out)],
            check=True,
            capture_output=True,
        )
        cli = time.perf_counter() - started
        from pypdf import PdfReader

        pages = len(PdfReader(out).pages)
    timings = {"assemblage": [], "HTML": [], "PDF": [], "total": []}
    for _ in range(3):
        cache.clear()
        t0 = time.perf_counter()
        report = build_report(territory)
        t1 = time.perf_counter()
        html = render_html(report)
        t2 = time.perf_counter()
        render_pdf(report, html)
        t3 = time.perf_counter()
        timings["assemblage"].append(t1 - t0)
        timings["HTML"].append(t2 - t1)
        timings["PDF"].append(t3 - t2)
        timings["total"].append(t3 - t0)
    print(f"\nDiagnostic emploi-formation — {territory.display_name} ({pages} pages)")
    print(f"  gtec report --format pdf (nouveau processus) : {cli:.1f} s")
    for name, values in timings.items():
        print(
            f"  {name:<11} médiane {statistics.median(values):.2f} s  (min {min(values):.2f}, max {max(values):.2f})"
        )


if __name__ == "__main__":
    main()
