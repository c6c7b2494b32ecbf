"""Career paths for a person: the engine (gtec_core.paths) on the imported ROME, plus the local inputs other
apps publish, read through their read modules:
- `gtec.labour.read.local.local_figures(territory_key, codes_rome)` → `LocalFigures` per fiche (the figures of
  LOCAL_FIGURES, with `vintage` and `source`);
- `gtec.training.queries.sessions_for_fiches(codes_rome, commune=..., max_km=..., limit=...)` → the
  `NextSession` of each fiche;
- `gtec.labour.read.local.establishments_for_fiches(codes_rome, commune=..., max_km=..., limit=...)` → the
  establishments of each fiche.
A fiche without figures says « donnée locale indisponible »; a failure is a bug and is not hidden.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction

from gtec.careers import queries as cq
from gtec.careers.models import SavedPath
from gtec.imports.models import ImportRun
from gtec.labour.read import local as labour
from gtec.referentials.models import Competence, Fiche, FicheCompetence, FicheSavoir, Mobilite, Savoir
from gtec.referentials.search import text_engine
from gtec.training import queries as training_queries
from gtec_core.matching.engine import SkillMatch
from gtec_core.paths.matrix import Explained, Link, SkillInfo, SkillMatrix
from gtec_core.paths.ranker import (
    PathsParams,
    RankedPath,
    demand_factors,
    load_params,
    rank_paths,
    training_factors,
)
from gtec_core.search import AppellationIndex, Entry

log = logging.getLogger(__name__)

CERTIFICATIONS = "Certifications et habilitations"
KIND_LABELS = {
    "savoir_faire": "Savoir-faire",
    "savoir_etre": "Savoir-être",
    "savoir": "Savoir",
    "macro": "Savoir-faire",
}
LOCAL_FIGURES = {
    "offers": "Offres d'emploi en cours",
    "projects": "Projets de recrutement (BMO)",
    "difficulty": "Part des projets jugés difficiles",
    "tension_category": "Tension (catégorie Dares, 1 à 5)",
}
# the item fields the page shows ← their one name in the read module that gives them
SESSION_FIELDS = {  # gtec.training.queries.NextSession
    "title": "intitule",
    "organisme": "organisme",
    "commune": "ville",
    "start": "debut",
    "distance_km": "distance_km",
}
ESTABLISHMENT_FIELDS = {  # gtec.labour.read.local.establishments_for_fiches
    "name": "denomination",
    "commune": "commune",
    "naf": "naf",
    "distance_km": "distance_km",
}


@dataclass
class Engine:
    matrix: SkillMatrix
    mobilities: dict[str, dict[str, int]]
    skill_index: AppellationIndex
    params: PathsParams


_lock = threading.Lock()
_cache: dict[str, object] = {"stamp": None, "engine": None}


def _stamp() -> tuple:
    return (ImportRun.objects.filter(source="rome").order_by("-pk").values_list("pk", flat=True).first(),)


def engine() -> Engine:
    """The engine for the current ROME import, built once per import and process (~3 s), like the
    appellation index of gtec/referentials/search.py."""
    stamp = _stamp()
    with _lock:
        if _cache["engine"] is None or _cache["stamp"] != stamp:
            _cache["engine"] = _build_engine()
            _cache["stamp"] = stamp
        return _cache["engine"]  # type: ignore[return-value]


def _build_engine() -> Engine:
    params = load_params()
    comp = list(
        Competence.objects.filter(actif=True).values_list(
            "code_ogr", "libelle", "macro", "parent_id", "categorie"
        )
    )
    savoirs = list(Savoir.objects.filter(actif=True).values_list("code_ogr", "libelle", "categorie"))
    infos = {
        code: SkillInfo(
            code,
            label,
            "macro" if macro else ("savoir_etre" if "être" in (cat or "") else "savoir_faire"),
            None if macro else parent,
        )
        for code, label, macro, parent, cat in comp
    }
    infos.update({code: SkillInfo(code, label, "savoir") for code, label, _ in savoirs})
    comp_links = list(
        FicheCompetence.objects.values_list("fiche_id", "competence_id", "savoir_etre", "coeur_metier")
    )
    savoir_links = list(FicheSavoir.objects.values_list("fiche_id", "savoir_id", "coeur_metier"))
    links = [Link(f, c, "savoir_etre" if se else "savoir_faire", coeur) for f, c, se, coeur in comp_links]
    links += [Link(f, s, "savoir", coeur) for f, s, coeur in savoir_links]
    fiches = dict(Fiche.objects.filter(actif=True).values_list("code_rome", "libelle"))
    matrix = SkillMatrix(links, infos, fiches, params.skill_weights)
    mobilities: dict[str, dict[str, int]] = {}
    for src, dst, rang in Mobilite.objects.values_list("source_id", "cible_id", "rang"):
        mobilities.setdefault(src, {})[dst] = rang
    # Skills people can pick: compétences and savoirs linked to at least one fiche, plus macro-compétences.
    pickable = set(matrix.by_skill) | {c for c, i in infos.items() if i.kind == "macro"}
    index = AppellationIndex(
        Entry(code, infos[code].label, "", KIND_LABELS[infos[code].kind])
        for code in sorted(pickable)
        if code in infos
    )
    return Engine(matrix, mobilities, index, params)


# --- the three ways in --------------------------------------------------------------------------------


def skills_extract(text: str) -> list[SkillMatch]:
    """ROME macro-compétences a free text shows (gtec_core.matching.engine, the one French text engine)."""
    return text_engine().extract(text[:5000], limit=25, with_competences=True)


def text_occupations(text: str, limit: int = 3) -> list[dict]:
    """The fiches a free text most likely describes (within half of the best score), each with its principal
    appellation, so that the person can add that métier and its skills."""
    eng = text_engine()
    ranked = eng.occupations(text[:5000], limit=limit)
    top = ranked[0][1] if ranked else 0
    out = []
    for code, score in ranked:
        app = eng.principal.get(code)
        if app and score >= 0.5 * top:
            out.append({"code_rome": code, "code_ogr": app.code_ogr, "label": app.label})
    return out


def skill_search(query: str, limit: int = 10) -> list[dict]:
    eng = engine()
    return [
        {"code_ogr": h.entry.code_ogr, "libelle": h.entry.libelle, "type": h.entry.libelle_rome}
        for h in eng.skill_index.search(query[:100], limit=limit)
    ]


def skill_labels(codes: Iterable[int]) -> list[tuple[int, str]]:
    skills = engine().matrix.skills
    return [(c, skills[c].label) for c in codes if c in skills]


def fiche_skills(code_rome: str) -> list[Explained]:
    """A fiche's skills, cœur de métier first: what a person who held the métier is presumed to know."""
    held, missing = engine().matrix.explain(code_rome, set())
    return held + missing


