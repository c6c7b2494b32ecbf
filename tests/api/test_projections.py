"""/api/v1/projections and /api/v1/tests-de-resistance: « Les métiers en 2030 » for a territory and saved
stress tests, with statistical secrecy through every filter combination and page; pagination; bad input."""

from __future__ import annotations

import itertools

import pytest

from gtec.labour.models import Emploi
from gtec.prospective import compute
from gtec.prospective import services as ps
from gtec.territories.models import Territory
from gtec_core.french import format_fr
from gtec_core.prospective.scenarios import Scenario
from tests.api.test_read import assert_page, get
from tests.prospective.test_stress import _establishments

pytestmark = pytest.mark.django_db
VANNES = "epci:200067932"
PDV = "custom:pays-de-vannes"


@pytest.fixture(autouse=True)
def _fresh_world():
    """The projection inputs are cached per process and import; a rolled-back test must not leave them."""
    compute._cache.update(stamp=None, value=None)
    yield
    compute._cache.update(stamp=None, value=None)


@pytest.fixture
def small_local_count():
    """Imported local employment: a large family and one of 2 people (primary secret)."""
    epci = Territory.objects.get(key=VANNES)
    Emploi.objects.bulk_create(
        [
            Emploi(annee=2019, niveau_geo="epci", code_geo=epci.code, code_fap="T4Z40", tranche_age="55-59 ans", effectif=900),
            Emploi(annee=2019, niveau_geo="epci", code_geo=epci.code, code_fap="T4Z40", tranche_age="30-34 ans", effectif=600),
            Emploi(annee=2019, niveau_geo="epci", code_geo=epci.code, code_fap="S1Z40", tranche_age="30-34 ans", effectif=2),
        ]
    )  # fmt: skip
    return epci


def test_projection_of_a_territory(client):
    scenarios = get(client, "/api/v1/projections/scenarios")
    assert {"reference", "covid", "bas-carbone"} <= {s["nom"] for s in scenarios}
    payload = get(client, f"/api/v1/projections/{PDV}?size=10")
    assert_page(payload, 1, 10)
    assert payload["territoire"] == PDV and payload["horizon"] == 2030 and payload["scenario"] == "reference"
    assert payload["total"] > 50 and payload["symbole_secret"] == "s"
    first = payload["items"][0]
    assert first["statut"] == "ok" and first["valeurs"]["postes_a_pourvoir_par_an"] > 0
    assert first["affichage"]["postes_a_pourvoir_par_an"] == format_fr(
        first["valeurs"]["postes_a_pourvoir_par_an"]
    )
    assert {c["classe"] for c in payload["classes"]} >= {"accentuent", "sans"}
    later = get(client, f"/api/v1/projections/{PDV}?horizon=2035&scenario=covid&size=100")
    assert later["horizon"] == 2035 and later["libelle_scenario"] and later["total"] == payload["total"]
    aides = get(client, f"/api/v1/projections/{PDV}?famille=v0z")
    assert [r["fap"] for r in aides["items"]] == ["V0Z"]
    tense = get(client, f"/api/v1/projections/{PDV}?classe=accentuent&size=100")
    assert tense["items"] and {r["classe"] for r in tense["items"]} == {"accentuent"}
    seen = []
    for page in (1, 2, 3):
        chunk = get(client, f"/api/v1/projections/{PDV}?size=4&page={page}")
        assert_page(chunk, page, 4)
        seen += [r["fap"] for r in chunk["items"]]
    assert seen == [r["fap"] for r in later["items"]][:12] or len(set(seen)) == 12


def test_projection_bad_input_is_a_french_4xx(client):
    for url in [
        f"/api/v1/projections/{PDV}?scenario=lune",
        f"/api/v1/projections/{PDV}?horizon=2010",
        f"/api/v1/projections/{PDV}?horizon=3000",
        f"/api/v1/projections/{PDV}?horizon=abc",
        f"/api/v1/projections/{PDV}?classe=x",
        f"/api/v1/projections/{PDV}?statut=cache",
        f"/api/v1/projections/{PDV}?size=1000",
        f"/api/v1/projections/{PDV}?page=0",
        f"/api/v1/projections/{PDV}?famille=" + "x" * 50,
    ]:
        payload = get(client, url, 422)
        assert payload["code"] == "requete_invalide" and "«" in payload["message"], url
    outside = get(client, "/api/v1/projections/reg:01", 404)
    assert outside["code"] == "sans_projection" and "hors du champ" in outside["message"]
    assert get(client, "/api/v1/projections/zz:1", 404)["code"] == "introuvable"
    assert get(client, "/api/v1/tests-de-resistance/inconnu", 404)["code"] == "introuvable"


