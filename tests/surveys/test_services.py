"""Answers are versioned, never overwritten; campaigns remind; GDPR export and erasure keep aggregates."""

import pytest
from django.core import mail

from gtec.organisations import services as oservices
from gtec.organisations.models import ADMIN, Member
from gtec.surveys import queries, services
from gtec.surveys.models import AccessLog, ResponseVersion
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db


def test_every_save_is_a_new_version_and_stale_saves_are_refused():
    camp, org = h.campaign(), h.company()
    services.campaign_invite(camp, [org])
    a = h.answer()
    r1 = services.response_save(
        campaign=camp, organisation=org, data={**a, "consentement": ""}, base_version=0
    )
    assert r1.version.number == 1 and r1.response.status == "brouillon"
    same = services.response_save(
        campaign=camp, organisation=org, data={**a, "consentement": ""}, base_version=1
    )
    assert not same.created and ResponseVersion.objects.filter(response=r1.response).count() == 1
    bad = services.response_save(campaign=camp, organisation=org, data={**a, "consentement": ""}, submit=True)
    assert bad.version is None and {e.path for e in bad.errors} == {"consentement"}
    sent = services.response_save(campaign=camp, organisation=org, data=a, base_version=1, submit=True)
    assert sent.version.number == 2 and sent.response.submitted == sent.version
    with pytest.raises(services.Conflict):  # someone edited version 1 while version 2 was saved
        services.response_save(campaign=camp, organisation=org, data={**a, "effectif": 3}, base_version=1)
    amended = services.response_save(
        campaign=camp, organisation=org, data={**a, "effectif": 3}, base_version=2
    )
    assert amended.version.number == 3
    response = amended.response
    response.refresh_from_db()
    # a draft amendment does not replace the submitted answer in the aggregates
    assert response.submitted.number == 2 and response.latest.number == 3
    assert [v.data["effectif"] for v in response.versions.order_by("number")] == [20, 20, 3]


def test_unknown_codes_are_rejected_and_labels_come_from_the_rome():
    camp, org = h.campaign(), h.company()
    a = h.answer()
    a["metiers"][0]["libelle"] = "<script>alert(1)</script>"
    a["metiers"][0]["code_rome"] = "Z9999"
    result = h.submit(camp, org, a)
    m = result.version.data["metiers"][0]
    assert m["code_rome"] == "J1501" and m["libelle"] == h.appellation("J1501").libelle
    a["metiers"][0]["code_ogr"] = 1
    assert {e.path for e in h.submit(camp, h.company(), a).errors} == {"metiers.0.code_ogr"}


def test_reminders_go_to_members_of_late_organisations():
    camp = h.campaign()
    late, done = h.company("En retard"), h.company("A répondu")
    h.user("late@example.org", late, ADMIN)
    h.user("done@example.org", done, ADMIN)
    services.campaign_invite(camp, [late])
    h.submit(camp, done)
    assert services.campaign_remind(camp) == 1
    assert [m.to for m in mail.outbox] == [["late@example.org"]]
    assert late.participations.get().reminders == 1


def test_invitation_by_email_creates_the_account_and_membership():
    org = h.company()
    admin = h.user("admin@example.org", org, ADMIN)
    inv = oservices.invitation_create(email="New@Example.org", role="contributeur", invited_by=admin,
                                      organisation=org, accept_url="http://x/comptes/invitation/{token}/")  # fmt: skip
    assert mail.outbox[0].to == ["new@example.org"] and inv.token in mail.outbox[0].body
    member = oservices.invitation_accept(token=inv.token, password="Un-mot-de-passe-solide-42")
    assert member.user.check_password("Un-mot-de-passe-solide-42") and member.organisation == org
    with pytest.raises(Exception, match="déjà utilisée"):
        oservices.invitation_accept(token=inv.token, password="x")


def test_erasing_an_organisation_keeps_aggregates_and_removes_personal_data():
    camp = h.campaign()
    orgs = [h.company(f"E{i}") for i in range(4)]
    for o in orgs:
        h.submit(camp, o)
    victim = orgs[0]
    user = h.user("victim@example.org", victim, ADMIN)
    r = victim.responses.get()
    services.access_record(r, user, role="membre")
    before = queries.campaign_results(camp)
    export = oservices.organisation_export(victim)
    assert (
        export["organisation"]["siret"] == victim.siret
        and export["membres"][0]["courriel"] == "victim@example.org"
    )
    assert export["reponses"][0]["versions"][0]["donnees"]["metiers"]
    oservices.organisation_erase(victim)
    victim.refresh_from_db()
    assert (
        victim.siret == ""
        and victim.name.startswith("Organisation effacée")
        and victim.unit_key.startswith("effacee-")
    )
    assert not Member.objects.filter(organisation=victim).exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="victim@example.org").exists()
    assert AccessLog.objects.get(organisation=victim).who == "(effacé)"
    after = queries.campaign_results(camp)
    assert (
        after.needs == before.needs and after.difficulty == before.difficulty and after.units == before.units
    )


def test_give_to_get_compares_with_territory_and_says_when_tension_is_unavailable(monkeypatch):
    camp = h.campaign()
    orgs = [h.company(f"R{i}") for i in range(4)]
    for i, o in enumerate(orgs):
        h.submit(camp, o, h.answer(difficult=i % 2 == 0))
    g = queries.give_to_get(camp, orgs[0])
    row = g["occupations"][0]
    assert row["own"] == "oui" and row["territory"] == "50 %"
    from gtec.labour.read.local import TensionFigure
    from gtec.surveys import queries as survey_queries

    calls = []

    def tension_figures(key, codes):
        calls.append((key, codes))
        return {"J1501": TensionFigure(1.2, "1,2", 4, "forte", "ok", "2024", "2024")}

    monkeypatch.setattr(survey_queries.labour, "tension_figures", tension_figures)
    g = queries.give_to_get(camp, orgs[0])
    assert calls == [("custom:pays-de-vannes", ["J1501"])]
    assert g["occupations"][0]["tension"]["label"] == "forte"
    monkeypatch.setattr(survey_queries.labour, "tension_figures", lambda key, codes: {})
    assert queries.give_to_get(camp, orgs[0])["occupations"][0]["tension"] == {
        "status": "donnée indisponible"
    }
    # the sector's skills: the four companies (section I) cite the same skill, published with its count
    assert g["sector_skills"][0]["units"] == 4 and g["sector_skills"][0]["mine"]
