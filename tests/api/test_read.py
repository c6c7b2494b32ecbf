"""Read endpoints of /api/v1: territories, referentials, indicators (with statistical secrecy through every
filter combination), training offer, career paths, survey aggregates; pagination and bad input."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from gtec.careers.models import SavedPath
from tests.api.conftest import bearer
from tests.surveys import helpers as h
from tests.www.test_labour_pages import BMO_SMALL, EPCI, PDV, SECRET_TENSION, small_area  # noqa: F401

pytestmark = pytest.mark.django_db


def get(client, url, status=200, **extra):
    response = client.get(url, **extra)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def assert_page(payload, page, size):
    assert set(payload) >= {"items", "total", "page", "size", "pages"}
    assert payload["page"] == page and payload["size"] == size
    assert payload["pages"] == -(-payload["total"] // size)
    assert len(payload["items"]) == max(0, min(size, payload["total"] - (page - 1) * size))


# --- territories -------------------------------------------------------------------------------------------


def test_territories_search_detail_members(client):
    payload = get(client, "/api/v1/territoires?q=Vannes&size=5")
    assert_page(payload, 1, 5)
    assert any(t["cle"] == "commune:56260" for t in payload["items"])
    only = get(client, "/api/v1/territoires?q=Vannes&echelle=commune")
    assert {t["echelle"] for t in only["items"]} == {"commune"}
    detail = get(client, f"/api/v1/territoires/{EPCI}")
    assert detail["cle"] == EPCI and detail["echelle"] == "epci"
    first = get(client, f"/api/v1/territoires/{EPCI}/communes?size=3")
    second = get(client, f"/api/v1/territoires/{EPCI}/communes?size=3&page=2")
    assert_page(first, 1, 3)
    assert_page(second, 2, 3)
    assert not {c["cle"] for c in first["items"]} & {c["cle"] for c in second["items"]}
    beyond = get(client, f"/api/v1/territoires/{EPCI}/communes?size=3&page=999")
    assert beyond["items"] == [] and beyond["total"] == first["total"]
    containing = get(client, "/api/v1/territoires/commune:56260/appartenances")
    assert PDV in {t["cle"] for t in containing}


def test_bad_input_is_a_french_4xx(client):
    for url in [
        "/api/v1/territoires?size=1000",
        "/api/v1/territoires?page=0",
        "/api/v1/territoires?page=abc",
        "/api/v1/referentiels/appellations/abc",
        "/api/v1/formations?rome=XYZ",
        "/api/v1/formations?apres=31-12-2024",
        "/api/v1/formations/sessions",
        "/api/v1/parcours?distance_km=-3&appellation=1",
        "/api/v1/indicateurs/dares_tension?nomenclature=autre",
    ]:
        payload = get(client, url, 422)
        assert payload["code"] and "«" in payload["message"], url
    assert get(client, "/api/v1/territoires/nope:0", 404)["message"] == "Territoire « nope:0 » introuvable."
    assert get(client, "/api/v1/indicateurs/inconnu", 404)["code"] == "introuvable"
    response = client.post("/api/v1/parcours/texte", data="{pas du json", content_type="application/json")
    assert response.status_code in {400, 422} and response.json()["code"] == "requete_invalide"
    huge = client.get("/api/v1/territoires?q=" + "x" * 500)
    assert huge.status_code == 422


# --- referentials ------------------------------------------------------------------------------------------


def test_referentials(client):
    fiches = get(client, "/api/v1/referentiels/fiches?q=aide soignant")
    assert any(f["code_rome"] == "J1501" for f in fiches["items"])
    assert get(client, "/api/v1/referentiels/fiches?q=J1501")["items"][0]["code_rome"] == "J1501"
    fiche = get(client, "/api/v1/referentiels/fiches/j1501")
    assert fiche["code_rome"] == "J1501" and fiche["appellations"] and fiche["competences"]
    assert {c["type"] for c in fiche["competences"]} <= {"savoir_faire", "savoir_etre", "savoir"}
    assert get(client, "/api/v1/referentiels/fiches/J1501/mobilites") == fiche["mobilites"]
    get(client, "/api/v1/referentiels/fiches/Z9999", 404)
    hits = get(client, "/api/v1/referentiels/appellations?q=aide soignante&size=5")
    assert hits["items"] and hits["items"][0]["code_rome"] == "J1501"
    code = hits["items"][0]["code_ogr"]
    assert get(client, f"/api/v1/referentiels/appellations/{code}")["code_ogr"] == code
    by_rome = get(client, "/api/v1/referentiels/appellations?code_rome=J1501&size=100")
    assert by_rome["total"] == len(fiche["appellations"]) or by_rome["total"] >= 1
    skills = get(client, "/api/v1/referentiels/competences?q=soins&size=10")
    assert skills["total"] > 0
    one = skills["items"][0]
    assert get(client, f"/api/v1/referentiels/competences/{one['code_ogr']}")["libelle"] == one["libelle"]
    savoirs = get(client, "/api/v1/referentiels/competences?type=savoir&size=5")
    assert {s["type"] for s in savoirs["items"]} == {"savoir"}


# --- indicators and secrecy --------------------------------------------------------------------------------


FORBIDDEN = [str(SECRET_TENSION), "4.32", "4,32", "4.321"]


def no_secret_leak(payload_text: str, rows: list[dict]):
    for f in FORBIDDEN:
        assert f not in payload_text
    for row in rows:
        if row["statut"] == "secret":
            assert row["valeur"] is None and row["categorie"] is None and row["effectifs"] == ""
            assert row["affichage"] == row["symbole_secret"] == "s"


def test_indicator_values_never_leak_a_secret_cell(client, small_area):  # noqa: F811
    listing = get(client, "/api/v1/indicateurs")
    assert "dares_tension" in {i["nom"] for i in listing}
    payload = get(client, f"/api/v1/indicateurs/dares_tension?territoire={EPCI}&periode=2024")
    assert payload["total"] == 2 and payload["symbole_secret"] == "s" and "millesime" in payload
    secret = [r for r in payload["items"] if r["statut"] == "secret"]
    assert secret and secret[0]["metier"] == "S2X61"
    published = [r for r in payload["items"] if r["statut"] == "ok"][0]
    assert published["valeur"] == 1.5 and published["categorie"] == 5
    combos = itertools.product(
        ["dares_tension", "bmo_difficulty_rate"],
        [EPCI, PDV],
        [None, "2024"],
        [None, "S2X61", "s1x40", "A0X40", "tous"],
        [None, "fap2021", "all"],
        [None, "secret", "ok"],
        [1, 2, 100],
    )
    for name, key, period, metier, kind, status, size in combos:
        query = {"territoire": key, "size": size}
        query |= {"periode": period} if period else {}
        query |= {"metier": metier} if metier else {}
        query |= {"nomenclature": kind} if kind else {}
        query |= {"statut": status} if status else {}
        url = f"/api/v1/indicateurs/{name}?" + "&".join(f"{k}={v}" for k, v in query.items())
        pages = get(client, url)["pages"]
        for page in range(1, pages + 1):
            response = client.get(url + f"&page={page}")
            no_secret_leak(response.content.decode(), response.json()["items"])
    bmo = get(client, f"/api/v1/indicateurs/bmo_difficulty_rate?territoire={EPCI}&metier=S1X40")
    assert bmo["items"][0]["effectifs"] == "" and bmo["items"][0]["valeur"] is None
    assert not re.search(rf'"projects":\s*{BMO_SMALL}\b', json.dumps(bmo))
    periods = get(client, f"/api/v1/indicateurs/dares_tension/periodes?territoire={EPCI}")
    assert periods == ["2024"]
    # the old endpoint keeps working
    assert client.get(f"/api/indicateurs/dares_tension?territoire={EPCI}").status_code == 200


def test_indicator_pagination(client, small_area):  # noqa: F811
    url = f"/api/v1/indicateurs/bmo_difficulty_rate?territoire={EPCI}"
    whole = get(client, url + "&size=100")
    assert whole["total"] == 4
    seen = []
    for page in (1, 2, 3):
        payload = get(client, url + f"&size=2&page={page}")
        assert_page(payload, page, 2)
        seen += [r["metier"] for r in payload["items"]]
    assert seen == [r["metier"] for r in whole["items"]]


# --- training offer, career paths --------------------------------------------------------------------------


def test_training_read_after_api_write(client, make_token):
    raw = make_token("contribute")
    body = {
        "intitule": "Titre professionnel aide-soignant (API)",
        "romes": ["J1501"],
        "commune": "56260",
        "debut": "2099-03-01",
        "fin": "2099-09-30",
        "nb_places": 12,
    }
    created = client.post("/api/v1/formations", data=body, content_type="application/json", **bearer(raw))
    assert created.status_code == 201, created.content
    fid = created.json()["id"]
    catalogue = get(client, "/api/v1/formations?rome=J1501&commune=56260&size=100")
    assert fid in {f["id"] for f in catalogue["items"]}
    hit = next(f for f in catalogue["items"] if f["id"] == fid)
    assert hit["prochaine_session"] == "2099-03-01"
    sessions = get(client, "/api/v1/formations/sessions?rome=J1501&commune=56260&distance_km=30&limite=50")
    mine = [s for s in sessions if s["formation"] == fid]
    assert mine and mine[0]["distance_km"] is not None and mine[0]["debut"] == "2099-03-01"
    far = get(client, "/api/v1/formations/sessions?rome=J1501&commune=56260&distance_km=0.001&limite=50")
    assert all(s["distance_km"] <= 0.001 for s in far)
    detail = get(client, f"/api/v1/formations/{fid}")
    assert detail["actions"][0]["sessions"][0]["nb_places"] == 12
    get(client, "/api/v1/formations/999999999", 404)
    get(client, "/api/v1/formations/sessions?rome=J1501&commune=99999", 404)


def test_career_paths_get_and_free_text_never_stored(client):
    app = h.appellation("J1501").code_ogr
    payload = get(client, f"/api/v1/parcours?appellation={app}&limite=5")
    assert 1 <= len(payload["parcours"]) <= 5
    assert payload["competences"]
    before = SavedPath.objects.count()
    text = "J'ai travaillé comme serveuse, prise de commande et encaissement, service en salle."
    response = client.post(
        "/api/v1/parcours/texte", data={"texte": text, "limite": 3}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["parcours"]
    assert SavedPath.objects.count() == before
    assert get(client, "/api/v1/parcours", 422)["code"] == "requete_invalide"
    assert get(client, "/api/v1/parcours?appellation=1&commune=99999", 422)


# --- surveys -----------------------------------------------------------------------------------------------


def test_survey_results_apply_secrecy(client):
    campaign = h.campaign()
    from gtec.surveys import services as ss

    for hires in (1, 2):  # two respondents: every needs cell is below the frequency threshold
        org = h.company()
        ss.campaign_invite(campaign, [org])
        ss.response_save(campaign=campaign, organisation=org, data=h.answer(hires=hires), submit=True)
    payload = get(client, f"/api/v1/enquetes/{campaign.pk}/resultats")
    assert payload["repondants"] == 2 and payload["symbole_secret"] == "s"
    rows = payload["besoins"]["12m"]
    assert rows and all(r["total"] == "s" and r["secret"] for r in rows)
    assert all(d["taux"] == "s" for d in payload["difficulte"])
    listing = get(client, "/api/v1/enquetes")
    assert campaign.pk in {c["id"] for c in listing["items"]}
    draft = h.campaign(open_=False)
    get(client, f"/api/v1/enquetes/{draft.pk}/resultats", 404)


# --- anonymous rate limit ----------------------------------------------------------------------------------


def test_anonymous_reads_are_rate_limited_and_a_token_lifts_the_limit(client, make_token, monkeypatch):
    from gtec.api.v1.api import api

    throttle = api.throttle[0]
    monkeypatch.setattr(throttle, "num_requests", 3)
    statuses = [client.get("/api/v1/indicateurs").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    assert client.get("/api/v1/indicateurs").json()["code"] == "trop_de_requetes"
    spoofed = client.get("/api/v1/indicateurs", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert spoofed.status_code == 429  # a forged X-Forwarded-For does not escape the limit
    raw = make_token("read")
    assert all(client.get("/api/v1/indicateurs", **bearer(raw)).status_code == 200 for _ in range(5))
