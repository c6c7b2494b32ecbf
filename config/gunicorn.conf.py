"""gunicorn configuration of the production server (`make serve-prod`, or
`gunicorn -c config/gunicorn.conf.py config.wsgi`). Every value can be set from the environment
(docs/environment.md, docs/deploiement.md)."""

import json
import multiprocessing
import os


def env(name: str, default: str) -> str:
    return os.environ.get(name) or default


# Where to listen: 127.0.0.1 behind a reverse proxy (nginx, Caddy, Apache) that terminates HTTPS.
bind = env("GTEC_BIND", "127.0.0.1:8000")
# Workers from the cores: one process per core plus one (the engines built in the master are shared),
# eight threads each, so that a quick page is not queued behind a slow one (measured: bench/load.py).
workers = int(env("WEB_CONCURRENCY", str(multiprocessing.cpu_count() + 1)))
worker_class = "gthread"
threads = int(env("GUNICORN_THREADS", "8"))
# A request running longer than this is cut (and the worker replaced).
timeout = int(env("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Replace a worker after this many requests (bounded memory), with jitter so they do not restart together.
max_requests = int(env("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = env("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log: one JSON object per request on stdout, like the application's logs.
accesslog = "-"
errorlog = "-"
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "logger": "gunicorn.access",
        "method": "%(m)s",
        "path": "%(U)s",
        "query": "%(q)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_ms": "%(M)s",
        "remote": "%(h)s",
        "user_agent": "%(a)s",
    }
)


# The application is loaded once in the master process, which builds the engines (gtec/www/warmup.py)
# before it forks the workers: they start with the engines in memory (shared pages), so no request waits
# for them and the build is paid once, not once per worker. Code changes need a restart, not a HUP.
preload_app = True


def warming() -> bool:
    return env("GTEC_WARM_ENGINES", "true").lower() not in {"0", "false", "no", "non"}


def when_ready(server):
    """Build the engines in the master, before any worker exists; close its database connections so that no
    worker inherits them."""
    if not warming():
        return
    from django.db import connections

    from gtec.www.warmup import warm_engines

    timings = warm_engines()
    connections.close_all()
    server.log.info("moteurs prêts en %s s : %s", round(sum(timings.values()), 1), timings)


def post_worker_init(worker):
    """In each worker, before its first request: one search (imports, per-process tables; uses polars, which
    must not run in the master)."""
    if warming():
        from gtec.www.warmup import warm_first_search

        warm_first_search(notify=worker.notify)
