"""HTTP of the needs area: login throttling, questionnaire (autosave, submit), CSRF, XSS, audit log."""

import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from gtec.organisations.models import ADMIN, COORDINATOR
from gtec.surveys import services
from gtec.surveys.models import AccessLog, Response
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_login_is_throttled_by_username():
    h.user("a@example.org")
    c = Client()
    for _ in range(5):
        r = c.post(reverse("login"), {"username": "a@example.org", "password": "faux"})
        assert r.status_code == 200 and "Saisissez" in r.content.decode()
    r = c.post(reverse("login"), {"username": "a@example.org", "password": "mot-de-passe-test"})
    assert "Trop de tentatives" in r.content.decode() and "_auth_user_id" not in c.session
    assert Client().post(reverse("login"), {"username": "b@example.org", "password": "x"}).status_code == 200


def test_login_then_questionnaire_autosave_and_submit():
    camp, org = h.campaign(), h.company()
    services.campaign_invite(camp, [org])
    h.user("boss@example.org", org, ADMIN)
    c = Client()
    r = c.post(reverse("login"), {"username": "boss@example.org", "password": "mot-de-passe-test"})
    assert r.status_code == 302
    home = c.get(reverse("needs_home")).content.decode()
    url = reverse("questionnaire", args=[camp.pk, org.pk])
    assert f'href="{url}"' in home
    assert c.get(url).status_code == 200
    auto = reverse("questionnaire_autosave", args=[camp.pk, org.pk])
    r = c.post(auto, json.dumps({"data": h.answer(), "base_version": 0}), content_type="application/json")
    assert r.json()["version"] == 1
    r = c.post(
        auto, json.dumps({"data": h.answer(effectif=5), "base_version": 0}), content_type="application/json"
    )
    assert r.status_code == 409  # stale: nothing overwritten
    r = c.post(url, {"data": json.dumps(h.answer()), "base_version": 1, "action": "envoyer"})
    assert r.status_code == 302 and r["Location"] == reverse("give_to_get", args=[camp.pk, org.pk])
    assert Response.objects.get(campaign=camp, organisation=org).submitted.number == 2
    page = c.get(r["Location"])
    assert page.status_code == 200 and "Votre établissement face au territoire" in page.content.decode()


def test_forms_require_csrf():
    camp, org = h.campaign(), h.company()
    services.campaign_invite(camp, [org])
    h.user("boss@example.org", org, ADMIN)
    c = Client(enforce_csrf_checks=True)
    c.force_login(h.user("x@example.org", org, ADMIN))
    url = reverse("questionnaire", args=[camp.pk, org.pk])
    assert c.post(url, {"data": json.dumps(h.answer()), "action": "envoyer"}).status_code == 403
    auto = reverse("questionnaire_autosave", args=[camp.pk, org.pk])
    assert c.post(auto, "{}", content_type="application/json").status_code == 403
    assert (
        Client(enforce_csrf_checks=True)
        .post(reverse("login"), {"username": "x", "password": "y"})
        .status_code
        == 403
    )
    assert not Response.objects.exists()


def test_user_text_is_escaped():
    camp, org = h.campaign(), h.company(name="<script>alert('nom')</script>")
    a = h.answer(besoins_formation="</script><script>alert('x')</script>")
    h.submit(camp, org, a)
    c = Client()
    c.force_login(h.user("boss@example.org", org, ADMIN))
    body = c.get(reverse("questionnaire", args=[camp.pk, org.pk])).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;nom&#x27;)&lt;/script&gt;" in body
    assert "\\u003C/script\\u003E" in body  # json_script escapes the draft embedded for needs.js


