"""Read-side queries on the training offer: the catalogue with its filters, a formation's detail, the next
sessions for given occupations (used by other features: careers, needs…), and the supply frames the
adequacy indicators (gtec_core.indicators.adequacy) take."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import polars as pl
from django.db.models import Exists, Min, OuterRef, Q, QuerySet

from gtec.referentials.models import Fiche, FicheCompetence
from gtec.territories.models import Territory
from gtec.territories.queries import commune_point
from gtec.training import models as m
from gtec_core.indicators.adequacy import haversine_km
from gtec_core.sources.lheo import FINANCEURS, MODALITES, NIVEAUX


@dataclass
class CatalogueFilters:
    q: str = ""
    rome: str = ""
    commune: str = ""
    after: dt.date | None = None
    before: dt.date | None = None
    modalite: str = ""
    financeur: str = ""
    alternance: bool = False

    @property
    def active(self) -> bool:
        return any(
            [self.q, self.rome, self.commune, self.before, self.modalite, self.financeur, self.alternance]
        )


def sessions_between(filters: CatalogueFilters) -> Q:
    q = Q()
    if filters.after:
        q &= Q(debut__gte=filters.after) | Q(debut__isnull=True, fin__gte=filters.after)
    if filters.before:
        q &= Q(debut__lte=filters.before)
    return q


def catalogue_actions(filters: CatalogueFilters) -> QuerySet[m.Action]:
    """Actions matching the filters, each annotated with its next session start (`prochaine`) within the
    dates asked; an action is listed only when it has a session in that window."""
    actions = m.Action.objects.select_related("formation", "formation__organisme")
    for word in filters.q.split()[:8]:
        actions = actions.filter(
            Q(formation__intitule__icontains=word)
            | Q(formation__organisme__nom__icontains=word)
            | Q(ville__icontains=word)
            | Q(formation__certifications__icontains=word)
        )
    if filters.rome:
        actions = actions.filter(
            Exists(m.ActionFiche.objects.filter(action=OuterRef("pk"), fiche_id=filters.rome))
        )
    if filters.commune:
        actions = actions.filter(code_insee=filters.commune)
    if filters.modalite:
        actions = actions.filter(modalites_enseignement=filters.modalite)
    if filters.financeur:
        actions = actions.filter(financeurs__contains=f"|{filters.financeur}|")
    if filters.alternance:
        actions = actions.filter(alternance=True)
    window = sessions_between(filters)
    actions = actions.filter(Exists(m.Session.objects.filter(window, action=OuterRef("pk"))))
    session_filter = Q()
    if filters.after:
        session_filter &= Q(sessions__debut__gte=filters.after)
    if filters.before:
        session_filter &= Q(sessions__debut__lte=filters.before)
    return actions.annotate(prochaine=Min("sessions__debut", filter=session_filter)).order_by(
        "prochaine", "formation__intitule", "pk"
    )


def sessions_by_commune(filters: CatalogueFilters) -> dict[str, int]:
    """Number of sessions in the window per commune of the training place (for the map)."""
    commune_free = CatalogueFilters(**{**filters.__dict__, "commune": ""})
    actions = catalogue_actions(commune_free).values("pk")
    counts: dict[str, int] = defaultdict(int)
    rows = m.Session.objects.filter(sessions_between(filters), action__in=actions).values_list(
        "action__code_insee", flat=True
    )
    for code in rows.iterator(chunk_size=5000):
        if code:
            counts[code] += 1
    return dict(counts)


def catalogue_choices() -> dict:
    """What the filters offer: occupations and communes present in the offer, modalities, funders."""
    fiches = (
        Fiche.objects.filter(training_links__isnull=False)
        .distinct()
        .order_by("libelle")
        .values_list("code_rome", "libelle")
    )
    communes = dict(m.Action.objects.exclude(code_insee="").values_list("code_insee", "ville").distinct())
    names = dict(
        Territory.objects.filter(scale="commune", code__in=list(communes)).values_list("code", "name")
    )
    financeurs = set()
    for value in m.Action.objects.exclude(financeurs="").values_list("financeurs", flat=True).distinct():
        financeurs.update(c for c in value.split("|") if c)
    return {
        "fiches": list(fiches),
        "communes": sorted(
            ((c, names.get(c) or v.title()) for c, v in communes.items()), key=lambda cv: cv[1]
        ),
        "modalites": list(MODALITES.items()),
        "financeurs": sorted(((c, financeur_label(c)) for c in financeurs), key=lambda cl: cl[1]),
    }


def financeur_label(code: str) -> str:
    return FINANCEURS.get(code, f"financeur (code {code})")


def niveau_label(code: str) -> str:
    return NIVEAUX.get(code, code)


@dataclass
class FormationDetail:
    formation: m.Formation
    actions: list[m.Action]
    fiches: list[dict]  # code_rome, libelle, route, confidence
    certifications: list[m.Certification]
    blocs: list[m.BlocCompetences]
    skills: list[dict] = field(default_factory=list)  # core skills of the linked fiches
    formacodes: list[tuple[str, str]] = field(default_factory=list)


def confidence_label(confidence: float) -> str:
    """A link's confidence in plain French words, instead of a raw score on the page."""
    if confidence >= 0.95:
        return "lien sûr"
    return "lien probable" if confidence >= 0.75 else "lien possible"


