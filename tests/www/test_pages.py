import json

import pytest
from django.urls import reverse

from gtec.territories.models import Territory

pytestmark = pytest.mark.django_db


def test_home_shows_the_default_territory_with_its_map(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Je cherche un métier" in html and "J'observe le territoire" in html
    assert '<h2 class="h1">Pays de Vannes' in html
    pays = Territory.objects.get(key="custom:pays-de-vannes")
    with_shape = pays.communes().exclude(geometry="").count()
    assert with_shape == pays.communes().count() > 50
    assert html.count("<path ") == with_shape
    assert "CA Golfe du Morbihan - Vannes Agglomération" in html
    assert '<html lang="fr">' in html


def test_switch_territory_by_key_and_by_name(client):
    response = client.get("/", {"territoire": "ze:5318"})
    assert response.status_code == 302 and response["Location"] == "/territoires/ze:5318/"
    page = client.get("/territoires/ze:5318/").content.decode()
    assert "Zone d&#x27;emploi de Vannes" in page or "Zone d'emploi de Vannes" in page
    assert ">60</strong> communes" in page
    response = client.get(reverse("territory_search"), {"q": "Questembert Communauté"})
    assert response.status_code == 302 and response["Location"] == "/territoires/epci:245614383/"


def test_commune_page_lists_its_containers(client):
    html = client.get("/territoires/commune:56260/").content.decode()
    for key in ("epci:200067932", "ze:5318", "dep:56", "reg:53", "custom:pays-de-vannes"):
        assert f"/territoires/{key}/" in html


def test_unknown_territory_is_404(client):
    assert client.get("/territoires/commune:00000/").status_code == 404


def test_territory_without_shapes_says_so(client):
    html = client.get("/territoires/dep:75/").content.decode()
    assert "ne sont pas disponibles" in html


def test_occupation_search_page_finds_feminine_typo_and_unaccented_forms(client):
    html = client.get("/metiers/", {"q": "devloppeuse informatique"}).content.decode()
    assert "/metiers/M1805/" in html.split("</ol>")[0].split("<ol")[1].split("</li>")[0]


def test_rome_code_query_lists_its_appellations(client):
    html = client.get("/metiers/", {"q": "m1805"}).content.decode()
    assert "Développeur / Développeuse informatique" in html


def test_appellation_api_returns_json_best_first(client):
    data = json.loads(client.get("/api/appellations", {"q": "aide soignante"}).content)
    assert data["results"][0]["code_rome"] == "J1501"
    assert all(set(r) == {"code_ogr", "libelle", "code_rome", "libelle_rome"} for r in data["results"])


def test_fiche_page_shows_every_block(client):
    html = client.get("/metiers/M1805/").content.decode()
    assert "<h1>Développeur / Développeuse informatique" in html
    for block in (
        "Définition",
        "Accès au métier",
        "Appellations",
        "Savoir-faire",
        "Savoir-être professionnels",
        "Savoirs",
        "Contextes de travail",
        "Mobilités professionnelles",
        "FAP-2009",
    ):
        assert block in html, block
    assert "Cœur de métier" in html and "Émergente" in html
    assert "Transition numérique" in html
    assert "I · Investigateur" in html


def test_fiche_mobilities_are_links_in_rank_order(client):
    from gtec.referentials.models import Mobilite

    expected = list(
        Mobilite.objects.filter(source_id="M1805").order_by("rang").values_list("cible_id", flat=True)
    )
    html = client.get("/metiers/M1805/").content.decode()
    section = html.split('id="mobilites"')[1].split("</section>")[0]
    positions = [section.index(f"/metiers/{code}/") for code in expected]
    assert expected and positions == sorted(positions)


def test_unknown_fiche_is_404(client):
    assert client.get("/metiers/Z9999/").status_code == 404


def test_user_input_is_escaped(client):
    html = client.get("/metiers/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_static_assets_are_served_locally(client):
    html = client.get("/").content.decode()
    assert "https://" not in html.split("<body")[0]
    assert client.get("/static/gtec/gtec.css").status_code == 200
    assert client.get("/static/gtec/gtec.js").status_code == 200


def test_admin_referentials_are_read_only_and_territories_editable(admin_client):
    assert admin_client.get("/admin/referentials/fiche/M1805/change/").status_code == 200
    assert admin_client.get("/admin/referentials/fiche/add/").status_code == 403
    response = admin_client.post(
        "/admin/territories/territory/add/",
        {
            "key": "custom:golfe-sud",
            "scale": "custom",
            "code": "golfe-sud",
            "name": "Golfe sud",
            "description": "",
            "postal_codes": "",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-commune": str(Territory.objects.get(key="commune:56260").pk),
            "memberships-1-commune": str(Territory.objects.get(key="commune:56243").pk),
            "actif": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Territory.objects.get(key="custom:golfe-sud")
    assert created.editable and created.communes().count() == 2
    assert created.population == sum(created.communes().values_list("population", flat=True)) > 60000


def test_search_page_states_the_number_of_active_appellations(client):
    from gtec.referentials.models import Appellation

    Appellation.objects.filter(pk=Appellation.objects.first().pk).update(actif=False)
    from gtec.imports.models import ImportRun

    ImportRun.objects.create(source="rome", version="test")  # a new ROME import rebuilds the index
    html = client.get("/metiers/").content.decode()
    assert (
        "parmi les 13\u202f119 appellations" in html
        or "parmi les 13\xa0119 appellations" in html
        or "parmi les 13 119 appellations" in html
    )


def test_switcher_names_the_territory_on_show(client):
    html = client.get("/territoires/commune:56260/").content.decode()
    select = html.split('id="territoire-select"')[1].split("</select>")[0]
    assert '<option value="commune:56260" selected>Vannes</option>' in select
    assert select.count(" selected") == 1


def test_territory_page_opens_on_its_labour_figures_and_the_four_areas(client):
    from gtec.imports.models import ImportRun
    from gtec.labour.models import Offre
    from tests.factories import ObservationFactory

    territory = Territory.objects.get(key="custom:pays-de-vannes")
    html = client.get("/").content.decode()
    assert "offres d'emploi" not in html  # nothing computed yet: no figure is invented
    for name in ("labour_dashboard",):
        assert reverse(name, args=[territory.key]) in html
    for name in ("training_gaps", "careers_start", "needs_home"):
        assert reverse(name) in html
    ObservationFactory(
        indicator="offers_demand_ratio",
        territory=territory,
        occupation_kind="all",
        occupation="",
        counts={"offers": 4321.0, "entries": 8642.0},
    )
    ImportRun.objects.create(source="offres", version="offres 2024", synthetic=True)
    Offre.objects.create(identifiant="X1", date_creation="2024-03-01", code_insee="56260", code_rome="J1501")
    html = client.get("/").content.decode()
    assert "4\u202f321" in html and "offres d'emploi" in html
    assert "données synthétiques" in html
