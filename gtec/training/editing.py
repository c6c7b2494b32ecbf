"""Manual edits of the training offer by its training body (form `/formations/<id>/modifier/`, and
`/formations/nouvelle/`). Rules (see models.py): an edited formation becomes `origine="manuel"`, outside the
LHEO sync scope; every save keeps the previous state in `FormationVersion`; a save based on an older
version than the stored one raises `Conflict` instead of overwriting."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from gtec.organisations.models import Organisation
from gtec.territories.models import Territory
from gtec.territories.queries import commune_point
from gtec.training import models as m

FIELDS = ("intitule", "objectif", "contenu", "certifiante", "romes", "certifications", "url")


class Conflict(Exception):
    """The formation changed since the form was opened."""


@dataclass
class OfferInput:
    intitule: str
    objectif: str = ""
    contenu: str = ""
    certifiante: bool = False
    romes: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    url: str = ""
    commune: str = ""  # INSEE code of the training place
    debut: dt.date | None = None
    fin: dt.date | None = None
    nb_places: int | None = None


def snapshot(formation: m.Formation) -> dict:
    """The formation as stored: its fields, actions and sessions (JSON-ready)."""
    return {
        **{name: getattr(formation, name) for name in FIELDS},
        "origine": formation.origine,
        "organisme": formation.organisme_id,
        "actions": [
            {
                "numero": a.numero,
                "code_insee": a.code_insee,
                "ville": a.ville,
                "sessions": [
                    {
                        "numero": s.numero,
                        "debut": s.debut.isoformat() if s.debut else None,
                        "fin": s.fin.isoformat() if s.fin else None,
                        "nb_places": s.nb_places,
                    }
                    for s in a.sessions.all()
                ],
            }
            for a in formation.actions.prefetch_related("sessions").order_by("numero")
        ],
    }


def organisme_for(organisation: Organisation) -> m.Organisme:
    """The training body of an organisation: the one linked to it, else the one with its SIRET (then
    linked), else a new one."""
    organisme = m.Organisme.objects.filter(organisation=organisation).first()
    if organisme is None and organisation.siret:
        organisme = m.Organisme.objects.filter(siret=organisation.siret, organisation__isnull=True).first()
        if organisme is not None:
            organisme.organisation = organisation
            organisme.save(update_fields=["organisation"])
    if organisme is None:
        commune = organisation.commune
        organisme = m.Organisme.objects.create(
            key=organisation.siret or f"org:{organisation.pk}",
            siret=organisation.siret,
            nom=organisation.name[:250],
            code_insee=commune.code if commune else "",
            ville=commune.name[:120] if commune else "",
            organisation=organisation,
        )
    return organisme


def place_fields(code_insee: str) -> dict:
    name = (
        Territory.objects.filter(scale="commune", code=code_insee).values_list("name", flat=True).first()
        or ""
    )
    point = commune_point(code_insee)
    return {
        "code_insee": code_insee,
        "ville": name[:120],
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
    }


def relink(formation: m.Formation) -> None:
    """Recompute the ROME links of the formation's actions (declared codes, certifications, title)."""
    from gtec.training.linking import Linker

    links = Linker().links(
        romes=formation.romes,
        certifications=formation.certifications,
        intitule=formation.intitule,
        formacodes=formation.formacodes,
    )
    for action in formation.actions.all():
        m.ActionFiche.objects.filter(action=action).delete()
        m.ActionFiche.objects.bulk_create(
            [m.ActionFiche(action=action, fiche_id=c, route=r, confidence=conf) for c, r, conf in links]
        )


def _apply(formation: m.Formation, data: OfferInput, user) -> None:
    formation.intitule = data.intitule
    formation.objectif = data.objectif
    formation.contenu = data.contenu
    formation.certifiante = data.certifiante
    formation.romes = list(data.romes)
    formation.certifications = list(data.certifications)
    formation.url = data.url
    formation.origine = m.ORIGINE_MANUEL
    formation.modifie_le = timezone.now()
    formation.modifie_par = user if user is not None and user.is_authenticated else None


def _add_session(action: m.Action, data: OfferInput) -> None:
    if data.debut is None:
        return
    numero = f"manuel-{data.debut:%Y%m%d}-{uuid.uuid4().hex[:6]}"
    m.Session.objects.create(
        action=action, numero=numero, debut=data.debut, fin=data.fin, nb_places=data.nb_places
    )


def update_formation(formation_id: int, data: OfferInput, user, *, based_on: int) -> m.Formation:
    """Save a manual edit; `based_on` is the version the form showed. The previous state is kept."""
    with transaction.atomic():
        formation = m.Formation.objects.select_for_update().get(pk=formation_id)
        if formation.version != based_on:
            raise Conflict(
                f"la formation a été modifiée entre-temps (version {formation.version}, "
                f"formulaire ouvert sur la version {based_on})"
            )
        m.FormationVersion.objects.create(
            formation=formation,
            number=formation.version,
            origine=formation.origine,
            data=snapshot(formation),
            created_by=formation.modifie_par,
        )
        _apply(formation, data, user)
        formation.version += 1
        formation.save()
        action = formation.actions.order_by("pk").first()
        if action is not None and data.commune and data.commune != action.code_insee:
            for name, value in place_fields(data.commune).items():
                setattr(action, name, value)
            action.save()
        if action is None and data.commune:
            action = m.Action.objects.create(
                formation=formation, numero="manuel-1", **place_fields(data.commune)
            )
        if action is not None:
            _add_session(action, data)
        relink(formation)
    return formation


def create_formation(organisation: Organisation, data: OfferInput, user) -> m.Formation:
    """A new formation of the organisation's training body, in the `manuel` feed, with its place and its
    first session."""
    with transaction.atomic():
        organisme = organisme_for(organisation)
        formation = m.Formation(
            flux=m.MANUAL_FLUX, numero=f"manuel-{uuid.uuid4().hex[:12]}", organisme=organisme
        )
        _apply(formation, data, user)
        formation.save()
        action = m.Action.objects.create(formation=formation, numero="manuel-1", **place_fields(data.commune))
        _add_session(action, data)
        relink(formation)
    return formation


CODE_SPLIT = re.compile(r"[\s,;]+")
