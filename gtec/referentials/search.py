"""The process-wide appellation index, rebuilt when a new ROME import has run."""

from __future__ import annotations

import threading

from gtec.imports.models import ImportRun
from gtec.referentials.models import Appellation
from gtec_core.search import AppellationIndex, Entry, Hit

_lock = threading.Lock()
_cache: dict[str, object] = {"stamp": None, "index": None}


def current_stamp() -> tuple:
    last = ImportRun.objects.filter(source="rome").order_by("-pk").values_list("pk", flat=True).first()
    return (last,)


def appellation_index() -> AppellationIndex:
    stamp = current_stamp()
    with _lock:
        if _cache["index"] is None or _cache["stamp"] != stamp:
            rows = Appellation.objects.filter(actif=True).values_list(
                "code_ogr", "libelle", "fiche_id", "fiche__libelle", "principale", "peu_usite"
            )
            _cache["index"] = AppellationIndex(Entry(*row) for row in rows)
            _cache["stamp"] = stamp
        return _cache["index"]  # type: ignore[return-value]


def appellation_search(query: str, limit: int = 20) -> list[Hit]:
    return appellation_index().search(query, limit=limit)
