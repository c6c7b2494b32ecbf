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


def first_search() -> None:
    """One career search on two real skills and one appellation search: imports the modules and fills the
    per-process tables (FAP of each fiche, commune centroids…) the first visitor would otherwise wait for."""
    from gtec.careers.services import engine, paths_for
    from gtec.referentials.search import appellation_search

    appellation_search("infirmier")
    skills = sorted(engine().matrix.by_skill)[:2]
    if skills:
        paths_for(skills=skills, commune="", max_km=None)


def engines() -> list[tuple[str, Callable[[], object]]]:
    from gtec.careers.services import engine
    from gtec.referentials.search import appellation_index

    return [
        ("index des appellations", appellation_index),
        ("moteur de parcours et de texte", engine),
        ("première recherche", first_search),
    ]


def warm(notify: Callable[[], None] = lambda: None) -> dict[str, float]:
    """Build every engine; returns the seconds each took (None-free: a failed one is left out)."""
    timings: dict[str, float] = {}
    for name, build in engines():
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
