"""Career paths engine: how well skill similarity alone recovers the official ROME 4.0 mobilities, what each
ranking factor changes, and the latency of one path query on the full ROME.

    .venv/bin/python bench/eval_paths.py [--rome DIR]

Recovery (methods.md §3.1): every fiche with mobilities stands for a person holding exactly its skills; the
other fiches are ranked; gold = its unix_rubrique_mobilite targets. precision@10, recall@10, nDCG@10 (binary
gains), means over fiches. Factor effects: mean share of the top 10 replaced when a factor is added (demand
and training have no real local data yet: seeded uniform values show the sensitivity to their weights).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gtec_core.matching.evaluation import read_texts  # noqa: E402
from gtec_core.matching.loader import load_engine  # noqa: E402
from gtec_core.paths.evaluation import mobility_recovery  # noqa: E402
from gtec_core.paths.loader import load_matrix, load_mobilities  # noqa: E402
from gtec_core.paths.matrix import SkillWeights  # noqa: E402
from gtec_core.paths.ranker import load_params, rank_paths  # noqa: E402
from gtec_core.paths.similarity import jaccard  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rome", type=Path, default=ROOT.parent / "shared" / "data" / "rome4")
    args = parser.parse_args()
    params = load_params()
    start = time.perf_counter()
    matrix = load_matrix(args.rome, params.skill_weights)
    mobilities = load_mobilities(args.rome)
    print(f"chargement de la matrice : {time.perf_counter() - start:.1f} s ({len(matrix)} fiches)")
    sources = sorted(s for s in mobilities if s in matrix.rows)
    print(
        f"\nRetrouver les mobilités officielles ({len(sources)} fiches, moyenne "
        f"{statistics.mean(len(mobilities[s]) for s in sources):.1f} cibles)"
    )
    print(f"{'variante':58} {'P@10':>6} {'R@10':>6} {'nDCG@10':>8}")
    w = params.skill_weights
    variants = [
        ("Jaccard symétrique (ensembles)", None),
        ("couverture, sans pondération (méthodes §3.2)", SkillWeights({"": 1.0}, {}, 0.0)),
        ("+ cœur de métier ×2 / émergente ×1,5", SkillWeights(w.coeur, {}, 0.0)),
        ("+ savoir-être ×0,5", SkillWeights(w.coeur, w.kind, 0.0)),
        (f"+ crédit macro-compétence {w.macro_credit} (paramètres en service)", w),
    ]
    sets = {r: set(row) for r, row in matrix.rows.items()}
    for name, weights in variants:
        if weights is None:
            scorer = lambda s: {r: jaccard(sets[s], b) for r, b in sets.items()}  # noqa: E731
        else:
            m = matrix if weights is w else load_matrix(args.rome, weights)
            scorer = lambda s, m=m: m.coverages(m.fiche_skills(s))  # noqa: E731
        sc = mobility_recovery(sources, mobilities, scorer)
        print(f"{name:58} {sc.precision:6.3f} {sc.recall:6.3f} {sc.ndcg:8.3f}")
    rnd = random.Random(0)
    sc = mobility_recovery(sources, mobilities, lambda s: {r: rnd.random() for r in matrix.rows})
    print(f"{'hasard (référence)':58} {sc.precision:6.3f} {sc.recall:6.3f} {sc.ndcg:8.3f}")

    print("\nEffet de chaque facteur (part du top 10 remplacée, moyenne sur 300 fiches)")
    rng = random.Random(6)
    sample = rng.sample(sources, 300)
    demand = {r: rng.random() for r in matrix.rows}
    training = {r: rng.random() for r in matrix.rows if rng.random() < 0.3}
    base_p = replace(params, min_coverage=0.0)

    def top(src, **kw):
        return [p.code_rome for p in rank_paths(matrix, matrix.fiche_skills(src), base_p, limit=10, **kw)]

    cases = {
        "mobilité ROME (poids 0,15)": dict(origins=[0], mobility=mobilities),
        "demande locale (poids 0,15, valeurs tirées au hasard)": dict(demand=demand),
        "formation locale (poids 0,10, 30 % des fiches, hasard)": dict(training=training),
    }
    for name, kw in cases.items():
        changed, hits_before, hits_after = [], 0, 0
        for src in sample:
            extra = {**kw, "origins": [src]} if "origins" in kw else kw
            a, b = top(src, origins=[src]), top(src, **extra)
            changed.append(len(set(a) - set(b)) / 10)
            gold = set(mobilities[src])
            hits_before += len(gold & set(a))
            hits_after += len(gold & set(b))
        print(
            f"  {name:58} {statistics.mean(changed):5.2f}   P@10 {hits_before / 3000:.3f} → {hits_after / 3000:.3f}"
        )

    print("\nLatence d'une requête (classement + explication des 20 premiers), ROME 4.0 complet")
    times = []
    for src in rng.sample(sorted(matrix.rows), 300):
        person = matrix.fiche_skills(src)
        t = time.perf_counter()
        for p in rank_paths(matrix, person, params, origins=[src], mobility=mobilities, demand=demand):
            matrix.explain(p.code_rome, person)
        times.append((time.perf_counter() - t) * 1000)
    q = statistics.quantiles(times, n=20)
    print(
        f"  depuis une fiche (≈ 57 compétences) : p50 {statistics.median(times):.1f} ms, p95 {q[-1]:.1f} ms"
    )
    engine = load_engine(args.rome, None, ROOT / "var" / "cache")
    times = []
    texts = [row.text for row in read_texts(ROOT / "tests" / "data" / "text_eval" / "texts_dev.jsonl")]
    for text in texts * 5:
        t = time.perf_counter()
        person = {m.code_ogr for m in engine.extract(text, with_competences=True)}
        for p in rank_paths(matrix, person, params):
            matrix.explain(p.code_rome, person)
        times.append((time.perf_counter() - t) * 1000)
    q = statistics.quantiles(times, n=20)
    print(
        f"  depuis un texte libre (extraction comprise, {len(texts)} textes) : "
        f"p50 {statistics.median(times):.1f} ms, p95 {q[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