# --- results ------------------------------------------------------------------------------------------


@dataclass
class PathView:
    path: RankedPath
    held: list[Explained]
    missing: list[Explained]
    figures: list[tuple[str, object]] | None = None  # None: no local figure for this fiche
    vintage: str = ""
    sessions: list[dict] | None = None
    establishments: list[dict] | None = None
    sectors: list[str] = field(default_factory=list)


@dataclass
class PathsResult:
    paths: list[PathView]
    skills: list[tuple[int, str]]
    origins: list
    commune: object
    max_km: int | None
    territory_key: str
    demand_available: bool
    training_available: bool
    establishments_available: bool
    params: PathsParams


def paths_for(
    *,
    skills: Iterable[int],
    appellations: Iterable[int] = (),
    commune: str = "",
    max_km: int | None = None,
    limit: int = 20,
) -> PathsResult:
    eng = engine()
    skills = {s for s in skills if s in eng.matrix.skills}
    origins = cq.appellations_get(list(dict.fromkeys(appellations)))
    origin_codes = [a.fiche_id for a in origins]
    place = cq.commune_get(commune)
    territory_key = cq.territory_key_for(place)
    first = rank_paths(
        eng.matrix,
        skills,
        eng.params,
        origins=origin_codes,
        mobility=eng.mobilities,
        limit=max(limit * 3, 60),
    )
    codes = [p.code_rome for p in first]
    figures = _local_demand(territory_key, codes)
    sessions = _local_items(training_queries.sessions_for_fiches, codes, place, max_km, SESSION_FIELDS)
    establishments = _local_items(
        labour.establishments_for_fiches, codes, place, max_km, ESTABLISHMENT_FIELDS
    )
    demand = (
        demand_factors({c: f["values"] for c, f in figures.items()}, eng.params)
        if figures is not None
        else None
    )
    training = (
        training_factors(
            {c: [_num(s.get("distance_km")) for s in items] for c, items in sessions.items()},
            eng.params,
            max_km,
        )
        if sessions is not None
        else None
    )
    ranked = rank_paths(
        eng.matrix,
        skills,
        eng.params,
        origins=origin_codes,
        mobility=eng.mobilities,
        demand=demand,
        training=training,
        limit=limit,
    )
    sectors = cq.sectors_of([p.code_rome for p in ranked])
    views = []
    for p in ranked:
        held, missing = eng.matrix.explain(p.code_rome, skills)
        fig = figures.get(p.code_rome) if figures is not None else None
        views.append(
            PathView(
                p,
                held,
                missing,
                figures=fig["display"] if fig else None,
                vintage=fig["vintage"] if fig else "",
                sessions=sessions.get(p.code_rome) if sessions is not None else None,
                establishments=establishments.get(p.code_rome) if establishments is not None else None,
                sectors=sectors.get(p.code_rome, [])[:4],
            )
        )
    return PathsResult(
        views,
        skill_labels(sorted(skills)),
        origins,
        place,
        max_km,
        territory_key,
        figures is not None,
        sessions is not None,
        establishments is not None,
        eng.params,
    )


