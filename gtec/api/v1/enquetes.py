"""/api/v1/enquetes: the needs surveys — public aggregates of a campaign (statistical secrecy applied by the
same read side as the results page), and, for an invited organisation's token, its own answer: read it,
save a draft or submit it with the same validation and versioning as the form (409 on a stale version)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from gtec.api.models import CONTRIBUTE, READ
from gtec.api.v1.core import ApiError, AuditedWrite, Bearer, Page, not_found, paginate, public, token_of
from gtec.surveys import queries as sq
from gtec.surveys import services as ss
from gtec.surveys.models import DRAFT, Campaign, Participation, Response

router = Router(tags=["Enquêtes besoins"], auth=public)


class CampagneOut(Schema):
    id: int
    nom: str
    territoire: str
    debut: dt.date
    fin: dt.date
    etat: str


class Comptage(Schema):
    code: str | int
    libelle: str
    affichage: str
    part: str


class LigneBesoins(Schema):
    code_rome: str
    libelle: str
    cellules: list[str]
    total: str
    secret: bool


class ResultatsOut(Schema):
    campagne: CampagneOut
    repondants: int
    unites: int
    epci: list[tuple[str, str]]
    besoins: dict[str, list[LigneBesoins]]
    difficulte: list[dict[str, Any]]
    raisons: list[Comptage]
    competences: list[Comptage]
    formats: list[Comptage]
    moteurs: list[Comptage]
    competences_masquees: int
    cellules_masquees: int
    symbole_secret: str


class ReponseOut(Schema):
    campagne: int
    organisation: int
    version: int
    etat: str
    donnees: dict[str, Any]
    avertissements: list[dict[str, str]] = []


class ReponseIn(Schema):
    donnees: dict[str, Any] = Field(..., description="la réponse, au format du questionnaire")
    version: int = Field(..., ge=0, description="dernière version lue (0 pour une première réponse)")
    soumettre: bool = Field(False, description="true : envoyer la réponse ; false : brouillon")


def campaign_out(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "nom": c.name,
        "territoire": c.territory.key,
        "debut": c.period_start,
        "fin": c.period_end,
        "etat": c.status,
    }


def published(campaign_id: int) -> Campaign:
    campaign = (
        Campaign.objects.select_related("territory").filter(pk=campaign_id).exclude(status=DRAFT).first()
    )
    if campaign is None:
        raise not_found(f"Campagne {campaign_id}")
    return campaign


@router.get("", response=Page(CampagneOut), summary="Campagnes publiées")
def campagnes(request, page: int = Query(1, ge=1), size: int = Query(20, ge=1, le=100)):
    rows = Campaign.objects.exclude(status=DRAFT).select_related("territory").order_by("-period_start", "pk")
    return paginate(rows, page, size, campaign_out)


def counts(rows: list[dict]) -> list[dict]:
    return [
        {"code": r["code"], "libelle": str(r["libelle"]), "affichage": r["display"], "part": r["share"]}
        for r in rows
    ]


@router.get("/{campagne_id}/resultats", response=ResultatsOut, summary="Résultats agrégés (secret appliqué)")
def resultats(request, campagne_id: int):
    from gtec_core.secrecy import load_rules

    campaign = published(campagne_id)
    r = sq.campaign_results(campaign)
    return {
        "campagne": campaign_out(campaign),
        "repondants": r.respondents,
        "unites": r.units,
        "epci": r.epcis,
        "besoins": {
            horizon: [
                {
                    "code_rome": x["code_rome"],
                    "libelle": x["libelle"],
                    "cellules": x["cells"],
                    "total": x["total"],
                    "secret": x["secret"],
                }
                for x in rows
            ]
            for horizon, rows in r.needs.items()
        },
        "difficulte": [
            {"code_rome": d["code_rome"], "libelle": d["libelle"], "taux": d["rate"], "secret": d["secret"]}
            for d in r.difficulty
        ],
        "raisons": counts(r.reasons),
        "competences": counts(r.skills),
        "formats": counts(r.formats),
        "moteurs": counts(r.drivers),
        "competences_masquees": r.hidden_skills,
        "cellules_masquees": r.suppressed,
        "symbole_secret": load_rules().symbol,
    }


def own_response(request: HttpRequest, campaign: Campaign) -> Response | None:
    token = token_of(request)
    if not Participation.objects.filter(campaign=campaign, organisation=token.organisation).exists():
        raise ApiError(403, "interdit", "L'organisation de ce jeton n'est pas invitée à cette campagne.")
    return (
        Response.objects.filter(campaign=campaign, organisation=token.organisation)
        .select_related("latest")
        .first()
    )


def response_out(campaign: Campaign, organisation, response: Response | None, warnings=()) -> dict:
    latest = response.latest if response else None
    return {
        "campagne": campaign.pk,
        "organisation": organisation.pk,
        "version": latest.number if latest else 0,
        "etat": latest.status if latest else "vide",
        "donnees": latest.data if latest else {},
        "avertissements": [{"champ": e.path, "message": e.message} for e in warnings],
    }


@router.get(
    "/{campagne_id}/reponse",
    response=ReponseOut,
    auth=Bearer(READ, CONTRIBUTE),
    summary="La réponse de l'organisation du jeton (dernière version)",
)
def reponse(request, campagne_id: int):
    campaign = published(campagne_id)
    return response_out(campaign, token_of(request).organisation, own_response(request, campaign))


@router.put(
    "/{campagne_id}/reponse",
    response=ReponseOut,
    auth=Bearer(CONTRIBUTE),
    summary="Enregistrer (brouillon) ou envoyer la réponse de l'organisation du jeton",
)
def repondre(request, campagne_id: int, data: ReponseIn):
    campaign = published(campagne_id)
    token = token_of(request)
    w = AuditedWrite(
        request, "reponse.enregistrer", f"campagne:{campaign.pk}/organisation:{token.organisation.pk}"
    )
    # the answer's service opens its own transaction (its first statement takes SQLite's write lock)
    with w.writing(atomic=False):
        own_response(request, campaign)
        try:
            saved = ss.response_save(
                campaign=campaign,
                organisation=token.organisation,
                data=data.donnees,
                user=token.created_by,
                base_version=data.version,
                submit=data.soumettre,
                source="api",
            )
        except ss.CampaignClosed as exc:
            raise ApiError(409, "campagne_close", str(exc)) from None
        except ss.Conflict as exc:
            raise ApiError(409, "conflit_de_version", str(exc), version=exc.latest) from None
        w.action = "reponse.envoyer" if data.soumettre else "reponse.brouillon"
        if saved.version is None:  # a submission with problems saves nothing
            raise ApiError(
                422,
                "reponse_invalide",
                "Réponse non envoyée : " + " ; ".join(f"{e.path} : {e.message}" for e in saved.errors[:5]),
                erreurs=[{"champ": e.path, "message": e.message} for e in saved.errors],
            )
        w.ref += f"/v{saved.version.number}"
    saved.response.latest = saved.version
    return response_out(campaign, token.organisation, saved.response, saved.errors)
