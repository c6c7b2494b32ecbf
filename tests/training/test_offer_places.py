"""The training offer form reads a commune by its name (département to tell homonyms apart) and the target
occupations by their appellation, as typed without JavaScript; French messages for anything else."""

from __future__ import annotations

import pytest
from django.test import Client

from gtec.referentials.models import Appellation, Fiche
from gtec.referentials.search import read_occupation
from gtec.territories import communes
from gtec.territories.models import Territory
from gtec.www.training.forms import OfferForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def homonyms():
    """Two communes of the same name in two départements (as Saint-Pierre in Cantal and La Réunion)."""
    a = Territory.objects.create(key="commune:15990", scale="commune", code="15990", name="Kerhomonyme")
    b = Territory.objects.create(key="commune:97490", scale="commune", code="97490", name="Kerhomonyme")
    return a, b


@pytest.mark.parametrize(
    "typed", ["Vannes", "vannes", "  VANNES ", "Vannes (56)", "Vannes 56", "Vannes (56260)", "56260"]
)
def test_a_commune_is_found_by_its_name(typed):
    assert communes.lookup(typed).found.code == "56260"


def test_accents_and_hyphens_are_ignored():
    found = communes.lookup("saint ave").found
    assert found is not None and found.name == "Saint-Avé" and found.label == "Saint-Avé (56)"


def test_homonyms_ask_for_the_departement(homonyms):
    lookup = communes.lookup("Kerhomonyme")
    assert lookup.found is None and len(lookup.matches) == 2
    assert lookup.problem() == (
        "Plusieurs communes s'appellent « Kerhomonyme » : précisez le département, par exemple "
        "« Kerhomonyme (15) » ou « Kerhomonyme (974) »."
    )
    assert communes.lookup("Kerhomonyme (974)").found.code == "97490"
    assert communes.lookup("kerhomonyme (15)").found.code == "15990"


def test_an_unknown_name_is_never_truncated_and_gets_a_hint():
    lookup = communes.lookup("Vannnes")
    assert lookup.found is None
    assert lookup.problem().startswith("Commune inconnue : « Vannnes ».")
    assert "« Vannes (56) »" in lookup.problem()


def test_suggestions_start_with_the_typed_text_most_populated_first():
    found = communes.suggestions("vann", limit=5)
    assert found[0].label == "Vannes (56)" and len(found) == 5
    assert all(c.name.casefold().startswith("vann") for c in found)
    assert "Saint-Avé (56)" in [c.label for c in communes.suggestions("saint-av", limit=30)]
    assert communes.suggestions("v") == []  # one letter suggests nothing


def test_communes_api():
    data = Client().get("/api/communes", {"q": "vann"}).json()
    assert {"code": "56260", "libelle": "Vannes", "departement": "56", "label": "Vannes (56)"} in data[
        "results"
    ]
    assert Client().get("/api/communes", {"q": ""}).json()["results"] == []


def _form(**fields):
    return OfferForm({"intitule": "Formation test", **fields})


def test_the_form_reads_a_commune_name_and_rejects_homonyms_in_french(homonyms):
    form = _form(commune="Vannes")
    assert form.is_valid(), form.errors
    assert form.offer().commune == "56260"
    form = _form(commune="Kerhomonyme")
    assert not form.is_valid() and "précisez le département" in form.errors["commune"][0]
    long = "Vannes" * 30
    form = _form(commune=long)
    assert not form.is_valid()
    assert form.errors["commune"] == ["Nom de commune trop long (120 caractères au plus)."]


def test_an_occupation_is_read_from_its_appellation():
    appellation = Appellation.objects.filter(fiche_id="J1501", actif=True).order_by("code_ogr").first()
    assert read_occupation(appellation.libelle).codes == ("J1501",)
    assert read_occupation(appellation.libelle.upper()).codes == ("J1501",)
    assert read_occupation(f"{appellation.libelle} (J1501)").codes == ("J1501",)
    assert read_occupation("j1501 K1302").codes == ("J1501", "K1302")
    fiche = Fiche.objects.get(code_rome="J1501")
    assert read_occupation(fiche.libelle).codes == ("J1501",)


def test_an_unknown_occupation_gets_a_french_message_with_examples():
    entry = read_occupation("aide soignnant en ehpad zzz")
    assert entry.codes == () and entry.problem.startswith(
        "Métier non reconnu : « aide soignnant en ehpad zzz »"
    )


def test_the_form_takes_several_occupations_separated_by_semicolons():
    appellation = Appellation.objects.filter(fiche_id="J1501", actif=True).order_by("code_ogr").first()
    form = _form(romes=f"{appellation.libelle} (J1501); K1302")
    assert form.is_valid(), form.errors
    assert form.offer().romes == ("J1501", "K1302")
    form = _form(romes="G1803; pas un métier du tout")
    assert not form.is_valid() and form.errors["romes"][0].startswith("Métier non reconnu")


def test_the_form_page_offers_suggestions_and_hints():
    html = OfferForm().as_div()
    assert 'data-fill-ac="/api/communes"' in html and 'data-fill-ac="/api/appellations"' in html
    assert "code INSEE" not in html and 'maxlength="5"' not in html
