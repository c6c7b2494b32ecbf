"""Snapshots: frozen figures, vintages and documents that no later import changes; comparison with today
and with another snapshot; « what changed » in the next diagnostic."""

from __future__ import annotations

import pytest

from gtec.diagnostics import queries, services
from gtec.diagnostics.models import Snapshot
from gtec.imports.models import ImportRun
from gtec.labour import models as lm

pytestmark = pytest.mark.django_db


def _change_the_data(territory, period: str) -> None:
    """A new vintage arrives: a new import run and a different BMO difficulty rate for the territory."""
    run = ImportRun.objects.create(source="indicateurs", version="recalcul de test", synthetic=True)
    obs = lm.Observation.objects.get(
        indicator="bmo_difficulty_rate", territory=territory, period=period, occupation=""
    )
    obs.value = 0.123
    obs.run = run
    obs.save()
    from django.core.cache import cache

    cache.clear()


def test_nothing_in_a_snapshot_changes_when_data_are_reimported(demo):
    snap = services.snapshot_create(territory=demo, period=None, title="Diagnostic de référence")
    frozen = Snapshot.objects.get(pk=snap.pk)
    figures, runs, html, pdf, sha = frozen.figures, frozen.runs, frozen.html, bytes(frozen.pdf), frozen.sha256
    assert bytes(pdf).startswith(b"%PDF") and len(sha) == 64
    assert {r["source"] for r in runs} >= {"bmo", "stmt", "offres", "indicateurs", "geo", "rome"}
    assert any(f["key"] == "bmo_difficulty_rate" for f in figures)
    _change_the_data(demo, frozen.period)
    again = Snapshot.objects.get(pk=snap.pk)
    assert (again.figures, again.runs, again.html, bytes(again.pdf), again.sha256) == (
        figures,
        runs,
        html,
        pdf,
        sha,
    )
    # today differs, and the comparison says where
    c = queries.comparison(queries.snapshot_side(again), queries.today_side(demo, again.period))
    changed = [r for r in c["rows"] if r["changed"]]
    assert [r["label"] for r in changed] == ["Taux de difficulté de recrutement (BMO)"]
    assert changed[0]["after"] == "12,3 %"
    assert any(s["changed"] and s["after"].startswith("recalcul de test") for s in c["sources"])


def test_the_next_diagnostic_says_what_changed_since_the_last_snapshot(demo):
    from gtec.diagnostics.report import build_report

    services.snapshot_create(territory=demo, period=None, title="Avant")
    _change_the_data(demo, queries.periods(demo)[0])
    report = build_report(demo)
    assert "Avant" in report.brief.since
    assert any(
        t.startswith("Taux de difficulté de recrutement (BMO) :") and t.endswith("12,3 %")
        for t in report.brief.changes
    )


def test_two_snapshots_side_by_side_in_the_page(demo, client):
    first = services.snapshot_create(territory=demo, period=None, title="Premier")
    _change_the_data(demo, first.period)
    second = services.snapshot_create(territory=demo, period=None, title="Second")
    page = client.get(f"/diagnostics/instantanes/{first.pk}/comparer/?avec={second.pk}")
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('class="changed"') >= 2  # the figure and the new vintage
    assert "1 chiffre clé ont changé" in body or "1 chiffre clé a changé" in body or "1 chiffre" in body
    assert client.get(f"/diagnostics/instantanes/{first.pk}/comparer/?avec=999999").status_code == 404
    assert client.get(f"/diagnostics/instantanes/{first.pk}/document.pdf").content == bytes(first.pdf)
    assert client.get(f"/diagnostics/instantanes/{first.pk}/document.html").content.decode() == first.html


def test_only_a_coordinator_of_the_territory_freezes_it(demo, client, django_user_model):
    from gtec.organisations.models import Member

    url = f"/territoires/{demo.key}/diagnostic/geler/"
    assert client.post(url).status_code == 403
    reader = django_user_model.objects.create_user(
        "lecteur-snap@example.org", "lecteur-snap@example.org", "x"
    )
    client.force_login(reader)
    assert client.post(url).status_code == 403
    coordinator = django_user_model.objects.create_user(
        "coord-snap@example.org", "coord-snap@example.org", "x"
    )
    Member.objects.create(user=coordinator, role="coordinateur", territory=demo)
    client.force_login(coordinator)
    response = client.post(url, {"title": "Gel du comité"})
    snap = Snapshot.objects.get(title="Gel du comité")
    assert response.status_code == 302 and response["Location"] == f"/diagnostics/instantanes/{snap.pk}/"
    assert snap.created_by == coordinator
