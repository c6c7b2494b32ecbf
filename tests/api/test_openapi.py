"""The OpenAPI document is valid OpenAPI 3.1 and describes every resource; the documentation page is French."""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_openapi_document_validates(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.1")
    validate(json.loads(response.content))
    paths = set(doc["paths"])
    for expected in [
        "/api/v1/territoires",
        "/api/v1/territoires/{cle}/communes",
        "/api/v1/referentiels/fiches/{code_rome}",
        "/api/v1/referentiels/appellations",
        "/api/v1/referentiels/competences",
        "/api/v1/indicateurs/{nom}",
        "/api/v1/formations",
        "/api/v1/formations/sessions",
        "/api/v1/parcours",
        "/api/v1/parcours/texte",
        "/api/v1/enquetes/{campagne_id}/resultats",
        "/api/v1/enquetes/{campagne_id}/reponse",
        "/api/v1/projections/scenarios",
        "/api/v1/projections/{cle}",
        "/api/v1/tests-de-resistance/{jeton}",
        "/api/v1/plan-d-action/{cle}/actions",
        "/api/v1/plan-d-action/{cle}/retex",
        "/api/v1/plan-d-action/actions/{action_id}",
        "/api/v1/plan-d-action/actions/{action_id}/retex",
    ]:
        assert expected in paths
    assert doc["components"]["securitySchemes"]["Bearer"] == {"type": "http", "scheme": "bearer"}
    page = doc["components"]["schemas"]["PageTerritoireOut"]["properties"]
    assert set(page) == {"items", "total", "page", "size", "pages"}
    assert set(doc["components"]["schemas"]["ProjectionOut"]["properties"]) >= set(page)
    plan = doc["paths"]["/api/v1/plan-d-action/{cle}/actions"]
    assert set(plan) == {"get", "post"} and plan["post"]["security"] == [{"Bearer": []}]
    assert "patch" in doc["paths"]["/api/v1/plan-d-action/actions/{action_id}"]


def test_documentation_page_in_french(client):
    html = client.get("/api/v1/documentation").content.decode()
    assert '<html lang="fr">' in html and "Documentation de l'API" in html
    assert "/static/ninja/swagger-ui-bundle.js" in html  # served locally, no CDN
    doc = client.get("/api/v1/openapi.json").json()
    assert "Secret statistique" in doc["info"]["description"]
    assert doc["paths"]["/api/v1/territoires"]["get"]["summary"] == "Rechercher des territoires"


def test_unknown_path_is_json_404(client):
    response = client.get("/api/v1/nimporte/quoi")
    assert response.status_code == 404
    assert response.json()["code"] == "introuvable"
