"""Career paths engine (gtec_core/paths): methods.md §3 formulas and worked example, hand-made matrices,
unpaid experience on the real ROME 4.0, ranking properties, recovery of the official mobilities."""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

import pytest

from gtec_core.paths.evaluation import mobility_recovery, ndcg_at_k
from gtec_core.paths.matrix import Link, SkillInfo, SkillMatrix, SkillWeights
from gtec_core.paths.ranker import (
    PathsParams,
    demand_factors,
    load_params,
    mobility_factor,
    rank_paths,
    training_factors,
)
from gtec_core.paths.similarity import (
    coverage,
    greedy_match,
    jaccard,
    mcc_overlap,
    mcc_sigmoid,
    weighted_jaccard,
)

ROOT = Path(__file__).resolve().parents[2]
ROME = ROOT.parent / "shared" / "data" / "rome4"
needs_rome = pytest.mark.skipif(not ROME.exists(), reason="fichiers du ROME 4.0 absents")


# --- methods.md §3.2 and §3.3 ---------------------------------------------------------------------------


def test_coverage_formula_by_hand():
    dest = {1: 2.0, 2: 1.0, 3: 1.0}  # skill 1 is cœur de métier (weight 2)
    assert coverage({1, 2}, dest) == pytest.approx(0.75)
    assert coverage({2, 3}, dest) == pytest.approx(0.5)
    assert coverage({1, 2, 3, 99}, dest) == 1.0  # self-similarity; extra skills never hurt
    assert coverage(set(), dest) == 0.0
    assert coverage({1}, {}) == 0.0  # occupation without skills
    assert coverage({2}, dest, partial={1: 0.5}) == pytest.approx((1 + 1) / 4)
    # Asymmetric: the small set is covered by the big one, not the reverse.
    assert coverage({1, 2, 3}, {1: 1.0}) == 1.0
    assert coverage({1}, {1: 1.0, 2: 1.0, 3: 1.0}) == pytest.approx(1 / 3)


def test_symmetric_measures():
    assert jaccard({1, 2}, {2, 3}) == pytest.approx(1 / 3)
    assert weighted_jaccard({1: 1.0, 2: 2.0}, {2: 1.0, 3: 1.0}) == pytest.approx(1 / 4)


def test_mcc_sigmoid_values_of_methods_md():
    assert mcc_sigmoid(0.87) == pytest.approx(0.5)
    assert mcc_sigmoid(0.95) == pytest.approx(0.982, abs=5e-4)
    assert mcc_sigmoid(0.90) == pytest.approx(0.818, abs=5e-4)
    assert mcc_sigmoid(0.85) == pytest.approx(0.269, abs=5e-4)
    assert mcc_sigmoid(0.82) == pytest.approx(0.076, abs=5e-4)


def test_worked_example_of_methods_md():
    """Origin with 3 essential skills, destination with 4; best cosines 0.95, 0.90, 0.82 (plus lower
    cross pairs the greedy matching must skip)."""
    sims = {(0, 0): 0.95, (0, 1): 0.93, (1, 1): 0.90, (1, 0): 0.91, (2, 2): 0.82, (2, 3): 0.50}
    assert [(i, j) for i, j, _ in greedy_match(sims)] == [(0, 0), (1, 1), (2, 2)]
    forward = mcc_overlap(sims, n_destination=4)
    backward = mcc_overlap({(j, i): x for (i, j), x in sims.items()}, n_destination=3)
    assert forward == pytest.approx(0.469, abs=5e-4)
    assert backward == pytest.approx(0.625, abs=5e-4)
    combined = 0.25 * (forward + 0.55 + 0.60 + 0.70)
    assert combined == pytest.approx(0.580, abs=5e-4)
    assert combined > 0.40  # highly viable


# --- a hand-made matrix ---------------------------------------------------------------------------------

SKILLS = {
    10: SkillInfo(10, "Tenir une caisse", "savoir_faire", 100),
    11: SkillInfo(11, "Encaisser un paiement", "savoir_faire", 100),
    12: SkillInfo(12, "Conseiller un client", "savoir_faire", 101),
    20: SkillInfo(20, "Préparer des repas", "savoir_faire", 200),
    21: SkillInfo(21, "Aider à la toilette", "savoir_faire", 200),
    30: SkillInfo(30, "Travailler en équipe", "savoir_etre", None),
    100: SkillInfo(100, "Gérer des encaissements", "macro"),
    101: SkillInfo(101, "Conseiller", "macro"),
    200: SkillInfo(200, "Aider la personne", "macro"),
}
FICHES = {"D1505": "Caissier", "D1106": "Vendeur", "K1302": "Assistant de vie", "X0000": "Vide"}


