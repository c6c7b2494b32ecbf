"""Public-service basics (#13): glossary generated from the registry, legal pages, French error pages,
robots.txt, the persona home page, French elision, collation and dates."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import override_settings

from gtec_core.french import collation_key, de, long_date, short_date, sort_french
from gtec_core.glossary import TERMS
from gtec_core.indicators.registry import REGISTRY

pytestmark = pytest.mark.django_db


def test_glossary_defines_every_registry_indicator_once_with_its_reading(client):
    html = client.get("/methodes/").content.decode()
    for indicator in REGISTRY.values():
        assert html.count(f'id="{indicator.name}"') == 1
        assert indicator.reading, f"{indicator.name} has no reading guide"
    for term in TERMS:
        assert f'id="{term.slug}"' in html
    assert "Comment le lire" in html and "Herfindahl" in html


def test_definition_tag_links_to_the_glossary_entry():
    html = Template("{% definition 'herfindahl' %}|{% definition 'secret' %}|{% definition 'nope' %}").render(
        Context()
    )
    first, second, third = html.split("|")
    assert 'href="/methodes/#herfindahl"' in first and "Définition : Indice de concentration" in first
    assert 'href="/methodes/#secret"' in second
    assert third == ""


@pytest.mark.parametrize(
    "path, needle",
    [
        ("/mentions-legales/", "Licence Ouverte"),
        ("/accessibilite/", "RGAA"),
        ("/donnees-personnelles/", "CNIL"),
        ("/contact/", "mailto:"),
    ],
)
def test_public_service_pages_exist_and_are_linked_from_every_page(client, path, needle):
    response = client.get(path)
    assert response.status_code == 200
    assert needle in response.content.decode()
    footer = client.get("/metiers/").content.decode()
    assert f'href="{path}"' in footer


def test_robots_txt_keeps_private_areas_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body and "Disallow: /parcours/s/" in body


@override_settings(DEBUG=False)
def test_404_is_french_in_the_site_layout(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html and 'class="brand"' in html and "Not Found" not in html


@override_settings(DEBUG=False)
def test_403_is_french_in_the_site_layout(client, django_user_model):
    user = django_user_model.objects.create_user("curieux@example.org", password="x-Very-long-1")
    client.force_login(user)
    response = client.get("/formations/1/modifier/")
    assert response.status_code in (403, 404)
    html = response.content.decode()
    assert ("Accès refusé" in html) or ("Page introuvable" in html)
    assert "Forbidden" not in html


def test_500_page_renders_without_context():
    from django.test import RequestFactory

    from gtec.www.public import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and "Erreur du serveur" in response.content.decode()


def test_unknown_territory_in_the_home_switch_is_404_not_500(client):
    assert client.get("/", {"territoire": "a/b"}).status_code == 404


def test_brand_link_name_matches_its_visible_text(client):
    html = client.get("/metiers/").content.decode()
    assert 'aria-label="GTEC, accueil"' not in html


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Auray", "d'Auray"),
        ("Vannes", "de Vannes"),
        ("Île-aux-Moines", "d'Île-aux-Moines"),
        ("Le Havre", "du Havre"),
        ("Les Sables-d'Olonne", "des Sables-d'Olonne"),
        ("Hennebont", "d'Hennebont"),
        ("Haute-Goulaine", "de Haute-Goulaine"),
    ],
)
def test_elision(name, expected):
    assert de(name) == expected


def test_territory_names_elide(client):
    from gtec.territories.models import Territory

    auray = Territory.objects.filter(scale="ze", name="Auray").first()
    assert auray is not None and auray.display_name == "Zone d'emploi d'Auray"


def test_french_collation():
    names = ["Pluherlin", "Péaule", "Surzur", "Séné", "Île-aux-Moines", "Arradon", "Inzinzac-Lochrist"]
    assert sort_french(names) == [
        "Arradon",
        "Île-aux-Moines",
        "Inzinzac-Lochrist",
        "Péaule",
        "Pluherlin",
        "Séné",
        "Surzur",
    ]
    assert collation_key("Œuvre")[0] == "oeuvre"


def test_french_dates():
    assert long_date(dt.date(2026, 11, 1)) == "1er novembre 2026"
    assert long_date(dt.date(2026, 3, 21)) == "21 mars 2026"
    assert short_date(dt.date(2026, 11, 1)) == "01/11/2026"


def test_career_communes_cover_the_departement_in_french_order(client):
    from gtec.careers.queries import communes_choices

    names = [c.name for c in communes_choices()]
    assert "Auray" in names and "Vannes" in names
    assert names.index("Péaule") < names.index("Pluherlin")
    assert names == sort_french(names)


def test_every_indicator_on_the_comparison_links_to_its_definition(client):
    html = client.get("/comparer/", {"a": "ze:5318", "b": "dep:56"}).content.decode()
    if "Définitions :" in html:  # only when both territories have figures
        assert 'href="/methodes/#' in html
    assert 'aria-label="Indice' not in html  # export links are named by their visible text


@pytest.mark.parametrize(
    "scale, name, expected",
    [
        ("custom", "Pays de Vannes", "du Pays de Vannes"),
        ("custom", "Îles du Ponant", "des Îles du Ponant"),
        ("epci", "Communauté de communes du Kreiz-Breizh", "de la Communauté de communes du Kreiz-Breizh"),
        ("commune", "Vienne", "de Vienne"),
        ("ze", "Auray", "de la zone d'emploi d'Auray"),
    ],
)
def test_territory_of_name(scale, name, expected):
    from gtec.territories.models import Territory

    assert Territory(scale=scale, code="x", name=name).of_name == expected


def test_a_user_created_territory_reads_du_pays_in_templates():
    from gtec.territories.models import Territory

    t = Territory(key="custom:pays-test", scale="custom", code="pays-test", name="Pays de Test")
    html = Template("Diagnostic {{ t|de }} · {{ name|de }}").render(Context({"t": t, "name": "Auray"}))
    assert html == "Diagnostic du Pays de Test · d&#x27;Auray"
