"""Use cases of the organisations area: create, invite, accept, export and erase."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from gtec.organisations.mail import mail_after_commit
from gtec.organisations.models import COORDINATOR, Invitation, Member, Organisation
from gtec_core import siret as sirets
from gtec_core.surveys.schema import normalise_naf


def check_siret(value: str) -> str:
    """The normalised SIRET, or a ValidationError in French (Luhn key; La Poste exception)."""
    digits = sirets.normalize(value)
    if digits and not sirets.siret_valid(digits):
        raise ValidationError(f"SIRET « {value} » invalide : 14 chiffres dont la clé de contrôle (Luhn).")
    return digits


def organisation_create(*, name: str, kind: str, siret: str = "", naf: str = "", size_band: str = "",
                        commune=None, contact_email: str = "", synthetic: bool = False) -> Organisation:  # fmt: skip
    org = Organisation(
        name=name.strip(),
        kind=kind,
        siret=check_siret(siret),
        naf=normalise_naf(naf),
        size_band=size_band,
        commune=commune,
        contact_email=contact_email,
        synthetic=synthetic,
    )
    org.full_clean(exclude=["unit_key", "siren"])
    org.save()
    return org


def invitation_create(*, email: str, role: str, invited_by, organisation=None, territory=None,
                      accept_url: str = "") -> Invitation:  # fmt: skip
    """Record an invitation and email its link (`accept_url` is given the token with `{token}`).

    The row and the mail go together: when the mail cannot be sent, no invitation is kept (`MailError`)."""
    created: list[Invitation] = []
    with mail_after_commit(
        undo=lambda: Invitation.objects.filter(pk__in=[i.pk for i in created]).delete()
    ) as outbox:
        inv, message = invitation_record(
            email=email, role=role, invited_by=invited_by, organisation=organisation, territory=territory,
            accept_url=accept_url,
        )  # fmt: skip
        created.append(inv)
        outbox.append(message)
    return inv


def invitation_record(*, email: str, role: str, invited_by, organisation=None, territory=None,
                      accept_url: str = "", why: str = "") -> tuple[Invitation, EmailMessage]:  # fmt: skip
    """Write an invitation and return it with its mail, not sent: the caller sends it on commit, through
    `mail_after_commit` (several invitations then go together, or none). `why` adds a sentence to it."""
    if role == COORDINATOR and territory is None:
        raise ValidationError("Un coordinateur est rattaché à un territoire.")
    inv = Invitation.objects.create(
        email=email.strip().lower(),
        role=role,
        organisation=organisation,
        territory=territory,
        invited_by=invited_by,
        token=secrets.token_urlsafe(32),
    )
    where = organisation.name if organisation else territory.display_name
    extra = f"{why}\n" if why else ""
    message = EmailMessage(
        subject=f"GTEC : invitation à rejoindre {where}",
        body=(
            f"Bonjour,\n\n{invited_by.get_full_name() or invited_by.get_username()} vous invite à "
            f"rejoindre {where} sur GTEC.\n{extra}Pour accepter, ouvrez ce lien : "
            f"{accept_url.format(token=inv.token)}\n"
        ),
        to=[inv.email],
    )
    return inv, message


class WrongInvitee(PermissionDenied):
    """The invitation was addressed to someone else."""


def invitation_for(user, inv: Invitation) -> bool:
    """An invitation is bound to its e-mail address: only the account of that address may accept it."""
    return (
        user is not None
        and user.is_authenticated
        and inv.email
        in {
            (user.email or "").strip().lower(),
            (user.get_username() or "").strip().lower(),
        }
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str = "", user=None) -> Member:
    """Turn an open invitation into a membership, creating the account (login = email) when needed.

    The invitation is bound to its e-mail address: a signed-in person accepts it only if the account is
    that address's; without an account, the link creates the account of that address (the link was sent
    there) — and when that account already exists, its owner must sign in to accept."""
    inv = Invitation.objects.select_for_update().filter(token=token, accepted_at__isnull=True).first()
    if inv is None:
        raise ValidationError("Invitation inconnue ou déjà utilisée.")
    User = get_user_model()
    if user is not None:
        if not invitation_for(user, inv):
            raise WrongInvitee(
                f"Cette invitation est adressée à {inv.email} : connectez-vous avec ce compte."
            )
    else:
        if User.objects.filter(username__iexact=inv.email).exists():
            raise WrongInvitee(f"Un compte existe déjà pour {inv.email} : connectez-vous pour accepter.")
        candidate = User(username=inv.email, email=inv.email)
        validate_password(password, candidate)
        user = User.objects.create_user(username=inv.email, email=inv.email, password=password)
    member, _ = Member.objects.get_or_create(
        user=user, organisation=inv.organisation, role=inv.role, territory=inv.territory
    )
    inv.accepted_at = timezone.now()
    inv.save(update_fields=["accepted_at"])
    return member


def organisation_export(organisation: Organisation) -> dict:
    """Everything GTEC holds on the organisation and its people (GDPR right of access / portability)."""
    from gtec.surveys.models import AccessLog, Response

    return {
        "organisation": {
            "raison_sociale": organisation.name,
            "type": organisation.kind,
            "siret": organisation.siret,
            "naf": organisation.naf,
            "tranche_effectif": organisation.size_band,
            "commune": organisation.commune.code if organisation.commune else "",
            "courriel_contact": organisation.contact_email,
        },
        "membres": [
            {
                "identifiant": m.user.get_username(),
                "courriel": m.user.email,
                "nom": m.user.get_full_name(),
                "role": m.role,
            }  # fmt: skip
            for m in organisation.members.select_related("user")
        ],
        "invitations": [
            {"courriel": i.email, "role": i.role, "le": i.created_at.isoformat()}
            for i in organisation.invitations.all()
        ],
        "reponses": [
            {
                "campagne": r.campaign.name,
                "versions": [
                    {"numero": v.number, "etat": v.status, "le": v.created_at.isoformat(), "donnees": v.data}
                    for v in r.versions.all()
                ],
            }
            for r in Response.objects.filter(organisation=organisation).select_related("campaign")
        ],
        "journal_des_acces": [
            {"qui": a.who, "role": a.role, "action": a.action, "le": a.at.isoformat()}
            for a in AccessLog.objects.filter(organisation=organisation)
        ],
    }


@transaction.atomic
def organisation_erase(organisation: Organisation) -> Organisation:
    """Erase the organisation's identifying and personal data, keep its answers anonymous.

    Personal data go: contact email, invitations, memberships, and the accounts of people who belong to
    no other organisation. The organisation becomes « Organisation effacée n° X » without SIRET, NAF code
    kept only as its section. Its answers stay, attached to the same pseudonymous statistical unit, so
    that every aggregate already published — and every one recomputed later — is unchanged."""
    User = get_user_model()
    users = list(User.objects.filter(memberships__organisation=organisation).distinct())
    organisation.members.all().delete()
    organisation.invitations.all().delete()
    for user in users:
        if not user.memberships.exists():
            user.delete()
    from gtec.surveys.models import AccessLog

    AccessLog.objects.filter(organisation=organisation).update(user=None, who="(effacé)")
    organisation.unit_key = organisation.unit_key or f"org-{organisation.pk}"
    if organisation.unit_key == organisation.siren:  # a pseudonym that no longer names the company
        organisation.unit_key = f"effacee-{secrets.token_hex(6)}"
        # other organisations of the same SIREN keep counting as the same unit
        Organisation.objects.filter(siren=organisation.siren).exclude(pk=organisation.pk).update(
            unit_key=organisation.unit_key
        )
    organisation.name = f"Organisation effacée n° {organisation.pk}"
    organisation.siret = organisation.siren = ""
    organisation.naf = organisation.naf[:2] + ".00Z" if organisation.naf else ""
    organisation.contact_email = ""
    organisation.erased_at = timezone.now()
    organisation.save()
    return organisation
