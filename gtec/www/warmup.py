"""Build the in-memory engines before a server process takes its first request, so that no visitor pays for
them: the appellation index (search boxes, /api/appellations) and the career-path engine (which holds the
French text engine: skill extraction from free text, and the skill index). Called by gunicorn's
post_worker_init hook (config/gunicorn.conf.py); each engine is rebuilt later only if a new ROME import
runs. A failure is logged and never stops the server: the engine is then built at its first use."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


def first_pages() -> list[str]:
    """The pages a visitor opens first: career results (two real skills, around the default territory's
    largest commune), the default territory's labour dashboard, an appellation search."""
    from django.conf import settings

    from gtec.careers.services import engine
    from gtec.territories.queries import territory_get

    key = settings.GTEC_DEFAULT_TERRITORY
    territory = territory_get(key)
    commune = territory.communes().order_by("-population").first() if territory else None
    skills = sorted(engine().matrix.by_skill)[:2]
    pages = ["/api/appellations?q=infirmier"]
    if skills:
        query = "&".join(f"c={code}" for code in skills)
        pages.append(f"/parcours/resultats/?{query}" + (f"&commune={commune.code}&km=20" if commune else ""))
    if territory:
        pages.append(f"/territoires/{key}/marche-du-travail/")
    return pages


def first_search() -> None:
    """Request the first pages inside this process (no network): imports the modules, compiles the
    templates and fills the per-process tables (FAP of each fiche, commune centroids…) and the shared cache
    that the first visitor would otherwise wait for."""
    from django.conf import settings
    from django.test import Client

    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"]
    client = Client(HTTP_HOST=hosts[0] if hosts else "localhost", raise_request_exception=False)
    for page in first_pages():
        status = client.get(page, secure=True).status_code
        if status != 200:
            log.warning("préchauffage : %s a répondu %s", page, status)


def engines() -> list[tuple[str, Callable[[], object]]]:
    """The engines proper: pure Python and database reads, safe to build in a process that forks later."""
    from gtec.careers.services import engine
    from gtec.referentials.search import appellation_index, text_engine

    return [
        ("index des appellations", appellation_index),
        ("moteur de texte", text_engine),
        ("moteur de parcours", engine),
    ]


def timed(steps: list[tuple[str, Callable[[], object]]], notify: Callable[[], None]) -> dict[str, float]:
    timings: dict[str, float] = {}
    for name, build in steps:
        started = time.perf_counter()
        try:
            build()
        except Exception:  # a missing referential must not keep the site down
            log.exception("préchauffage : %s non construit", name)
            continue
        finally:
            notify()
        timings[name] = round(time.perf_counter() - started, 2)
    log.info("moteurs prêts", extra={"secondes": timings})
    return timings


def warm_engines(notify: Callable[[], None] = lambda: None) -> dict[str, float]:
    """Build the engines (gunicorn's master, before it forks the workers)."""
    return timed(engines(), notify)


def warm_first_search(notify: Callable[[], None] = lambda: None) -> dict[str, float]:
    """The first search, in each worker: it reads labour figures with polars, whose thread pool must not be
    started in a process that forks afterwards (a forked child would wait on it for ever)."""
    return timed([("première recherche", first_search)], notify)


def warm(notify: Callable[[], None] = lambda: None) -> dict[str, float]:
    """Everything, in one process that will not fork (tests, a server without preloading)."""
    return {**warm_engines(notify), **warm_first_search(notify)}
