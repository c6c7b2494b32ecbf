"""Bounded load test on 127.0.0.1: the development server (`gtec serve`, as `make demo` runs it) and the
production server (gunicorn with config/gunicorn.conf.py, production settings, Redis cache) side by side, on
the same database (DATABASE_URL, default var/gtec.sqlite3 loaded by `make demo-data`).

For each server: the time until it answers, the first career-results request (engine build, or none when
the engines were built at start), then CLIENTS clients for SECONDS seconds cycling through the dashboard,
an occupation page, career results and two API reads: requests/s, p50/p95 per page, errors.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--servers dev,gunicorn]

Only 127.0.0.1 is ever contacted; the run is bounded by --seconds and --max-requests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TERRITORY = "custom:pays-de-vannes"
PAGES = [
    ("tableau de bord", f"/territoires/{TERRITORY}/marche-du-travail/"),
    ("page métier", f"/territoires/{TERRITORY}/metiers/J1501/"),
    ("résultats de parcours", "/parcours/resultats/?c=300318&c=300323&commune=56260&km=20"),
    ("API indicateur", f"/api/indicateurs/offers_demand_ratio?territoire={TERRITORY}"),
    ("API appellations", "/api/appellations?q=infirmier"),
]
CAREERS = PAGES[2][1]
HEADERS = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}


def request(port: int, path: str, timeout: float = 60) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=HEADERS)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def wait_ready(port: int, proc: subprocess.Popen, limit: float = 180) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"le serveur du port {port} s'est arrêté (code {proc.returncode})")
        try:
            if request(port, "/sante/", timeout=5)[0] == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"le serveur du port {port} ne répond pas après {limit} s")


def start(kind: str, port: int, redis_url: str, warm: bool = True) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    if kind == "dev":
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
        command = [str(BIN / "gtec"), "serve", f"127.0.0.1:{port}", "--noreload"]
    else:
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.prod",
            SECRET_KEY=secrets.token_urlsafe(50),
            SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
            REDIS_URL=redis_url,
            CACHE_KEY_PREFIX=f"bench-{uuid.uuid4().hex[:8]}",
            GTEC_BIND=f"127.0.0.1:{port}",
            LOG_LEVEL="WARNING",
            GTEC_WARM_ENGINES="true" if warm else "false",
        )
        subprocess.run(
            [str(BIN / "gtec"), "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        command = [
            str(BIN / "gunicorn"),
            "-c",
            "config/gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            "config.wsgi",
        ]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def load(port: int, clients: int, seconds: float, max_requests: int) -> dict:
    results: dict[str, list[float]] = {name: [] for name, _ in PAGES}
    errors: dict[str, int] = {name: 0 for name, _ in PAGES}
    lock = threading.Lock()
    count = [0]
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        i = offset
        while time.perf_counter() < deadline:
            with lock:
                if count[0] >= max_requests:
                    return
                count[0] += 1
            name, path = PAGES[i % len(PAGES)]
            i += 1
            try:
                status, elapsed = request(port, path, timeout=max(5.0, deadline - time.perf_counter() + 30))
                ok = status == 200
            except OSError:
                ok, elapsed = False, 0.0
            with lock:
                if ok:
                    results[name].append(elapsed)
                else:
                    errors[name] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    pages = {}
    for name, _ in PAGES:
        times = sorted(results[name])
        pages[name] = {
            "requests": len(times),
            "errors": errors[name],
            "p50_ms": round(statistics.median(times) * 1000) if times else None,
            "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000) if times else None,
        }
    total = sum(len(v) for v in results.values())
    return {"seconds": round(wall, 1), "requests": total, "rps": round(total / wall, 1), "pages": pages}


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def drop_bench_keys(url: str) -> None:
    from redis import Redis

    client = Redis.from_url(url)
    keys = list(client.scan_iter("bench-*"))
    if keys:
        client.delete(*keys)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--servers", default="dev,gunicorn")
    parser.add_argument("--dev-port", type=int, default=int(os.environ.get("BENCH_DEV_PORT", 8107)))
    parser.add_argument("--prod-port", type=int, default=int(os.environ.get("BENCH_PROD_PORT", 8117)))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2"))
    parser.add_argument("--json", default=str(ROOT / "var" / "bench" / "load.json"))
    args = parser.parse_args()
    out: dict = {"clients": args.clients, "seconds": args.seconds, "cores": os.cpu_count(), "servers": {}}
    if "gunicorn" in args.servers:
        # the first career request on gunicorn without the warm-up at start (what a visitor paid before)
        proc = start("gunicorn", args.prod_port, args.redis, warm=False)
        try:
            ready = wait_ready(args.prod_port, proc)
            status, first = request(args.prod_port, CAREERS, timeout=120)
        finally:
            stop(proc)
        out["gunicorn_without_warmup"] = {"ready_s": round(ready, 1), "first_careers_s": round(first, 2)}
        print(
            f"gunicorn sans préchauffage : prêt en {ready:.1f} s, première requête « résultats de parcours » {first:.2f} s"
        )
    for kind in args.servers.split(","):
        port = args.dev_port if kind == "dev" else args.prod_port
        proc = start(kind, port, args.redis)
        try:
            ready = wait_ready(port, proc)
            status, first = request(port, CAREERS, timeout=120)
            report = {"ready_s": round(ready, 1), "first_careers_s": round(first, 2), "first_status": status}
            report.update(load(port, args.clients, args.seconds, args.max_requests))
        finally:
            stop(proc)
        out["servers"][kind] = report
        print_report(kind, report, args)
    if len(out["servers"]) > 1:
        print_side_by_side(out["servers"])
    drop_bench_keys(args.redis)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\n(détail : {args.json})")


def print_report(kind: str, r: dict, args) -> None:
    label = "serveur de développement (gtec serve)" if kind == "dev" else "gunicorn (config/gunicorn.conf.py)"
    print(f"\n== {label} — {args.clients} clients, {r['seconds']} s, {os.cpu_count()} cœurs")
    print(
        f"   prêt en {r['ready_s']} s ; première requête « résultats de parcours » : {r['first_careers_s']} s"
    )
    print(f"   {r['requests']} requêtes, {r['rps']} requêtes/s")
    print(f"   {'page':24} {'requêtes':>9} {'p50 ms':>8} {'p95 ms':>8} {'erreurs':>8}")
    for name, p in r["pages"].items():
        print(
            f"   {name:24} {p['requests']:>9} {p['p50_ms'] or '-':>8} {p['p95_ms'] or '-':>8} {p['errors']:>8}"
        )


def print_side_by_side(servers: dict) -> None:
    """requests/s, then p50 / p95 (ms) and errors of each page, one column per server."""
    names = list(servers)
    print("\n== côte à côte (p50 / p95 en ms, erreurs)")
    print(f"   {'':24}" + "".join(f"{n:>22}" for n in names))
    print(f"   {'requêtes/s':24}" + "".join(f"{servers[n]['rps']:>22}" for n in names))
    for page in servers[names[0]]["pages"]:
        cells = []
        for n in names:
            p = servers[n]["pages"][page]
            cells.append(f"{p['p50_ms'] or '-'} / {p['p95_ms'] or '-'}, {p['errors']}")
        print(f"   {page:24}" + "".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
