"""Whole-page cache of the published-figure pages: a second anonymous visit is served from the cache, a new
import changes the key, logged-in visitors are never served a cached page."""

from __future__ import annotations

import pytest
from django.test import Client

from gtec.imports.models import ImportRun
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db
PAGE = "/territoires/custom:pays-de-vannes/marche-du-travail/"


def test_second_anonymous_visit_is_a_cache_hit_until_the_data_changes():
    c = Client()
    first = c.get(PAGE)
    assert first.status_code == 200 and "X-Cache" not in first
    second = c.get(PAGE)
    assert second["X-Cache"] == "hit" and second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "X-Cache" not in c.get(PAGE + "?periode=2024")  # another address, another entry
    ImportRun.objects.create(source="bmo", version="essai", data_dir="", files={})
    assert "X-Cache" not in c.get(PAGE)  # the data's version changed: computed again
    assert c.get(PAGE)["X-Cache"] == "hit"


def test_logged_in_visitors_and_errors_are_never_cached():
    c = Client()
    c.get(PAGE)
    c.force_login(h.user("lecteur@example.org"))
    page = c.get(PAGE)
    assert "X-Cache" not in page and "Se déconnecter" in page.content.decode()
    anonymous = Client()
    missing = "/territoires/dep:999/marche-du-travail/"
    assert anonymous.get(missing).status_code == 404
    assert anonymous.get(missing).status_code == 404 and "X-Cache" not in anonymous.get(missing)
