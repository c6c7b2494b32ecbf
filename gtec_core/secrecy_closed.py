"""Closed-form intervals for the auditor `gtec_core.secrecy_audit`: the bounds a reader knows for a
suppressed cell, and the exact intervals of a group of cells linked by at most one relation (a 1-D table),
without a solver. Pure Python, split out of `secrecy_audit` (which re-exports both)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gtec_core.secrecy_audit import Key, PublishedTable

EPS = 1e-6


def bounds_of(table: PublishedTable, key: Key) -> tuple[float, float]:
    low = table.lower.get(key, table.default_lower)
    high = table.upper.get(key, math.inf)
    return low, high


def single_relation(
    members: list[Key], relations: list[dict[Key, float]], table: PublishedTable
) -> dict[Key, tuple[float, float]]:
    """The exact intervals of a group of suppressed cells linked by at most one relation (a 1-D table: one
    total and its parts), without a solver: with Σ cᵢ·xᵢ = r (± the rounding) and each xⱼ within its bounds,
    the other cells' sum ranges over the sum of their ranges, so each cell's minimum and maximum are
    closed forms — the optimum of the two linear programmes `_optimum` would solve."""
    bounds = {k: bounds_of(table, k) for k in members}
    if not relations:
        return bounds
    (rel,) = relations
    rhs, slack, coefs = 0.0, 0.0, {}
    for k, coef in rel.items():
        if k in bounds:
            coefs[k] = coefs.get(k, 0.0) + coef
        else:
            rhs -= coef * float(table.cells[k] or 0)
            slack += abs(coef) * table.rounding

    def term(k: Key) -> tuple[float, float]:  # the range of cₖ·xₖ
        c, (low, high) = coefs.get(k, 0.0), bounds[k]
        if c == 0:
            return 0.0, 0.0
        ends = (c * low, c * high) if c > 0 else (c * high, c * low)
        return ends

    terms = {k: term(k) for k in members}
    finite_low = sum(t[0] for t in terms.values() if math.isfinite(t[0]))
    finite_high = sum(t[1] for t in terms.values() if math.isfinite(t[1]))
    infinite_low = sum(not math.isfinite(t[0]) for t in terms.values())
    infinite_high = sum(not math.isfinite(t[1]) for t in terms.values())
    total_low = -math.inf if infinite_low else finite_low
    total_high = math.inf if infinite_high else finite_high
    if total_low > rhs + slack + EPS or total_high < rhs - slack - EPS:  # what HiGHS calls Infeasible
        first = sorted(members, key=repr)[0]
        raise ValueError(f"tableau publié incohérent : Infeasible (cellule {first!r})")
    out: dict[Key, tuple[float, float]] = {}
    for k in members:
        low, high = bounds[k]
        c = coefs.get(k, 0.0)
        if c == 0:
            out[k] = (low, high)
            continue
        t_low, t_high = terms[k]
        # the other cells' sum ranges over [s_low, s_high] (infinite when another one is unbounded)
        others_low = infinite_low - (not math.isfinite(t_low))
        others_high = infinite_high - (not math.isfinite(t_high))
        s_low = -math.inf if others_low else finite_low - (t_low if math.isfinite(t_low) else 0.0)
        s_high = math.inf if others_high else finite_high - (t_high if math.isfinite(t_high) else 0.0)
        # c·x = r − (the others), within [r − slack − s_high, r + slack − s_low]
        lo_cx, hi_cx = rhs - slack - s_high, rhs + slack - s_low
        lo_x, hi_x = (lo_cx / c, hi_cx / c) if c > 0 else (hi_cx / c, lo_cx / c)
        lo_x, hi_x = max(low, lo_x), min(high, hi_x)
        out[k] = (lo_x, max(lo_x, hi_x))
    return out