def _local_demand(territory_key: str, codes: list[str]) -> dict[str, dict] | None:
    """Figures of `gtec.labour.read.local.local_figures`, normalised: code → {values, display, vintage}."""
    if not codes:
        return None
    out = {}
    for code, fig in labour.local_figures(territory_key, codes).items():
        values, display = {}, []
        for key, label in LOCAL_FIGURES.items():
            value = getattr(fig, key)
            if value is not None:
                display.append((label, value))
                values[key] = value
        out[code] = {
            "values": values,
            "display": display,
            "vintage": f"{fig.source}, {fig.vintage}" if fig.source else fig.vintage,
        }
    return out


def _local_items(fn, codes, place, max_km, fields) -> dict[str, list[dict]] | None:
    """Items (training sessions, establishments) of each fiche from a read function of another app."""
    if not codes:
        return None
    raw = fn(codes, commune=place.code if place else None, max_km=max_km, limit=3)
    return {
        code: [{k: _field(item, names) for k, names in fields.items()} for item in list(items or [])[:3]]
        for code, items in raw.items()
    }


def _field(item, name: str):
    value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
    return None if value == "" else value


def _num(value) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


# --- saving -------------------------------------------------------------------------------------------


@transaction.atomic
def savedpath_create(
    *, skills: Iterable[int], appellations: Iterable[int], commune: str = "", max_km: int | None = None
) -> SavedPath:
    known = engine().matrix.skills
    return SavedPath.objects.create(
        skills=sorted({int(s) for s in skills if int(s) in known})[:400],
        appellations=list(dict.fromkeys(int(a) for a in appellations))[:10],
        commune=commune if cq.commune_get(commune) else "",
        max_km=max_km,
    )


def savedpath_delete(*, token: str) -> bool:
    saved = cq.savedpath_get(token)
    if saved is None:
        return False
    saved.delete()
    return True
