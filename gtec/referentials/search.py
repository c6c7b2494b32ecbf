"""The process-wide appellation index, rebuilt when a new ROME import has run."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from gtec.imports.models import ImportRun
from gtec.referentials.models import Appellation, Competence, Fiche, FicheCompetence, FicheSavoir, Savoir
from gtec_core.matching.engine import TextEngine
from gtec_core.matching.loader import build_engine, cached_engine
from gtec_core.matching.referential import CERTIFICATIONS, Referential, SkillItem
from gtec_core.matching.referential import Appellation as RefAppellation
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


# --- the French text engine (gtec_core.matching), on the imported ROME -----------------------------------

_text_cache: dict[str, object] = {"stamp": None, "engine": None}


def text_engine() -> TextEngine:
    """The text engine (titles, skills, occupations) built from the imported ROME, plus the ESCO labels of
    GTEC_DATA_DIR/esco when that folder exists; rebuilt when a new ROME import has run. One engine serves
    the career-path describe step and the survey's free-text suggestions, as it serves `gtec match-titles`
    and `gtec extract-skills` from the files."""
    stamp = current_stamp()
    with _lock:
        if _text_cache["engine"] is None or _text_cache["stamp"] != stamp:
            esco = Path(settings.GTEC_DATA_DIR) / "esco"
            db = settings.DATABASES["default"]
            key = f"{db['ENGINE']}:{db['NAME']}:{stamp}"
            _text_cache["engine"] = cached_engine(
                key,
                lambda: build_engine(_referential(), esco),
                Path(settings.BASE_DIR) / "var" / "cache",
                esco,
            )
            _text_cache["stamp"] = stamp
        return _text_cache["engine"]  # type: ignore[return-value]


def _referential() -> Referential:
    fiches = dict(Fiche.objects.filter(actif=True).values_list("code_rome", "libelle"))
    texts = {
        code: f"{definition} {acces}".strip()
        for code, definition, acces in Fiche.objects.filter(actif=True).values_list(
            "code_rome", "definition", "acces_metier"
        )
    }
    appellations = [
        RefAppellation(ogr, label, code, principale, rare)
        for ogr, label, code, principale, rare in Appellation.objects.filter(
            actif=True, fiche__actif=True
        ).values_list("code_ogr", "libelle", "fiche_id", "principale", "peu_usite")
    ]
    skills = {
        code: SkillItem(code, label, "macro" if macro else "competence", None if macro else parent)
        for code, label, macro, parent in Competence.objects.filter(actif=True).values_list(
            "code_ogr", "libelle", "macro", "parent_id"
        )
    }
    for code, label, category in Savoir.objects.filter(actif=True).values_list(
        "code_ogr", "libelle", "categorie"
    ):
        if category != CERTIFICATIONS:
            skills[code] = SkillItem(code, label, "savoir")
    links = list(FicheCompetence.objects.values_list("fiche_id", "competence_id", "coeur_metier"))
    links += list(FicheSavoir.objects.values_list("fiche_id", "savoir_id", "coeur_metier"))
    return Referential(fiches, appellations, skills, [(f, c, coeur or "") for f, c, coeur in links], texts)
