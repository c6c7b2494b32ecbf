"""Writes of /api/v1/plan-d-action (scope `contribute`), on the router of `plan.py`: create an action, change
its state (409 on a stale `modifiee_le`), add a retex entry. Rights and validation are the pages' own
(`gtec.actions.perms`, `gtec.www.actions.forms`); see `plan.py` for who a token acts as. Every write,
refused or not, is journalled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema, Status
from pydantic import Field

from gtec.actions import perms
from gtec.actions import queries as aq
from gtec.actions import services as asv
from gtec.api.models import CONTRIBUTE
from gtec.api.v1.core import ApiError, AuditedWrite, Bearer, token_of
from gtec.api.v1.plan import (
    KINDS,
    PUBLICS,
    STATUSES,
    ActionOut,
    RetexOut,
    action_or_404,
    action_out,
    person_of,
    retex_out,
    router,
)
from gtec.api.v1.territoires import get_or_404
from gtec.www.actions.forms import ActionForm, IndicatorForm, RetexForm, StatusForm


class IndicateurIn(Schema):
    indicateur: str = Field(..., max_length=40, description="nom d'un indicateur suivi (voir /indicateurs)")
    metier: str = Field("", max_length=8, description="code FAP 2021, vide pour tous métiers")
    cible: float | None = None
    sens: Literal["baisse", "hausse"] = "baisse"


class ActionIn(Schema):
    intitule: str = Field(..., max_length=200)
    description: str = Field("", max_length=20000)
    pilote: int = Field(..., description="identifiant de l'organisation pilote")
    partenaires: list[int] = Field(default_factory=list, max_length=50)
    budget: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    debut: dt.date | None = None
    fin: dt.date | None = None
    etat: str = Field("prevue", description=", ".join(STATUSES))
    public: str = Field("tous", description=", ".join(PUBLICS))
    metiers: list[str] = Field(default_factory=list, max_length=50, description="codes ROME")
    indicateurs: list[IndicateurIn] = Field(default_factory=list, max_length=5)


class EtatIn(Schema):
    etat: str = Field(..., description=", ".join(STATUSES))
    modifiee_le: dt.datetime = Field(..., description="« modifiee_le » lu (GET) : 409 si l'action a changé")


class RetexIn(Schema):
    date: dt.date
    nature: str = Field(..., description=", ".join(KINDS))
    titre: str = Field(..., max_length=200)
    recit: str = Field(..., max_length=10000)


# --- write ---------------------------------------------------------------------------------------------------

API_FIELDS = {
    "title": "intitule",
    "description": "description",
    "lead": "pilote",
    "partners": "partenaires",
    "budget": "budget",
    "start": "debut",
    "end": "fin",
    "status": "etat",
    "target_public": "public",
    "occupations_text": "metiers",
    "indicator": "indicateur",
    "occupation": "metier",
    "target": "cible",
    "direction": "sens",
    "date": "date",
    "kind": "nature",
    "text": "recit",
    "__all__": "corps de la requête",
}


def form_errors(form, prefix: str = "") -> list[str]:
    return [
        f"« {prefix}{API_FIELDS.get(field, field)} » : {message}"
        for field, messages in form.errors.items()
        for message in messages
    ]


def to_ms(moment: dt.datetime) -> dt.datetime:
    """JSON carries datetimes to the millisecond: the stored one is compared at that precision."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def acting_person(w: AuditedWrite):
    person = person_of(w.request)
    if person is None:
        raise w.refuse(
            403, "jeton_sans_auteur",
            "La personne qui a créé ce jeton n'a plus de compte actif : créez un nouveau jeton.",
        )  # fmt: skip
    return person


def concerns_token_organisation(request, person, act) -> bool:
    """The write concerns the token's organisation (lead or partner), or its person coordinates the
    territory (who steers the plan on the pages)."""
    organisation = token_of(request).organisation
    involved = {act.lead_id, *act.partners.values_list("pk", flat=True)}
    return organisation.pk in involved or perms.can_create_action(person, act.territory)


def guard(w: AuditedWrite, act, predicate, message: str):
    person = acting_person(w)
    w.require(predicate(person, act) and concerns_token_organisation(w.request, person, act), message)
    return person


