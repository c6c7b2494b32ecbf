"""/api/v1/formations: the training offer — formations (LHEO id), their actions and sessions, by ROME code,
by commune and distance; and, for a training body's own token, writing its offer (same rules as the form:
a manual edit leaves the LHEO sync scope, keeps the previous version, and a stale version is refused)."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema, Status
from pydantic import Field

from gtec.api.models import CONTRIBUTE
from gtec.api.v1.core import ApiError, AuditedWrite, Bearer, Page, not_found, paginate, public, token_of
from gtec.training import editing
from gtec.training import perms as tperms
from gtec.training import queries as trq

router = Router(tags=["Offre de formation"], auth=public)
ROME = r"^[A-Za-z]\d{4}$"


class SessionOut(Schema):
    debut: dt.date | None
    fin: dt.date | None
    nb_places: int | None


class ActionOut(Schema):
    id: int
    code_insee: str
    ville: str
    latitude: float | None
    longitude: float | None
    sessions: list[SessionOut]


class FormationOut(Schema):
    id: int
    intitule: str
    organisme: str
    certifiante: bool
    romes: list[str]
    certifications: list[str]
    url: str
    origine: str
    version: int


class FormationResume(Schema):
    id: int
    action: int
    intitule: str
    organisme: str
    code_insee: str
    ville: str
    prochaine_session: dt.date | None


class FormationDetailOut(FormationOut):
    objectif: str
    contenu: str
    fiches: list[dict]
    actions: list[ActionOut]


class ProchaineSession(Schema):
    code_rome: str
    formation: int
    intitule: str
    organisme: str
    ville: str
    code_insee: str
    debut: dt.date | None
    fin: dt.date | None
    nb_places: int | None
    distance_km: float | None


def formation_out(f) -> dict:
    return {
        "id": f.pk,
        "intitule": f.intitule,
        "organisme": f.organisme.nom,
        "certifiante": f.certifiante,
        "romes": list(f.romes or []),
        "certifications": list(f.certifications or []),
        "url": f.url,
        "origine": f.origine,
        "version": f.version,
    }


@router.get("", response=Page(FormationResume), summary="Catalogue : formations ayant une session à venir")
def catalogue(
    request,
    q: str = Query("", max_length=100, description="mots de l'intitulé, de l'organisme ou de la ville"),
    rome: str = Query(None, pattern=ROME, description="code ROME"),
    commune: str = Query("", pattern=r"^(\d{5}|2[AB]\d{3})?$", description="code INSEE du lieu de formation"),
    apres: dt.date = Query(
        None, description="sessions commençant à partir de (AAAA-MM-JJ, aujourd'hui par défaut)"
    ),
    avant: dt.date = Query(None, description="sessions commençant au plus tard le"),
    alternance: bool = Query(False),
    page: int = Query(1, ge=1),
    size: int = Query(20, ge=1, le=100),
):
    filters = trq.CatalogueFilters(
        q=q,
        rome=(rome or "").upper(),
        commune=commune,
        after=apres or dt.date.today(),
        before=avant,
        alternance=alternance,
    )
    rows = trq.catalogue_actions(filters)
    return paginate(
        rows,
        page,
        size,
        lambda a: {
            "id": a.formation_id,
            "action": a.pk,
            "intitule": a.formation.intitule,
            "organisme": a.formation.organisme.nom,
            "code_insee": a.code_insee,
            "ville": a.ville,
            "prochaine_session": a.prochaine,
        },
    )


@router.get("/sessions", response=list[ProchaineSession], summary="Prochaines sessions pour des métiers")
def sessions(
    request,
    rome: list[str] = Query(
        ..., description="un ou plusieurs codes ROME (rome=J1501&rome=K2204)", max_length=10
    ),
    commune: str = Query(
        None, pattern=r"^(\d{5}|2[AB]\d{3})$", description="code INSEE : distances depuis cette commune"
    ),
    distance_km: float = Query(None, gt=0, le=500, description="rayon maximal (avec « commune »)"),
    apres: dt.date = Query(None),
    limite: int = Query(5, ge=1, le=50, description="sessions par métier"),
):
    codes = [c.upper() for c in rome]
    bad = [c for c in codes if not (len(c) == 5 and c[0].isalpha() and c[1:].isdigit())]
    if bad:
        raise ApiError(422, "requete_invalide", f"« rome » : code ROME invalide ({bad[0][:10]}).")
    try:
        found = trq.sessions_for_fiches(codes, commune=commune, max_km=distance_km, after=apres, limit=limite)
    except ValueError as exc:
        raise ApiError(404, "introuvable", str(exc)) from None
    return [
        {
            "code_rome": code,
            "formation": s.formation_id,
            "intitule": s.intitule,
            "organisme": s.organisme,
            "ville": s.ville,
            "code_insee": s.code_insee,
            "debut": s.debut,
            "fin": s.fin,
            "nb_places": s.nb_places,
            "distance_km": s.distance_km,
        }
        for code in codes
        for s in found.get(code, [])
    ]


def detail_out(pk: int) -> dict:
    detail = trq.formation_detail(pk)
    if detail is None:
        raise not_found(f"Formation {pk}")
    f = detail.formation
    return {
        **formation_out(f),
        "objectif": f.objectif,
        "contenu": f.contenu,
        "fiches": [{k: x[k] for k in ("code_rome", "libelle", "route", "confidence")} for x in detail.fiches],
        "actions": [
            {
                "id": a.pk,
                "code_insee": a.code_insee,
                "ville": a.ville,
                "latitude": a.latitude,
                "longitude": a.longitude,
                "sessions": [
                    {"debut": s.debut, "fin": s.fin, "nb_places": s.nb_places} for s in a.sessions.all()
                ],
            }
            for a in detail.actions
        ],
    }


@router.get("/{formation_id}", response=FormationDetailOut, summary="Une formation, ses lieux et sessions")
def formation(request, formation_id: int):
    return detail_out(formation_id)


# --- writing: a training body's own offer -------------------------------------------------------------------


class OffreIn(Schema):
    intitule: str = Field(..., min_length=3, max_length=255)
    objectif: str = Field("", max_length=5000)
    contenu: str = Field("", max_length=20000)
    certifiante: bool = False
    romes: list[str] = Field(default_factory=list, max_length=20)
    certifications: list[str] = Field(default_factory=list, max_length=20)
    url: str = Field("", max_length=500)
    commune: str = Field(..., pattern=r"^(\d{5}|2[AB]\d{3})$", description="code INSEE du lieu")
    debut: dt.date | None = Field(None, description="début d'une nouvelle session")
    fin: dt.date | None = None
    nb_places: int | None = Field(None, ge=0, le=10000)


class OffreMaj(OffreIn):
    version: int = Field(..., ge=1, description="version lue (GET) sur laquelle porte la modification")


def offer_input(data: OffreIn) -> editing.OfferInput:
    romes = tuple(dict.fromkeys(c.strip().upper() for c in data.romes if c.strip()))
    bad = [c for c in romes if not (len(c) == 5 and c[0].isalpha() and c[1:].isdigit())]
    if bad:
        raise ApiError(422, "requete_invalide", f"« romes » : code ROME invalide ({bad[0][:10]}).")
    if data.debut and data.fin and data.fin < data.debut:
        raise ApiError(422, "requete_invalide", "« fin » : la session finit avant de commencer.")
    if data.url and not data.url.startswith(("https://", "http://")):
        raise ApiError(422, "requete_invalide", "« url » : adresse http(s):// attendue.")
    from gtec.territories import queries as tq

    if tq.territory_get(f"commune:{data.commune}") is None:
        raise ApiError(422, "requete_invalide", f"« commune » : commune {data.commune} inconnue.")
    return editing.OfferInput(
        intitule=data.intitule.strip(),
        objectif=data.objectif,
        contenu=data.contenu,
        certifiante=data.certifiante,
        romes=romes,
        certifications=tuple(c.strip() for c in data.certifications if c.strip()),
        url=data.url,
        commune=data.commune,
        debut=data.debut,
        fin=data.fin,
        nb_places=data.nb_places,
    )


def writer(w: AuditedWrite):
    token = token_of(w.request)
    w.require(token.organisation.erased_at is None, "Organisation effacée.")
    return token


@router.post(
    "",
    response={201: FormationDetailOut},
    auth=Bearer(CONTRIBUTE),
    summary="Créer une formation de l'organisme du jeton",
)
def creer(request, data: OffreIn):
    w = AuditedWrite(request, "formation.creer")
    token = writer(w)
    with w.writing(201):
        f = editing.create_formation(token.organisation, offer_input(data), token.created_by)
        w.ref = f"formation:{f.pk}"
    return Status(201, detail_out(f.pk))


@router.put(
    "/{formation_id}",
    response={200: FormationDetailOut},
    auth=Bearer(CONTRIBUTE),
    summary="Modifier une formation de l'organisme du jeton (409 si la version a changé)",
)
def modifier(request, formation_id: int, data: OffreMaj):
    w = AuditedWrite(request, "formation.modifier", f"formation:{formation_id}")
    token = writer(w)
    f = trq.formation_detail(formation_id)
    if f is None:
        raise not_found(f"Formation {formation_id}")
    w.require(
        tperms.owner(f.formation.organisme) == token.organisation,
        "Cette formation n'appartient pas à l'organisme de ce jeton.",
    )
    with w.writing():
        try:
            editing.update_formation(formation_id, offer_input(data), token.created_by, based_on=data.version)
        except editing.Conflict as exc:
            raise ApiError(
                409, "conflit_de_version", f"Conflit : {exc}.", version=f.formation.version
            ) from None
    return detail_out(formation_id)
