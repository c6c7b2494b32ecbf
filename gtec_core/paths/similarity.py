"""Similarity measures between skill sets (methods.md §3.2 and §3.3).

`coverage` is the measure the paths engine ranks with: the share of what the destination requires that the
origin already has, each destination skill weighted (cœur de métier counts more):

    cov(A→B) = Σ_{s∈A∩B} wB_s / Σ_{s∈B} wB_s          (methods.md §3.2, "Destination coverage")

It is asymmetric on purpose (transitions are directional) and the gap list is B \\ A. `partial` extends it
with a credit in [0, 1] per destination skill the origin does not hold exactly (for example a sibling
compétence under the same ROME macro-compétence, paths.yaml `macro_credit`); with no partial credit it is
exactly the §3.2 formula.

The MCC functions (sigmoid, greedy one-to-one matching, asymmetric W) reimplement Nesta's "Mapping Career
Causeways" NLP-adjusted overlap from its specification in methods.md §3.3 (no code copied); they are used for
the worked example and as a reference, the ROME 4.0 giving exact skill identities rather than embeddings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

MCC_SIGMOID = (-43.5, 50.0)


def coverage(
    origin: Iterable[int],
    destination: Mapping[int, float],
    partial: Mapping[int, float] | None = None,
) -> float:
    """cov(A→B) with destination weights wB; `partial` gives a credit for skills of B not in A."""
    have = set(origin)
    total = sum(destination.values())
    if total <= 0:
        return 0.0  # occupations with no skills: similarity 0 (methods.md §3.2, edge cases)
    partial = partial or {}
    gained = sum(
        w * (1.0 if s in have else min(max(partial.get(s, 0.0), 0.0), 1.0)) for s, w in destination.items()
    )
    return gained / total


def jaccard(a: Iterable[int], b: Iterable[int]) -> float:
    a, b = set(a), set(b)
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def weighted_jaccard(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    keys = set(a) | set(b)
    top = sum(max(a.get(k, 0.0), b.get(k, 0.0)) for k in keys)
    return sum(min(a.get(k, 0.0), b.get(k, 0.0)) for k in keys) / top if top else 0.0


def mcc_sigmoid(x: float, params: tuple[float, float] = MCC_SIGMOID) -> float:
    """w(x) = 1 / (1 + exp(−(a + b·x))) with MCC's default a = −43.5, b = 50 (midpoint x = 0.87)."""
    a, b = params
    return 1.0 / (1.0 + math.exp(-(a + b * x)))


def greedy_match(similarities: Mapping[tuple[int, int], float]) -> list[tuple[int, int, float]]:
    """One-to-one matching of origin and destination items: pairs taken in descending similarity, an item
    already matched on either side being skipped (MCC `find_best_matches`)."""
    used_i: set[int] = set()
    used_j: set[int] = set()
    matched = []
    for (i, j), x in sorted(similarities.items(), key=lambda kv: (-kv[1], kv[0])):
        if i in used_i or j in used_j:
            continue
        matched.append((i, j, x))
        used_i.add(i)
        used_j.add(j)
    return matched


def mcc_overlap(
    similarities: Mapping[tuple[int, int], float],
    n_destination: int,
    params: tuple[float, float] = MCC_SIGMOID,
) -> float:
    """Asymmetric NLP-adjusted overlap W(i→j) = Σ w(matched cosine) / n_j (methods.md §3.3, step 1)."""
    if n_destination <= 0:
        return 0.0
    return sum(mcc_sigmoid(x, params) for _, _, x in greedy_match(similarities)) / n_destination
