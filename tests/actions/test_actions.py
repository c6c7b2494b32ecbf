"""The action plan end to end without a browser: baselines taken at creation (secret stays « s »), the
before / after when a new period arrives, contributions and retex by role, the journal's search and its
formula-safe exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from gtec.actions import queries, services
from gtec.actions.models import Action, RetexEntry
from gtec.labour.models import Observation
from tests.actions.helpers import people_around_an_action

pytestmark = pytest.mark.django_db


def _obs(territory, period, value, status="ok", occupation=""):
    return Observation.objects.create(
        indicator="lack_of_labour",
        territory=territory,
        occupation_kind="fap2021" if occupation else "all",
        occupation=occupation,
        period=period,
        value=value,
        status=status,
        counts={},
    )


def test_baseline_is_copied_at_creation_and_compared_with_new_data():
    action, people = people_around_an_action()
    territory = action.territory
    _obs(territory, "2023", -0.20, occupation="T4X60")
    _obs(territory, "2023", 0.5, status="secret", occupation="V0X40")
    created = services.action_create(
        territory=territory,
        user=people["coordinateur"],
        fields={"title": "Job-dating aide à domicile", "lead": action.lead},
        indicators=[
            {"indicator": "lack_of_labour", "occupation": "T4X60", "target": -0.3, "direction": "baisse"},
            {"indicator": "lack_of_labour", "occupation": "V0X40", "target": None, "direction": "baisse"},
        ],
    )
    base, secret = created.indicators.all()
    assert (base.baseline_period, base.baseline_value, base.baseline_display) == ("2023", -0.2, "-0,20")
    assert (secret.baseline_value, secret.baseline_display, secret.baseline_status) == (None, "s", "secret")
    rows = queries.followup(created)
    assert rows[0]["moved"] is None and rows[0]["after"] == "-0,20"  # no new data yet
    _obs(territory, "2024", -0.35, occupation="T4X60")
    from django.core.cache import cache

    cache.clear()
    rows = queries.followup(created)
    assert (rows[0]["before"], rows[0]["after"], rows[0]["after_period"]) == ("-0,20", "-0,35", "2024")
    assert rows[0]["moved"] == "baisse" and rows[0]["good"] and rows[0]["reached"]
    base.refresh_from_db()
    assert base.baseline_value == -0.2  # the baseline never moves


def test_pages_by_role(client):
    action, people = people_around_an_action()
    url = f"/actions/{action.pk}/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(people["sans_role"])
    assert client.get(url).status_code == 403
    client.force_login(people["lecteur_partenaire"])
    page = client.get(url)
    assert page.status_code == 200 and "retex-form" not in page.content.decode()
    retex = {"date": "2025-03-01", "kind": "reussite", "title": "Salle comble", "text": "40 candidats."}
    assert client.post(f"/actions/{action.pk}/retex/", retex).status_code == 403
    client.force_login(people["contributeur_partenaire"])
    assert client.post(f"/actions/{action.pk}/retex/", retex).status_code == 302
    entry = RetexEntry.objects.get(action=action)
    assert entry.organisation.name == "GRETA (test)" and entry.author == people["contributeur_partenaire"]
    partner = action.partners.get()
    response = client.post(
        f"/actions/{action.pk}/contribution/",
        {"organisation": partner.pk, "description": "Deux formateurs", "amount": "1500"},
    )
    assert response.status_code == 302 and action.contributions.get().amount == 1500
    # the lead's organisation is not theirs to speak for
    client.post(f"/actions/{action.pk}/contribution/", {"organisation": action.lead.pk, "description": "x"})
    assert action.contributions.count() == 1
    assert client.post(f"/actions/{action.pk}/etat/", {"status": "terminee"}).status_code == 403
    client.force_login(people["admin_pilote"])
    assert client.post(f"/actions/{action.pk}/etat/", {"status": "terminee"}).status_code == 302
    assert Action.objects.get(pk=action.pk).status == "terminee"


def test_coordinator_creates_an_action_from_the_form(client):
    action, people = people_around_an_action()
    client.force_login(people["coordinateur"])
    form = {
        "title": "Session de formation ASH",
        "description": "Ouvrir une session.",
        "lead": action.lead.pk,
        "partners": [action.partners.get().pk],
        "budget": "25000",
        "start": "2025-01-01",
        "end": "2025-12-31",
        "status": "en_cours",
        "target_public": "demandeurs",
        "occupations_text": "j1301 K2204",
        "ind-TOTAL_FORMS": "2",
        "ind-INITIAL_FORMS": "0",
        "ind-0-indicator": "lack_of_labour",
        "ind-0-occupation": "T4X61",
        "ind-0-target": "-0.1",
        "ind-0-direction": "hausse",
        "ind-1-indicator": "",
        "ind-1-direction": "baisse",
    }
    response = client.post(f"/territoires/{action.territory.key}/plan-d-action/nouvelle/", form)
    created = Action.objects.get(title="Session de formation ASH")
    assert response.status_code == 302 and created.occupations == ["J1301", "K2204"]
    assert created.indicators.get().baseline_display == "donnée indisponible"
    bad = {**form, "occupations_text": "XX", "end": "2024-01-01"}
    page = client.post(f"/territoires/{action.territory.key}/plan-d-action/nouvelle/", bad)
    assert page.status_code == 200 and "code ROME invalide : XX" in page.content.decode()
    client.force_login(people["admin_pilote"])
    assert client.get(f"/territoires/{action.territory.key}/plan-d-action/nouvelle/").status_code == 403


def test_retex_search_and_formula_safe_exports(client):
    action, people = people_around_an_action()
    for title, text, kind in [
        ('=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "difficulte"),
        ("Forum des métiers", "Beaucoup de jeunes", "reussite"),
    ]:
        services.retex_add(
            action=action,
            user=people["coordinateur"],
            date=dt.date(2025, 2, 1),
            kind=kind,
            title=title,
            text=text,
        )
    territory = action.territory
    assert [e.title for e in queries.retex_search(territory, "jeunes forum")] == ["Forum des métiers"]
    assert queries.retex_search(territory, "", "difficulte").count() == 1
    client.force_login(people["lecteur_pilote"])
    page = client.get(f"/territoires/{territory.key}/retex/?q=forum")
    assert (
        "1 retour d&#x27;expérience" in page.content.decode()
        or "1 retour d'expérience" in page.content.decode()
    )
    data = client.get(f"/territoires/{territory.key}/retex.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    cells = [c for row in rows for c in row]
    assert '\'=HYPERLINK("http://x")' in cells and "'+cmd|' /C calc'!A0" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    book = load_workbook(io.BytesIO(client.get(f"/territoires/{territory.key}/retex.xlsx").content))
    values = [c.value for row in book.active.iter_rows() for c in row if c.value]
    assert '\'=HYPERLINK("http://x")' in values
    assert not any(str(v).startswith(("=", "+", "-", "@")) for v in values)
    assert all(c.data_type == "s" for row in book.active.iter_rows() for c in row if c.value)
    client.logout()
    assert client.get(f"/territoires/{territory.key}/retex.csv").status_code == 302
