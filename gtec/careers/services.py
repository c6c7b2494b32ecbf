"""Career paths for a person: the engine (gtec_core.paths) on the imported ROME, plus the local inputs other
apps publish, each optional.

Integration points, called only when importable (the apps are written separately):
- `gtec.labour.queries.local_demand(territory_key: str, codes_rome: list[str]) -> dict[str, dict]`: per
  fiche, figures read under the keys of LOCAL_FIGURES (aliases accepted), plus `vintage` / `source`;
- `gtec.training.queries.sessions_for_fiches(codes_rome, commune=..., max_km=..., limit=...)`: per fiche
  (a mapping code → sessions, or sessions that carry `code_rome`), each session a mapping or an object with
  `intitule`, `organisme`, `commune`, `date_debut`, `distance_km`, `url` (aliases accepted);
- `gtec.labour.queries.establishments_for_fiches(codes_rome, commune=..., max_km=..., limit=...)`:
  same shape, each establishment with `denomination`, `commune`, `naf`, `distance_km`.
Any of them missing or failing leaves its factor out and the page says « donnée locale indisponible ».
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction

from gtec.careers import queries as cq
from gtec.careers.models import SavedPath
from gtec.imports.models import ImportRun
from gtec.referentials.models import Competence, Fiche, FicheCompetence, FicheSavoir, Mobilite, Savoir
from gtec.referentials.search import text_engine
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
    "offers": ("Offres d'emploi en cours", ("offers", "offres", "n_offers", "nb_offres")),
    "projects": ("Projets de recrutement (BMO)", ("projects", "projets", "bmo_projects", "met")),
    "difficulty": ("Part des projets jugés difficiles", ("difficulty", "difficulty_rate", "part_difficile")),
    "tension_category": ("Tension (catégorie Dares, 1 à 5)", ("tension_category", "categorie_tension")),
}
SESSION_FIELDS = {
    "title": ("intitule", "title", "libelle", "intitule_formation"),
    "organisme": ("organisme", "provider", "organisme_nom"),
    "commune": ("commune", "ville", "city", "lieu"),
    "start": ("date_debut", "start", "debut"),
    "distance_km": ("distance_km", "distance"),
    "url": ("url", "lien"),
}
ESTABLISHMENT_FIELDS = {
    "name": ("denomination", "name", "nom", "enseigne"),
    "commune": ("commune", "ville", "city"),
    "naf": ("naf", "activite", "code_naf"),
    "distance_km": ("distance_km", "distance"),
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
    sessions = _local_items(
        "gtec.training.queries", "sessions_for_fiches", codes, place, max_km, SESSION_FIELDS
    )
    establishments = _local_items(
        "gtec.labour.queries", "establishments_for_fiches", codes, place, max_km, ESTABLISHMENT_FIELDS
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


def _provider(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _local_demand(territory_key: str, codes: list[str]) -> dict[str, dict] | None:
    """Figures of gtec.labour.queries.local_demand, normalised: code → {values, display, vintage}; None when
    the provider is absent or fails."""
    fn = _provider("gtec.labour.queries", "local_demand")
    if fn is None or not codes:
        return None
    try:
        raw = fn(territory_key, codes) or {}
    except Exception:  # a provider's failure must not break the person's page
        log.exception("local_demand a échoué")
        return None
    out = {}
    for code, fig in raw.items():
        if not isinstance(fig, Mapping):
            continue
        values, display = {}, []
        for key, (label, names) in LOCAL_FIGURES.items():
            value = next((fig[n] for n in names if fig.get(n) is not None), None)
            if value is not None:
                display.append((label, value))
                values[key] = value
        vintage = str(next((fig[n] for n in ("vintage", "millesime", "period", "periode") if fig.get(n)), ""))
        source = fig.get("source")
        out[code] = {
            "values": values,
            "display": display,
            "vintage": f"{source}, {vintage}" if source else vintage,
        }
    return out


def _local_items(module: str, name: str, codes, place, max_km, fields) -> dict[str, list[dict]] | None:
    fn = _provider(module, name)
    if fn is None or not codes:
        return None
    try:
        raw = fn(codes, commune=place.code if place else None, max_km=max_km, limit=3)
    except Exception:
        log.exception("%s.%s a échoué", module, name)
        return None
    grouped: dict[str, list] = {}
    if isinstance(raw, Mapping):
        grouped = {c: list(items or []) for c, items in raw.items()}
    else:
        for item in raw or []:
            grouped.setdefault(str(_field(item, ("code_rome",)) or ""), []).append(item)
    return {
        code: [{k: _field(item, names) for k, names in fields.items()} for item in items[:3]]
        for code, items in grouped.items()
    }


def _field(item, names):
    for n in names:
        value = item.get(n) if isinstance(item, Mapping) else getattr(item, n, None)
        if value not in (None, ""):
            return value
    return None


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