def small_matrix(macro_credit: float = 0.5) -> SkillMatrix:
    links = [
        Link("D1505", 10, "savoir_faire", "Principale"),
        Link("D1505", 11, "savoir_faire", "Principale"),
        Link("D1505", 30, "savoir_etre"),
        Link("D1106", 12, "savoir_faire", "Principale"),
        Link("D1106", 11, "savoir_faire"),
        Link("D1106", 30, "savoir_etre"),
        Link("K1302", 20, "savoir_faire", "Principale"),
        Link("K1302", 21, "savoir_faire", "Principale"),
        Link("K1302", 30, "savoir_etre"),
    ]
    weights = SkillWeights({"Principale": 2.0, "": 1.0}, {"savoir_etre": 0.5}, macro_credit)
    return SkillMatrix(links, SKILLS, FICHES, weights)


def params(**over) -> PathsParams:
    base = load_params()
    values = {**base.__dict__, "min_coverage": 0.0, **over}
    return PathsParams(**values)


def test_matrix_weights_and_self_similarity():
    m = small_matrix()
    assert m.rows["D1505"] == {10: 2.0, 11: 2.0, 30: 0.5}
    assert m.totals["D1505"] == 4.5
    for rome in m.rows:
        assert m.coverages(m.fiche_skills(rome))[rome] == pytest.approx(1.0)
    assert "X0000" not in m.rows  # no skill, never ranked


def test_macro_partial_credit():
    m = small_matrix(0.5)
    # Holding compétence 10 reaches macro 100, so sibling 11 counts half.
    cov = m.coverages({10})
    assert cov["D1505"] == pytest.approx((2 + 0.5 * 2) / 4.5)
    assert cov["D1106"] == pytest.approx(0.5 * 1 / 3.5)
    # A macro-compétence stated directly (free text) reaches its compétences at the same credit.
    assert m.coverages({200})["K1302"] == pytest.approx(0.5 * 4 / 4.5)
    assert small_matrix(0.0).coverages({10})["D1505"] == pytest.approx(2 / 4.5)  # exact §3.2 formula
    held, missing = m.explain("D1505", {10})
    assert [(e.code_ogr, e.credit) for e in held] == [(10, 1.0), (11, 0.5)]
    assert [e.code_ogr for e in missing] == [30]
    assert held[0].coeur == "Principale"


def test_unpaid_caring_experience_points_to_care_jobs():
    m = small_matrix()
    ranked = rank_paths(m, {20, 200}, params())
    assert ranked[0].code_rome == "K1302"
    assert ranked[0].factors == {"skills": ranked[0].coverage}  # no optional input: skills alone
    assert ranked[0].score == pytest.approx(ranked[0].coverage)


def test_optional_inputs_each_change_the_ranking_and_missing_is_flagged():
    m = small_matrix()
    p = params()
    person = {11, 12, 30}  # D1106 fully covered, D1505 at (2 + 0.5 × 2 + 0.5) / 4.5
    base = [r.code_rome for r in rank_paths(m, person, p)]
    assert base[:2] == ["D1106", "D1505"]
    with_demand = rank_paths(m, person, p, demand={"D1505": 1.0, "D1106": 0.0})
    assert [r.code_rome for r in with_demand][:2] == ["D1505", "D1106"]
    k1302 = next(r for r in rank_paths(m, person, p, demand={"D1106": 1.0}) if r.code_rome == "K1302")
    assert k1302.factors["demand"] is None  # shown « donnée locale indisponible »
    # Official mobility from the person's métier, and the origin itself left out.
    mob = rank_paths(m, {10, 11, 30}, p, origins=["D1505"], mobility={"D1505": {"K1302": 1}})
    assert "D1505" not in [r.code_rome for r in mob]
    k = next(r for r in mob if r.code_rome == "K1302")
    assert k.mobility_rank == 1 and k.mobility_from == "D1505" and k.factors["mobility"] == 1.0


def test_floor_keeps_short_descriptions_useful():
    m = small_matrix()
    ranked = rank_paths(m, {200}, params(min_coverage=0.9))
    assert [r.code_rome for r in ranked] == ["K1302"]
    assert ranked[0].band == "accessible"  # 0.44 ≥ 0.35


def test_demand_and_training_factors():
    p = load_params()
    figures = {
        "A": {"offers": 100, "projects": 0, "tension_category": 5},
        "B": {"offers": 9, "tension_category": 1},
        "C": {"offres": "n/a"},
    }
    f = demand_factors(figures, p)
    assert f["A"] == pytest.approx((1.0 + 0.0 + 1.0) / 3)
    assert 0 < f["B"] < f["A"]
    assert "C" not in f  # nothing usable: « donnée locale indisponible »
    t = training_factors({"A": [0.0, 12.0], "B": [30.0], "C": [None], "D": []}, p, max_km=30)
    assert t == {"A": 1.0, "B": pytest.approx(0.5), "C": pytest.approx(0.5)}
    assert mobility_factor(1) == 1.0 and mobility_factor(3) == pytest.approx(0.5)


# --- properties -----------------------------------------------------------------------------------------


