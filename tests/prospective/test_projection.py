"""The official projection imported and reproduced exactly; localisation additive; scenarios; secrecy."""

from __future__ import annotations

import json
import os

import pytest
from django.core.management import call_command

from gtec.imports.models import ImportRun
from gtec.prospective import compute
from gtec.prospective import queries as q
from gtec.prospective.models import RegionalProjection, StaffingCell
from gtec.territories.models import Territory
from gtec_core.prospective.scenarios import Scenario

pytestmark = pytest.mark.django_db
FIELDS = {
    "effectifs_2019": "effectifs_2019_milliers",
    "creations": "creations_destructions_milliers",
    "departs": "departs_fin_carriere_milliers",
    "jeunes_debutants": "jeunes_debutants_milliers",
    "mobilites": "solde_mobilites_inter_regions_milliers",
    "desequilibre": "desequilibre_milliers",
    "postes_a_pourvoir": "postes_a_pourvoir_milliers",
    "indice_specificite": "indice_specificite",
    "part_metier_region": "part_metier_region",
}


def _official(data_dir):
    return json.loads(
        (data_dir / "dares_metiers_2030" / "dares_metiers_2030_regions.json").read_text("utf-8")
    )


def test_every_official_figure_is_stored_exactly_with_provenance(data_dir):
    records = _official(data_dir)
    stored = {(r.region, r.code_fap): r for r in RegionalProjection.objects.all()}
    assert len(stored) == len(records) == 1049
    for rec in records:
        row = stored[(rec["region"], rec["code_fap"])]
        for field, key in FIELDS.items():
            assert getattr(row, field) == rec[key], (rec["region"], rec["code_fap"], field)
        assert row.niveau_tension_2019 == str(rec["niveau_tension_2019"])
    run = ImportRun.objects.filter(source="metiers2030").first()
    assert run is not None and "dares_metiers_2030_regions.json" in run.files
    assert StaffingCell.objects.filter(source="dares-portrait", approximation=True).exists()


def test_import_is_idempotent_and_all_or_nothing(data_dir, tmp_path):
    out = open(os.devnull, "w")
    # `--force`: an unchanged folder is otherwise skipped without a run (sha256 fingerprint, #16)
    call_command("import_data", "metiers2030", "--data-dir", str(data_dir), "--force", stdout=out)
    assert ImportRun.objects.filter(source="metiers2030").first().changed is False
    bad = tmp_path / "dares_metiers_2030"
    bad.mkdir()
    records = _official(data_dir)
    records[5]["postes_a_pourvoir_milliers"] += 1.0
    (bad / "dares_metiers_2030_regions.json").write_text(json.dumps(records), encoding="utf-8")
    (tmp_path / "dares_portrait_metiers").symlink_to(data_dir / "dares_portrait_metiers")
    before = RegionalProjection.objects.count()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"ligne 6.*postes_a_pourvoir_milliers"):
        call_command("import_data", "metiers2030", "--data-dir", str(tmp_path), stdout=out)
    assert RegionalProjection.objects.count() == before


def test_region_page_figures_are_the_official_ones_and_bretagne_checks():
    view = q.projection_view("reg:53", with_local_starters=False)
    official = {r.code_fap: r for r in RegionalProjection.objects.filter(code_region="53")}
    assert len(view.rows) == len(official) == 83
    result = compute.run_projection(Territory.objects.get(key="reg:53"), Scenario.reference(), 2030)
    for line in result.lines:
        rec = official[line.fap]
        assert line.method == "official" and line.band == 0.0
        assert line.employment == rec.effectifs_2019 * 1000
        assert line.postes == pytest.approx(rec.postes_a_pourvoir * 1000, abs=1e-6)
        assert line.imbalance == pytest.approx(rec.desequilibre * 1000, abs=1e-6)
    employment = sum(x.employment for x in result.lines)
    assert round(sum(x.postes_per_year for x in result.lines)) == 42066  # methods.md §2.3
    assert sum(x.departures for x in result.lines) / employment == pytest.approx(0.291, abs=0.0005)
    assert sum(x.creations for x in result.lines) / employment == pytest.approx(0.057, abs=0.0005)


def _lines(key: str, horizon: int = 2030, scenario: Scenario | None = None):
    territory = Territory.objects.get(key=key)
    return {
        x.fap: x for x in compute.run_projection(territory, scenario or Scenario.reference(), horizon).lines
    }


@pytest.mark.parametrize("horizon", [2030, 2035])
def test_departements_add_up_to_their_region(horizon):
    region = _lines("reg:53", horizon)
    deps = [_lines(f"dep:{d}", horizon) for d in ("22", "29", "35", "56")]
    for fap, line in region.items():
        for attr in ("employment", "creations", "departures", "young_starters", "mobility"):
            total = sum(getattr(d[fap], attr) for d in deps)
            assert total == pytest.approx(getattr(line, attr), rel=1e-9, abs=1e-6), (fap, attr)


