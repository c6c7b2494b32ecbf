"""The permission matrix of the action plan: every predicate of gtec/actions/perms.py for every role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from gtec.actions import perms
from tests.actions.helpers import ROLES, people_around_an_action

pytestmark = pytest.mark.django_db

Y, N = True, False
# role: (view plan, create action, edit action, contribute, write retex)
EXPECTED = {
    "anonyme": (N, N, N, N, N),
    "sans_role": (N, N, N, N, N),
    "coordinateur": (Y, Y, Y, Y, Y),
    "coordinateur_ailleurs": (Y, N, N, N, N),
    "admin_pilote": (Y, N, Y, Y, Y),
    "contributeur_pilote": (Y, N, N, Y, Y),
    "lecteur_pilote": (Y, N, N, N, N),
    "contributeur_partenaire": (Y, N, N, Y, Y),
    "lecteur_partenaire": (Y, N, N, N, N),
    "contributeur_exterieur": (Y, N, N, N, N),
}


def test_permission_matrix():
    action, people = people_around_an_action()
    people["anonyme"] = AnonymousUser()
    got = {
        role: (
            perms.can_view_plan(people[role], action.territory),
            perms.can_create_action(people[role], action.territory),
            perms.can_edit_action(people[role], action),
            perms.can_contribute(people[role], action),
            perms.can_write_retex(people[role], action),
        )
        for role in ROLES
    }
    assert got == EXPECTED


def test_a_person_writes_only_for_the_organisations_of_the_action():
    action, people = people_around_an_action()
    assert [o.name for o in perms.acting_organisations(people["contributeur_partenaire"], action)] == [
        "GRETA (test)"
    ]
    assert perms.acting_organisations(people["lecteur_partenaire"], action) == []
    assert perms.acting_organisations(people["contributeur_exterieur"], action) == []