def random_matrix(rng: random.Random, n_fiches=30, n_skills=60) -> SkillMatrix:
    skills = {s: SkillInfo(s, f"s{s}", "savoir_faire", 1000 + s % 7) for s in range(n_skills)}
    skills.update({1000 + k: SkillInfo(1000 + k, f"m{k}", "macro") for k in range(7)})
    links = []
    for f in range(n_fiches):
        for s in rng.sample(range(n_skills), rng.randint(3, 15)):
            links.append(Link(f"F{f:04d}", s, "savoir_faire", rng.choice(["", "Principale", "Émergente"])))
    return SkillMatrix(
        links, skills, {f"F{f:04d}": f"Fiche {f}" for f in range(n_fiches)}, load_params().skill_weights
    )


def test_adding_a_skill_never_lowers_any_coverage():
    rng = random.Random(6)
    for _ in range(30):
        m = random_matrix(rng)
        person = set(rng.sample(range(60), rng.randint(0, 10)))
        before = m.coverages(person)
        after = m.coverages(person | {rng.randrange(60)})
        for rome, c in before.items():
            assert after[rome] >= c - 1e-12
        assert all(0 <= c <= 1 for c in after.values())


def test_score_is_monotone_in_each_factor():
    rng = random.Random(7)
    p = params()
    for _ in range(30):
        m = random_matrix(rng)
        person = set(rng.sample(range(60), 8))
        demand = {r: rng.random() for r in m.rows if rng.random() < 0.7}
        training = {r: rng.random() for r in m.rows if rng.random() < 0.5}
        ranked = rank_paths(m, person, p, demand=demand, training=training, limit=1000)
        target = rng.choice(ranked)
        pos = [r.code_rome for r in ranked].index(target.code_rome)
        for name, values in (("demand", demand), ("training", training)):
            raised = {**values, target.code_rome: 1.0}
            kw = {"demand": demand, "training": training, name: raised}
            again = rank_paths(m, person, p, limit=1000, **kw)
            new = next(r for r in again if r.code_rome == target.code_rome)
            assert new.score >= target.score - 1e-9
            assert [r.code_rome for r in again].index(target.code_rome) <= pos
        # Ranking by skills alone is ranking by coverage.
        alone = rank_paths(m, person, p, limit=1000)
        assert [r.coverage for r in alone] == sorted((r.coverage for r in alone), reverse=True)


def test_ndcg_by_hand():
    assert ndcg_at_k(["a", "b", "c"], {"a", "b"}, 3) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "a"], {"a"}, 2) == pytest.approx(1 / 1.5849625, abs=1e-6)
    assert ndcg_at_k(["x"], set(), 1) == 0.0


# --- real ROME 4.0 --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    from gtec_core.matching.loader import load_engine
    from gtec_core.paths.loader import load_matrix, load_mobilities

    p = load_params()
    engine = load_engine(ROME, None, Path(__file__).resolve().parents[2] / "var" / "cache")
    return load_matrix(ROME, p.skill_weights), load_mobilities(ROME), engine, p


@needs_rome
@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(
            "Trésorier du club de foot : je tenais les comptes et je préparais le budget annuel.",
            {"M1225", "M1608", "M1223"},
            marks=pytest.mark.xfail(
                reason="#10 : « préparer le budget » est écarté, le métier deviné (M1207) ne porte pas le budget",
                strict=False,
            ),
        ),
        (
            "Je me suis occupée de ma mère malade pendant deux ans : toilette, repas, courses.",
            {"K1302", "K1311", "K1304"},
        ),
        pytest.param(
            "Saisonnier aux vendanges puis à la cueillette des pommes chaque automne.",
            {"A1418", "A1402", "A1444"},
            marks=pytest.mark.xfail(
                reason="le moteur de texte (#10) ne relie pas « cueillette » aux libellés de récolte",
                strict=False,
            ),
        ),
    ],
)
def test_unpaid_experience_on_the_real_rome(real, text, expected):
    matrix, _, extractor, p = real
    skills = {m.code_ogr for m in extractor.extract(text, with_competences=True)}
    top = [r.code_rome for r in rank_paths(matrix, skills, p, limit=10)]
    assert expected & set(top), top


@needs_rome
def test_real_matrix_and_recovery_of_official_mobilities(real):
    matrix, mobilities, _, _ = real
    assert len(matrix) == 1584 and len(mobilities) == 1584
    sources = sorted(mobilities)[::4]
    scores = mobility_recovery(sources, mobilities, lambda s: matrix.coverages(matrix.fiche_skills(s)))
    assert scores.n == len(sources)
    assert scores.precision > 0.2 and scores.ndcg > 0.25  # measured on all fiches: 0.258 / 0.320
    # A random ranking would find about 9.4 / 1583 × 10 ≈ 0.06 hits in ten.
    shuffled = mobility_recovery(sources, mobilities, lambda s: {c: random.random() for c in matrix.rows})
    assert shuffled.precision < 0.02


@needs_rome
def test_query_latency_on_the_full_rome(real):
    matrix, mobilities, _, p = real
    rng = random.Random(1)
    times = []
    for src in rng.sample(sorted(matrix.rows), 60):
        start = time.perf_counter()
        rank_paths(matrix, matrix.fiche_skills(src), p, origins=[src], mobility=mobilities)
        times.append(time.perf_counter() - start)
    assert statistics.quantiles(times, n=20)[-1] < 0.1
