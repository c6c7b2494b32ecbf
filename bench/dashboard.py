"""Latency of the labour-market pages on the database of DATABASE_URL (loaded and computed), through Django's
test client in one process: the first request (empty cache) and p50 / p95 of the next ones.

    DATABASE_URL=sqlite:///var/gtec.sqlite3 .venv/bin/python bench/dashboard.py [--requests 100] [KEY ...]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("keys", nargs="*", default=["custom:pays-de-vannes", "ze:5318", "commune:56260"])
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    pages = []
    for key in args.keys:
        pages += [
            (f"tableau de bord {key}", f"/territoires/{key}/marche-du-travail/"),
            (f"métier × territoire {key}", f"/territoires/{key}/metiers/J1501/"),
        ]
    pages.append(("comparaison", f"/comparer/?a={args.keys[0]}&b={args.keys[-1]}"))
    print("\n| page | 1re requête (ms) | p50 (ms) | p95 (ms) | requêtes |\n|---|---:|---:|---:|---:|")
    for label, url in pages:
        cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        first = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            print(f"| {label} | HTTP {response.status_code} | | | |")
            continue
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(f"| {label} | {first:.0f} | {statistics.median(times):.0f} | {p95:.0f} | {args.requests} |")


if __name__ == "__main__":
    main()
