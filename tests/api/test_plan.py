"""/api/v1/plan-d-action: the public part of the action plan (indicators before / after with secrecy), the
members' part and the retex journal behind the pages' predicates, writes by tokens (create an action,
change its state with 409 on a stale read, add a retex entry), every write journalled; bad input."""

from __future__ import annotations

import pytest

from gtec.actions import services as asv
from gtec.actions.models import RetexEntry
from gtec.api import services
from gtec.api.models import ApiWrite
from tests.actions.helpers import people_around_an_action
from tests.api.conftest import bearer
from tests.api.test_read import FORBIDDEN, assert_page, get
from tests.www.test_labour_pages import BMO_OTHERS, EPCI, small_area  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def around():
    return people_around_an_action(EPCI)


def token(people, name, organisation, *scopes):
    return services.token_create(
        organisation=organisation, name="t", scopes=scopes or ("contribute",), created_by=people[name]
    ).raw


def send(client, method, url, body, raw=None):
    call = getattr(client, method)
    return call(url, data=body, content_type="application/json", **(bearer(raw) if raw else {}))


def test_public_part_and_members_part(client, around):
    action, people = around
    lead, partner = action.lead, action.partners.get()
    action.budget = 12345
    action.save()
    asv.retex_add(action=action, user=people["admin_pilote"], organisation=lead, date=action.created_at.date(),
                  kind="difficulte", title="Peu d'inscrits", text="La date tombait pendant les vacances.")  # fmt: skip
    url = f"/api/v1/plan-d-action/{EPCI}/actions"
    anonymous = get(client, url)
    assert_page(anonymous, 1, 20)
    mine = next(a for a in anonymous["items"] if a["id"] == action.pk)
    assert mine["acces"] == "public" and mine["intitule"] == "Session aide-soignant"
    assert mine["pilote"] is None and mine["budget"] is None and mine["contributions"] is None
    assert "12345" not in client.get(url).content.decode()
    reader = token(people, "lecteur_pilote", lead, "read")
    member = get(client, url, **bearer(reader))
    full = next(a for a in member["items"] if a["id"] == action.pk)
    assert full["acces"] == "membres" and full["pilote"]["nom"] == lead.name and full["budget"] == 12345
    assert {p["id"] for p in full["partenaires"]} == {partner.pk}
    assert get(client, f"/api/v1/plan-d-action/actions/{action.pk}")["acces"] == "public"
    retex = f"/api/v1/plan-d-action/{EPCI}/retex"
    assert get(client, retex, 401)["code"] == "authentification_requise"
    outsider = services.token_create(organisation=lead, name="t", scopes=["read"], created_by=None).raw
    assert get(client, retex, 403, **bearer(outsider))["code"] == "interdit"
    journal = get(client, retex + "?nature=difficulte&q=vacances", **bearer(reader))
    assert journal["total"] == 1 and journal["items"][0]["titre"] == "Peu d'inscrits"
    assert get(client, retex + "?nature=reussite", **bearer(reader))["total"] == 0
    assert get(client, url + "?etat=terminee")["total"] == 0
    assert get(client, url + "?q=aide-soignant")["total"] >= 1
    for bad in ["?etat=x", "?public=x", "?metier=XYZ", "?size=500", "?page=0"]:
        assert get(client, url + bad, 422)["code"] in {"requete_invalide", "pagination_invalide"}
    get(client, "/api/v1/plan-d-action/nope:0/actions", 404)
    get(client, "/api/v1/plan-d-action/actions/999999999", 404)
    get(client, retex + "?nature=x", 422, **bearer(reader))


def test_targeted_indicators_never_give_a_secret_cell(client, around, small_area):  # noqa: F811
    action, people = around
    specs = [{"indicator": "dares_tension", "occupation": "S2X61"}, {"indicator": "dares_tension"}]
    specs += [{"indicator": "bmo_difficulty_rate", "occupation": code} for code in ["S1X40", *BMO_OTHERS]]
    created = asv.action_create(
        territory=action.territory, user=people["coordinateur"], fields={"title": "Suivi", "lead": action.lead},
        indicators=specs,
    )  # fmt: skip
    payload = client.get(f"/api/v1/plan-d-action/actions/{created.pk}")
    text = payload.content.decode()
    for value in FORBIDDEN:
        assert value not in text
    rows = payload.json()["indicateurs"]
    assert len(rows) == len(specs)
    for row in rows:
        published = get(
            client,
            f"/api/v1/indicateurs/{row['indicateur']}?territoire={EPCI}&metier={row['metier'] or 'tous'}",
        )["items"]
        secret_periods = {r["periode"] for r in published if r["statut"] == "secret"}
        for shown, period in [(row["avant"], row["periode_avant"]), (row["apres"], row["periode_apres"])]:
            if period in secret_periods:
                assert shown == "s" and row["evolution"] is None and row["atteinte"] is None, row
    assert any(r["avant"] == "s" for r in rows) and any(r["avant"] not in {"s", "—"} for r in rows)


