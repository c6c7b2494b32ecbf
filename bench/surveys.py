"""Needs survey benchmarks: aggregating 10,000 answers under statistical secrecy (aim < 2 s) and the
questionnaire page p50/p95 over N requests with the Django test client (aim p95 < 300 ms).

    DJANGO_SETTINGS_MODULE=config.settings.test GTEC_TEST_DB=bench-needs .venv/bin/python bench/surveys.py [--answers 10000] [--requests 50]

The aggregation part is pure (gtec_core): the demo generator's answers are replicated to 10,000 distinct
companies spread over the Pays de Vannes EPCIs. The page part builds a throw-away test database with the
referentials (same as the test session), a campaign and a company with a draft.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_aggregation(n: int, data_dir: Path) -> None:
    from gtec_core.demo import survey as demo
    from gtec_core.surveys import aggregate

    base = demo.generate(data_dir, n=300, seed=1)
    epcis = ["200067932", "200027027", "245614383"]
    records = []
    for i in range(n):
        answer = base[i % len(base)].answer
        if i % 40 == 0:  # rare occupations (1–2 companies per cell), so that secrecy has work to do
            rare = dict(answer["metiers"][0], code_rome=f"R{(i // 40) % 150:04d}")
            answer = dict(answer, metiers=[rare, *answer["metiers"][1:]])
        records.append(aggregate.Respondent(f"{i:09d}", epcis[i % 3], "IQFG"[i % 4], "10-49", answer))
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        frames = aggregate.flatten(records)
        tables = {h: aggregate.needs_table(frames.occupations, h) for h in aggregate.HORIZONS}
        aggregate.difficulty_by_occupation(frames.occupations)
        aggregate.reasons_table(frames.occupations, frames.reasons)
        aggregate.top_skills(frames.skills)
        aggregate.unit_counts(frames.formats, ["format"])
        timings.append(time.perf_counter() - start)
    cells = sum(t.height for t in tables.values())
    secret = sum(int(t["secret"].sum()) for t in tables.values())
    print(
        f"agrégation sous secret : {n} réponses, {frames.occupations.height} lignes métier, {cells} cellules "
        f"({secret} « s ») : meilleur {min(timings):.2f} s, médiane {statistics.median(timings):.2f} s"
    )


def bench_page(requests: int, data_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.runner import DiscoverRunner
    from django.test.utils import setup_test_environment

    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        call_command("import_data", "all", "--data-dir", str(data_dir), stdout=open(os.devnull, "w"))
        from django.test import Client

        from gtec.organisations.models import ADMIN
        from tests.surveys import helpers as h

        camp, org = h.campaign(), h.company()
        h.submit(camp, org)
        client = Client()
        client.force_login(h.user("bench@example.org", org, ADMIN))
        url = f"/besoins/campagnes/{camp.pk}/questionnaire/{org.pk}/"
        for target in (url, f"/besoins/campagnes/{camp.pk}/retour/{org.pk}/"):
            client.get(target)  # warm-up
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                assert client.get(target).status_code == 200
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            print(f"{target} : n={requests} p50={statistics.median(times):.0f} ms p95={p95:.0f} ms")
    finally:
        runner.teardown_databases(old)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--skip-page", action="store_true")
    args = parser.parse_args()
    bench_aggregation(args.answers, args.data_dir)
    if not args.skip_page:
        bench_page(args.requests, args.data_dir)


if __name__ == "__main__":
    main()
