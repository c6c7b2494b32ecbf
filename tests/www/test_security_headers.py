"""Security headers (review 2026-12-04, §3: no CSP): every page sends a Content-Security-Policy that allows
scripts and styles from the site only, `nosniff` and a referrer policy; and the pages hold no inline script,
style element, style attribute or event handler that such a policy would block."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/territoires/?q=vannes",
    "/territoires/custom:pays-de-vannes/marche-du-travail/",
    "/metiers/",
    "/metiers/J1501/",
    "/formations/",
    "/formations/manquantes/",
    "/parcours/",
    "/besoins/",
    "/comptes/connexion/",
    "/comptes/mot-de-passe/",
]
INLINE = [
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I),
        "script en ligne",
    ),
    (re.compile(r"<style[\s>]", re.I), "élément style"),
    (re.compile(r"\sstyle=\"", re.I), "attribut style"),
    (re.compile(r"\son[a-z]+=\"", re.I), "gestionnaire d'événement"),
    (re.compile(r"href=\"\s*javascript:", re.I), "lien javascript:"),
]


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("url", PAGES)
def test_headers_and_no_inline_code(url):
    r = Client().get(url)
    assert r.status_code == 200, url
    csp = directives(r["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert r["X-Content-Type-Options"] == "nosniff" and r["Referrer-Policy"] == "same-origin"
    page = r.content.decode()
    for pattern, what in INLINE:
        found = pattern.search(page)
        assert found is None, f"{url} : {what} — {found.group(0) if found else ''}"


def test_admin_sends_the_policy_too():
    staff = get_user_model().objects.create_superuser("s@example.org", "s@example.org", "mot-de-passe-test")
    c = Client()
    c.force_login(staff)
    r = c.get("/admin/")
    assert r.status_code == 200 and "script-src 'self'" in r["Content-Security-Policy"]
