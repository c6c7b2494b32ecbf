"""Pure computations of the projections and stress tests (gtec_core.prospective), methods.md §2 and §5."""

import json

import pytest

from gtec_core.errors import SourceError
from gtec_core.prospective import official, staffing, stress
from gtec_core.prospective.accounting import Line, classify
from gtec_core.prospective.departures import DeparturesModel, evaluate
from gtec_core.prospective.localise import Context, Official, Part, project
from gtec_core.prospective.scenarios import Scenario, ScenarioError, builtin, parse_local


def test_worked_example_2_4():
    """methods.md §2.4: CN 800, DFC 3 475 from the pyramid, PàP 4 275 (≈ 389 a year), DES 1 525 = 15.3 %."""
    bands = [(2000, 0.95), (1500, 0.80), (1500, 0.25)]
    departures = sum(n * q for n, q in bands)
    assert departures == pytest.approx(3475)
    line = Line(
        "X",
        "x",
        employment=10_000,
        creations=10_800 - 10_000,
        departures=departures,
        young_starters=-250 * 11,
        mobility=0.0,
        tension=4,
    )
    assert line.postes == pytest.approx(4275)
    assert round(line.postes_per_year) == 389
    assert line.imbalance == pytest.approx(1525)
    assert line.imbalance_ratio == pytest.approx(0.1525)  # 15.25 %, « 15.3 % » rounded half up
    assert line.klass == "accentuent"
    assert line.replacement_per_year + line.expansion_per_year == pytest.approx(line.postes_per_year)


def test_four_classes_from_thresholds():
    assert classify(0.10, 5) == "accentuent"
    assert classify(0.10, 2) == "nouvelles"
    assert classify(0.0, 4) == "maintiennent"
    assert classify(-0.10, 4) == "reduisent"
    assert classify(-0.10, 1) == "sans"
    assert classify(0.10, None) == "nouvelles"


def test_departures_model_shapes_and_retirement_shift():
    model = DeparturesModel.from_params()
    assert (
        model.band_exit("60 ans ou plus", 11)
        > model.band_exit("55-59 ans", 11)
        > model.band_exit("50-54 ans", 11)
    )
    assert model.band_exit("25-29 ans", 11) < 0.05
    old = {"55-59 ans": 100.0}
    assert model.rate(old, 11, shift=1) < model.rate(old, 11)
    assert model.rate(old, 16) > model.rate(old, 11)
    assert model.rate({}, 11) is None


def test_departures_calibration_hits_the_official_total_and_evaluation_reports_mae():
    pyramids = {
        "A0Z": {"55-59 ans": 30.0, "30-34 ans": 70.0},
        "B0Z": {"60 ans ou plus": 10.0, "40-44 ans": 90.0},
    }
    targets = {"A0Z": (100.0, 40.0), "B0Z": (100.0, 15.0)}
    model = DeparturesModel.from_params().calibrated(pyramids, targets)
    total = sum(e * model.rate(pyramids[f], 11) for f, (e, _) in targets.items())
    assert total == pytest.approx(55.0)
    records = [
        {
            "code_fap": f,
            "region": "R",
            "fap_libelle": f,
            "effectifs_2019_milliers": e,
            "departs_fin_carriere_pct": d / e,
        }
        for f, (e, d) in targets.items()
    ]
    result = evaluate(records, pyramids, model)
    assert result["n"] == 2 and result["mae_points"] > 0
    assert {w["fap"] for w in result["worst"]} == {"A0Z", "B0Z"}


def _record(fap, region="Bretagne", e=10.0, cn=1.0, dfc=3.0, jd=-2.0, mob=0.5, level="4"):
    return {
        "code_fap": fap, "fap_libelle": fap, "region": region, "niveau_tension_2019": level,
        "effectifs_2019_milliers": e, "part_metier_region": 0.1, "indice_specificite": 1.0,
        "creations_destructions_milliers": cn, "creations_destructions_pct": cn / e,
        "departs_fin_carriere_milliers": dfc, "departs_fin_carriere_pct": dfc / e,
        "jeunes_debutants_milliers": jd, "jeunes_debutants_pct": jd / e,
        "solde_mobilites_inter_regions_milliers": mob, "solde_mobilites_inter_regions_pct": mob / e,
        "desequilibre_milliers": cn + dfc + jd + mob, "desequilibre_pct": (cn + dfc + jd + mob) / e,
        "postes_a_pourvoir_milliers": cn + dfc, "postes_a_pourvoir_pct": (cn + dfc) / e,
    }  # fmt: skip


