"""Who may do what on campaigns and answers. Small predicates, each with the reason it exists; the
permission matrix (role × object × action) is tested in tests/surveys/test_perms.py."""

from __future__ import annotations

from gtec.organisations.models import ADMIN, CONTRIBUTOR
from gtec.organisations.perms import coordinates, in_territory, is_member, roles_in, speaks_for_itself
from gtec.surveys.models import CharterAcceptance, Participation, Response


def can_manage_campaign(user, campaign) -> bool:
    """Campaigns are opened, followed, reminded and closed by the coordinators of their territory."""
    return coordinates(user, campaign.territory)


def can_view_campaign(user, campaign) -> bool:
    """The follow-up page (response rates, who answered) is for the territory's coordinators only."""
    return can_manage_campaign(user, campaign)


def has_accepted_charter(user, campaign) -> bool:
    return user.is_authenticated and CharterAcceptance.objects.filter(campaign=campaign, user=user).exists()


def can_answer(user, campaign, organisation) -> bool:
    """Administrators and contributors of an invited organisation answer while the campaign is open;
    readers only read."""
    return (
        campaign.is_open
        and bool(roles_in(user, organisation) & {ADMIN, CONTRIBUTOR})
        and Participation.objects.filter(campaign=campaign, organisation=organisation).exists()
    )


def can_read_raw(user, response: Response) -> bool:
    """A raw answer is read by its own organisation, and by coordinators of the campaign's territory who
    accepted the campaign's charter — never by other organisations."""
    if is_member(user, response.organisation):
        return True
    return can_manage_campaign(user, response.campaign) and has_accepted_charter(user, response.campaign)


def can_import_workbook(user, campaign) -> bool:
    """Workbooks collected on paper hold many establishments' answers: only coordinators import them,
    and only into an open campaign."""
    return campaign.is_open and can_manage_campaign(user, campaign)


def can_invite(user, campaign, organisation) -> bool:
    """A coordinator invites the organisations of the campaign's territory, and only those (a reminder
    would otherwise e-mail people of another territory)."""
    return (
        can_manage_campaign(user, campaign)
        and organisation.erased_at is None
        and in_territory(organisation, campaign.territory)
    )


def can_enrol(user, campaign, commune) -> bool:
    """A coordinator creates an organisation for the campaign only in a commune of the campaign's
    territory: what it creates, it may then invite and remind."""
    return (
        can_manage_campaign(user, campaign)
        and commune is not None
        and campaign.territory.communes().filter(pk=commune.pk).exists()
    )


def can_invite_admin(user, campaign, organisation) -> bool:
    """A coordinator sends an organisation's first administrator invitation — to the e-mail given — only
    for an organisation of the territory that has no people of its own yet: one that has them decides
    itself who speaks for it (`organisations.perms.can_manage_members`)."""
    return can_invite(user, campaign, organisation) and not speaks_for_itself(organisation)


def can_import_for(user, campaign, organisation) -> bool:
    """A workbook row matched by SIRET updates an existing organisation and answers for it only when the
    importing coordinator may import into the campaign, the organisation is in the campaign's territory,
    and it does not speak for itself (no members of its own). `user=None` is the command line, run by an
    operator of the server: the territory rule still holds (and, in the service, the version rule)."""
    if organisation.erased_at is not None or not in_territory(organisation, campaign.territory):
        return False
    if user is None:
        return True
    return can_import_workbook(user, campaign) and not speaks_for_itself(organisation)


def can_view_give_to_get(user, campaign, organisation) -> bool:
    """Give-to-get: the comparison with the territory is the counterpart of a submitted answer, for the
    organisation's members only."""
    return (
        is_member(user, organisation)
        and Response.objects.filter(
            campaign=campaign, organisation=organisation, submitted__isnull=False
        ).exists()
    )