@router.post(
    "/{cle}/actions",
    response={201: ActionOut},
    auth=Bearer(CONTRIBUTE),
    summary="Créer une action (coordinateurs du territoire)",
)
def creer_action(request, cle: str, data: ActionIn):
    territory = get_or_404(cle)
    w = AuditedWrite(request, "action.creer", f"territoire:{territory.key}")
    person = acting_person(w)
    w.require(
        perms.can_create_action(person, territory),
        "Seuls les coordinateurs du territoire créent des actions.",
    )
    form = ActionForm(
        {
            "title": data.intitule,
            "description": data.description,
            "lead": data.pilote,
            "partners": data.partenaires,
            "budget": data.budget,
            "start": data.debut,
            "end": data.fin,
            "status": data.etat,
            "target_public": data.public,
            "occupations_text": " ".join(data.metiers),
        }
    )
    errors = [] if form.is_valid() else form_errors(form)
    specs = []
    for i, spec in enumerate(data.indicateurs):
        sub = IndicatorForm(
            {
                "indicator": spec.indicateur,
                "occupation": spec.metier,
                "target": spec.cible,
                "direction": spec.sens,
            }
        )
        if sub.is_valid():
            if not sub.cleaned_data.get("indicator"):
                errors.append(f"« indicateurs.{i}.indicateur » : obligatoire")
            specs.append(sub.cleaned_data)
        else:
            errors += form_errors(sub, f"indicateurs.{i}.")
    if errors:
        raise w.invalid(errors)
    cleaned = form.cleaned_data
    fields = {k: cleaned[k] for k in ["title", "description", "lead", "budget", "start", "end", "status"]}
    fields |= {"target_public": cleaned["target_public"], "occupations": cleaned["occupations_text"]}
    with w.writing(201):
        act = asv.action_create(
            territory=territory,
            user=person,
            fields=fields,
            partners=cleaned["partners"],
            areas=[territory],
            indicators=specs,
        )
        w.ref = f"action:{act.pk}"
    return Status(201, action_out(aq.action_get(act.pk), True))


@router.patch(
    "/actions/{action_id}",
    response=ActionOut,
    auth=Bearer(CONTRIBUTE),
    summary="Changer l'état d'une action (409 si elle a changé depuis la lecture)",
)
def changer_etat(request, action_id: int, data: EtatIn):
    act = action_or_404(action_id)
    w = AuditedWrite(request, "action.etat", f"action:{act.pk}")
    guard(w, act, perms.can_edit_action, "Réservé aux coordinateurs et au pilote de l'action.")
    form = StatusForm({"status": data.etat})
    if not form.is_valid():
        raise w.invalid(form_errors(form))
    with w.writing():
        current = type(act).objects.select_for_update().get(pk=act.pk)
        if to_ms(current.updated_at) != to_ms(data.modifiee_le):
            raise ApiError(
                409, "conflit_de_version",
                "L'action a été modifiée depuis votre lecture : relisez-la puis renvoyez.",
                modifiee_le=current.updated_at.isoformat(timespec="milliseconds"),
            )  # fmt: skip
        asv.action_update(action=current, fields={"status": form.cleaned_data["status"]})
    return action_out(aq.action_get(act.pk), True)


@router.post(
    "/actions/{action_id}/retex",
    response={201: RetexOut},
    auth=Bearer(CONTRIBUTE),
    summary="Ajouter un retour d'expérience à une action (organisations de l'action)",
)
def ajouter_retex(request, action_id: int, data: RetexIn):
    act = action_or_404(action_id)
    w = AuditedWrite(request, "retex.ajouter", f"action:{act.pk}")
    person = guard(w, act, perms.can_write_retex, "Réservé aux organisations de l'action.")
    form = RetexForm({"date": data.date, "kind": data.nature, "title": data.titre, "text": data.recit})
    if not form.is_valid():
        raise w.invalid(form_errors(form))
    token = token_of(request)
    acting = perms.acting_organisations(person, act)
    organisation = token.organisation if token.organisation in acting else (acting[0] if acting else None)
    with w.writing(201):
        entry = asv.retex_add(action=act, user=person, organisation=organisation, **form.cleaned_data)
        w.ref += f"/retex:{entry.pk}"
    return Status(201, retex_out(entry))
