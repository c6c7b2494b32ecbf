"""/api/v1/plan-d-action: the territory's action plan.

Read. Anyone reads the public part of each action: what it is (title, description, state, dates, public,
occupations) and the indicators it aims to move, before / after, with the figures the indicator endpoint
publishes (statistical secrecy applied: a secret cell is « s »). The rest (lead and partners, budget,
partners' contributions, the retex journal — what failed) is shared among the organisations of the GTEC
only, as on the pages (`gtec.actions.perms.can_view_plan`): a token sees it when the person who created it
may see it.

Write (scope `contribute`). A token acts for its organisation with the rights of the person who created it
(never more: a person who leaves the organisation or loses a role takes the token's rights along): the
page's predicates (`gtec.actions.perms`) are evaluated for that person, and the write must concern the
token's organisation (lead or partner of the action), unless that person coordinates the territory. The
input goes through the pages' own forms (same validation, French messages); a change of state carries the
`modifiee_le` last read (409 if the action changed since). Every write, refused or not, is journalled."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from ninja import Query, Router, Schema
from pydantic import Field

from gtec.actions import perms
from gtec.actions import queries as aq
from gtec.api.v1.core import ApiError, Page, not_found, paginate, public, token_of
from gtec.api.v1.indicateurs import published
from gtec.api.v1.territoires import get_or_404
from gtec_core.indicators.registry import REGISTRY
from gtec_core.secrecy import load_rules

router = Router(tags=["Plan d'action"], auth=public)
STATUSES = list(aq.STATUS_LABELS)
PUBLICS = list(aq.PUBLIC_LABELS)
KINDS = [k for k, _ in aq.RETEX_KINDS]
RESERVED = "Réservé aux organisations membres de la GTEC : utilisez un jeton d'API de votre organisation."


# --- schemas -------------------------------------------------------------------------------------------------


class OrganisationRef(Schema):
    id: int
    nom: str


class IndicateurSuivi(Schema):
    indicateur: str
    libelle: str
    nomenclature: str
    metier: str
    libelle_metier: str
    avant: str
    periode_avant: str
    apres: str
    periode_apres: str
    evolution: str | None
    cible: str
    sens: str
    atteinte: bool | None


class Contribution(Schema):
    organisation: str
    apport: str
    montant: float | None
    le: dt.date


class ActionOut(Schema):
    id: int
    territoire: str
    intitule: str
    description: str
    etat: str
    libelle_etat: str
    debut: dt.date | None
    fin: dt.date | None
    public: str
    libelle_public: str
    metiers: list[str]
    indicateurs: list[IndicateurSuivi]
    creee_le: dt.datetime
    modifiee_le: dt.datetime
    acces: str = Field(description="« public » ou « membres » (pilote, partenaires, budget, apports)")
    pilote: OrganisationRef | None = None
    partenaires: list[OrganisationRef] | None = None
    budget: float | None = None
    contributions: list[Contribution] | None = None


class RetexOut(Schema):
    id: int
    action: int
    intitule_action: str
    date: dt.date
    nature: str
    libelle_nature: str
    titre: str
    recit: str
    organisation: str


# --- who reads what ------------------------------------------------------------------------------------------


def person_of(request):
    """The person whose rights the token carries; None for an anonymous call or an orphan token."""
    token = token_of(request)
    if token is None or token.created_by is None or not token.created_by.is_active:
        return None
    return token.created_by


def members_see(request, territory) -> bool:
    person = person_of(request)
    return person is not None and perms.can_view_plan(person, territory)


# --- read ----------------------------------------------------------------------------------------------------


def shown(cells: dict, period: str, display: str) -> str:
    cell = cells.get(period)
    return cell["affichage"] if cell is not None and cell["statut"] == "secret" else display


def followup_out(action) -> list[dict]:
    """Before / after of each indicator the action aims at, re-checked against the table the indicator
    endpoint publishes today, so that a cell secret there is « s » here too (a baseline copied before a
    secrecy rule changed included)."""
    rows, symbol = [], load_rules().symbol
    for ind, row in zip(action.indicators.all(), aq.followup(action), strict=True):
        table = published(ind.indicator, ind.territory, None)["rows"] if ind.indicator in REGISTRY else []
        metier = ind.occupation or "tous"
        kind = ind.occupation_kind if ind.occupation else "all"
        cells = {r["periode"]: r for r in table if r["metier"] == metier and r["nomenclature"] == kind}

        before = shown(cells, row["before_period"], row["before"])
        after = shown(cells, row["after_period"], row["after"])
        hidden = symbol in (before, after)
        rows.append(
            {
                "indicateur": ind.indicator,
                "libelle": row["label"],
                "nomenclature": kind,
                "metier": ind.occupation,
                "libelle_metier": row["occupation"],
                "avant": before,
                "periode_avant": row["before_period"],
                "apres": after,
                "periode_apres": row["after_period"],
                "evolution": None if hidden else row["moved"],
                "cible": row["target"],
                "sens": row["direction"],
                "atteinte": None if hidden else row["reached"],
            }
        )
    return rows


def action_out(action, full: bool) -> dict:
    out = {
        "id": action.pk,
        "territoire": action.territory.key,
        "intitule": action.title,
        "description": action.description,
        "etat": action.status,
        "libelle_etat": aq.STATUS_LABELS.get(action.status, action.status),
        "debut": action.start,
        "fin": action.end,
        "public": action.target_public,
        "libelle_public": aq.PUBLIC_LABELS.get(action.target_public, action.target_public),
        "metiers": list(action.occupations or []),
        "indicateurs": followup_out(action),
        "creee_le": action.created_at,
        "modifiee_le": action.updated_at,
        "acces": "membres" if full else "public",
    }
    if full:
        out |= {
            "pilote": {"id": action.lead.pk, "nom": action.lead.name},
            "partenaires": [{"id": o.pk, "nom": o.name} for o in action.partners.all()],
            "budget": float(action.budget) if action.budget is not None else None,
            "contributions": [
                {
                    "organisation": c.organisation.name,
                    "apport": c.description,
                    "montant": float(c.amount) if c.amount is not None else None,
                    "le": c.created_at.date(),
                }
                for c in action.contributions.select_related("organisation")
            ],
        }
    return out


def action_or_404(action_id: int):
    action = aq.action_get(action_id)
    if action is None:
        raise not_found(f"Action {action_id}")
    return action


@router.get("/{cle}/actions", response=Page(ActionOut), summary="Actions du plan d'un territoire")
def actions(
    request,
    cle: str,
    etat: str = Query(None, description=", ".join(STATUSES)),
    public: str = Query(None, description=", ".join(PUBLICS)),
    metier: str = Query(None, pattern=r"^[A-Za-z]\d{4}$", description="code ROME concerné"),
    q: str = Query("", max_length=100, description="mots de l'intitulé ou de la description"),
    page: int = Query(1, ge=1),
    size: int = Query(20, ge=1, le=100),
):
    if etat and etat not in STATUSES:
        raise ApiError(422, "requete_invalide", f"« etat » : une valeur parmi {', '.join(STATUSES)}.")
    if public and public not in PUBLICS:
        raise ApiError(422, "requete_invalide", f"« public » : une valeur parmi {', '.join(PUBLICS)}.")
    territory = get_or_404(cle)
    rows = aq.actions_of(territory).select_related("territory")
    if etat:
        rows = rows.filter(status=etat)
    if public:
        rows = rows.filter(target_public=public)
    for word in q.split()[:8]:
        rows = rows.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if metier:
        wanted = metier.upper()
        rows = [a for a in rows if wanted in (a.occupations or [])]
    full = members_see(request, territory)
    return paginate(rows, page, size, lambda a: action_out(a, full))


@router.get("/actions/{action_id}", response=ActionOut, summary="Une action, ses indicateurs avant / après")
def action(request, action_id: int):
    act = action_or_404(action_id)
    return action_out(act, members_see(request, act.territory))


@router.get(
    "/{cle}/retex",
    response=Page(RetexOut),
    summary="Journal des retours d'expérience (organisations membres)",
)
def retex(
    request,
    cle: str,
    q: str = Query("", max_length=200, description="mots du titre, du récit ou de l'action"),
    nature: str = Query(None, description=", ".join(KINDS)),
    action: int = Query(None, ge=1, description="identifiant d'une action"),
    page: int = Query(1, ge=1),
    size: int = Query(20, ge=1, le=100),
):
    if nature and nature not in KINDS:
        raise ApiError(422, "requete_invalide", f"« nature » : une valeur parmi {', '.join(KINDS)}.")
    territory = get_or_404(cle)
    if token_of(request) is None:
        raise ApiError(401, "authentification_requise", RESERVED)
    if not members_see(request, territory):
        raise ApiError(403, "interdit", RESERVED)
    return paginate(aq.retex_search(territory, q, nature or "", action), page, size, retex_out)


def retex_out(e) -> dict:
    return {
        "id": e.pk,
        "action": e.action_id,
        "intitule_action": e.action.title,
        "date": e.date,
        "nature": e.kind,
        "libelle_nature": dict(aq.RETEX_KINDS).get(e.kind, e.kind),
        "titre": e.title,
        "recit": e.text,
        "organisation": e.organisation.name if e.organisation else "",
    }
