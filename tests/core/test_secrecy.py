"""Statistical secrecy: primary rules, secondary suppression, inheritance, reason codes and display
(methods.md §6). Pure tests, no database."""

from __future__ import annotations

import random
from fractions import Fraction

import polars as pl
import pytest

from gtec_core import secrecy, secrecy_audit
from gtec_core.secrecy import (
    DOMINANCE,
    FREQUENCY,
    INHERITED,
    SECONDARY,
    TOTAL,
    aggregate_contributions,
    display_values,
    inherit_secrecy,
    load_rules,
    primary_suppression,
    protect,
    secondary_suppression,
    suppression_log,
)


def test_rules_come_from_the_dated_parameter_file():
    rules = load_rules()
    assert (rules.min_units, rules.dominance_n, rules.dominance_k, rules.symbol) == (3, 1, 0.85, "s")
    assert rules.date and rules.reason_codes[FREQUENCY] == "FREQ"


@pytest.mark.parametrize(
    ("units", "top_share", "reason"),
    [
        (0, None, None),  # empty cell: not secret
        (1, 1.0, FREQUENCY),
        (2, 0.5, FREQUENCY),  # methods.md §8.7: N = 2 is flagged FREQ
        (3, 0.4, None),
        (4, 0.87, DOMINANCE),  # max share 0.87 is flagged DOM
        (4, 0.85, None),  # strictly above 85 %
        (10, 0.851, DOMINANCE),
    ],
)
def test_primary_rules(units, top_share, reason):
    cells = pl.DataFrame({"value": [100], "units": [units], "top_share": [top_share]})
    out = primary_suppression(cells)
    assert out["secret_reason"][0] == reason
    assert out["secret"][0] is (reason is not None)


@pytest.mark.parametrize(
    ("hires", "share", "secret"),
    [
        ([10, 1, 1, 1], 10 / 13, False),  # worked example: 0.77 <= 0.85, publishable
        ([20, 1, 1, 1], 20 / 23, True),  # worked example: 0.87 > 0.85, suppressed
    ],
)
def test_worked_example_technicians_hired_in_epci(hires, share, secret):
    contributions = pl.DataFrame(
        {"epci": ["X"] * 4, "siren": ["a", "b", "c", "d"], "value": hires, "fap": ["TECH"] * 4}
    )
    cells = aggregate_contributions(contributions, ["epci", "fap"])
    assert cells["units"][0] == 4
    assert cells["top_share"][0] == pytest.approx(share)
    assert primary_suppression(cells)["secret"][0] is secret


def test_contributions_are_aggregated_by_unit_and_use_absolute_values():
    contributions = pl.DataFrame(
        {"cell": ["c"] * 4, "siren": ["a", "a", "b", "c"], "value": [5, 5, -2, 1]}  # a counts once: 10
    )
    cells = aggregate_contributions(contributions, ["cell"])
    assert cells.row(0, named=True) == {
        "cell": "c",
        "value": 9,
        "units": 3,
        "top_share": pytest.approx(10 / 13),
    }
    zero = aggregate_contributions(
        pl.DataFrame({"cell": ["z"] * 3, "siren": ["a", "b", "c"], "value": [0, 0, 0]}), ["cell"]
    )
    assert zero["top_share"][0] is None  # total 0: no dominance test
    assert primary_suppression(zero)["secret"][0] is False


def test_counts_of_companies_use_only_the_frequency_rule():
    cells = pl.DataFrame({"value": [2, 5], "units": [2, 5], "top_share": [0.99, 0.99]})
    assert primary_suppression(cells, top_share=None)["secret_reason"].to_list() == [FREQUENCY, None]


def test_worked_example_row_total_forces_a_secondary_cell():
    row = pl.DataFrame(
        {
            "fap": ["technicians", "engineers", "operators", "clerks"],
            "value": [23, 40, 15, 30],
            "units": [4, 8, 6, 5],
            "top_share": [20 / 23, 0.3, 0.4, 0.5],
        }
    )
    out = protect(row, rows="fap").sort("fap")
    reasons = dict(zip(out["fap"], out["secret_reason"], strict=True))
    assert reasons == {
        TOTAL: None,
        "clerks": None,
        "engineers": None,
        "operators": SECONDARY,  # smallest remaining cell of the line
        "technicians": DOMINANCE,
    }
    assert out.filter(pl.col("fap") == TOTAL)["value"][0] == 108


def test_no_secondary_needed_when_two_cells_already_secret():
    row = pl.DataFrame({"k": ["a", "b", "c"], "value": [1, 2, 30], "units": [1, 2, 9]})
    out = secondary_suppression(primary_suppression(row, top_share=None), rows="k")
    assert out["secret_reason"].to_list() == [FREQUENCY, FREQUENCY, None, None]