def no_secret_family(rows: list[dict]):
    for row in rows:
        if row["statut"] == "secret":
            assert row["valeurs"] is None
            assert set(row["affichage"].values()) <= {"s", "", "s – s"}, row


def test_projection_never_gives_a_secret_family(client, small_local_count):
    lines = compute.run_projection(small_local_count, Scenario.reference(), 2030).lines
    published_employment = sum(x.employment for x in lines if x.fap != "S1Z")
    whole = get(client, f"/api/v1/projections/{VANNES}?size=100")
    rows = {r["fap"]: r for r in whole["items"]}
    assert rows["S1Z"]["statut"] == "secret" and rows["S1Z"]["valeurs"] is None
    assert rows["T4Z"]["statut"] == "ok" and rows["T4Z"]["valeurs"]["emploi_2019"] == 1500
    # the total leaves the secret family out, so it cannot be given back by difference
    assert whole["totaux"]["emploi_2019"] == format_fr(published_employment)
    secret_class = rows["S1Z"]["classe"]
    combos = itertools.product(
        ["reference", "covid"],
        [2030],
        [None, "S1Z", "S", "T4Z"],
        [None, secret_class],
        [None, "secret", "ok"],
        [7, 100],
    )
    secrets_seen = 0
    for scenario, horizon, famille, classe, statut, size in combos:
        query = {"scenario": scenario, "horizon": horizon, "size": size}
        query |= {"famille": famille} if famille else {}
        query |= {"classe": classe} if classe else {}
        query |= {"statut": statut} if statut else {}
        url = f"/api/v1/projections/{VANNES}?" + "&".join(f"{k}={v}" for k, v in query.items())
        first = get(client, url)
        assert first["totaux"] == whole["totaux"] or horizon != 2030 or scenario != "reference"
        for page in range(1, first["pages"] + 1):
            items = get(client, url + f"&page={page}")["items"]
            no_secret_family(items)
            secrets_seen += sum(r["statut"] == "secret" for r in items)
    assert secrets_seen > 0


def test_saved_stress_test_applies_secrecy(client):
    _establishments()
    wide = ps.stresstest_save(territory_key=VANNES, shock_text="preset: insee-2020-03")
    payload = get(client, f"/api/v1/tests-de-resistance/{wide.token}")
    assert payload["territoire"] == VANNES and payload["choc"] == "preset: insee-2020-03"
    assert payload["deplaces"] and payload["total_deplaces"] != "s"
    ok = [d for d in payload["deplaces"] if d["statut"] == "ok"]
    assert ok and all(d["actifs_deplaces"] is not None for d in ok)
    assert payload["indicateurs"] and payload["secteurs"]
    closure = ps.stresstest_save(territory_key=VANNES, shock_text="fermetures: ['35600000300011']")
    one = get(client, f"/api/v1/tests-de-resistance/{closure.token}")
    assert one["deplaces"] and all(
        d["statut"] == "secret" and d["actifs_deplaces"] is None and d["affichage"] == "s"
        for d in one["deplaces"]
    )  # one company: dominance
    assert one["total_deplaces"] == "s" and {s["actifs_deplaces"] for s in one["secteurs"]} == {"s"}


def test_stress_page_and_export_withhold_totals_when_a_cell_is_secret(client):
    """The page and its export read the same view as the API: a one-company closure (dominance) shows no total,
    no sector figure and no exposure that would give the secret cell back."""
    _establishments()
    closure = ps.stresstest_save(territory_key=VANNES, shock_text="fermetures: ['35600000300011']")
    page = client.get(f"/territoires/{VANNES}/stress/{closure.token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<strong>s</strong> emplois perdus" in html
    csv = client.get(f"/territoires/{VANNES}/stress/{closure.token}/export.csv")
    assert csv.status_code == 200
    from gtec.prospective import queries as pq

    view = pq.stress_view(VANNES, closure.shock, absorption=False)
    assert view.displaced and all(d["secret"] for d in view.displaced)
    assert view.total_displaced == "s" and {s["displaced"] for s in view.sectors} == {"s"}
    assert dict(view.indicators)["Exposition Σ part × perte"] == "s"
