"""Who sees and acts on the action plan. Small predicates, each with its reason; tested as a matrix
(tests/actions/test_perms.py). Roles are those of `gtec.organisations` (coordinateur, admin, contributeur,
lecteur)."""

from __future__ import annotations

from gtec.organisations import perms as org_perms
from gtec.organisations.models import ADMIN, CONTRIBUTOR, Member


def can_view_plan(user, territory) -> bool:
    """The plan names partners, budgets and what failed: it is shared among the organisations taking part
    in the GTEC (any membership, readers included), not published to anonymous visitors."""
    return bool(user.is_authenticated) and Member.objects.of(user).exists()


def can_create_action(user, territory) -> bool:
    """A coordinator of the territory writes its plan: an action commits the territory's partnership."""
    return org_perms.coordinates(user, territory)


def can_edit_action(user, action) -> bool:
    """The territory's coordinators and the lead organisation's administrators steer the action (status,
    dates, budget)."""
    return org_perms.coordinates(user, action.territory) or ADMIN in org_perms.roles_in(user, action.lead)


def acting_organisations(user, action) -> list:
    """The organisations of the action (lead and partners) for which the person may write: as an
    administrator or a contributor. A reader reads; an organisation outside the action does not write."""
    involved = [action.lead, *action.partners.all()]
    return [o for o in involved if org_perms.roles_in(user, o) & {ADMIN, CONTRIBUTOR}]


def can_contribute(user, action) -> bool:
    """Partners record what they bring, and everyone steering the action may too."""
    return can_edit_action(user, action) or bool(acting_organisations(user, action))


def can_write_retex(user, action) -> bool:
    """The retex journal is written by those who carried the action: the same people as the contributions."""
    return can_contribute(user, action)
