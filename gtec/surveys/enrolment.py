"""A coordinator adds organisations to a campaign: each is created (or found by its SIRET), invited to
the campaign, and its first administrator invited by e-mail — one by one or from a CSV list
(`gtec_core.surveys.roster`). All or nothing: every line is checked (commune in the campaign's
territory, rights of `perms`) before anything is written, and the mails go on commit, all or none."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from gtec.organisations import services as oservices
from gtec.organisations.mail import mail_after_commit
from gtec.organisations.models import ADMIN, Invitation, Organisation
from gtec.surveys import perms
from gtec.surveys.models import Campaign, Participation
from gtec_core import communes
from gtec_core import siret as sirets
from gtec_core.french import count_fr, plural
from gtec_core.surveys.roster import COLUMNS, Entry, LineError
from gtec_core.text import fold


@dataclass
class Enrolled:
    created: int = 0
    found: int = 0
    invited: int = 0
    mailed: int = 0

    def summary(self) -> str:
        return (
            f"{count_fr(self.created, 'organisation créée', 'organisations créées')}, "
            f"{self.found} {plural(self.found, 'déjà connue', 'déjà connues')} ; "
            f"{self.invited} {plural(self.invited, 'invitée', 'invitées')} à la campagne ; "
            f"{count_fr(self.mailed, 'invitation envoyée', 'invitations envoyées')} par courriel."
        )


def _communes(campaign: Campaign) -> tuple[dict, list]:
    """The campaign's communes by INSEE code, and as (folded name, `gtec_core.communes.Commune`) pairs for
    `communes.by_name`, the one reading of a commune written by a person."""
    by_code, named = {}, []
    for c in campaign.territory.communes():
        by_code[c.code] = c
        named.append((fold(c.name), communes.Commune(c.code, c.name)))
    return by_code, named


def enrol(campaign: Campaign, entries: list[Entry], *, user, accept_url: str, file: str = ""
          ) -> tuple[Enrolled, list[LineError]]:  # fmt: skip
    """Create (or find), invite to the campaign and invite by e-mail every entry, or none: returns what
    was done, or the problems (file, line, column) with nothing written or sent."""
    if not perms.can_manage_campaign(user, campaign):
        raise PermissionDenied("Réservé aux coordinateurs du territoire de la campagne")
    by_code, named = _communes(campaign)
    existing = {
        o.siret: o
        for o in Organisation.objects.filter(siret__in=[sirets.normalize(e.siret) for e in entries])
    }
    errors: list[LineError] = []
    plan = []
    for e in entries:
        siret = sirets.normalize(e.siret)
        written = communes.clean(e.commune)
        code = written.zfill(5) if written.isdigit() else written.upper()
        found = [by_code[code]] if code in by_code else []
        if not found:
            matches = communes.by_name(written, named)
            if len(matches) > 1:
                errors.append(LineError(file, e.line, COLUMNS["commune"], communes.homonyms_message(matches)))
                continue
            found = [by_code[c.code] for c in matches]
        if not found:
            errors.append(
                LineError(file, e.line, COLUMNS["commune"],
                          f"commune « {written} » hors du territoire de la campagne ou inconnue")
            )  # fmt: skip
            continue
        commune, org = found[0], existing.get(siret)
        if org is None and not perms.can_enrol(user, campaign, commune):
            errors.append(LineError(file, e.line, COLUMNS["commune"], "commune hors de votre territoire"))
        elif org is not None and not perms.can_invite_admin(user, campaign, org):
            errors.append(
                LineError(file, e.line, COLUMNS["siret"],
                          f"SIRET {siret} : l'organisation « {org.name} » a déjà ses propres comptes ou est "
                          "hors du territoire : invitez-la depuis la liste, ses administrateurs gèrent ses "
                          "accès")
            )  # fmt: skip
        else:
            plan.append((e, siret, commune, org))
    if errors:
        return Enrolled(), errors
    done = Enrolled()
    made: dict[str, list[int]] = {"orgs": [], "parts": [], "invs": []}

    def undo() -> None:
        Invitation.objects.filter(pk__in=made["invs"]).delete()
        Participation.objects.filter(pk__in=made["parts"]).delete()
        Organisation.objects.filter(pk__in=made["orgs"]).delete()

    with mail_after_commit(undo=undo) as outbox, transaction.atomic():
        for e, siret, commune, org in plan:
            if org is None:
                org = oservices.organisation_create(
                    name=e.raison_sociale, kind="entreprise", siret=siret, naf=e.naf, commune=commune,
                    contact_email=e.courriel,
                )  # fmt: skip
                made["orgs"].append(org.pk)
                done.created += 1
            else:
                done.found += 1
            part, new = Participation.objects.get_or_create(campaign=campaign, organisation=org)
            if new:
                made["parts"].append(part.pk)
                done.invited += 1
            if Invitation.objects.filter(
                email=e.courriel, organisation=org, role=ADMIN, accepted_at__isnull=True
            ).exists():
                continue  # the same list twice sends no second invitation
            inv, message = oservices.invitation_record(
                email=e.courriel, role=ADMIN, invited_by=user, organisation=org, accept_url=accept_url,
                why=f"Votre établissement est invité à répondre au questionnaire « {campaign.name} » "
                f"({campaign.territory.display_name}).",
            )  # fmt: skip
            made["invs"].append(inv.pk)
            outbox.append(message)
            done.mailed += 1
    return done, []