def _grid(values: list[list[int]], secret: set[tuple[int, int]]) -> pl.DataFrame:
    rows = [
        {
            "r": f"r{i}",
            "c": f"c{j}",
            "value": v,
            "secret": (i, j) in secret,
            "secret_reason": "primary-frequency" if (i, j) in secret else None,
        }
        for i, line in enumerate(values)
        for j, v in enumerate(line)
    ]
    return pl.DataFrame(rows)


def determined_cells(out: pl.DataFrame, rows: str, cols: str | None) -> list[tuple]:
    """Brute force: solve the margin equations over the rationals and list every hidden cell whose value
    is fixed by the published cells (i.e. recoverable by subtraction / linear combination)."""
    col = (lambda rec: rec[cols]) if cols else (lambda rec: None)
    cells = {
        (rec[rows], col(rec)): (Fraction(rec["value"]), rec["secret"]) for rec in out.iter_rows(named=True)
    }
    hidden = sorted(k for k, (_, s) in cells.items() if s)
    index = {k: i for i, k in enumerate(hidden)}
    equations = []  # each line: Σ interior = total
    groups = [lambda k, r=r: k[0] == r for r in {k[0] for k in cells}] if cols else [lambda k: True]
    if cols:
        groups += [lambda k, c=c: k[1] == c for c in {k[1] for k in cells}]
    for member in groups:
        line = [k for k in cells if member(k)]
        coeffs, rhs = [Fraction(0)] * len(hidden), Fraction(0)
        for k in line:
            sign = -1 if TOTAL in (k if cols else k[:1]) and (not cols or _is_margin_of_line(k, line)) else 1
            if k in index:
                coeffs[index[k]] += sign
            else:
                rhs -= sign * cells[k][0]
        equations.append(coeffs + [rhs])
    return [hidden[i] for i in _fixed_unknowns(equations, len(hidden))]


def _is_margin_of_line(key: tuple, line: list[tuple]) -> bool:
    """In a row line the margin is the cell in the total column; in a column line, the total row. For the
    total row (or column) itself, the margin is the grand total."""
    rows_in_line = {k[0] for k in line}
    if len(rows_in_line) == 1:  # a row line
        return key[1] == TOTAL
    return key[0] == TOTAL


