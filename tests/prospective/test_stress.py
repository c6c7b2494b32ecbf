"""Stress tests on the real referentials: displaced workers, secrecy of closures, bad shocks, absorption."""

from __future__ import annotations

import datetime as dt

import pytest

from gtec.labour.models import DemandeurEmploi, Etablissement
from gtec.prospective import queries as q

pytestmark = pytest.mark.django_db
VANNES = "epci:200067932"


def _establishments():
    rows = [
        ("35600000000011", "356000000", "56.10A", "21", "56260"),  # restaurant, 50-99
        ("35600000100011", "356000001", "55.10Z", "12", "56260"),  # hotel, 20-49
        ("35600000200011", "356000002", "55.10Z", "12", "56260"),
        ("35600000300011", "356000003", "10.71C", "11", "56260"),  # bakery, 10-19
        ("29000000000011", "290000000", "56.10A", "22", "29019"),  # Brest: outside the territory
    ]
    Etablissement.objects.bulk_create(
        [
            Etablissement(siret=s, siren=n, naf=naf, tranche_effectifs=t, code_insee=c)
            for s, n, naf, t, c in rows
        ]
    )


def test_sector_loss_without_sirene_uses_the_projection_structure():
    view = q.stress_view(VANNES, "preset: insee-2020-03", absorption=False)
    assert "approximation" in view.sector_source
    assert view.displaced and float(view.total_displaced.replace("\u202f", "").replace(",", ".")) > 100
    exposure = dict(view.indicators)["Exposition Σ part × perte"]
    assert exposure.endswith("%") and 10 < float(exposure[:-2].replace(",", ".")) < 60
    fapset = {d["fap"] for d in view.displaced[:10]}
    assert fapset & {"B2Z", "B4Z", "B0Z", "B1Z", "B6Z"}  # construction loses 89 %


def test_sirene_weights_sectors_locally_and_one_closure_is_secret():
    _establishments()
    view = q.stress_view(VANNES, "pertes: {IZ: 0.5}\ntransmission: 1", absorption=False)
    assert "SIRENE" in view.sector_source
    # 3 hotels/restaurants, 3 companies: IZ loss 0.5 × (74.5 + 34.5 + 34.5)
    total = float(view.total_displaced.replace("\u202f", "").replace(",", "."))
    assert total == pytest.approx(round(0.5 * (74.5 + 34.5 + 34.5)), abs=1)
    assert dict(view.indicators)["Concentration sectorielle (HHI)"] != "—"
    closure = q.stress_view(VANNES, "fermetures: ['35600000300011']", absorption=False)
    assert closure.displaced and all(d["value"] == "s" for d in closure.displaced)  # one company: dominance
    frame = q.stress_frame(closure)
    assert set(frame["actifs_deplaces"].to_list()) == {"s"}


def test_closure_outside_or_unknown():
    _establishments()
    with pytest.raises(q.ShockError, match="hors du territoire"):
        q.stress_view(VANNES, "fermetures: ['29000000000011']", absorption=False)
    view = q.stress_view(VANNES, "fermetures: ['11111111111111']\npertes: {IZ: 0.1}", absorption=False)
    assert "introuvable" in view.warnings[0]


def test_martin_indicators_from_the_job_seeker_series():
    communes = ["56260", "56121", "56185"]  # Vannes, Lorient (outside the EPCI), Plescop? any of the dep
    rows = []
    for year, local, other in ((2019, 100, 1000), (2020, 130, 1100)):
        for month in (1, 6):
            rows.append(DemandeurEmploi(mois=dt.date(year, month, 1), categorie="ABC", niveau_geo="commune",
                                        code_geo=communes[0], code_rome="G1602", stock=local))  # fmt: skip
            rows.append(DemandeurEmploi(mois=dt.date(year, month, 1), categorie="ABC", niveau_geo="commune",
                                        code_geo=communes[1], code_rome="G1602", stock=other))  # fmt: skip
    DemandeurEmploi.objects.bulk_create(rows)
    view = q.stress_view(VANNES, "pertes: {IZ: 0.1}", absorption=False)
    indicators = dict(view.indicators)
    # local +30 %, département +(30 + 100)/1100 = 11.8 % → SI = 0.3 / 0.11818 = 2.54
    assert indicators["Sensibilité (Martin)"] == "2,54"
    assert "2019 → 2020" in indicators["Période de référence de la résilience"]


def test_absorption_ranks_reachable_occupations_with_openings():
    view = q.stress_view(VANNES, "pertes: {IZ: 0.6}")
    assert view.absorption, "no absorption computed"
    first = view.absorption[0]
    assert first["targets"] and all("postes à pourvoir" not in t["label"] for t in first["targets"])
    assert view.coverage.endswith("%")


def test_a_closed_establishment_is_not_counted_twice():
    _establishments()
    both = q.stress_view(
        VANNES, "pertes: {IZ: 0.5}\ntransmission: 1\nfermetures: ['35600000000011']", absorption=False
    )
    total = float(both.total_displaced.replace("\u202f", "").replace(",", "."))
    # the restaurant (74.5 jobs) closes; the two hotels lose half of their 2 × 34.5 jobs
    assert total == pytest.approx(round(74.5 + 0.5 * 69), abs=1)
