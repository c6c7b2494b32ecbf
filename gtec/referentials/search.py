"""The process-wide appellation index, rebuilt when a new ROME import has run."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from gtec.imports.models import ImportRun
from gtec.referentials.models import Appellation, Competence, Fiche, FicheCompetence, FicheSavoir, Savoir
from gtec_core.matching.engine import TextEngine
from gtec_core.matching.loader import build_engine, cached_engine
from gtec_core.matching.referential import CERTIFICATIONS, Referential, SkillItem
from gtec_core.matching.referential import Appellation as RefAppellation
from gtec_core.search import AppellationIndex, Entry, Hit
from gtec_core.text import fold

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


# --- occupations typed in a form: « Serveur / Serveuse de restaurant (G1803) », « serveur », « G1803 » ----

_IN_PARENS = re.compile(r"\(\s*([A-Na-n]\d{4})\s*\)\s*$")
_CODES = re.compile(r"^[A-Na-n]\d{4}(?:[\s,]+[A-Na-n]\d{4})*$")
OCCUPATION_SEPARATORS = re.compile(r"[;\n]+")


@dataclass(frozen=True)
class OccupationEntry:
    """One entry of an occupations field, read: the ROME codes it names, or why it names none."""

    text: str
    codes: tuple[str, ...] = ()
    problem: str = ""


_labels_cache: dict[str, object] = {"index": None, "labels": {}}


def _labels() -> dict[str, set[str]]:
    """Folded appellation and fiche labels → their ROME codes, rebuilt with the appellation index."""
    index = appellation_index()
    with _lock:
        if _labels_cache["index"] is not index:
            labels: dict[str, set[str]] = {}
            for e in index.entries:
                labels.setdefault(fold(e.libelle), set()).add(e.code_rome)
                labels.setdefault(fold(e.libelle_rome), set()).add(e.code_rome)
            _labels_cache["labels"], _labels_cache["index"] = labels, index
        return _labels_cache["labels"]  # type: ignore[return-value]


def read_occupation(text: str) -> OccupationEntry:
    """An entry names its ROME codes by: a code (« G1803 », several separated by spaces), a label followed
    by its code in parentheses (what the suggestions fill in), or the exact label of an appellation or a
    fiche (case and accents ignored). Anything else gets a French message with the closest appellations."""
    text = " ".join(text.split())
    if _CODES.match(text):
        return OccupationEntry(text, tuple(c.upper() for c in re.split(r"[\s,]+", text)))
    match = _IN_PARENS.search(text)
    if match:
        return OccupationEntry(text, (match.group(1).upper(),))
    codes = set(_labels().get(fold(text), ()))
    if len(codes) == 1:
        return OccupationEntry(text, tuple(codes))
    hits = appellation_search(text, limit=3)
    if len(codes) > 1:
        hint = " ou ".join(f"« {text} ({code}) »" for code in sorted(codes))
        return OccupationEntry(
            text, problem=f"« {text} » correspond à plusieurs fiches ROME : écrivez {hint}."
        )
    hint = (
        " Par exemple : " + " ; ".join(f"« {h.entry.libelle} ({h.entry.code_rome}) »" for h in hits) + "."
        if hits
        else ""
    )
    return OccupationEntry(
        text,
        problem=f"Métier non reconnu : « {text} ». Choisissez-le dans la liste proposée en tapant son nom.{hint}",
    )


def occupation_label(code_rome: str) -> str:
    """« Personnel de cuisine (G1602) » for a stored ROME code."""
    label = Fiche.objects.filter(code_rome=code_rome).values_list("libelle", flat=True).first()
    return f"{label} ({code_rome})" if label else code_rome
