"""The forms' suggestion endpoints behave as docs/api.md says (parameters, bounds, answers, errors)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_communes_suggestions_as_documented():
    c = Client()
    body = c.get("/api/communes", {"q": "vann", "limit": 3}).json()
    assert body["query"] == "vann" and len(body["results"]) <= 3
    assert body["results"][0] == {
        "code": "56260",
        "libelle": "Vannes",
        "departement": "56",
        "label": "Vannes (56)",
    }
    assert c.get("/api/communes", {"q": "v"}).json()["results"] == []  # fewer than 2 characters
    assert len(c.get("/api/communes", {"q": "a", "limit": 999}).json()["results"]) <= 30
    assert c.get("/api/communes", {"q": "x" * 500}).json()["query"] == "x" * 100
    assert c.get("/api/communes", {"q": "vann", "limit": "beaucoup"}).status_code == 200
    assert c.get("/api/communes").json() == {"query": "", "results": []}


def test_appellations_suggestions_as_documented():
    c = Client()
    body = c.get("/api/appellations", {"q": "serveuse", "limit": 2}).json()
    assert 1 <= len(body["results"]) <= 2
    assert set(body["results"][0]) == {"code_ogr", "libelle", "code_rome", "libelle_rome"}
    many = c.get("/api/appellations", {"q": "agent", "limit": 999}).json()["results"]
    assert len(many) <= 50
    assert c.get("/api/appellations").json() == {"query": "", "results": []}
    assert c.post("/api/appellations", {"q": "serveuse"}).status_code == 405
    assert c.post("/api/communes", {"q": "vann"}).status_code == 405