def test_official_reader_checks_identity_and_names_the_record(tmp_path):
    good = [_record("A0Z"), _record("B0Z")]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(good), encoding="utf-8")
    rows = official.read_regions(path)
    assert rows[0]["region_code"] == "53" and rows[0]["effectifs_2019_milliers"] == 10.0
    bad = [_record("A0Z"), {**_record("B0Z"), "postes_a_pourvoir_milliers": 9.0}]
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(SourceError, match="ligne 2.*postes_a_pourvoir_milliers"):
        official.read_regions(path)
    path.write_text(json.dumps([{**_record("A0Z"), "region": "Atlantide"}]), encoding="utf-8")
    with pytest.raises(SourceError, match="région inconnue"):
        official.read_regions(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(SourceError, match="JSON illisible"):
        official.read_regions(path)


def _context():
    rows = {"A0Z": _record("A0Z", e=10.0), "P0Z": _record("P0Z", e=4.0, cn=0.2, dfc=1.2, level="hors champ")}
    return Context(
        official={"53": Official("53", rows)},
        dep_employment={"22": {"A0Z": 3000}, "29": {"A0Z": 1000}, "35": {"A0Z": 4000}, "56": {"A0Z": 2000}},
        dep_region_share={"22": 0.2, "29": 0.3, "35": 0.3, "56": 0.2},
        dep_region={"22": "53", "29": "53", "35": "53", "56": "53"},
        pyramids={
            "A0Z": {"55-59 ans": 20.0, "40-44 ans": 80.0},
            "P0Z": {"50-54 ans": 50.0, "30-34 ans": 50.0},
        },
        model=DeparturesModel.from_params(),
        staffing={"CA": {"A0Z": 0.5, "P0Z": 0.5}},
        dep_tension={"56": {"A0Z": 2}},
    )


def test_departements_add_up_to_the_region_and_communes_to_their_departement():
    ctx = _context()
    region = {line.fap: line for line in project(ctx, [Part("53", "53", 1.0)], is_region=True)}
    deps = [project(ctx, [Part("53", d, 1.0)]) for d in ("22", "29", "35", "56")]
    for fap in ("A0Z", "P0Z"):
        for attr in ("employment", "creations", "departures", "young_starters", "mobility", "postes"):
            total = sum(getattr(next(x for x in lines if x.fap == fap), attr) for lines in deps)
            assert total == pytest.approx(getattr(region[fap], attr))
    morbihan = {x.fap: x for x in project(ctx, [Part("53", "56", 1.0)])}
    assert morbihan["A0Z"].employment == pytest.approx(2000)  # Dares structure: 2 000 / 10 000 of 10 000
    assert morbihan["A0Z"].method == "dares_departement"
    assert morbihan["P0Z"].employment == pytest.approx(800)  # no Dares figure: population share 0.2
    assert morbihan["P0Z"].method == "population"
    assert morbihan["A0Z"].tension == 2  # today's local category, not the région's 4
    halves = [project(ctx, [Part("53", "56", w)]) for w in (0.25, 0.75)]
    assert sum(next(x for x in h if x.fap == "A0Z").postes for h in halves) == pytest.approx(
        morbihan["A0Z"].postes
    )


def test_horizon_scenarios_and_bad_input():
    ctx = _context()
    part = [Part("53", "56", 1.0)]
    ref = {x.fap: x for x in project(ctx, part)}
    later = {x.fap: x for x in project(ctx, part, horizon=2035)}
    assert later["A0Z"].creations == pytest.approx(ref["A0Z"].creations * 16 / 11)
    assert later["A0Z"].departures > ref["A0Z"].departures
    assert later["A0Z"].band > ref["A0Z"].band
    older = {x.fap: x for x in project(ctx, part, scenario=parse_local("age_retraite: 1"))}
    assert older["A0Z"].departures < ref["A0Z"].departures
    plant = {
        x.fap: x
        for x in project(ctx, part, scenario=parse_local("employeurs: [{secteur: CA, emplois: 200}]"))
    }
    assert plant["A0Z"].creations == pytest.approx(ref["A0Z"].creations + 100)
    covid = builtin("covid")
    assert covid.creation_shift and not covid.is_reference
    with pytest.raises(ValueError, match="antérieur"):
        project(ctx, part, horizon=2015)
    with pytest.raises(ScenarioError, match="scénario inconnu « lune »"):
        builtin("lune")
    with pytest.raises(ScenarioError, match="ligne 2"):
        parse_local("nom: x\n  bad: [", "s.yaml")
    with pytest.raises(ScenarioError, match="secteur"):
        parse_local("employeurs: [{secteur: ZZ9, emplois: 3}]")
    with pytest.raises(ScenarioError, match="champ « vitesse »"):
        parse_local("vitesse: 3")
    assert Scenario.reference().is_reference


def test_exposure_worked_example_5_2():
    losses = stress.sector_losses_from_groups(
        {
            "agri_iaa": 0.04,
            "industry": 0.52,
            "construction": 0.89,
            "market_services": 0.36,
            "non_market_services": 0.14,
        }
    )
    shares = {"AZ": 0.10, "CH": 0.15, "FZ": 0.08, "GZ": 0.45, "OZ": 0.22}
    assert round(100 * stress.exposure(shares, losses), 1) == 34.6
    assert stress.preset("insee-2020-03").losses["FZ"] == 0.89


def test_martin_worked_example_5_3():
    assert stress.sensitivity(-500, 10_000, -0.025, 1.0) == pytest.approx(2.0)
    assert stress.resistance(
        -500, {"manuf": 4000, "serv": 6000}, {"manuf": -0.06, "serv": -0.01}
    ) == pytest.approx(-2 / 3)
    assert stress.sensitivity(-5, 100, 0.0, 100) is None


def test_concentration_worked_example_5_1():
    assert stress.hhi({"a": 3000, "b": 5000, "c": 2000}) == pytest.approx(0.38)
    assert stress.top_share([10, 5, 3, 1, 1], n=1) == pytest.approx(0.5)


def test_displacement_and_coverage():
    shock = stress.parse_shock("pertes: {IZ: 0.5}\ntransmission: 0.4\nduree_mois: 3")
    by_sector = stress.displaced_by_sector({"IZ": 1000, "GZ": 500}, shock)
    assert by_sector == {"IZ": pytest.approx(200)}
    by_fap = stress.displaced_by_fap(by_sector, {"IZ": {"S1Z": 0.75, "S2Z": 0.25}})
    assert by_fap == {"S1Z": pytest.approx(150), "S2Z": pytest.approx(50)}
    assert stress.coverage(200, 300) == pytest.approx(1.5)
    assert stress.coverage(0, 300) is None
    assert stress.establishment_jobs("12") == 34.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pertes: {IZ: 1.5}", "taux entre 0 et 1"),
        ("pertes: {QQ: 0.5}", "NAF A38 inconnu"),
        ("fermetures: ['123']", "SIRET à 14 chiffres"),
        ("preset: grele", "préréglage inconnu"),
        ("nom: x", "ni pertes"),
        ("pertes: [", "YAML illisible"),
        ("duree_mois: 0\npertes: {IZ: 0.1}", "duree_mois"),
    ],
)
def test_bad_shock_gets_a_french_message(text, message):
    with pytest.raises(stress.ShockError, match=message):
        stress.parse_shock(text, "choc.yaml")