def test_epci_and_remaining_communes_add_up_to_their_departement():
    dep = Territory.objects.get(key="dep:56")
    communes = set(dep.communes().values_list("pk", flat=True))
    inside = [
        e for e in Territory.objects.filter(scale="epci", memberships__commune__in=communes).distinct()
        if set(e.communes().values_list("pk", flat=True)) <= communes
    ]  # fmt: skip
    covered = set()
    keys = []
    for epci in inside:
        covered |= set(epci.communes().values_list("pk", flat=True))
        keys.append(epci.key)
    keys += list(Territory.objects.filter(pk__in=communes - covered).values_list("key", flat=True))
    assert len(inside) >= 5
    parts = [_lines(k) for k in keys]
    whole = _lines("dep:56")
    for fap, line in whole.items():
        assert sum(p[fap].postes for p in parts if fap in p) == pytest.approx(line.postes, rel=1e-6)
        assert sum(p[fap].employment for p in parts if fap in p) == pytest.approx(line.employment, rel=1e-6)


def test_pays_de_vannes_is_estimated_labelled_and_banded():
    view = q.projection_view("custom:pays-de-vannes")
    assert view.rows and view.regions == ["Bretagne"]
    assert "prorata de la population" in view.method_note
    assert all(r["band"] for r in view.rows)
    assert {c["key"] for c in view.classes} == {
        "accentuent",
        "nouvelles",
        "maintiennent",
        "reduisent",
        "sans",
    }
    lines = _lines("custom:pays-de-vannes")
    assert sum(x.employment for x in lines.values()) > 50_000


def test_scenarios_move_the_figures_as_declared():
    ref = _lines("dep:56")
    covid = _lines("dep:56", scenario=q.resolve_scenario("covid"))
    assert covid["S1Z"].creations < ref["S1Z"].creations  # cuisiniers: hospitality shock
    assert covid["V0Z"].creations > ref["V0Z"].creations  # aides-soignants
    assert covid["A0Z;A1Z;A2Z;A3Z" if "A0Z;A1Z;A2Z;A3Z" in ref else "A0Z"].departures == pytest.approx(
        ref["A0Z;A1Z;A2Z;A3Z" if "A0Z;A1Z;A2Z;A3Z" in ref else "A0Z"].departures
    )
    later = _lines("dep:56", horizon=2035)
    assert later["T4Z"].postes > ref["T4Z"].postes
    local = q.resolve_scenario("", "age_retraite: 1\nemployeurs: [{secteur: QB, emplois: 300}]")
    moved = _lines("dep:56", scenario=local)
    assert moved["T4Z"].departures < ref["T4Z"].departures
    assert sum(x.creations for x in moved.values()) == pytest.approx(
        sum(x.creations for x in ref.values()) + 300, rel=1e-3
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scenario": "lune"}, "scénario inconnu"),
        ({"horizon": "2015"}, "suivre l'année de base"),
        ({"horizon": "2050"}, "au plus 2035"),
        ({"horizon": "demain"}, "une année est attendue"),
        ({"local_text": "age_retraite: dix"}, "age_retraite"),
    ],
)
def test_bad_input_gets_a_french_message(kwargs, message):
    with pytest.raises(q.ScenarioError, match=message):
        q.projection_view("dep:56", **kwargs)


def test_outside_the_field_and_unknown_territory():
    with pytest.raises(q.NoProjection, match="hors du champ"):
        q.projection_view("reg:01")
    with pytest.raises(LookupError, match="territoire inconnu"):
        q.projection_view("zz:9")


def test_imported_local_employment_replaces_the_estimate_and_small_counts_are_secret():
    from gtec.labour.models import Emploi

    epci = Territory.objects.get(key="epci:200067932")
    Emploi.objects.bulk_create(
        [
            Emploi(annee=2019, niveau_geo="epci", code_geo=epci.code, code_fap="T4Z40", tranche_age="55-59 ans", effectif=900),
            Emploi(annee=2019, niveau_geo="epci", code_geo=epci.code, code_fap="T4Z40", tranche_age="30-34 ans", effectif=600),
            Emploi(annee=2019, niveau_geo="epci", code_geo=epci.code, code_fap="S1Z40", tranche_age="30-34 ans", effectif=2),
        ]
    )  # fmt: skip
    lines = {x.fap: x for x in compute.run_projection(epci, Scenario.reference(), 2030).lines}
    assert lines["T4Z"].employment == 1500 and lines["T4Z"].method == "imported"
    assert "pyramide des âges locale" in " ".join(lines["T4Z"].notes)
    rows = {r["fap"]: r for r in q.projection_view(epci.key).rows}
    assert rows["S1Z"]["secret"] and rows["S1Z"]["postes_year"] == "s"
    assert not rows["T4Z"]["secret"]


def test_departures_model_error_is_reported():
    result = q.departures_evaluation()
    assert result["n"] > 1000
    assert 0 < result["mae_points"] < 10
    assert result["worst"][0]["fap"]
