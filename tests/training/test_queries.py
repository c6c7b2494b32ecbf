"""Catalogue filters, next sessions per occupation (with distances), supply frames and the pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from gtec.training import models as m
from gtec.training.queries import CatalogueFilters, catalogue_actions, sessions_for_fiches, training_supply
from gtec_core.french import format_fr
from gtec_core.indicators.adequacy import places_per_year

pytestmark = pytest.mark.django_db


def test_catalogue_filters_narrow_the_list(training_data):
    everything = catalogue_actions(CatalogueFilters())
    total = everything.count()
    assert total == m.Action.objects.filter(sessions__isnull=False).distinct().count() > 100
    cooks = catalogue_actions(CatalogueFilters(rome="G1602"))
    assert 0 < cooks.count() < total
    assert all(a.fiche_links.filter(fiche_id="G1602").exists() for a in cooks)
    in_questembert = catalogue_actions(CatalogueFilters(commune="56184"))
    assert in_questembert.exists() and {a.code_insee for a in in_questembert} == {"56184"}
    apprentices = catalogue_actions(CatalogueFilters(alternance=True))
    assert apprentices.exists() and all(a.alternance for a in apprentices)
    words = catalogue_actions(CatalogueFilters(q="aide-soignant"))
    assert words.exists() and all("aide-soignant" in a.formation.intitule.lower() for a in words)
    region = catalogue_actions(CatalogueFilters(financeur="2"))
    assert region.exists() and all("2" in a.financeur_codes for a in region)
    spring = catalogue_actions(CatalogueFilters(after=dt.date(2026, 3, 1), before=dt.date(2026, 3, 31)))
    assert spring.exists()
    assert all(dt.date(2026, 3, 1) <= a.prochaine <= dt.date(2026, 3, 31) for a in spring)


def test_sessions_for_fiches_with_distance(training_data):
    found = sessions_for_fiches(["J1501", "M1805", "Z0000"], after=dt.date(2025, 1, 1), limit=3)
    assert set(found) == {"J1501", "M1805", "Z0000"} and found["Z0000"] == []
    soon = found["J1501"]
    assert 0 < len(soon) <= 3 and soon == sorted(soon, key=lambda s: s.debut)
    near = sessions_for_fiches(["M1805"], commune="56260", max_km=5, after=dt.date(2025, 1, 1), limit=50)[
        "M1805"
    ]
    far = sessions_for_fiches(["M1805"], commune="56147", after=dt.date(2025, 1, 1), limit=50)[
        "M1805"
    ]  # Nivillac
    assert near and all(s.distance_km is not None and s.distance_km <= 5 for s in near)
    assert far and min(s.distance_km for s in far) > 25
    with pytest.raises(ValueError):
        sessions_for_fiches(["M1805"], commune="99999")


def test_supply_frames_feed_the_adequacy_function(training_data):
    links, sessions = training_supply(communes=["56260"])
    assert links.height and sessions.height
    places = places_per_year(links, sessions)
    this_year = dt.date.today().year  # the fixture's sessions run over this year and the next
    assert set(places["year"].to_list()) >= {this_year, this_year + 1}
    assert places.filter(places["code_rome"] == "J1501")["places"].sum() > 0


def test_catalogue_and_formation_pages(client, training_data):
    page = client.get("/formations/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Formations du territoire" in html and "<svg" in html and "synthétique" in html
    filtered = client.get("/formations/", {"metier": "J1501"}).content.decode()
    assert "aide-soignant" in filtered and "CAP Cuisine" not in filtered
    formation = m.Formation.objects.get(flux="onisep")
    detail = client.get(f"/formations/{formation.pk}/").content.decode()
    assert "BTS négociation et relation client" in detail
    assert "/metiers/D1402/" in detail and "code ROME déclaré" in detail
    # the link's confidence in words, never a raw score (#13)
    assert "(lien sûr)" in detail and "confiance 1" not in detail
    assert "Lycée Kerneuzec" in detail and "RNCP474" in detail
    demo = next(f for f in m.Formation.objects.filter(flux="demo") if "RNCP900101" in f.certifications)
    detail = client.get(f"/formations/{demo.pk}/").content.decode()
    assert "Accompagner la personne dans les activités de sa vie quotidienne" in detail  # RNCP bloc
    assert "Données synthétiques" in detail
    assert client.get("/formations/999999/").status_code == 404


def test_catalogue_shows_sessions_to_come_by_default(client, training_data):
    """The catalogue opens on sessions to come; finished ones only when asked, marked « terminée »."""
    import re

    default = client.get("/formations/").content.decode()
    with_past = client.get("/formations/", {"passees": "1"}).content.decode()
    n_default = int(re.search(r'id="nb-actions">(\d+)<', default).group(1))
    n_all = int(re.search(r'id="nb-actions">(\d+)<', with_past).group(1))
    assert 0 < n_default <= n_all


def test_training_page_renders_rich_text_and_how_to_enrol(client, training_data):
    from gtec.training.models import Formation

    formation = Formation.objects.filter(flux="demo").first()
    formation.objectif = "<p>Assurer <strong>l'accueil</strong></p><script>alert(1)</script>"
    formation.url = "javascript:alert(1)"
    formation.save()
    html = client.get(f"/formations/{formation.pk}/").content.decode()
    assert (
        "<p>Assurer <strong>l&#x27;accueil</strong></p>" in html
        or "<p>Assurer <strong>l'accueil</strong></p>" in html
    )
    assert "&lt;p&gt;" not in html and "<script>alert(1)" not in html
    assert "javascript:alert" not in html
    assert "S&#x27;inscrire" in html or "S'inscrire" in html


def test_a_training_page_says_where_outcome_figures_come_from(client, training_data):
    """No outcome file (InserJeunes, « Sortants de formation ») is loaded: the page says so plainly and
    names the sources, and shows the expected results LHEO carries when the offer has them."""
    formation = m.Formation.objects.get(flux="onisep")
    html = client.get(f"/formations/{formation.pk}/").content.decode()
    assert "Après la formation" in html
    assert "aucun chiffre disponible pour cette formation" in html
    assert "InserJeunes" in html
    assert "Sortants de formation et accès à l'emploi" in html
    if formation.resultats:
        assert "Résultats attendus" in html
    assert "%" not in html.split('id="devenir"')[1].split("</section>")[0]  # no invented rate


def test_price_and_hours_never_leave_their_unit_alone_on_a_line(client, training_data):
    """« 10 708 € » and « 1 000 heures »: thousands grouped, a no-break space before the unit."""
    action = m.Action.objects.filter(nombre_heures__gte=1000, formation__flux="demo").first()
    assert action is not None, "the demo has a course of 1,000 hours or more"
    html = client.get(f"/formations/{action.formation_id}/").content.decode()
    hours = format_fr(action.nombre_heures)
    assert f"{hours}\u00a0heures" in html and f"{action.nombre_heures} heures" not in html
    assert re.search(r"\d\u00a0€", html) and not re.search(r"\d €", html)