def _fixed_unknowns(equations: list[list[Fraction]], n: int) -> list[int]:
    matrix = [row[:] for row in equations]
    pivots, r = [], 0
    for c in range(n):
        p = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if p is None:
            continue
        matrix[r], matrix[p] = matrix[p], matrix[r]
        matrix[r] = [v / matrix[r][c] for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                matrix[i] = [a - matrix[i][c] * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append((r, c))
        r += 1
    return [c for row, c in pivots if all(matrix[row][j] == 0 for j in range(n) if j != c)]


def test_brute_force_checker_detects_an_unprotected_cell():
    out = _grid([[5, 6], [7, 8]], {(0, 0)})
    out = secrecy._with_margins(out, "r", "c", "value", TOTAL)
    assert determined_cells(out, "r", "c") == [("r0", "c0")]


def test_bridge_between_two_protected_blocks_is_closed():
    """Every line has two suppressed cells, yet the cell joining two 2×2 blocks is determined by the
    margins (it is a bridge): the solver must add a cell."""
    values = [[5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16], [17, 18, 19, 20]]
    secret = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    before = secrecy._with_margins(_grid(values, secret), "r", "c", "value", TOTAL)
    assert ("r0", "c2") in determined_cells(before, "r", "c")
    after = secondary_suppression(_grid(values, secret), rows="r", cols="c")
    assert after["secret_reason"].to_list().count(SECONDARY) >= 1
    assert determined_cells(after, "r", "c") == []


@pytest.mark.parametrize("seed", range(3))
def test_no_suppressed_cell_is_recoverable_in_random_tables(seed):
    rng = random.Random(20251126 + seed)
    for _ in range(60):
        n_rows, n_cols = rng.randint(2, 5), rng.randint(2, 5)
        values = [[rng.choice([0, rng.randint(1, 60)]) for _ in range(n_cols)] for _ in range(n_rows)]
        units = [[rng.choice([1, 2, 3, 5, 8]) for _ in range(n_cols)] for _ in range(n_rows)]
        cells = pl.DataFrame(
            [
                {
                    "r": f"r{i}",
                    "c": f"c{j}",
                    "value": values[i][j],
                    "units": units[i][j] if values[i][j] else 0,
                }
                for i in range(n_rows)
                for j in range(n_cols)
            ]
        )
        out = protect(cells, rows="r", cols="c", top_share=None)
        primary = primary_suppression(cells, top_share=None).filter(pl.col("secret"))
        hidden = out.filter(pl.col("secret"))
        assert primary.join(hidden, on=["r", "c"], how="anti").is_empty()  # primary cells stay hidden
        assert determined_cells(out, "r", "c") == [], (values, units)
        assert reader_leaks(out, "r", "c", known_lower=0) == [], (values, units)
        # a reader who knows an « s » is ≥ 1 (empty cells printed 0) learns nothing either
        out = protect(cells, rows="r", cols="c", top_share=None, known_lower=1)
        assert reader_leaks(out, "r", "c", known_lower=1) == [], (values, units)
        # 1-D: the first row with its total
        line = cells.filter(pl.col("r") == "r0").drop("r")
        out1 = protect(line, rows="c", top_share=None)
        assert determined_cells(out1, "c", None) == []
        assert reader_leaks(out1, "c", None, known_lower=0) == []


def reader_leaks(out: pl.DataFrame, rows: str, cols: str | None, known_lower: float) -> list:
    """Suppressed cells a reader recovers or narrows (`secrecy_audit`), given what the table publishes."""
    keys = [(r[rows], r[cols] if cols else None) for r in out.iter_rows(named=True)]
    shown = {
        (r[rows], r[cols] if cols else None): None if r["secret"] else r["value"]
        for r in out.iter_rows(named=True)
    }
    truth = {k: r["value"] for k, r in zip(keys, out.iter_rows(named=True), strict=True) if r["secret"]}
    table = secrecy_audit.pivot_table(
        shown,
        rows=sorted({k[0] for k in keys}, key=lambda x: (x == TOTAL, x)),
        cols=None if cols is None else sorted({k[1] for k in keys}, key=lambda x: (x == TOTAL, x)),
        default_lower=known_lower,
    )
    return secrecy_audit.leaks(secrecy_audit.audit(table, truth))


def test_rates_inherit_from_their_parts():
    rates = pl.DataFrame(
        {
            "fap": ["a", "b", "c"],
            "num_secret": [True, False, False],
            "den_secret": [False, False, True],
            "value": [0.5, 0.6, 0.7],
        }
    )
    out = inherit_secrecy(rates, ["num_secret", "den_secret"])
    assert out["secret"].to_list() == [True, False, True]
    assert out["secret_reason"].to_list() == [INHERITED, None, INHERITED]


def test_reason_codes_are_logged_and_s_is_displayed(caplog):
    cells = pl.DataFrame(
        {"k": ["a", "b", "c", "d"], "value": [1234.5, 2.0, 30.0, 40.0], "units": [5, 2, 5, 5]}
    )
    out = protect(cells, rows="k", top_share=None)
    with caplog.at_level("INFO", logger="gtec_core.secrecy"):
        log = suppression_log(out, ["k"])
    assert log.select("k", "code").rows() == [("b", "FREQ"), ("c", "SEC")]
    assert "primary-frequency" in caplog.text
    shown = display_values(out, decimals=1)
    assert shown["display"].to_list() == ["1\u202f234,5", "s", "s", "40,0", "1\u202f306,5"]


def test_published_rates_are_rounded_to_what_they_mean():
    # security review §5.2: 0.72173913 = 83/115 gave a hidden count of 115 up to a multiple
    assert secrecy.published_value(0.72173913, 1, 100.0) == 0.722
    assert secrecy.published_value(1.23456, 2) == 1.23
    assert secrecy.published_value(None, 1, 100.0) is None
    assert Fraction(0.722).limit_denominator(200) != Fraction(83, 115)


def test_rate_is_secret_with_a_hidden_part_unless_the_producer_published_it():
    assert secrecy.rate_secrecy(False, [False, False]) is False
    assert secrecy.rate_secrecy(False, [True, False]) is True
    assert secrecy.rate_secrecy(False, [False, True], published_by_producer=True) is False
    assert secrecy.rate_secrecy(True, [], published_by_producer=True) is True


def test_margins_face_the_primary_rules():
    contributions = pl.DataFrame(
        {
            "row": ["a", "a", "b", "b", "b", "b"],
            "col": ["x", "y", "x", "x", "y", "y"],
            "siren": ["1", "2", "3", "4", "5", "6"],
            "value": [5, 7, 30, 2, 1, 1],
        }
    )
    cells = secrecy.aggregate_table(contributions, "row", "col")
    out = {(r["row"], r["col"]): r for r in protect(cells, rows="row", cols="col").iter_rows(named=True)}
    assert out[("a", TOTAL)]["units"] == 2 and out[("a", TOTAL)]["secret_reason"] == FREQUENCY
    assert out[(TOTAL, "x")]["top_share"] == pytest.approx(30 / 37)
    assert out[("b", TOTAL)]["secret_reason"] == DOMINANCE  # 30 of 34: 88 %


def test_known_lower_bound_is_accounted_for():
    # « 0, s, s, total 2 » with zeros printed: a reader knows each « s » is ≥ 1, so the total must go too
    cells = pl.DataFrame({"c": ["x", "y", "z"], "value": [0, 1, 1], "units": [0, 1, 1]})
    out = protect(cells, rows="c", top_share=None, known_lower=1)
    assert reader_leaks(out, "c", None, known_lower=1) == []
    assert out.filter(pl.col("c") == TOTAL)["secret"][0]