def test_raw_answer_reading_is_logged_and_visible_to_the_organisation():
    camp, org = h.campaign(), h.company()
    h.submit(camp, org)
    coord = h.user("coord@example.org", role=COORDINATOR, terr=camp.territory)
    c = Client()
    c.force_login(coord)
    resp = Response.objects.get(organisation=org)
    assert c.get(reverse("response_raw", args=[resp.pk])).status_code == 403  # charter not accepted
    assert c.post(reverse("campaign_action", args=[camp.pk]), {"action": "charte"}).status_code == 302
    assert c.get(reverse("response_raw", args=[resp.pk])).status_code == 200
    log = AccessLog.objects.get(organisation=org)
    assert log.user == coord and log.role == "Coordinateur du territoire"
    member = Client()
    member.force_login(h.user("boss@example.org", org, ADMIN))
    assert "coord@example.org" in member.get(reverse("organisation", args=[org.pk])).content.decode()


def test_public_results_and_coordinator_page():
    camp = h.campaign()
    for i in range(4):
        h.submit(camp, h.company(f"P{i}"))
    page = Client().get(reverse("campaign_results", args=[camp.pk])).content.decode()
    assert "Recrutements prévus à 12 mois" in page and h.appellation("J1501").fiche.libelle in page
    assert Client().get(reverse("campaign_manage", args=[camp.pk])).status_code == 302  # login first
    c = Client()
    c.force_login(h.user("coord@example.org", role=COORDINATOR, terr=camp.territory))
    body = c.get(reverse("campaign_manage", args=[camp.pk])).content.decode()
    assert 'data-kpi="submitted">4<' in body and "Taux de réponse par secteur" in body
    assert "Je confirme vouloir clore" in body
    c.post(reverse("campaign_action", args=[camp.pk]), {"action": "clore"})  # not confirmed: nothing changes
    camp.refresh_from_db()
    assert camp.status == "ouverte"
    c.post(reverse("campaign_action", args=[camp.pk]), {"action": "clore", "confirmer": "1"})
    camp.refresh_from_db()
    assert camp.status == "close"


def test_non_contributor_sees_only_public_aggregates():
    camp, org = h.campaign(), h.company()
    services.campaign_invite(camp, [org])
    c = Client()
    c.force_login(h.user("boss@example.org", org, ADMIN))
    r = c.get(reverse("give_to_get", args=[camp.pk, org.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("campaign_results", args=[camp.pk])


def test_workbook_upload_reports_errors_and_template_downloads(tmp_path, data_dir):
    from gtec_core.demo import survey as demo

    camp = h.campaign()
    c = Client()
    c.force_login(h.user("coord@example.org", role=COORDINATOR, terr=camp.territory))
    r = c.get(reverse("workbook_template", args=[camp.pk]))
    assert r.status_code == 200 and r.content[:2] == b"PK"  # built once, then served from the cache
    rows = demo.generate(data_dir, n=3, seed=1)
    rows[1].siret = "12345678901234"
    path = demo.write(tmp_path / "x.xlsx", rows)
    with path.open("rb") as f:
        r = c.post(reverse("campaign_import", args=[camp.pk]), {"fichier": f})
    assert r.status_code == 400 and "Etablissements" in r.content.decode() and not Response.objects.exists()


def test_questionnaire_state_line_says_draft_and_introduces_itself():
    camp, org = h.campaign(), h.company("Crêperie d'essai", naf="56.10C")
    services.campaign_invite(camp, [org])
    c = Client()
    c.force_login(h.user("rh@example.org", org, ADMIN))
    page = c.get(reverse("questionnaire", args=[camp.pk, org.pk])).content.decode()
    assert "Avant de commencer" in page and "Ce que vous recevez" in page and "56.10C" in page
    h.submit(camp, org)
    sent = c.get(reverse("questionnaire", args=[camp.pk, org.pk])).content.decode()
    assert "réponse <strong>envoyée</strong>" in sent
    services.response_save(campaign=camp, organisation=org, data=h.answer(hires=5), submit=False)
    draft = c.get(reverse("questionnaire", args=[camp.pk, org.pk])).content.decode()
    assert "<strong>brouillon</strong> en cours" in draft
