"""The indicator pipeline on small hand-made inputs: expected values, the secrecy of small cells, the exports."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from gtec.labour import models as m
from gtec.labour.observations.run import observations_compute
from gtec.labour.read import indicator_export, key_figures, local_demand
from gtec.territories.models import Territory

pytestmark = pytest.mark.django_db

VANNES = "56260"


def seekers(rome: str, category: str, month: int, stock: int, entries: int, exits: int) -> m.DemandeurEmploi:
    return m.DemandeurEmploi(
        mois=date(2024, month, 1),
        categorie=category,
        niveau_geo="commune",
        code_geo=VANNES,
        code_rome=rome,
        stock=stock,
        entrees=entries,
        sorties=exits,
    )


@pytest.fixture
def vannes_inputs():
    """J1501 (aide-soignant): 12 offers, 10 entries a month in ABC; K2204 (nettoyage): 1 offer only;
    A1416 (polyculture): 5 offers — the smallest other cell, suppressed to protect K2204 in the total."""
    rows = []
    for month in range(1, 13):
        rows += [seekers("J1501", "A", month, 30, 8, 6), seekers("J1501", "ABC", month, 50, 10, 9)]
        rows += [seekers("K2204", "A", month, 20, 4, 4), seekers("K2204", "ABC", month, 25, 5, 5)]
    m.DemandeurEmploi.objects.bulk_create(rows)
    m.Offre.objects.bulk_create(
        [
            m.Offre(
                identifiant=f"J{i}",
                date_creation=date(2024, 1 + i % 12, 3),
                code_insee=VANNES,
                code_rome="J1501",
                durable=i % 2 == 0,
                temps_plein=True,
            )
            for i in range(12)
        ]
        + [m.Offre(identifiant="K1", date_creation=date(2024, 5, 2), code_insee=VANNES, code_rome="K2204")]
        + [
            m.Offre(identifiant=f"A{i}", date_creation=date(2024, 6, 2), code_insee=VANNES, code_rome="A1416")
            for i in range(5)
        ]
    )
    return Territory.objects.get(key=f"commune:{VANNES}")


def test_offers_demand_ratio_by_rome_and_secrecy_of_small_cells(vannes_inputs):
    observations_compute([vannes_inputs], years=[2024])
    ratio = m.Observation.objects.get(
        indicator="offers_demand_ratio", territory=vannes_inputs, occupation="J1501"
    )
    assert ratio.period == "2024" and ratio.occupation_kind == "rome"
    assert ratio.value == pytest.approx(12 / 120)  # OEE / DEE: 12 offers, 12 × 10 entries
    assert ratio.counts == {"offers": 12.0, "entries": 120.0} and ratio.status == "ok"
    small = m.Observation.objects.get(
        indicator="offers_demand_ratio", territory=vannes_inputs, occupation="K2204"
    )
    assert small.status == "secret"  # one offer: fewer than 3 units
    # secondary: the offers total would give K2204 away; A1416, the smallest other cell, is suppressed too
    other = m.Observation.objects.get(
        indicator="offers_demand_ratio", territory=vannes_inputs, occupation="A1416"
    )
    assert other.status == "secret"


def test_rerunning_the_computation_changes_nothing(vannes_inputs):
    observations_compute([vannes_inputs], years=[2024])
    _, counts = observations_compute([vannes_inputs], years=[2024])
    assert not counts["observations"].changed and counts["observations"].unchanged > 0


def test_lack_of_labour_and_bmo_shares_reach_the_fap_level(vannes_inputs):
    observations_compute([vannes_inputs], years=[2024])
    bmo = m.Observation.objects.filter(
        indicator="bmo_difficulty_rate", territory=vannes_inputs, occupation=""
    )
    assert bmo.count() == 1
    total = bmo.get()
    # the commune receives its population share of the Vannes bassin: fewer projects than the bassin
    bassin_projects = sum(
        p or 0 for p in m.BmoProjet.objects.filter(code_bassin="5310").values_list("projets", flat=True)
    )
    assert 0 < total.counts["projects"] < bassin_projects
    assert 0 <= total.value <= 1


def test_exports_never_show_a_secret_value(vannes_inputs, tmp_path):
    observations_compute([vannes_inputs], years=[2024])
    table = indicator_export("offers_demand_ratio", vannes_inputs, "2024")
    secret = table.filter(table["metier"] == "K2204").row(0, named=True)
    assert secret["affichage"] == "s" and secret["valeur"] is None and secret["effectifs"] == ""
    out = tmp_path / "export.csv"
    call_command(
        "export",
        "offers_demand_ratio",
        "--territory",
        f"commune:{VANNES}",
        "--period",
        "2024",
        "--format",
        "csv",
        "--output",
        str(out),
        stderr=io.StringIO(),
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    k = next(r for r in rows if r["metier"] == "K2204")
    assert k["affichage"] == "s" and k["valeur"] == "" and k["effectifs"] == ""
    j = next(r for r in rows if r["metier"] == "J1501")
    assert j["valeur"] == "0,1" and "offers = 12" in j["effectifs"]
    xlsx = tmp_path / "export.xlsx"
    call_command(
        "export",
        "offers_demand_ratio",
        "--territory",
        f"commune:{VANNES}",
        "--format",
        "xlsx",
        "--output",
        str(xlsx),
        stderr=io.StringIO(),
    )
    values = [c for row in load_workbook(xlsx).active.iter_rows(values_only=True) for c in row]
    assert "s" in values and "K2204" in values


def test_key_figures_and_local_demand(vannes_inputs):
    observations_compute([vannes_inputs], years=[2024])
    figures = key_figures(vannes_inputs, "2024")
    assert figures["offers"].display == "18" and figures["entries"].value == 180
    demand = local_demand(vannes_inputs.key, ["J1501", "K2204"])
    assert demand["J1501"]["offers"] == 12
    assert demand["K2204"]["offers"] == "s"  # one offer: the count is never given


def test_a_territory_without_data_is_not_computed():
    empty = Territory.objects.get(key="dep:56")
    m.BmoProjet.objects.all().delete()  # no national file either: nothing covers the territory
    with pytest.raises(ValueError, match="aucun territoire couvert"):
        observations_compute([empty], years=[2024])


def test_a_lone_secret_cell_takes_a_complementary_one_with_it():
    """Offers by occupation are published with their « tous métiers » total: one secret cell alone would be
    the total minus the others, so the smallest other cell of the same territory and year is suppressed too."""
    import polars as pl

    from gtec.labour.observations.inputs import ALL
    from gtec.labour.observations.protection import protect_with_totals

    frame = pl.DataFrame(
        {
            "territory": ["t"] * 5 + ["u"] * 3,
            "period": ["2024"] * 8,
            "occupation": ["A", "B", "C", "D", ALL, "A", "B", ALL],
            "offers": [1.0, 40.0, 12.0, 30.0, 83.0, 50.0, 60.0, 110.0],
        }
    )
    out = protect_with_totals(frame, ["offers"], 3)
    secret = {(r["territory"], r["occupation"]) for r in out.iter_rows(named=True) if r["secret"]}
    assert secret == {("t", "A"), ("t", "C")}  # C, the smallest other cell, protects A; u has nothing secret
    assert out.height == frame.height


def test_employment_of_a_project_territory_comes_from_its_zone_by_population():
    """A territory with no employment published gets its zone's, in proportion of the shared population,
    when the zone holds it (≥ 95 %) and it is at least half the zone; a small commune gets none."""
    import polars as pl

    from gtec.labour.observations.geography import allocated

    codes = {"56260": "Vannes", "56243": "Séné", "56003": "Arradon"}
    pops = dict(Territory.objects.filter(scale="commune", code__in=codes).values_list("code", "population"))
    tmap = pl.DataFrame(
        {
            "commune": [*codes, "56260", "56243", "56003"],
            "territory": ["ze:x"] * 3 + ["custom:y", "custom:y", "commune:56003"],
        }
    )
    direct = pl.DataFrame(
        {
            "territory": ["ze:x", "ze:x"],
            "occupation": ["A0X40", "J0X33"],
            "period": ["2024", "2024"],
            "employment": [1000.0, 500.0],
        }
    )
    out = allocated(tmap, direct, {"ze:x", "custom:y", "commune:56003"})
    share = (pops["56260"] + pops["56243"]) / sum(pops.values())
    assert set(out["territory"]) == {"custom:y"}
    assert out.sort("occupation")["employment"].to_list() == pytest.approx([1000 * share, 500 * share])


def test_sectoral_shock_exposure_from_establishments(vannes_inputs):
    """Employees estimated from SIRENE headcount bands, weighted by the Insee loss of each sector."""
    from gtec_core.indicators.base import load_parameters

    m.Etablissement.objects.bulk_create(
        [
            m.Etablissement(
                siret="1" * 14, siren="1" * 9, naf="43.21A", tranche_effectifs="12", code_insee=VANNES
            ),
            m.Etablissement(
                siret="2" * 14, siren="2" * 9, naf="25.62B", tranche_effectifs="11", code_insee=VANNES
            ),
            m.Etablissement(
                siret="3" * 14, siren="3" * 9, naf="56.10A", tranche_effectifs="03", code_insee=VANNES
            ),
            m.Etablissement(
                siret="4" * 14, siren="4" * 9, naf="86.21Z", tranche_effectifs="NN", code_insee=VANNES
            ),
        ]
    )
    observations_compute([vannes_inputs], years=[2024])
    obs = m.Observation.objects.get(indicator="covid_exposure", territory=vannes_inputs)
    loss = load_parameters("structure.covid_exposure")["scenarios"]["insee-2020-03-26"]
    expected = (34.5 * loss["construction"] + 14.5 * loss["industry"] + 7.5 * loss["market_services"]) / 56.5
    assert obs.status == "ok" and obs.period == "2024"
    assert obs.value == pytest.approx(expected, abs=1e-9)


def test_establishments_of_the_fiche_sectors_nearest_first():
    """J1501's ROME sector is NAF division 86: its active establishments, counted by commune, nearest first;
    a closed one or one of another division does not count, and `max_km` drops the far ones."""
    from gtec.labour.read import establishments_for_fiches

    rows = [("56260", "86.10Z", True), ("56260", "86.22C", True), ("56260", "86.10Z", False)]
    rows += [("56243", "86.90A", True), ("56260", "43.21A", True), ("56121", "86.10Z", True)]  # Séné; Lorient
    m.Etablissement.objects.bulk_create(
        m.Etablissement(siret=f"{i:014d}", siren=f"{i:09d}", naf=naf, code_insee=c, actif=a)
        for i, (c, naf, a) in enumerate(rows, start=1)
    )
    found = establishments_for_fiches(["J1501"], commune="56260", max_km=20)["J1501"]
    assert [(e["commune"], e["count"], e["naf"]) for e in found] == [("Vannes", 2, "86"), ("Séné", 1, "86")]
    assert found[0]["distance_km"] == 0.0 and 0 < found[1]["distance_km"] < 20
    wider = establishments_for_fiches(["J1501"], commune="56260", max_km=100)["J1501"]
    assert "Lorient" in [e["commune"] for e in wider]


def test_a_category_without_rows_counts_zero_not_secret():
    """A ROME with job seekers in ABC but no row in category A has 0 in A (a missing row is 0); only a `*`
    (null) would make the cell secret."""
    from gtec.labour.observations.inputs import load_jobseekers

    m.DemandeurEmploi.objects.bulk_create(
        [seekers("A1416", "ABC", month, 6, 2, 1) for month in (1, 2)]
        + [seekers("J1501", "A", 1, 4, 1, None), seekers("J1501", "ABC", 1, 9, 3, 2)]
    )
    frame = load_jobseekers(None, [2024])
    only_abc = frame.filter(frame["rome"] == "A1416").row(0, named=True)
    assert (only_abc["entries_a"], only_abc["stock_a"], only_abc["entries_abc"]) == (0.0, 0.0, 4.0)
    both = frame.filter(frame["rome"] == "J1501").row(0, named=True)
    assert both["entries_a"] == 1.0 and both["exits_abc"] == 2.0
