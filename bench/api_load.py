"""`make bench`: the API under load — the production server (gunicorn, config/gunicorn.conf.py, Redis) on 127.0.0.1, 50 concurrent clients reading indicators
through /api/v1 with an organisation's read token, bounded in count (REQUESTS, after WARMUP requests that fill
each worker's cache) and time (DEADLINE per phase).
Prints requests/s, p50/p95/max latency and errors. Uses the demo database (var/gtec.sqlite3, filled by
`make demo-data`; built here when absent)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
BIN = ROOT / ".venv" / "bin"
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_API_PORT", "8106"))
CLIENTS = int(os.environ.get("BENCH_API_CLIENTS", "50"))
REQUESTS = int(os.environ.get("BENCH_API_REQUESTS", "3000"))
WARMUP = int(os.environ.get("BENCH_API_WARMUP", "1000"))
DEADLINE = float(os.environ.get("BENCH_API_SECONDS", "120"))
INDICATORS = ["dares_tension", "offers_demand_ratio", "bmo_difficulty_rate", "bmo_seasonality_rate"]
TERRITORIES = ["custom:pays-de-vannes", "ze:5318", "epci:200067932", "bassin:5310", "commune:56260", "dep:56"]
HEADERS = {"X-Forwarded-Proto": "https"}  # the proxy's header: the production settings redirect plain HTTP
ENV = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": "false"}


def setup_token() -> str:
    """A read token of a bench organisation in the demo database (created once, then reused)."""
    code = """
import django; django.setup()
from gtec.api import services
from gtec.labour.models import Observation
from gtec.organisations.models import Organisation
if not Observation.objects.exists():
    raise SystemExit(3)
org, _ = Organisation.objects.get_or_create(name="Banc d'essai API", kind="autre")
print(services.token_create(organisation=org, name="bench", scopes=["read"]).raw)
"""
    done = subprocess.run(
        [str(BIN / "python"), "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True
    )
    if done.returncode == 3 or "no such table" in done.stderr:
        print("Base de démonstration absente : construction (gtec import all, gtec demo load)…", flush=True)
        subprocess.run([str(BIN / "gtec"), "migrate", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True)
        subprocess.run([str(BIN / "gtec"), "import", "all"], cwd=ROOT, env=ENV, check=True)
        subprocess.run(
            [str(BIN / "gtec"), "demo", "load", "--out", "var/demo"], cwd=ROOT, env=ENV, check=True
        )
        return setup_token()
    done.check_returncode()
    return done.stdout.strip().splitlines()[-1]


def fetch(url: str, token: str) -> tuple[float, int]:
    request = urllib.request.Request(url, headers={**HEADERS, "Authorization": f"Bearer {token}"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = 0
    return time.perf_counter() - start, status


def run(urls: list[str], token: str, count: int) -> tuple[list[tuple[float, int]], float]:
    """CLIENTS threads, each fetching the URLs in turn, until `count` requests or DEADLINE seconds."""
    stop = time.monotonic() + DEADLINE
    results: list[tuple[float, int]] = []

    def client(i: int) -> None:
        n = i
        while time.monotonic() < stop and len(results) < count:
            results.append(fetch(urls[n % len(urls)], token))
            n += CLIENTS

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, range(CLIENTS)))
    return results, time.perf_counter() - started


def summary(label: str, results: list[tuple[float, int]], elapsed: float) -> dict:
    times = sorted(t for t, _ in results)
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000  # noqa: E731
    return {
        "banc": label,
        "clients": CLIENTS,
        "gunicorn": "config/gunicorn.conf.py (réglages de production, cache Redis)",
        "requetes": len(results),
        "duree_s": round(elapsed, 1),
        "requetes_par_s": round(len(results) / elapsed, 1),
        "p50_ms": round(p(0.50), 1),
        "p95_ms": round(p(0.95), 1),
        "max_ms": round(times[-1] * 1000, 1),
        "moyenne_ms": round(statistics.mean(times) * 1000, 1),
        "erreurs": sum(1 for _, s in results if s != 200),
    }


def main() -> None:
    (ROOT / "var").mkdir(exist_ok=True)
    token = setup_token()
    base = f"http://{HOST}:{PORT}"
    # the production server as `make serve-prod` runs it: config/gunicorn.conf.py, production settings, the
    # shared Redis cache (bench/load.py starts it the same way)
    from load import drop_bench_keys, start, stop

    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
    server = start("gunicorn", PORT, redis_url)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(
                    urllib.request.Request(base + "/sante/", headers=HEADERS), timeout=2
                ).read()
                break
            except OSError:
                time.sleep(0.3)
        urls = [
            f"{base}/api/v1/indicateurs/{name}?territoire={key}&size=50&page={page}"
            for name in INDICATORS
            for key in TERRITORIES
            for page in (1, 2)
        ]
        cold = run(urls, token, WARMUP)  # each worker's read-side cache fills (per-process cache)
        results, elapsed = run(urls, token, REQUESTS)
    finally:
        stop(server)
        drop_bench_keys(redis_url)
    print(json.dumps(summary("API /api/v1/indicateurs, à froid (caches vides)", *cold), ensure_ascii=False))
    print(json.dumps(summary("API /api/v1/indicateurs sous gunicorn", results, elapsed), ensure_ascii=False))


if __name__ == "__main__":
    main()
