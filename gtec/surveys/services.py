"""Use cases of the surveys area: campaigns (open, invite, remind, close), answers (save a draft, submit,
amend: always a new version), workbook import (all or nothing), and the audit of raw-answer readings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts
from gtec.organisations.mail import mail_after_commit
from gtec.organisations.models import Organisation
from gtec.referentials.models import Appellation, Competence, Savoir
from gtec.surveys import perms
from gtec.surveys.models import (
    CLOSED,
    OPEN,
    R_DRAFT,
    R_SUBMITTED,
    AccessLog,
    Campaign,
    CharterAcceptance,
    Participation,
    Response,
    ResponseVersion,
)
from gtec_core.french import count_fr
from gtec_core.surveys import schema
from gtec_core.surveys.columns import header
from gtec_core.surveys.workbook import SHEET_ORG, CellError, Referential, read_workbook
from gtec_core.tabular import sha256_file


class Conflict(Exception):
    """The answer changed since the version the person edited: nothing is overwritten."""

    def __init__(self, latest: int):
        super().__init__(f"La réponse a été modifiée entre-temps (version {latest}) : rechargez la page.")
        self.latest = latest


class CampaignClosed(Exception):
    pass


def campaign_open(campaign: Campaign) -> Campaign:
    campaign.status, campaign.opened_at, campaign.closed_at = OPEN, timezone.now(), None
    campaign.save(update_fields=["status", "opened_at", "closed_at"])
    return campaign


def campaign_close(campaign: Campaign) -> Campaign:
    """Closing freezes every answer: later saves are refused; the latest submitted versions are final."""
    campaign.status, campaign.closed_at = CLOSED, timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    return campaign


def campaign_invite(campaign: Campaign, organisations) -> int:
    """Invite organisations (idempotent); returns how many were newly invited."""
    existing = set(campaign.participations.values_list("organisation_id", flat=True))
    new = [Participation(campaign=campaign, organisation=o) for o in organisations if o.pk not in existing]
    Participation.objects.bulk_create(new)
    return len(new)


def campaign_remind(campaign: Campaign, *, url: str = "") -> int:
    """Email the members of invited organisations that have not submitted yet; returns the number of
    organisations reminded. The counters and the mails go together: when the mails cannot be sent, no
    counter moves (`MailError`)."""
    answered = set(
        Response.objects.filter(campaign=campaign, submitted__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    late = list(campaign.participations.exclude(organisation_id__in=answered).select_related("organisation"))
    before = {p.pk: (p.reminders, p.last_reminder_at) for p in late}

    def undo() -> None:
        for pk, (reminders, at) in before.items():
            Participation.objects.filter(pk=pk).update(reminders=reminders, last_reminder_at=at)

    now, count = timezone.now(), 0
    with mail_after_commit(undo=undo) as outbox:
        for p in late:
            emails = sorted(
                {m.user.email for m in p.organisation.members.select_related("user") if m.user.email}
                | ({p.organisation.contact_email} if p.organisation.contact_email else set())
            )
            if emails:
                outbox.append(
                    EmailMessage(
                        subject=f"GTEC : votre réponse à « {campaign.name} »",
                        body=f"Bonjour,\n\nLa campagne « {campaign.name} » se termine le "
                        f"{campaign.period_end:%d/%m/%Y}.\nVotre réponse nous aide à anticiper les besoins "
                        f"du territoire : {url}\n",
                        to=emails,
                    )
                )
            p.reminders += 1
            p.last_reminder_at = now
            p.save(update_fields=["reminders", "last_reminder_at"])
            count += 1
    return count


def referential_check(answer: dict) -> list[schema.FieldError]:
    """Codes must exist in the ROME: appellations (their fiche and label are taken from the referential,
    never from the client) and compétences or savoirs."""
    errors: list[schema.FieldError] = []
    codes = {m["code_ogr"] for m in answer["metiers"] if m["code_ogr"]}
    apps = {a.code_ogr: a for a in Appellation.objects.filter(code_ogr__in=codes).select_related("fiche")}
    skills = {c for m in answer["metiers"] for c in m["competences"]}
    known = set(Competence.objects.filter(code_ogr__in=skills).values_list("code_ogr", flat=True))
    known |= set(Savoir.objects.filter(code_ogr__in=skills).values_list("code_ogr", flat=True))
    for i, m in enumerate(answer["metiers"]):
        app = apps.get(m["code_ogr"])
        if app is None:
            errors.append(
                schema.FieldError(f"metiers.{i}.code_ogr", f"appellation ROME « {m['code_ogr']} » inconnue")
            )
            continue
        m["code_rome"], m["libelle"] = app.fiche_id, app.libelle
        for c in m["competences"]:
            if c not in known:
                errors.append(
                    schema.FieldError(f"metiers.{i}.competences", f"compétence ROME « {c} » inconnue")
                )
        m["competences"] = [c for c in m["competences"] if c in known]
    return errors


@dataclass
class SaveResult:
    response: Response
    version: ResponseVersion | None
    errors: list[schema.FieldError] = field(default_factory=list)
    created: bool = False


def response_save(*, campaign: Campaign, organisation: Organisation, data: dict, user=None,
                  base_version: int | None = None, submit: bool = False, source: str = "web") -> SaveResult:  # fmt: skip
    """Save an answer as a new version (a draft, or a submission when `submit`).

    A draft is kept even when incomplete (its problems are reported); a submission with problems saves
    nothing. `base_version` is the version the person started from: when another save came in between,
    `Conflict` is raised and nothing is written. An unchanged draft creates no version (autosave)."""
    if not campaign.is_open:
        raise CampaignClosed("La campagne est close : les réponses ne peuvent plus être modifiées.")
    answer, errors = schema.clean_answer(data, final=submit)
    errors += referential_check(answer)
    with transaction.atomic():
        _write_lock_first(campaign, organisation)
        response, _ = Response.objects.select_for_update().get_or_create(
            campaign=campaign, organisation=organisation
        )
        latest = response.versions.aggregate(n=Max("number"))["n"] or 0
        if base_version is not None and base_version != latest:
            raise Conflict(latest)
        if submit and errors:
            return SaveResult(response, None, errors)
        status = R_SUBMITTED if submit else R_DRAFT
        if response.latest and response.latest.data == answer and response.latest.status == status:
            return SaveResult(response, response.latest, errors)  # nothing new: no version
        version = ResponseVersion.objects.create(
            response=response, number=latest + 1, status=status, source=source, data=answer, created_by=user
        )
        response.latest = version
        response.status = status if submit or not response.submitted else response.status
        fields = ["latest", "status", "updated_at"]
        if submit:
            response.submitted, response.submitted_at = version, timezone.now()
            fields += ["submitted", "submitted_at"]
        response.save(update_fields=fields)
    return SaveResult(response, version, errors, created=True)


def _write_lock_first(campaign: Campaign, organisation: Organisation) -> None:
    """Make the transaction's first statement a write on SQLite. SQLite ignores SELECT … FOR UPDATE, and a
    transaction that read before writing fails at once with « database is locked » when another writer
    committed in between (32 times in 40 in the review's test). Starting with a write (even one that
    matches no row) takes the write lock first: the second save waits for the first one (busy timeout),
    then reads its version and gets the documented 409, as on PostgreSQL."""
    if connection.vendor == "sqlite":
        Response.objects.filter(campaign=campaign, organisation=organisation).update(
            updated_at=F("updated_at")
        )


def charter_accept(campaign: Campaign, user) -> None:
    CharterAcceptance.objects.get_or_create(campaign=campaign, user=user)


def access_record(response: Response, user, *, role: str, action: str = "lecture") -> AccessLog:
    """Write a reading of a raw answer to the organisation's audit log."""
    who = (user.get_full_name() or user.get_username()) if user and user.is_authenticated else "anonyme"
    return AccessLog.objects.create(
        organisation=response.organisation, response=response, user=user, who=who, role=role, action=action
    )


