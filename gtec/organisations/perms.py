"""Who may do what on an organisation. Small predicates, each with the reason it exists."""

from __future__ import annotations

from gtec.organisations.models import ADMIN, COORDINATOR, Member, Organisation


def roles_in(user, organisation: Organisation) -> set[str]:
    if not user.is_authenticated or organisation is None:
        return set()
    return set(Member.objects.of(user).filter(organisation=organisation).values_list("role", flat=True))


def is_member(user, organisation: Organisation) -> bool:
    """Any role in the organisation (reader included) lets one see what the organisation itself sees."""
    return bool(roles_in(user, organisation) - {COORDINATOR})


def coordinates(user, territory) -> bool:
    """A coordinator acts for one territory: campaigns, invitations and raw answers stay within it."""
    if not user.is_authenticated or territory is None:
        return False
    return Member.objects.of(user).filter(role=COORDINATOR, territory=territory).exists()


def can_manage_members(user, organisation: Organisation) -> bool:
    """Only the organisation's administrators invite or remove its people: an organisation decides who
    speaks for it."""
    return ADMIN in roles_in(user, organisation)


def can_export_or_erase(user, organisation: Organisation) -> bool:
    """GDPR rights (export, erasure) are exercised by the organisation's administrators."""
    return ADMIN in roles_in(user, organisation)


def can_read_audit_log(user, organisation: Organisation) -> bool:
    """Every member may see who read the organisation's raw answers: the log exists for them."""
    return is_member(user, organisation)


def in_territory(organisation: Organisation, territory) -> bool:
    """An organisation belongs to a territory through its commune."""
    if organisation is None or territory is None or organisation.commune_id is None:
        return False
    return territory.communes().filter(pk=organisation.commune_id).exists()


def speaks_for_itself(organisation: Organisation) -> bool:
    """An organisation with its own members (administrators, contributors, readers) manages its identity
    and its answers itself: nobody else renames it or answers in its place."""
    return organisation.members.exclude(role=COORDINATOR).exists()
