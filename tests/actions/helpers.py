"""Organisations and people in every role around one action, for the permission matrix and the pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from gtec.actions.models import Action
from gtec.organisations.models import Member, Organisation
from gtec.territories.models import Territory

ROLES = [
    "anonyme",
    "sans_role",
    "coordinateur",
    "coordinateur_ailleurs",
    "admin_pilote",
    "contributeur_pilote",
    "lecteur_pilote",
    "contributeur_partenaire",
    "lecteur_partenaire",
    "contributeur_exterieur",
]


def people_around_an_action(territory_key: str = "epci:245614383") -> tuple[Action, dict]:
    territory = Territory.objects.get(key=territory_key)
    elsewhere = Territory.objects.get(key="dep:29")
    lead = Organisation.objects.create(name="Maison de l'emploi (test)", kind="association")
    partner = Organisation.objects.create(name="GRETA (test)", kind="organisme_formation")
    outside = Organisation.objects.create(name="Entreprise extérieure (test)")
    action = Action.objects.create(territory=territory, title="Session aide-soignant", lead=lead)
    action.partners.set([partner])
    User = get_user_model()
    people = {}

    def person(name, **member):
        user = User.objects.create_user(f"{name}@test.gtec", f"{name}@test.gtec", "mot-de-passe-test-123")
        if member:
            Member.objects.create(user=user, **member)
        people[name] = user

    person("sans_role")
    person("coordinateur", role="coordinateur", territory=territory)
    person("coordinateur_ailleurs", role="coordinateur", territory=elsewhere)
    person("admin_pilote", role="admin", organisation=lead)
    person("contributeur_pilote", role="contributeur", organisation=lead)
    person("lecteur_pilote", role="lecteur", organisation=lead)
    person("contributeur_partenaire", role="contributeur", organisation=partner)
    person("lecteur_partenaire", role="lecteur", organisation=partner)
    person("contributeur_exterieur", role="contributeur", organisation=outside)
    return action, people