def test_bad_shock_names_its_line():
    with pytest.raises(stress.ShockError, match=r"choc.yaml, ligne 3, champ « transmission »"):
        stress.parse_shock("nom: x\npertes: {IZ: 0.1}\ntransmission: 2\n", "choc.yaml")


def test_staffing_portrait_and_census(tmp_path):
    portrait = tmp_path / "s.csv"
    portrait.write_bytes(
        (
            '"Fap","Secteur","Label_secteur","Milliers","Pourcentage"\n'
            '"S1Z","IZ","Hébergement",80,80\n"S1Z","AU","Autres",20,20\n'
            '"T4Z","QB","Social",60,60\n"T4Z","AU","Autres",40,40\n'
        ).encode("cp1252")
    )
    cells = staffing.read_portrait(portrait)
    by_fap = staffing.shares_by_fap(cells)
    assert by_fap["S1Z"]["IZ"] == pytest.approx(0.8) and by_fap["S1Z"]["QB"] == pytest.approx(0.2)
    assert any(c["approximated"] for c in cells)
    census = tmp_path / "c.csv"
    census.write_text("secteur;fap;effectif\nIZ;S1Z;10\nIZ;S2Z;30\n", encoding="utf-8")
    assert staffing.shares_by_sector(staffing.read_census(census))["IZ"]["S2Z"] == pytest.approx(0.75)
    census.write_text("secteur;fap;effectif\nIZ;S1Z;dix\n", encoding="utf-8")
    with pytest.raises(SourceError, match="ligne 2.*effectif"):
        staffing.read_census(census)
    assert staffing.naf_to_a38("56.10A") == "IZ" and staffing.naf_to_a38("1071C") == "CA"
