"""The permission matrix: role × object × action, every cell asserted."""

import pytest

from gtec.organisations import perms as operms
from gtec.organisations.models import ADMIN, CONTRIBUTOR, COORDINATOR, READER
from gtec.surveys import perms, services
from gtec.surveys.models import Response
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db

ACTIONS = ["manage_campaign", "answer", "read_raw_own", "read_raw_other", "give_to_get", "import", "members",
           "erase", "audit", "invite_in_territory", "invite_outside", "import_for_unmanaged",
           "import_for_self_managed", "import_for_outside",
           # #13: a coordinator creates organisations only in the territory, and sends a first-administrator
           # invitation only to an organisation without people of its own
           "enrol_in_territory", "enrol_outside", "invite_admin_unmanaged", "invite_admin_self_managed"]  # fmt: skip
N = len(ACTIONS)
COORD_ENROL = [True, False, True, False]
# expected outcome per role (own organisation = the one that answered; charter accepted by the coordinator)
MATRIX = {
    # review 2026-12-04 §1.3/§6.3: a coordinator invites and imports only within the campaign's territory,
    # and never renames or answers for an organisation that has its own members
    COORDINATOR: [True, False, True, True, False, True, False, False, False, True, False, True, False, False]
    + COORD_ENROL,
    "coordinateur-sans-charte": [
        True,
        False,
        False,
        False,
        False,
        True,
        False,
        False,
        False,
        True,
        False,
        True,
        False,
        False,
        *COORD_ENROL,
    ],  # fmt: skip
    "coordinateur-autre-territoire": [False] * N,
    ADMIN: [False, True, True, False, True, False, True, True, True] + [False] * (N - 9),
    CONTRIBUTOR: [False, True, True, False, True, False, False, False, True] + [False] * (N - 9),
    READER: [False, False, True, False, True, False, False, False, True] + [False] * (N - 9),
    # the other company reads its own answer (read_raw_other) but never ours
    "autre-entreprise": [False, False, False, True, False, False, False, False, False] + [False] * (N - 9),
    "anonyme": [False] * N,
}


@pytest.fixture
def world():
    camp = h.campaign()
    own, other = h.company("Ma boîte"), h.company("Voisine")
    h.submit(camp, own)
    h.submit(camp, other)
    from gtec.territories.models import Territory

    users = {
        COORDINATOR: h.user("coord", role=COORDINATOR, terr=camp.territory),
        "coordinateur-sans-charte": h.user("coord2", role=COORDINATOR, terr=camp.territory),
        "coordinateur-autre-territoire": h.user(
            "coord3", role=COORDINATOR, terr=Territory.objects.get(key="dep:56")
        ),
        ADMIN: h.user("admin", own, ADMIN),
        CONTRIBUTOR: h.user("contrib", own, CONTRIBUTOR),
        READER: h.user("reader", own, READER),
        "autre-entreprise": h.user("other", other, ADMIN),
    }
    from django.contrib.auth.models import AnonymousUser

    users["anonyme"] = AnonymousUser()
    services.charter_accept(camp, users[COORDINATOR])
    return camp, own, other, users


def outcomes(user, camp, own, other):
    r_own = Response.objects.get(campaign=camp, organisation=own)
    r_other = Response.objects.get(campaign=camp, organisation=other)
    unmanaged = h.company("Sans compte")
    outside = h.company("Finistère", commune=h.commune("29232"))
    return [
        perms.can_manage_campaign(user, camp),
        perms.can_answer(user, camp, own),
        perms.can_read_raw(user, r_own),
        perms.can_read_raw(user, r_other),
        perms.can_view_give_to_get(user, camp, own),
        perms.can_import_workbook(user, camp),
        operms.can_manage_members(user, own),
        operms.can_export_or_erase(user, own),
        operms.can_read_audit_log(user, own),
        perms.can_invite(user, camp, unmanaged),
        perms.can_invite(user, camp, outside),
        perms.can_import_for(user, camp, unmanaged),
        perms.can_import_for(user, camp, own),
        perms.can_import_for(user, camp, outside),
        perms.can_enrol(user, camp, h.commune("56260")),
        perms.can_enrol(user, camp, h.commune("29232")),
        perms.can_invite_admin(user, camp, unmanaged),
        perms.can_invite_admin(user, camp, own),
    ]


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(world, role):
    camp, own, other, users = world
    got = dict(zip(ACTIONS, outcomes(users[role], camp, own, other), strict=True))
    assert got == dict(zip(ACTIONS, MATRIX[role], strict=True))


def test_closing_the_campaign_stops_answers_and_imports(world):
    camp, own, _, users = world
    services.campaign_close(camp)
    assert not perms.can_answer(users[ADMIN], camp, own)
    assert not perms.can_import_workbook(users[COORDINATOR], camp)
    with pytest.raises(services.CampaignClosed):
        services.response_save(campaign=camp, organisation=own, data=h.answer(), submit=True)


def test_uninvited_organisation_cannot_answer(world):
    camp, _, _, _ = world
    stranger = h.company("Non invitée")
    user = h.user("stranger", stranger, ADMIN)
    assert not perms.can_answer(user, camp, stranger)
