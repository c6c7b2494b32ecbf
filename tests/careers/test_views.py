"""The careers pages through the Django test client, on the real imported ROME 4.0."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from gtec.careers import services
from gtec.careers.models import SavedPath
from gtec.referentials.models import Appellation

pytestmark = pytest.mark.django_db


def results_params(response) -> dict[str, list[str]]:
    assert response.status_code == 302, response.status_code
    return parse_qs(urlparse(response["Location"]).query)


def review_codes(html: str) -> set[int]:
    return {int(c) for c in re.findall(r'name="c" value="(\d+)" checked', html)}


def test_start_page_is_a_plain_accessible_form(client):
    html = client.get("/parcours/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    for field in ("metier", "texte", "q_competence", "commune", "km"):
        assert f'<label for="{field}"' in html
    assert 'aria-live="polite"' in html
    assert 'aria-current="step"' in html
    assert "Vannes" in html  # communes of the default territory
    assert 'href="/parcours/" aria-current="page"' in html  # nav link


def test_free_text_of_unpaid_experience_to_results(client):
    text = "J'ai aidé ma grand-mère au quotidien pendant trois ans : toilette, repas, rendez-vous médicaux."
    review = client.post("/parcours/competences/", {"texte": text})
    html = review.content.decode()
    assert review.status_code == 200
    assert "D&#x27;après votre description" in html
    codes = review_codes(html)
    assert 300034 in codes  # Aider la personne (text engine of gtec_core.matching, issue #10)
    assert "repas" in html
    go = client.post("/parcours/competences/", {"c": sorted(codes), "go": "1"})
    params = results_params(go)
    assert sorted(int(c) for c in params["c"]) == sorted(codes)
    page = client.get(go["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    top = re.findall(r'id="p-([A-N]\d{4})"', body)
    assert {"K1302", "K1304", "K1311"} & set(top[:10])
    assert "Ce qui vous manque" in body
    assert "donnée locale indisponible" in body  # no labour / training provider installed yet


def test_appellation_typed_without_javascript(client):
    review = client.post("/parcours/competences/", {"metier": "aide soignante"})
    html = review.content.decode()
    assert 'type="radio"' in html and "Aide-soignant" in html
    codes = review_codes(html)
    first = re.search(r'name="a1" value="(\d+)" checked', html).group(1)
    app = Appellation.objects.get(code_ogr=int(first))
    assert app.fiche_id == "J1501"
    # every skill of the fiche is ticked, except its diplomas and licences (listed apart, unticked)
    from gtec.careers.queries import certification_codes

    fiche = {e.code_ogr for e in services.fiche_skills("J1501")}
    assert codes == fiche - certification_codes(list(fiche))
    go = client.post("/parcours/competences/", {"c": sorted(codes), "a1": first, "go": "1"})
    params = results_params(go)
    assert params["a"] == [first]
    body = client.get(go["Location"]).content.decode()
    assert 'id="p-J1501"' not in body  # one's own métier is not a destination
    assert "Passerelle officielle du ROME depuis J1501" in body


def test_appellation_code_from_autocomplete_and_picked_skill(client):
    app = Appellation.objects.filter(fiche_id="M1805", actif=True).first()
    api = client.get("/api/competences", {"q": "gérer les stocks"}).json()
    assert api["results"] and "stock" in api["results"][0]["libelle"].lower()
    skill = api["results"][0]["code_ogr"]
    html = client.post("/parcours/competences/", {"appellation": app.code_ogr, "c": [skill]}).content.decode()
    assert f'name="c" value="{skill}" checked' in html
    assert "De votre expérience" in html
    # Re-posting the review keeps unchecked skills out and does not list the métier's skills again.
    codes = review_codes(html)
    dropped = sorted(codes - {skill})[0]
    again = client.post(
        "/parcours/competences/",
        {
            "appellation": app.code_ogr,
            "seen": app.code_ogr,
            "c": sorted(codes - {dropped}),
            "q_competence": "anglais",
        },
    ).content.decode()
    assert dropped not in review_codes(again)
    assert "Résultats pour « anglais »" in again
    assert re.search(r'name="c" value="\d+">', again)  # suggestions unchecked


def test_commune_distance_and_counsellor_view(client):
    params = {"c": [300318, 300323], "commune": "56260", "km": "20"}
    body = client.get("/parcours/resultats/", params).content.decode()
    assert "autour de Vannes (20 km)" in body
    dense = client.get("/parcours/conseil/resultats/", params).content.decode()
    assert "<table" in dense and "Couverture" in dense
    assert re.search(r'<td class="num">0[,.]\d{3}</td>', dense)
    bad = client.get("/parcours/resultats/", {"c": "abc", "km": "7", "commune": "<x>"})
    assert bad.status_code == 302  # nothing usable: back to step 1


def test_save_then_revoke_a_private_link(client):
    response = client.post(
        "/parcours/enregistrer/", {"c": [300318, 300323, 999999999], "commune": "56260", "km": "20"}
    )
    token = response["Location"].split("/parcours/s/")[1].split("/")[0]
    saved = SavedPath.objects.get(token=token)  # other rows may have been committed by the browser tests
    assert response["Location"] == f"/parcours/s/{saved.token}/?enregistre=1"
    assert len(saved.token) >= 40
    assert saved.skills == [300318, 300323]  # unknown codes dropped
    page = client.get(response["Location"])
    assert page.status_code == 200 and page["X-Robots-Tag"].startswith("noindex")
    html = page.content.decode()
    assert "Supprimer ce parcours" in html
    # The confirmation is at the top of the page, before the first result.
    assert html.index("Votre parcours est enregistré") < html.index('class="card path"')
    assert client.get("/parcours/s/not-a-token/").status_code == 404
    deleted = client.post(f"/parcours/s/{saved.token}/supprimer/")
    assert deleted.status_code == 200 and not SavedPath.objects.filter(token=token).exists()
    assert client.get(response["Location"]).status_code == 404


def test_csrf_is_enforced():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/parcours/competences/", {"texte": "caissière"}).status_code == 403
    assert strict.post("/parcours/enregistrer/", {"c": [300318]}).status_code == 403
    saved = SavedPath.objects.create(skills=[300318])
    assert strict.post(f"/parcours/s/{saved.token}/supprimer/").status_code == 403
    assert SavedPath.objects.filter(pk=saved.pk).exists()
    assert strict.get(f"/parcours/s/{saved.token}/supprimer/").status_code == 405


def test_user_text_is_escaped(client):
    evil = '<script>alert("x")</script> je tenais les comptes du club'
    html = client.post(
        "/parcours/competences/",
        {"texte": evil, "metier": "<img src=x onerror=alert(1)>", "q_competence": "<b>x"},
    ).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_local_inputs_are_used_when_a_provider_exists(client, monkeypatch):
    from gtec.labour.read.cells import Cell
    from gtec.labour.read.local import LocalFigures
    from gtec.training.queries import NextSession

    calls = {}

    def local_figures(territory_key, codes_rome):
        calls["demand"] = (territory_key, list(codes_rome))
        code = codes_rome[-1]
        return {
            code: LocalFigures(
                code, "Vannes", "2024", 40, None, None, None, None, 5, "", Cell("—", None), "2024", "BMO"
            )
        }

    def sessions(codes_rome, commune=None, max_km=None, limit=None):
        calls["sessions"] = (commune, max_km, limit)
        session = NextSession(1, "Titre pro <comptable>", "GRETA", "", "", None, None, None, "", 1.0, 3)
        return {codes_rome[-1]: [session]}

    monkeypatch.setattr(services.labour, "local_figures", local_figures)
    monkeypatch.setattr(services.training_queries, "sessions_for_fiches", sessions)
    monkeypatch.setattr(services.labour, "establishments_for_fiches", lambda *a, **k: {})
    params = {"c": [300318, 300323], "commune": "56260", "km": "20"}
    body = client.get("/parcours/resultats/", params).content.decode()
    assert calls["demand"][0] == "ze:5318"
    assert calls["sessions"] == ("56260", 20, 3)
    boosted = calls["demand"][1][-1]
    assert f'id="p-{boosted}"' in body  # the last candidate climbs into the top 20 with demand and training
    assert "Offres d&#x27;emploi en cours : <strong>40</strong>" in body and "BMO, 2024" in body
    assert "Titre pro &lt;comptable&gt;" in body
    assert "donnée locale indisponible" in body  # other fiches, and no establishment


def test_fiches_without_local_figures_say_so(client):
    body = client.get("/parcours/resultats/", {"c": [300318]}).content.decode()
    assert "donnée locale indisponible" in body and 'id="p-' in body


def test_results_start_with_a_summary_and_filter_by_band(client):
    params = {"a": ["10918"], "c": [300318, 300323]}  # an appellation plus two skills
    html = client.get("/parcours/resultats/", params).content.decode()
    assert "En bref" in html and html.index("En bref") < html.index('class="card path"')
    assert 'name="bande"' in html
    near = client.get("/parcours/resultats/", {**params, "bande": "proche"}).content.decode()
    assert "Une reconversion</span>" not in near
    # No card ever shows 0 % and « proche » skills are listed apart from what the person knows.
    assert "<strong>0 %</strong>" not in html
    assert "(proche de ce que vous faites)" not in html


def test_edit_description_keeps_what_was_chosen(client):
    html = client.get("/parcours/", {"a": ["10918"], "c": [300318], "commune": "56260"}).content.decode()
    assert 'name="appellation" value="10918" checked' in html
    assert 'name="c" value="300318" checked' in html
    assert 'value="56260" selected' in html


def test_results_link_to_where_the_person_acts_next(client):
    html = client.get("/parcours/resultats/", {"c": [300318, 300323], "commune": "56260"}).content.decode()
    assert "candidat.francetravail.fr/offres/recherche?motsCles=" in html
    assert "labonnealternance" in html and "immersion-facile" in html


def test_review_lists_diplomas_apart_and_unticked(client):
    """A serveur's fiche carries titles and CQP: they are shown apart and never ticked for the person."""
    from gtec.careers.queries import certification_codes
    from gtec.referentials.models import Appellation

    app = Appellation.objects.filter(libelle__istartswith="Serveur").first()
    html = client.post("/parcours/competences/", {"appellation": [app.code_ogr]}).content.decode()
    assert "Diplômes, certifications et habilitations du métier" in html
    skill_part, cert_part = html.split("Diplômes, certifications et habilitations du métier", 1)
    codes = [int(c) for c in re.findall(r'name="c" value="(\d+)"', html)]
    certs = certification_codes(codes)
    assert certs, "the fiche has certifications"
    for code in certs:
        assert f'id="c-{code}" name="c" value="{code}" checked' not in html
        assert f'value="{code}"' not in skill_part
    # the count under the list is the ticked skills, not the unticked diplomas too (59 for 51 ticked)
    ticked = len(re.findall(r'name="c" value="\d+" checked', html))
    assert ticked and f"{ticked} compétences retenues." in html


