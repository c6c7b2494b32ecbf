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
# Workers from the cores: one process per core plus one (each holds its own engines, about 200 MB),
# two threads each so that a slow client does not hold a whole process.
workers = int(env("WEB_CONCURRENCY", str(multiprocessing.cpu_count() + 1)))
worker_class = "gthread"
threads = int(env("GUNICORN_THREADS", "2"))
# A request running longer than this is cut (and the worker replaced); the engines' warm-up at start counts.
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


def post_worker_init(worker):
    """Build the engines before this worker accepts its first request (gtec/www/warmup.py)."""
    from gtec.www.warmup import warm

    timings = warm(notify=worker.notify)
    worker.log.info("moteurs prêts en %s s : %s", round(sum(timings.values()), 1), timings)
