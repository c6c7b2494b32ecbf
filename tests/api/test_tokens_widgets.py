"""Tokens (hashed at rest, scopes, revocation, the organisation's page) and widgets (widget token, allowed
origins as frame-ancestors, refusals, the « Widgets » page)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gtec.api import services
from gtec.api.models import ApiToken
from gtec.labour import models as lm
from gtec.labour import read as lq
from gtec.territories.models import Territory
from tests.api.conftest import bearer
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db
PARTNER = "https://partenaire.example"


def test_tokens_hashed_scoped_revocable(client, org):
    new = services.token_create(organisation=org, name="logiciel", scopes=["read"])
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert new.raw not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64
    assert not ApiToken.objects.filter(key_hash__contains=new.raw[10:30]).exists()
    me = client.get("/api/v1/organisation", **bearer(new.raw)).json()
    assert me["nom"] == org.name and me["portees"] == ["read"]
    services.token_revoke(stored)
    assert client.get("/api/v1/organisation", **bearer(new.raw)).status_code == 401
    assert client.get("/api/v1/organisation").status_code == 401
    assert client.get("/api/v1/indicateurs", **bearer(new.raw)).status_code == 401
    with pytest.raises(ValidationError):
        services.token_create(organisation=org, name="x", scopes=["tout"])
    with pytest.raises(ValidationError):
        services.token_create(organisation=org, name="w", scopes=["widget"])  # no origin
    with pytest.raises(ValidationError):
        services.token_create(organisation=org, name="w", scopes=["widget"], origins=["javascript:alert(1)"])


def test_token_page_admin_only(client, org):
    admin = h.user("admin@example.fr", org, "admin")
    reader = h.user("lecteur@example.fr", org, "lecteur")
    url = f"/besoins/organisations/{org.pk}/api/"
    assert client.get(url).status_code == 302  # login first
    client.force_login(reader)
    assert client.get(url).status_code == 403
    assert client.get(f"/besoins/organisations/{org.pk}/widgets/").status_code == 200
    client.force_login(admin)
    response = client.post(
        url, {"name": "Site de la mission locale", "scopes": ["widget", "read"], "origins": PARTNER + "/"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    token = ApiToken.objects.get(organisation=org)
    assert token.allowed_origins == [PARTNER] and token.created_by == admin
    raw = page.split('id="new-token" readonly size="70" value="')[1].split('"')[0]
    assert services.token_check(raw) == token
    assert raw not in client.get(url).content.decode()  # shown once
    assert "Site de la mission locale" in page
    bad = client.post(url, {"name": "", "scopes": ["read"]})
    assert "Donnez un nom" in bad.content.decode()
    client.post(url, {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    org_page = client.get(f"/besoins/organisations/{org.pk}/").content.decode()
    assert f"/besoins/organisations/{org.pk}/api/" in org_page


@pytest.fixture
def secret_tension():
    """A secret composite tension for the main FAP of J1501 in an EPCI, and a published one at the
    département."""
    fap = lq.fiche_faps("J1501")[0]
    epci = Territory.objects.get(key="epci:245614383")
    lm.Observation.objects.create(
        indicator="dares_tension", territory=epci, occupation_kind="fap2021", occupation=fap,
        period="2024", value=4.321987, status="secret", category=5, counts={"offers": 2},
    )  # fmt: skip
    return epci


def test_widget_tension_with_allowed_origins_and_secrecy(client, make_token, secret_tension):
    raw = make_token("widget", origins=[PARTNER])
    url = f"/widgets/tension/?jeton={raw}&territoire=epci:245614383&metier=J1501"
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {PARTNER}" in csp
    assert "X-Frame-Options" not in response
    html = response.content.decode()
    assert 'lang="fr"' in html and "secret statistique" in html
    assert "4,32" not in html and "4.32" not in html
    assert client.get(url, HTTP_SEC_FETCH_DEST="iframe", HTTP_REFERER=PARTNER + "/page").status_code == 200
    other = client.get(url, HTTP_SEC_FETCH_DEST="iframe", HTTP_REFERER="https://autre.example/")
    assert other.status_code == 403 and "frame-ancestors 'none'" in other["Content-Security-Policy"]
    assert client.get(url.replace(raw, make_token("read"))).status_code == 403
    assert client.get(url.replace(raw, "gtec_faux")).status_code == 403
    assert client.get(f"/widgets/inconnu/?jeton={raw}").status_code == 404
    assert client.get(f"/widgets/tension/?jeton={raw}&metier=<script>").status_code == 400


def test_other_widgets_render(client, make_token):
    raw = make_token("widget", origins=[PARTNER])
    for kind in ["formations", "recruteurs", "parcours"]:
        response = client.get(
            f"/widgets/{kind}/?jeton={raw}&territoire=custom:pays-de-vannes&metier=J1501&commune=56260"
        )
        assert response.status_code == 200, kind
        assert PARTNER in response["Content-Security-Policy"]
    go = client.get(f"/widgets/parcours/?jeton={raw}&metier_libre=aide soignante")
    assert go.status_code == 302 and go["Location"].startswith("/parcours/resultats/?a=")
    script = client.get("/widgets/gtec-widget.js")
    assert script.status_code == 200 and "postMessage" not in script.content.decode()
    assert "hauteur" in script.content.decode()
    assert "postMessage" in client.get("/widgets/cadre.js").content.decode()


def test_widget_builder_shows_snippet_and_preview(client, org, make_token):
    member = h.user("membre@example.fr", org, "contributeur")
    client.force_login(member)
    raw = make_token("widget", origins=[PARTNER])
    page = client.get(
        f"/besoins/organisations/{org.pk}/widgets/?widget=formations&jeton={raw}&metier=J1501&commune=56260"
    ).content.decode()
    assert "/widgets/formations/?jeton=" in page and "gtec-widget.js" in page and "Aperçu" in page
    foreign = make_token("widget", organisation=h.company("Autre"), origins=[PARTNER])
    page = client.get(f"/besoins/organisations/{org.pk}/widgets/?jeton={foreign}").content.decode()
    assert "pas un jeton de widget actif" in page
    outsider = h.user("dehors@example.fr")
    client.force_login(outsider)
    assert client.get(f"/besoins/organisations/{org.pk}/widgets/").status_code == 403


def test_widget_recruiters_shows_a_secret_bmo_cell_as_s(client, make_token):
    fap = lq.fiche_faps("J1501")[0]
    epci = Territory.objects.get(key="epci:245614383")
    lm.Observation.objects.create(
        indicator="bmo_difficulty_rate", territory=epci, occupation_kind="fap2021", occupation=fap,
        period="2024", value=0.5, status="secret", counts={"projects": 2, "difficult": 1},
    )  # fmt: skip
    raw = make_token("widget", origins=[PARTNER])
    html = client.get(
        f"/widgets/recruteurs/?jeton={raw}&territoire=epci:245614383&metier=J1501"
    ).content.decode()
    assert "<strong>s</strong>" in html and "secret statistique" in html
    assert "<strong>2</strong>" not in html
