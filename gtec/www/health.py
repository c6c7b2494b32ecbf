"""`/sante/`: is this server able to answer? One query to the database and a write-read in the cache; 200
with « ok » for each, or 503 naming what fails (for a load balancer or monitoring; no data is shown)."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:  # any failure means « not healthy »; the reason goes to the log
        log.exception("contrôle de santé : base de données injoignable")
        return False


def cache_ok() -> bool:
    key, value = "gtec-health", uuid.uuid4().hex
    try:
        cache.set(key, value, 30)
        return cache.get(key) == value
    except Exception:
        log.exception("contrôle de santé : cache injoignable")
        return False


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks = {"base": database_ok(), "cache": cache_ok()}
    body = {name: "ok" if ok else "en panne" for name, ok in checks.items()}
    healthy = all(checks.values())
    return JsonResponse({"statut": "ok" if healthy else "en panne", **body}, status=200 if healthy else 503)
