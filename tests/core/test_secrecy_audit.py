"""The auditor of published tables (`gtec_core.secrecy_audit`): the review's concrete rows (security review
2026-12-04, §5.1 and §5.2) are recovered or narrowed; a well-protected table is not. Pure tests."""

from __future__ import annotations

import math

import pytest

from gtec_core.secrecy_audit import (
    NARROWED,
    PROTECTED,
    RECOVERED,
    Protection,
    PublishedTable,
    audit,
    intervals,
    leaks,
    pivot_table,
)

EPCIS = ["Arc Sud", "GMVA", "Questembert", "Total"]


def row_table(values: list[float | None], lower: float = 1.0) -> PublishedTable:
    """One published row of the campaign page: three EPCIs and the territory total."""
    return pivot_table(
        {("r", c): v for c, v in zip(EPCIS, values, strict=True)},
        rows=["r"],
        cols=EPCIS,
        default_lower=lower,
    )


def test_d1106_s_13_s_total_15_pins_both_hidden_cells():
    # 12 months, D1106: « s, 13, s, 15 »; empty cells print « 0 », so each « s » is ≥ 1
    found = {f.key: f for f in audit(row_table([None, 13, None, 15]))}
    assert (found[("r", "Arc Sud")].low, found[("r", "Arc Sud")].high) == (1, 1)
    assert found[("r", "Arc Sud")].status == RECOVERED
    assert found[("r", "Questembert")].status == RECOVERED


def test_m1503_0_s_s_total_2_pins_both():
    found = audit(row_table([0, None, None, 2]))
    assert [(f.low, f.high, f.status) for f in found] == [(1, 1, RECOVERED), (1, 1, RECOVERED)]


def test_the_same_row_is_only_narrowed_when_a_reader_cannot_exclude_zero():
    # if an « s » may hide an empty cell, « 0, s, s, 2 » gives [0, 2]: not exact, but still too narrow
    found = audit(row_table([0, None, None, 2], lower=0.0))
    assert [(f.low, f.high, f.status) for f in found] == [(0, 2, NARROWED), (0, 2, NARROWED)]


def test_a_suppressed_total_protects_the_row():
    found = audit(row_table([0, None, None, None]))
    assert all(f.status == PROTECTED and math.isinf(f.high) for f in found)


def test_d1105_pinned_to_1_3_by_rows_and_columns():
    # 2-D: the row « s, s, 0, 4 » alone allows [1, 3] for each hidden cell; a width of 2 is narrowed
    table = pivot_table(
        {("D1105", "Arc Sud"): None, ("D1105", "GMVA"): None, ("D1105", "Questembert"): 0, ("D1105", "Total"): 4,
         ("X", "Arc Sud"): None, ("X", "GMVA"): None, ("X", "Questembert"): 9, ("X", "Total"): None,
         ("Total", "Arc Sud"): 40, ("Total", "GMVA"): 50, ("Total", "Questembert"): 9, ("Total", "Total"): 99},
        rows=["D1105", "X", "Total"], cols=EPCIS, default_lower=1,
    )  # fmt: skip
    got = intervals(table)
    assert got[("D1105", "Arc Sud")] == (1, 3)
    assert audit(table, {("D1105", "Arc Sud"): 1}, keys=[("D1105", "Arc Sud")])[0].status == NARROWED
    assert got[("X", "Arc Sud")] == (37, 39)


def test_a_table_with_enough_uncertainty_is_protected():
    # classic 2 × 2 cycle of hidden cells among large published ones: each hidden cell moves over ≥ 3
    values = {("a", "x"): None, ("a", "y"): None, ("a", "z"): 20, ("a", "Total"): 30,
              ("b", "x"): None, ("b", "y"): None, ("b", "z"): 30, ("b", "Total"): 40,
              ("Total", "x"): 10, ("Total", "y"): 10, ("Total", "z"): 50, ("Total", "Total"): 70}  # fmt: skip
    table = pivot_table(values, rows=["a", "b", "Total"], cols=["x", "y", "z", "Total"], default_lower=1)
    truth = {("a", "x"): 4, ("a", "y"): 6, ("b", "x"): 6, ("b", "y"): 4}
    found = audit(table, truth)
    assert {(f.low, f.high) for f in found} == {(1, 9)}
    assert leaks(found) == []


