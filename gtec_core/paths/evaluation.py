"""How well a fiche-to-fiche similarity recovers the official ROME 4.0 mobilities (methods.md §3.1: "report
precision@k of computed neighbours against ROME proches").

For every fiche with at least one mobility, the fiche's own skills stand for the person; the other fiches
are ranked by the scorer; gold = the fiche's mobility targets. precision@k = hits in the top k / k;
recall@k = hits / |gold|; nDCG@k with binary gains and the ideal ranking putting min(k, |gold|) hits first.
Means are over source fiches.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class RecoveryScores:
    n: int
    precision: float
    recall: float
    ndcg: float


def ndcg_at_k(ranked: list[str], gold: set[str], k: int) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, code in enumerate(ranked[:k]) if code in gold)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(gold))))
    return dcg / ideal if ideal else 0.0


def mobility_recovery(
    sources: list[str],
    mobilities: Mapping[str, Mapping[str, int]],
    scorer: Callable[[str], Mapping[str, float]],
    k: int = 10,
) -> RecoveryScores:
    p = r = g = 0.0
    n = 0
    for src in sources:
        gold = set(mobilities.get(src, {})) - {src}
        if not gold:
            continue
        scores = scorer(src)
        ranked = sorted((c for c in scores if c != src), key=lambda c: (-scores[c], c))[:k]
        hits = sum(1 for c in ranked if c in gold)
        p += hits / k
        r += hits / len(gold)
        g += ndcg_at_k(ranked, gold, k)
        n += 1
    n_ = max(n, 1)
    return RecoveryScores(n, p / n_, r / n_, g / n_)