def test_a_master_level_job_is_shown_as_a_long_path_for_an_aide_soignante(client):
    from gtec.careers.queries import entry_levels
    from gtec.referentials.models import Appellation

    app = Appellation.objects.filter(fiche_id="J1501", actif=True).first()
    skills = [e.code_ogr for e in services.fiche_skills("J1501")][:40]
    html = client.get("/parcours/resultats/", {"a": [app.code_ogr], "c": skills}).content.decode()
    cards = re.findall(r'id="p-([A-Z]\d{4})"', html)
    levels = entry_levels(cards)
    high = [c for c in cards if levels[c].level is not None and levels[c].level >= 6]
    assert high, "an aide-soignante is offered some bac + 3 jobs (nursing)"
    for code in high:  # e.g. IDE (J1506): shown with its diploma, never as simply « à votre portée »
        card = html.split(f'id="p-{code}"', 1)[1].split('class="card path"', 1)[0]
        assert "Parcours long" in card


def test_counsellor_prepares_a_sheet_without_personal_data(client):
    params = {"c": [300318, 300323], "commune": "56260", "km": "20"}
    start = client.get("/parcours/conseil/").content.decode()
    assert "Aucune donnée personnelle" in start and "immersion-facile.beta.gouv.fr" in start
    assert "emplois.inclusion.beta.gouv.fr" in start and "labonnealternance" in start
    dense = client.get("/parcours/conseil/resultats/", params).content.decode()
    assert 'action="/parcours/conseil/fiche/"' in dense and "territoire ze:" not in dense
    codes = re.findall(r'name="m" value="([A-N]\d{4})"', dense)
    assert len(codes) >= 2
    sheet = client.get("/parcours/conseil/fiche/", {**params, "m": codes[:2]})
    assert sheet.status_code == 200 and sheet["Cache-Control"] == "private, no-store"
    html = sheet.content.decode()
    assert html.count('class="card sheet"') == 2
    assert f"rome={codes[0]}" in html  # Immersion Facile, filtered on the occupation
    assert "Formations près d&#x27;ici" in html or "Formations près d'ici" in html
    assert "ni nom ni coordonnées" in html and "<input" not in html.split("<main")[-1].split("</main>")[0]
    assert not SavedPath.objects.exists()  # nothing stored
    # junk in the choice is ignored; nothing usable goes back to the start
    assert client.get("/parcours/conseil/fiche/", {**params, "m": "<x>"}).status_code == 200
    assert client.get("/parcours/conseil/fiche/", {"m": "A1234"}).status_code == 302


def test_results_elide_before_an_occupation_starting_with_a_vowel(client):
    from gtec.referentials.models import Appellation

    app = Appellation.objects.filter(libelle__istartswith="Aide-soignant").first()
    skills = [e.code_ogr for e in services.fiche_skills(app.fiche_id)][:20]
    html = client.get("/parcours/resultats/", {"a": [app.code_ogr], "c": skills}).content.decode()
    assert "expérience d&#x27;Aide-soignant" in html or "expérience d'Aide-soignant" in html
    assert "expérience de Aide" not in html
    assert not re.search(r"début (le )?1 [a-zé]+ 20\d\d", html)  # « 1er septembre », never « 1 septembre »