def test_retex_write_permissions_and_journal(client, around):
    action, people = around
    lead, partner = action.lead, action.partners.get()
    url = f"/api/v1/plan-d-action/actions/{action.pk}/retex"
    body = {"date": "2026-03-02", "nature": "reussite", "titre": "Bonne affluence", "recit": "40 visiteurs."}
    assert send(client, "post", url, body).status_code == 401
    reader_scope = token(people, "contributeur_partenaire", partner, "read")
    assert send(client, "post", url, body, reader_scope).json()["code"] == "portee_insuffisante"
    outside = token(people, "contributeur_exterieur", lead.__class__.objects.create(name="X"))
    refused = send(client, "post", url, body, outside)
    assert refused.status_code == 403 and refused.json()["code"] == "interdit"
    assert send(client, "post", url, body, token(people, "lecteur_partenaire", partner)).status_code == 403
    orphan = services.token_create(organisation=partner, name="t", scopes=["contribute"], created_by=None).raw
    assert send(client, "post", url, body, orphan).json()["code"] == "jeton_sans_auteur"
    writer = token(people, "contributeur_partenaire", partner)
    created = send(client, "post", url, body, writer)
    assert created.status_code == 201, created.content
    assert created.json()["organisation"] == partner.name and created.json()["libelle_nature"]
    entry = RetexEntry.objects.get(pk=created.json()["id"])
    assert entry.author == people["contributeur_partenaire"] and entry.organisation == partner
    bad = send(client, "post", url, {**body, "nature": "autre", "titre": ""}, writer)
    assert bad.status_code == 422 and "« nature »" in bad.json()["message"]
    assert send(client, "post", url, {**body, "date": "02/03/2026"}, writer).status_code == 422
    assert send(client, "post", url, "{pas du json", writer).status_code in {400, 422}
    assert send(client, "post", "/api/v1/plan-d-action/actions/999999/retex", body, writer).status_code == 404
    journal = set(ApiWrite.objects.values_list("action", "status"))
    assert {("retex.ajouter", 201), ("retex.ajouter", 403), ("retex.ajouter", 422)} <= journal


def test_create_action_and_change_its_state_with_stale_read(client, around):
    action, people = around
    lead, partner = action.lead, action.partners.get()
    url = f"/api/v1/plan-d-action/{EPCI}/actions"
    body = {
        "intitule": "Job-dating du BTP",
        "pilote": lead.pk,
        "partenaires": [partner.pk],
        "debut": "2026-05-01",
        "fin": "2026-05-31",
        "metiers": ["f1703", "F1701"],
        "indicateurs": [{"indicateur": "dares_tension", "cible": 0.8, "sens": "baisse"}],
    }
    admin = token(people, "admin_pilote", lead)
    assert send(client, "post", url, body, admin).status_code == 403  # only coordinators create actions
    coordinator = token(people, "coordinateur", lead)
    created = send(client, "post", url, body, coordinator)
    assert created.status_code == 201, created.content
    new = created.json()
    assert new["metiers"] == ["F1703", "F1701"] and new["acces"] == "membres"
    assert new["indicateurs"][0]["indicateur"] == "dares_tension" and new["indicateurs"][0]["cible"] == "0,80"
    for wrong in [
        {"fin": "2026-04-01"},
        {"metiers": ["XX"]},
        {"pilote": 999999999},
        {"etat": "oubliee"},
        {"indicateurs": [{"indicateur": "inconnu"}]},
        {"indicateurs": [{"indicateur": "dares_tension", "metier": "trop-long!"}]},
    ]:
        refused = send(client, "post", url, {**body, **wrong}, coordinator)
        assert refused.status_code == 422 and "«" in refused.json()["message"], wrong
    elsewhere = token(people, "coordinateur_ailleurs", lead)
    assert send(client, "post", url, body, elsewhere).status_code == 403

    state = f"/api/v1/plan-d-action/actions/{new['id']}"
    change = {"etat": "en_cours", "modifiee_le": new["modifiee_le"]}
    assert (
        send(client, "patch", state, change, token(people, "contributeur_partenaire", partner)).status_code
        == 403
    )
    moved = send(client, "patch", state, change, admin)
    assert moved.status_code == 200, moved.content
    assert moved.json()["etat"] == "en_cours"
    stale = send(client, "patch", state, {**change, "etat": "terminee"}, admin)
    assert stale.status_code == 409 and stale.json()["code"] == "conflit_de_version"
    assert stale.json()["modifiee_le"]
    fresh = {"etat": "x", "modifiee_le": moved.json()["modifiee_le"]}
    assert send(client, "patch", state, fresh, admin).status_code == 422
    assert send(client, "patch", state, {"etat": "terminee"}, admin).status_code == 422
    journal = set(ApiWrite.objects.values_list("action", "status"))
    assert {("action.creer", 201), ("action.creer", 403), ("action.creer", 422)} <= journal
    assert {("action.etat", 200), ("action.etat", 409), ("action.etat", 403)} <= journal