def test_protection_grows_with_the_value():
    assert Protection().required(1) == 3
    assert Protection().required(100) == pytest.approx(20)


def test_derived_cell_from_a_published_source_and_a_public_share_is_recovered():
    # §5.2: commune:56260 = 0.23409 × bassin:5310; the bassin's 11 is published, the commune's « s » is not
    table = PublishedTable(
        {"bassin A0X42": 11.0, "commune A0X42": None},
        relations=[{"commune A0X42": 1.0, "bassin A0X42": -0.23409}],
        integer=False,
    )
    (finding,) = audit(table, {"commune A0X42": 2.574})
    assert finding.status == RECOVERED and finding.low == pytest.approx(2.575, abs=0.01)


def test_rounded_published_values_leave_an_interval():
    table = PublishedTable({"total": 10.0, "a": 4.0, "b": None}, default_lower=0, rounding=0.5, integer=False)
    table.add_total("total", ["a", "b"])
    ((low, high),) = intervals(table).values()
    assert (low, high) == (pytest.approx(5.0), pytest.approx(7.0))


def test_inconsistent_publication_is_reported():
    table = row_table([0, None, None, 1])  # two cells ≥ 1 cannot sum to 1
    with pytest.raises(ValueError, match="incohérent"):
        intervals(table)


def _solved_by_highs(table: PublishedTable) -> dict:
    """The intervals as the two linear programmes per cell give them (the solver path, no closed form)."""
    import highspy
    import numpy as np

    from gtec_core.secrecy_audit import EPS, _components, _optimum, _solver

    out = {}
    for members, relations in _components(table):
        members = sorted(members, key=repr)
        h, index = _solver(members, relations, table)
        seen = (np.full(len(members), math.inf), np.full(len(members), -math.inf))
        for k in members:
            low = _optimum(h, index[k], highspy.ObjSense.kMinimize, seen)
            high = _optimum(h, index[k], highspy.ObjSense.kMaximize, seen)
            if table.integer:
                low = math.ceil(low - EPS) if math.isfinite(low) else low
                high = math.floor(high + EPS) if math.isfinite(high) else high
            out[k] = (low, high)
    return out


@pytest.mark.parametrize("seed", range(60))
def test_one_relation_closed_form_equals_the_linear_programmes(seed):
    """A 1-D table (one total, its parts; or a derived share of a source) is solved in closed form: the
    same intervals as HiGHS, for counts and rounded estimates, hidden totals, known upper bounds, signs."""
    import random

    rng = random.Random(seed)
    integer = rng.random() < 0.6
    n = rng.randint(2, 7)
    parts = [float(rng.randint(0, 40)) if integer else round(rng.uniform(0, 40), 2) for _ in range(n)]
    cells = {f"p{i}": v for i, v in enumerate(parts)} | {"T": sum(parts)}
    hidden = rng.sample(sorted(cells), rng.randint(1, min(4, len(cells))))
    table = PublishedTable(
        {k: (None if k in hidden else v) for k, v in cells.items()},
        default_lower=rng.choice([0.0, 1.0]) if integer else 0.0,
        rounding=0.0 if integer else rng.choice([0.0, 0.5]),
        integer=integer,
    )
    if rng.random() < 0.3:  # a known upper bound on one hidden cell
        k = rng.choice(hidden)
        table.upper[k] = cells[k] + rng.randint(0, 5)
    if rng.random() < 0.3:  # a derived cell: a public share of a hidden one (relation d = 0.25 × source)
        table.cells["d"] = None
        table.relations.append({"d": 1.0, hidden[0]: -0.25})
        table.integer = False
    else:
        table.add_total("T", [f"p{i}" for i in range(n)])
    if table.default_lower > 0 and any(cells[k] < table.default_lower for k in hidden):
        table.default_lower = 0.0  # keep the publication consistent (a zero cell is printed 0, not « s »)
    expected = _solved_by_highs(table)
    got = intervals(table)
    assert got.keys() == expected.keys()
    for k, (low, high) in expected.items():
        assert got[k] == (pytest.approx(low, abs=1e-6), pytest.approx(high, abs=1e-6)), k


def test_one_relation_closed_form_reports_an_inconsistent_total():
    table = PublishedTable({"T": 1.0, "a": None, "b": None}, default_lower=1.0)
    table.add_total("T", ["a", "b"])
    with pytest.raises(ValueError, match="incohérent"):
        intervals(table)
