"""Writes through /api/v1 by an organisation's token: survey answers (same validation and versioning as the
form, 409 on a stale version) and a training body's own offer; permissions; every write journalled."""

from __future__ import annotations

import pytest

from gtec.api.models import ApiWrite
from gtec.surveys import services as ss
from gtec.surveys.models import ResponseVersion
from tests.api.conftest import bearer
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db


def put(client, url, body, raw=None):
    return client.put(url, data=body, content_type="application/json", **(bearer(raw) if raw else {}))


def test_survey_answer_draft_submit_and_stale_version(client, org, make_token):
    campaign = h.campaign()
    ss.campaign_invite(campaign, [org])
    raw = make_token("contribute")
    url = f"/api/v1/enquetes/{campaign.pk}/reponse"
    assert client.get(url, **bearer(raw)).json()["version"] == 0
    draft = put(client, url, {"donnees": {"effectif": 12}, "version": 0}, raw)
    assert draft.status_code == 200, draft.content
    assert draft.json()["version"] == 1 and draft.json()["etat"] == "brouillon"
    stale = put(client, url, {"donnees": {"effectif": 13}, "version": 0}, raw)
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflit_de_version" and stale.json()["version"] == 1
    incomplete = put(client, url, {"donnees": {"effectif": 12}, "version": 1, "soumettre": True}, raw)
    assert incomplete.status_code == 422 and incomplete.json()["erreurs"]
    sent = put(client, url, {"donnees": h.answer(), "version": 1, "soumettre": True}, raw)
    assert sent.status_code == 200, sent.content
    assert sent.json()["etat"] == "envoyee" and sent.json()["version"] == 2
    version = ResponseVersion.objects.get(response__organisation=org, number=2)
    assert version.source == "api" and version.status == "envoyee"
    actions = list(ApiWrite.objects.filter(organisation=org).values_list("action", "status"))
    assert ("reponse.brouillon", 200) in actions
    assert ("reponse.enregistrer", 409) in actions
    assert ("reponse.envoyer", 422) in actions
    assert ("reponse.envoyer", 200) in actions


def test_survey_answer_permissions(client, org, make_token):
    campaign = h.campaign()
    url = f"/api/v1/enquetes/{campaign.pk}/reponse"
    body = {"donnees": {"effectif": 1}, "version": 0}
    assert put(client, url, body).status_code == 401
    assert put(client, url, body, "gtec_nimporte_quoi").status_code == 401
    reader = make_token("read")
    forbidden = put(client, url, body, reader)
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "portee_insuffisante"
    writer = make_token("contribute")
    not_invited = put(client, url, body, writer)
    assert not_invited.status_code == 403  # the organisation is not invited to this campaign
    assert client.get(url, **bearer(writer)).status_code == 403
    ss.campaign_invite(campaign, [org])
    assert put(client, url, body, writer).status_code == 200
    ss.campaign_close(campaign)
    closed = put(client, url, {"donnees": {"effectif": 2}, "version": 1}, writer)
    assert closed.status_code == 409 and closed.json()["code"] == "campagne_close"
    other = h.company("Autre")
    ss.campaign_invite(campaign, [other])
    assert client.get(url, **bearer(make_token("read", organisation=other))).json()["version"] == 0


def test_training_offer_update_owner_only_and_stale_version(client, org, make_token):
    raw = make_token("contribute")
    body = {"intitule": "Formation API", "commune": "56260", "romes": ["J1501"]}
    created = client.post("/api/v1/formations", data=body, content_type="application/json", **bearer(raw))
    assert created.status_code == 201
    fid, version = created.json()["id"], created.json()["version"]
    url = f"/api/v1/formations/{fid}"
    updated = put(client, url, {**body, "intitule": "Formation API modifiée", "version": version}, raw)
    assert updated.status_code == 200 and updated.json()["intitule"] == "Formation API modifiée"
    assert updated.json()["version"] == version + 1
    stale = put(client, url, {**body, "version": version}, raw)
    assert stale.status_code == 409 and stale.json()["code"] == "conflit_de_version"
    other = make_token("contribute", organisation=h.company("Concurrent"))
    assert put(client, url, {**body, "version": version + 1}, other).status_code == 403
    assert put(client, url, {**body, "version": version + 1}, make_token("read")).status_code == 403
    bad = put(client, url, {**body, "romes": ["XX"], "version": version + 1}, raw)
    assert bad.status_code == 422 and "ROME" in bad.json()["message"]
    unknown = put(client, url, {**body, "commune": "99999", "version": version + 1}, raw)
    assert unknown.status_code == 422
    missing = client.post("/api/v1/formations", data={}, content_type="application/json", **bearer(raw))
    assert missing.status_code == 422 and "intitule" in missing.json()["message"]
    journal = list(ApiWrite.objects.filter(organisation=org).values_list("action", "status"))
    assert ("formation.creer", 201) in journal and ("formation.modifier", 409) in journal
    admin = make_token("admin")
    listed = client.get("/api/v1/organisation/journal", **bearer(admin)).json()
    assert listed["total"] == len(journal)
    assert client.get("/api/v1/organisation/journal", **bearer(raw)).status_code == 403
