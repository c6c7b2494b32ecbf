"""/api/v1/organisation: who the token speaks for, and (scope admin) the journal of its API writes."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema

from gtec.api import services
from gtec.api.models import ADMIN, CONTRIBUTE, READ, WIDGET
from gtec.api.v1.core import Bearer, Page, paginate, token_of

router = Router(tags=["Organisation du jeton"])


class OrganisationOut(Schema):
    id: int
    nom: str
    type: str
    jeton: str
    portees: list[str]


class EcritureOut(Schema):
    le: dt.datetime
    jeton: str
    methode: str
    chemin: str
    action: str
    objet: str
    statut: int


@router.get(
    "",
    response=OrganisationOut,
    auth=Bearer(READ, CONTRIBUTE, ADMIN, WIDGET),
    summary="L'organisation du jeton",
)
def organisation(request):
    token = token_of(request)
    org = token.organisation
    return {"id": org.pk, "nom": org.name, "type": org.kind, "jeton": token.prefix, "portees": token.scopes}


@router.get(
    "/journal", response=Page(EcritureOut), auth=Bearer(ADMIN), summary="Journal des écritures par l'API"
)
def journal(request, page: int = Query(1, ge=1), size: int = Query(50, ge=1, le=100)):
    rows = services.writes_of(token_of(request).organisation, limit=None)
    return paginate(
        rows,
        page,
        size,
        lambda w: {
            "le": w.at,
            "jeton": w.token_prefix,
            "methode": w.method,
            "chemin": w.path,
            "action": w.action,
            "objet": w.object_ref,
            "statut": w.status,
        },
    )
