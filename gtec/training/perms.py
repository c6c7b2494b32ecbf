"""Who may edit a training offer. Small predicates, each with the reason it exists."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gtec.organisations.models import ADMIN, CONTRIBUTOR, Member, Organisation
from gtec.training.models import Formation, Organisme

EDITOR_ROLES = {ADMIN, CONTRIBUTOR}


def owner(organisme: Organisme | None) -> Organisation | None:
    """The GTEC organisation that runs a training body: the explicit link, else the organisation with the
    same SIRET (a training body registered in GTEC under its SIRET owns its LHEO offer)."""
    if organisme is None:
        return None
    if organisme.organisation_id:
        return organisme.organisation
    if organisme.siret:
        return Organisation.objects.filter(siret=organisme.siret, erased_at__isnull=True).first()
    return None


def can_edit_organisme(user, organisme: Organisme | None) -> bool:
    """Only the administrators and contributors of the organisation that owns the training body edit its
    offer: a body speaks for its own trainings. Coordinators, readers and other organisations' members may
    not — not even a superuser through this form (the admin site is there for corrections)."""
    if user is None or not user.is_authenticated:
        return False
    organisation = owner(organisme)
    if organisation is None:
        return False
    return Member.objects.of(user).filter(organisation=organisation, role__in=EDITOR_ROLES).exists()


def can_edit_formation(user, formation: Formation) -> bool:
    return can_edit_organisme(user, formation.organisme)


def editable_organismes(user) -> QuerySet[Organisme]:
    """Training bodies whose offer the user may edit (linked explicitly or by SIRET)."""
    if user is None or not user.is_authenticated:
        return Organisme.objects.none()
    organisations = Member.objects.of(user).filter(role__in=EDITOR_ROLES).values("organisation")
    sirets = Organisation.objects.filter(pk__in=organisations).exclude(siret="").values("siret")
    return Organisme.objects.filter(
        Q(organisation__in=organisations) | Q(organisation__isnull=True, siret__in=sirets)
    ).order_by("nom")


def editor_organisations(user) -> QuerySet[Organisation]:
    """Training bodies in which the user may add an offer (administrator or contributor): an organisation
    declared as « organisme de formation » or already running a training body's offer. A restaurant's
    administrator or a plain contributor of a company may not publish trainings in its name."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(
            members__user=user, members__role__in=EDITOR_ROLES, erased_at__isnull=True
        )
        .filter(Q(kind="organisme_formation") | Q(organismes_formation__isnull=False))
        .distinct()
    )
