"""« Formations manquantes »: the wiring of the adequacy formulas to hand-made labour observations, BMO
cells, survey needs and training sessions — tables of input → expected coverage and gaps, with secrecy."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest
from django.core.cache import cache

from gtec.territories.models import Membership, Territory
from gtec.training import adequacy
from gtec.training import models as m
from tests.factories import ObservationFactory

pytestmark = pytest.mark.django_db

BRIDGE = pl.DataFrame(
    {
        "code_fap2021": ["V5X80", "S1X40", "T4X60", "A0X40"],
        "code_rome": ["J1501", "G1602", "M1805", "A1101"],
        "weight": [1.0, 1.0, 1.0, 1.0],
        "rome_share": [1.0, 1.0, 1.0, 1.0],
    }
)
# FAP: (BMO projects, status, Dares category)
PUBLISHED = {"V5X80": (40, "ok", 5), "S1X40": (30, "ok", 4), "T4X60": (20, "ok", 2), "A0X40": (100, "ok", 1)}


@pytest.fixture
def territory(monkeypatch):
    cache.clear()  # labour read-side queries are cached per territory key and data version
    # other test modules commit the demo LHEO offer for the session (browser tests): this test's own sessions
    # must be the only ones (the deletion is rolled back with the test)
    m.Formation.objects.all().delete()
    monkeypatch.setattr(adequacy, "fap_bridge", lambda: BRIDGE)
    t = Territory.objects.create(
        key="custom:test-gaps", scale="custom", code="test-gaps", name="Test manques"
    )
    for code in ("56260", "56003"):  # Vannes, Arradon
        Membership.objects.create(territory=t, commune=Territory.objects.get(scale="commune", code=code))
    return t


def observations(territory: Territory, cells: dict) -> None:
    for fap, (projects, status, category) in cells.items():
        ObservationFactory(
            territory=territory,
            occupation=fap,
            status=status,
            counts={"projects": projects, "difficult": projects / 2},
        )
        ObservationFactory(
            indicator="dares_tension",
            territory=territory,
            occupation=fap,
            value=float(category),
            status=status,
            category=category,
        )


def training(numero: str, code_insee: str, lat: float, lon: float, fiche: str, sessions: list[tuple]) -> None:
    organisme, _ = m.Organisme.objects.get_or_create(key="test-of", defaults={"nom": "OF test"})
    f = m.Formation.objects.create(
        flux="test", numero=numero, intitule=f"Formation {fiche}", organisme=organisme
    )
    a = m.Action.objects.create(formation=f, numero="1", code_insee=code_insee, latitude=lat, longitude=lon)
    m.ActionFiche.objects.create(action=a, fiche_id=fiche, route="lheo", confidence=1.0)
    for i, (debut, places) in enumerate(sessions):
        m.Session.objects.create(action=a, numero=str(i), debut=debut, nb_places=places)


@pytest.fixture
def offer():
    # J1501 in Vannes: 20 places in 2026 (+ 10 in 2025, another year); G1602 only in Nivillac (≈ 40 km)
    training("F1", "56260", 47.658, -2.760, "J1501", [(dt.date(2026, 3, 1), 20), (dt.date(2025, 3, 1), 10)])
    training("F2", "56147", 47.533, -2.282, "G1602", [(dt.date(2026, 9, 1), 12)])


def rows_by_code(report):
    return {r["code_rome"]: r for r in report.rows}


def test_coverage_and_gaps_from_observations_and_sessions(territory, offer):
    observations(territory, PUBLISHED)
    report = adequacy.gap_report(territory, year=2026, max_km=30, today=dt.date(2026, 6, 1))
    assert report.year == 2026 and report.bmo_period == "2024"
    got = {
        code: (
            r["positions_per_year"],
            r["places"],
            None if r["coverage"] is None else round(r["coverage"], 2),
            r["category"],
            r["no_training_near"],
            r["priority"],
        )
        for code, r in rows_by_code(report).items()
    }
    assert got == {
        "J1501": (40.0, 20.0, 0.5, 5, False, True),  # under-covered, tension 5
        "G1602": (30.0, 0.0, 0.0, 4, True, True),  # no local place, nearest beyond 30 km
        "M1805": (20.0, 0.0, 0.0, 2, True, False),  # under-covered but tension 2
        "A1101": (100.0, 0.0, 0.0, 1, True, False),
    }
    # priorities first, largest unfilled first; then the others by unfilled positions
    assert [r["code_rome"] for r in report.rows] == ["G1602", "J1501", "A1101", "M1805"]
    g = rows_by_code(report)["G1602"]
    assert g["nearest"]["formation_id"] == m.Formation.objects.get(numero="F2").pk
    assert 30 < g["nearest"]["km"] < 50
    assert rows_by_code(report)["J1501"]["nearest"]["km"] < 5
    wide = adequacy.gap_report(territory, year=2026, max_km=60)
    assert rows_by_code(wide)["G1602"]["no_training_near"] is False
    assert rows_by_code(wide)["G1602"]["priority"] is True  # still no local place: under-covered
    assert adequacy.gap_report(territory, year=2025)  # another year: 10 places for J1501
    assert rows_by_code(adequacy.gap_report(territory, year=2025))["J1501"]["places"] == 10.0


def test_secret_cells_stay_secret_and_nothing_derived_reveals_them(territory, offer):
    observations(territory, {**PUBLISHED, "A0X40": (2, "secret", 1)})
    report = adequacy.gap_report(territory, year=2026, max_km=30)
    rows = rows_by_code(report)
    # A0X40 is secret at source; bmo_table's secondary suppression hides more cells (or the total) so that
    # the total does not give it away: every fiche fed by a suppressed cell is secret here too
    from gtec.labour.read import bmo_table

    suppressed = {r["code"] for r in bmo_table(territory, limit=None)["rows"] if r["projects"].secret}
    assert "A0X40" in suppressed
    secret_codes = {BRIDGE.filter(pl.col("code_fap2021") == f)["code_rome"][0] for f in suppressed}
    assert {r["code_rome"] for r in report.rows if r["secret"]} == secret_codes
    for code in secret_codes:
        assert rows[code]["secret"] is True
        assert rows[code]["positions_per_year"] is None and rows[code]["coverage"] is None
        assert rows[code]["unfilled"] is None and rows[code]["under_covered"] is None
    assert rows["J1501"]["positions_per_year"] == 40.0
    table = adequacy.export_table(report)
    secret = table.filter(pl.col("code_rome").is_in(list(secret_codes)))
    assert set(secret["secret_besoins"]) == {"s"}
    assert secret["postes_a_pourvoir_par_an"].null_count() == secret.height
    assert secret["taux_de_couverture"].null_count() == secret.height
    assert secret["postes_non_couverts"].null_count() == secret.height
    assert table.schema["postes_a_pourvoir_par_an"] == pl.Float64  # numbers stay numbers in a spreadsheet
    # secret rows come after the published ones, whatever their value
    assert {r["code_rome"] for r in report.rows[-len(secret_codes) :]} == secret_codes


def test_survey_needs_fill_in_where_bmo_is_silent():
    bmo = pl.DataFrame({"code_rome": ["J1501", "K1302"], "positions": [40.0, None], "secret": [False, True]})
    survey = pl.DataFrame(
        {
            "code_rome": ["J1501", "K1302", "G1602", "M1805"],
            "survey_hires": [12.0, 5.0, 8.0, None],
            "survey_secret": [False, False, False, True],
        }
    )
    out = {r["code_rome"]: r for r in adequacy.combine_needs(bmo, survey).iter_rows(named=True)}
    assert (out["J1501"]["positions"], out["J1501"]["source"]) == (40.0, "BMO")
    # a secret BMO cell stays secret: the survey's figure never stands in for it
    assert (out["K1302"]["positions"], out["K1302"]["secret"]) == (None, True)
    assert (out["G1602"]["positions"], out["G1602"]["source"], out["G1602"]["secret"]) == (
        8.0,
        "enquête",
        False,
    )
    assert (out["M1805"]["positions"], out["M1805"]["secret"]) == (None, True)


def test_default_year():
    assert adequacy.default_year([2025, 2026], dt.date(2026, 5, 1)) == 2026
    assert adequacy.default_year([2024, 2025], dt.date(2026, 5, 1)) == 2025
    assert adequacy.default_year([2027], dt.date(2026, 5, 1)) == 2027
    assert adequacy.default_year([], dt.date(2026, 5, 1)) is None


def test_gaps_page_and_exports(client, territory, offer):
    observations(territory, {**PUBLISHED, "A0X40": (2, "secret", 1)})
    page = client.get("/formations/manquantes/", {"territoire": territory.key, "annee": "2026", "km": "30"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-rome="G1602"' in html and "Formation G1602" in html
    csv = client.get(
        "/formations/manquantes/", {"territoire": territory.key, "annee": "2026", "format": "csv"}
    )
    assert csv["Content-Type"].startswith("text/csv")
    frame = pl.read_csv(io.BytesIO(csv.content), separator=";", infer_schema=False)
    assert frame["code_rome"].to_list()[:2] == ["G1602", "J1501"]
    secret_row = frame.filter(pl.col("code_rome") == "A1101")
    assert secret_row["secret_besoins"].to_list() == ["s"]
    assert secret_row["postes_a_pourvoir_par_an"].to_list() in ([None], [""])
    xlsx = client.get(
        "/formations/manquantes/", {"territoire": territory.key, "annee": "2026", "format": "xlsx"}
    )
    assert xlsx.content[:2] == b"PK"
    assert client.get("/formations/manquantes/", {"territoire": "custom:nope"}).status_code == 404


def test_gaps_lead_with_a_short_top_list_and_export_numbers(client, territory, offer):
    import io

    from openpyxl import load_workbook

    observations(territory, PUBLISHED)
    html = client.get(
        "/formations/manquantes/", {"territoire": territory.key, "annee": 2026}
    ).content.decode()
    report = adequacy.gap_report(territory, year=2026, max_km=30)
    if report.priorities:
        assert "premières priorités" in html and html.index("premières priorités") < html.index(
            'id="manques"'
        )
        assert len(report.top()) <= 10
        assert sum(g["count"] for g in report.families()) == report.priorities
    body = client.get(
        "/formations/manquantes/", {"territoire": territory.key, "annee": 2026, "format": "xlsx"}
    ).content
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "code_rome")
    col = rows[header].index("places_de_formation")
    values = [r[col] for r in rows[header + 1 :] if r[col] is not None]
    assert values and all(isinstance(v, int | float) for v in values)