def workbook_referential(campaign: Campaign) -> Referential:
    apps = {
        code: (rome, libelle)
        for code, rome, libelle in Appellation.objects.values_list("code_ogr", "fiche_id", "libelle")
    }
    skills = set(Competence.objects.values_list("code_ogr", flat=True))
    skills |= set(Savoir.objects.values_list("code_ogr", flat=True))
    communes = dict(campaign.territory.communes().values_list("code", "name"))
    return Referential(apps, skills, communes)


def workbook_import(*, campaign: Campaign, path: Path, user=None, source: str = "xlsx",
                    synthetic: bool = False, name: str = "") -> tuple[int, list[CellError]]:  # fmt: skip
    """Import a filled workbook into the campaign: all its establishments or none.

    Organisations are found by SIRET (created when new, their name, NAF, size and commune updated),
    invited to the campaign, and each answer is submitted as a new version. Returns the number of answers
    imported and the problems (with sheet, row and column) — when there is one, nothing is imported."""
    if not campaign.is_open:
        raise CampaignClosed("La campagne est close : import impossible.")
    found, errors = read_workbook(Path(path), workbook_referential(campaign), name=name)
    if errors:
        return 0, errors
    communes = {c.code: c for c in campaign.territory.communes()}
    counts = Counts()
    try:
        with transaction.atomic():
            existing = {o.siret: o for o in Organisation.objects.filter(siret__in=[e.siret for e in found])}
            bases = _import_rights(campaign, found, existing, user, source)
            if isinstance(bases, list):
                raise _Refused(bases)
            for e in found:
                org = existing.get(e.siret)
                values = {
                    "name": e.raison_sociale,
                    "naf": e.naf,
                    "size_band": e.size_band,
                    "commune": communes[e.code_insee],
                }
                if org is None:
                    org = Organisation.objects.create(
                        kind="entreprise", siret=e.siret, synthetic=synthetic, **values
                    )
                    counts.created += 1
                else:
                    for k, v in values.items():
                        setattr(org, k, v)
                    org.save()
                    counts.updated += 1
                campaign_invite(campaign, [org])
                result = response_save(
                    campaign=campaign, organisation=org, data=e.answer, user=user, submit=True, source=source,
                    base_version=bases.get(e.siret, 0),
                )  # fmt: skip
                if result.errors:  # the workbook reader already checked everything the schema checks
                    raise ValidationError(f"{e.siret} : {result.errors[0].path} {result.errors[0].message}")
            importrun_record(
                source="enquete",
                version=campaign.name,
                data_dir=str(Path(path).parent),
                files={Path(path).name: sha256_file(Path(path))},
                counts={"organisations": counts},
                synthetic=synthetic,
                notes=f"{count_fr(len(found), 'réponse importée', 'réponses importées')} dans la campagne "
                f"« {campaign.name} »",
            )
    except _Refused as refused:
        return 0, refused.errors
    except Conflict as exc:
        return 0, [CellError(SHEET_ORG, 1, header("siret"), f"{exc} Rien n'a été importé.", name)]
    return len(found), []


