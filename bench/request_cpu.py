"""CPU time of one request per page of the load test (bench/load.py, bench/api_load.py), in-process through
Django's test client on the demo database: the figure that decides how many requests/s two cores give, and
one that other processes on the machine barely change (`time.process_time`, not wall time).

For each page: the first request (caches cold, engines built before), then the median CPU of REPEAT
requests with the shared cache warm, and the same with the cache emptied before each request (what a
request pays after an import changes the data version). `--profile NAME` prints pyinstrument's tree of
one cold request of that page (`--warm`: with the cache warm).

    .venv/bin/python bench/request_cpu.py [--repeat 20] [--profile "résultats de parcours"]
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
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")


def cpu_ms(client, path: str) -> float:
    started = time.process_time()
    response = client.get(path)
    spent = (time.process_time() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} : réponse {response.status_code}")
    return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", default="")
    parser.add_argument("--warm", action="store_true", help="profile a request with the cache warm")
    args = parser.parse_args()

    import django

    django.setup()
    from api_load import INDICATORS
    from django.core.cache import cache
    from django.test import Client
    from load import PAGES

    from gtec.www.warmup import warm_engines

    pages = list(PAGES) + [
        ("API v1 indicateur", f"/api/v1/indicateurs/{INDICATORS[1]}?territoire=custom:pays-de-vannes")
    ]
    warm_engines()
    client = Client()
    print(f"CPU par requête (ms, processus seul ; {args.repeat} répétitions) :")
    print(f"   {'page':24} {'1re':>8} {'cache chaud':>12} {'cache vidé':>11}")
    for name, path in pages:
        first = cpu_ms(client, path)
        warm = statistics.median(cpu_ms(client, path) for _ in range(args.repeat))
        cold = []
        for _ in range(max(3, args.repeat // 4)):
            cache.clear()
            cold.append(cpu_ms(client, path))
        print(f"   {name:24} {first:>8.1f} {warm:>12.1f} {statistics.median(cold):>11.1f}")
    if args.profile:
        from pyinstrument import Profiler

        path = dict(pages)[args.profile]
        cache.clear()
        if args.warm:
            client.get(path)
        profiler = Profiler(interval=0.0005)
        with profiler:
            client.get(path)
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
