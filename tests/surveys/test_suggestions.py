"""The survey's free-text suggestions (`/besoins/api/suggestions`, docs/api.md): the text engine's ROME
skills for what a company typed, the chosen fiche's first; GET only; a bad `code_rome` is a French 400."""

import pytest
from django.test import Client

from gtec.referentials.models import FicheCompetence

pytestmark = pytest.mark.django_db

URL = "/besoins/api/suggestions"


def test_a_care_need_gets_the_fiche_s_own_skills_first():
    body = Client().get(URL, {"code_rome": "J1501", "texte": "aider les patients à la toilette et aux repas"})
    assert body.status_code == 200
    results = body.json()["results"]
    assert 1 <= len(results) <= 5
    assert set(results[0]) == {"code_ogr", "libelle", "score", "fiche"}
    own = set(FicheCompetence.objects.filter(fiche_id="J1501").values_list("competence_id", flat=True))
    assert results[0]["fiche"] is True
    flags = [r["fiche"] for r in results]
    assert flags == sorted(flags, reverse=True)  # the fiche's skills before the others
    assert any(r["code_ogr"] in own for r in results) or any(
        "toilette" in r["libelle"].lower() for r in results
    )


def test_a_need_without_fiche_and_the_limit():
    body = Client().get(URL, {"texte": "souder des pièces en acier, lire un plan", "limit": 2}).json()
    assert 1 <= len(body["results"]) <= 2
    assert body["code_rome"] == ""


def test_short_or_empty_text_suggests_nothing():
    c = Client()
    assert c.get(URL, {"code_rome": "J1501", "texte": "ab"}).json()["results"] == []
    assert c.get(URL).json()["results"] == []


@pytest.mark.parametrize(
    "code, words",
    [
        ("J15", "n'est pas un code ROME"),
        ("12345", "n'est pas un code ROME"),
        ("Z9999", "n'est pas un code ROME"),
        ("J9999", "n'existe pas dans le ROME importé"),
    ],
)
def test_a_bad_code_rome_is_a_french_400(code, words):
    r = Client().get(URL, {"code_rome": code, "texte": "soins d'hygiène"})
    assert r.status_code == 400
    assert words in r.json()["error"] and r.json()["error"].startswith("code_rome")


def test_only_get_and_bounded_text():
    c = Client()
    assert c.post(URL, {"texte": "soins"}).status_code == 405
    long = c.get(URL, {"texte": "soigner " * 200}).json()
    assert len(long["texte"]) == 300