def formation_detail(pk: int, formacode_labels: dict[str, str] | None = None) -> FormationDetail | None:
    formation = m.Formation.objects.select_related("organisme").filter(pk=pk).first()
    if formation is None:
        return None
    actions = list(formation.actions.prefetch_related("sessions").order_by("ville", "numero"))
    best: dict[str, tuple[str, float]] = {}
    for code, route, confidence in m.ActionFiche.objects.filter(action__formation=formation).values_list(
        "fiche_id", "route", "confidence"
    ):
        if code not in best or best[code][1] < confidence:
            best[code] = (route, confidence)
    labels = dict(Fiche.objects.filter(code_rome__in=list(best)).values_list("code_rome", "libelle"))
    routes = dict(m.ROUTES)
    fiches = sorted(
        (
            {
                "code_rome": code,
                "libelle": labels.get(code, code),
                "route": route,
                "route_label": routes.get(route, route),
                "confidence": confidence,
                "confidence_label": confidence_label(confidence),
            }
            for code, (route, confidence) in best.items()
        ),
        key=lambda f: (-f["confidence"], f["code_rome"]),
    )
    skills = list(
        FicheCompetence.objects.filter(fiche_id__in=list(best), coeur_metier="Principale", savoir_etre=False)
        .values("competence__code_ogr", "competence__libelle", "fiche_id")
        .order_by("fiche_id", "competence__libelle")[:60]
    )
    return FormationDetail(
        formation=formation,
        actions=actions,
        fiches=fiches,
        certifications=list(m.Certification.objects.filter(code__in=formation.certifications)),
        blocs=list(m.BlocCompetences.objects.filter(certification_code__in=formation.certifications)),
        skills=skills,
        formacodes=[(c, (formacode_labels or {}).get(c, "")) for c in formation.formacodes],
    )


@dataclass(frozen=True)
class NextSession:
    formation_id: int
    intitule: str
    organisme: str
    ville: str
    code_insee: str
    debut: dt.date | None
    fin: dt.date | None
    nb_places: int | None
    route: str
    confidence: float
    distance_km: float | None


def sessions_for_fiches(
    codes_rome: list[str],
    *,
    commune: str | None = None,
    max_km: float | None = None,
    after: dt.date | None = None,
    limit: int = 5,
) -> dict[str, list[NextSession]]:
    """Next sessions of local trainings per ROME code, soonest first (nearest first on equal dates).

    With `commune` (INSEE code), each session carries the distance in km from that commune's centroid to
    the training place (LHEO coordinates, else the place's commune centroid); `max_km` then drops the
    farther ones and the sessions of unknown place. `after` defaults to today."""
    after = after or dt.date.today()
    origin = commune_point(commune) if commune else None
    if commune and origin is None:
        raise ValueError(f"commune inconnue ou sans contour : {commune}")
    out: dict[str, list[NextSession]] = {code: [] for code in codes_rome}
    links = (
        m.ActionFiche.objects.filter(fiche_id__in=codes_rome, action__sessions__debut__gte=after)
        .values_list(
            "fiche_id",
            "route",
            "confidence",
            "action__formation_id",
            "action__formation__intitule",
            "action__formation__organisme__nom",
            "action__ville",
            "action__code_insee",
            "action__latitude",
            "action__longitude",
            "action__sessions__debut",
            "action__sessions__fin",
            "action__sessions__nb_places",
        )
        .order_by("action__sessions__debut")
    )
    points: dict[str, tuple[float, float] | None] = {}
    for code, route, conf, fid, title, org, ville, insee, lat, lon, debut, fin, places in links.iterator():
        distance = None
        if origin is not None:
            if lat is None and insee:
                if insee not in points:
                    points[insee] = commune_point(insee)
                lat, lon = points[insee] or (None, None)
            if lat is not None:
                distance = round(haversine_km(origin[0], origin[1], lat, lon), 1)
            if max_km is not None and (distance is None or distance > max_km):
                continue
        out[code].append(
            NextSession(fid, title, org, ville, insee, debut, fin, places, route, conf, distance)
        )
    for code, sessions in out.items():
        sessions.sort(
            key=lambda s: (s.debut or dt.date.max, s.distance_km if s.distance_km is not None else 1e9)
        )
        out[code] = sessions[:limit]
    return out


def training_supply(*, communes: list[str] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The two frames `adequacy.places_per_year` takes, for the trainings held in `communes` (INSEE codes;
    all when None): links (action_id, code_rome) and sessions (action_id, debut, nb_places). Wiring them
    to the labour-market needs (positions to fill) is the job of the "formations manquantes" feature."""
    actions = m.Action.objects.all()
    if communes is not None:
        actions = actions.filter(code_insee__in=communes)
    ids = actions.values("pk")
    links = pl.DataFrame(
        list(m.ActionFiche.objects.filter(action__in=ids).values_list("action_id", "fiche_id")),
        schema={"action_id": pl.Int64, "code_rome": pl.String},
        orient="row",
    )
    sessions = pl.DataFrame(
        list(m.Session.objects.filter(action__in=ids).values_list("action_id", "debut", "nb_places")),
        schema={"action_id": pl.Int64, "debut": pl.Date, "nb_places": pl.Int64},
        orient="row",
    )
    return links, sessions