class _Refused(Exception):
    def __init__(self, errors: list[CellError]):
        super().__init__(f"{len(errors)} refus")
        self.errors = errors


def _import_rights(campaign, found, existing, user, source) -> dict[str, int] | list[CellError]:
    """Check, before writing anything, that each row matched to an existing organisation may be imported
    (ownership: `perms.can_import_for`) and that it supersedes no answer the organisation entered itself
    (the version rule). Returns the version each answer is based on, or the refusals."""
    refusals: list[CellError] = []
    bases: dict[str, int] = {}
    responses = {
        r.organisation_id: r
        for r in Response.objects.filter(
            campaign=campaign, organisation__in=existing.values()
        ).select_related("latest")
    }
    for e in found:
        org = existing.get(e.siret)
        if org is None:
            continue
        if not perms.can_import_for(user, campaign, org):
            refusals.append(
                CellError(
                    SHEET_ORG,
                    e.row,
                    header("siret"),
                    f"SIRET {e.siret} : l'organisation « {org.name} » "
                    "répond elle-même ou est hors du territoire de la campagne : elle n'est pas modifiée "
                    "par un classeur",
                )  # fmt: skip
            )
            continue
        response = responses.get(org.pk)
        if response is None or response.latest is None:
            continue
        if response.latest.source != source:
            refusals.append(
                CellError(
                    SHEET_ORG,
                    e.row,
                    header("siret"),
                    f"SIRET {e.siret} : la réponse de l'organisation "
                    f"(version {response.latest.number}) n'est pas remplacée par un classeur",
                )  # fmt: skip
            )
            continue
        bases[e.siret] = response.latest.number
    return refusals or bases


OWN_WORKBOOK = "classeur"  # source of a version a company imported from its own filled template


def response_import(*, campaign: Campaign, organisation: Organisation, path: Path, user, base_version: int,
                    submit: bool = False, name: str = "") -> tuple[SaveResult | None, list]:  # fmt: skip
    """A company's own filled template, saved as its answer exactly as the form would save it: the same
    checks (`response_save`: schema, ROME codes, version rule, closed campaign) and a new version. The
    workbook describes this one establishment (its SIRET when it has one); the organisation's identity is
    not changed by it. Returns the save, or the problems (file, sheet, row, column) with nothing saved."""
    found, errors = read_workbook(Path(path), workbook_referential(campaign), name=name)
    file = name or Path(path).name
    if not errors and len(found) != 1:
        errors = [
            CellError(SHEET_ORG, found[1].row if found else 2, header("siret"),
                      "décrivez un seul établissement, le vôtre (une ligne dans « Etablissements »)", file)
        ]  # fmt: skip
    elif not errors and organisation.siret and found[0].siret != organisation.siret:
        errors = [
            CellError(SHEET_ORG, found[0].row, header("siret"),
                      f"SIRET {found[0].siret} : ce n'est pas celui de {organisation.name} "
                      f"({organisation.siret})", file)
        ]  # fmt: skip
    if errors:
        return None, errors
    result = response_save(
        campaign=campaign, organisation=organisation, data=found[0].answer, user=user,
        base_version=base_version, submit=submit, source=OWN_WORKBOOK,
    )  # fmt: skip
    return result, result.errors if submit and result.version is None else []
