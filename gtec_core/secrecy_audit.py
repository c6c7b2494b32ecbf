"""What a reader can infer about the « s » cells of a published table (attacker's view of methods.md §6).

A published table is a set of cells — a value, or « s » when suppressed — and the linear relations a reader
knows between them: a total is the sum of its parts, a derived territory's cell is a public share of its
source's cell. A reader also knows bounds: a count is never negative, an « s » printed where empty cells are
printed « 0 » is at least 1, and a value published rounded lies within half a unit of what is shown.

For each suppressed cell the auditor solves two linear programmes (minimise, then maximise the cell under
every relation and bound; the HiGHS solver through `highspy`) and gets the interval [low, high] the reader can
infer. With integer cells, the bounds are rounded inwards (a reader knows a count is an integer).

Protection required (documented in docs/indicators.md, « Secret statistique : ce qu'un lecteur peut
déduire »): a suppressed cell whose true value is v is protected when the interval is at least
`max(min_width, 2 × p × |v|)` wide, with p = 10 % (the p %-rule of methods.md §6.2) and `min_width` = 3 units
(a hidden count can never be placed among fewer than four consecutive integers). Otherwise it is
**recovered** (the interval is a single value) or **narrowed**. Without the true value (a pure reader's
audit), the interval's upper bound stands for v, which asks for at least as much width.

Pure Python: no Django. The secondary suppression of `gtec_core.secrecy` uses it to check its own output.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import highspy
import numpy as np

from gtec_core.french import parse_fr
from gtec_core.secrecy_closed import EPS
from gtec_core.secrecy_closed import bounds_of as _bounds_of
from gtec_core.secrecy_closed import single_relation as _single_relation

PROTECTION_P = 0.10
MIN_WIDTH = 3.0

RECOVERED = "recovered"
NARROWED = "narrowed"
PROTECTED = "protected"

Key = Hashable


@dataclass(frozen=True)
class Protection:
    """The interval width a suppressed cell needs: `max(min_width, 2 × p × |value|)`."""

    p: float = PROTECTION_P
    min_width: float = MIN_WIDTH

    def required(self, value: float) -> float:
        return max(self.min_width, 2 * self.p * abs(value))


@dataclass
class PublishedTable:
    """What a reader sees. `cells`: key → published value, or None for « s ». `relations`: linear
    equalities Σ coef × cell = 0 (a total: {total: 1, part: -1, …}). `lower` / `upper`: bounds a reader knows
    for a suppressed cell (default `default_lower`, no upper bound). `rounding`: half-width of the rounding
    of published values (0.5 for counts shown rounded from fractional estimates). `integer`: cells are
    whole numbers."""

    cells: dict[Key, float | None]
    relations: list[dict[Key, float]] = field(default_factory=list)
    default_lower: float = 0.0
    lower: dict[Key, float] = field(default_factory=dict)
    upper: dict[Key, float] = field(default_factory=dict)
    rounding: float = 0.0
    integer: bool = True

    def suppressed(self) -> list[Key]:
        return [k for k, v in self.cells.items() if v is None]

    def add_total(self, total: Key, parts: Iterable[Key]) -> None:
        relation = {total: 1.0}
        for p in parts:
            relation[p] = relation.get(p, 0.0) - 1.0
        self.relations.append(relation)


@dataclass(frozen=True)
class Finding:
    key: Key
    low: float
    high: float
    status: str
    value: float | None = None  # the true value, when the audit was given it

    @property
    def width(self) -> float:
        return self.high - self.low


def pivot_table(
    values: Mapping[tuple[Key, Key | None], float | None], *, rows: Sequence[Key], cols: Sequence[Key] | None,
    total: Key = "Total", default_lower: float = 0.0, rounding: float = 0.0, integer: bool = True,
) -> PublishedTable:  # fmt: skip
    """A 1-D table (keys (row, None), with the total row `total`) or a 2-D table (keys (row, col), with the
    total row and total column `total`, grand total at (total, total)), as published: missing cells are
    published zeros. Relations: every row and column of parts sums to its margin."""
    if cols is None:
        keys = [(r, None) for r in rows]
        cells = {k: values.get(k, 0.0) for k in keys}
        table = PublishedTable(cells, default_lower=default_lower, rounding=rounding, integer=integer)
        table.add_total((total, None), [k for k in keys if k[0] != total])
        return table
    cells = {(r, c): values.get((r, c), 0.0) for r in rows for c in cols}
    table = PublishedTable(cells, default_lower=default_lower, rounding=rounding, integer=integer)
    inner_rows = [r for r in rows if r != total]
    inner_cols = [c for c in cols if c != total]
    if total in cols:
        for r in rows:
            table.add_total((r, total), [(r, c) for c in inner_cols])
    if total in rows:
        for c in cols:
            table.add_total((total, c), [(r, c) for r in inner_rows])
    return table


def _components(table: PublishedTable) -> list[tuple[list[Key], list[dict[Key, float]]]]:
    """Groups of suppressed cells linked through relations (directly or via other suppressed cells), with
    the relations that touch them: each group is solved alone (a smaller LP, same bounds)."""
    hidden = set(table.suppressed())
    parent = {k: k for k in hidden}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    touching: list[tuple[list[Key], dict[Key, float]]] = []
    for rel in table.relations:
        inside = [k for k in rel if k in hidden and rel[k] != 0]
        if not inside:
            continue
        for k in inside[1:]:
            parent[find(k)] = find(inside[0])
        touching.append((inside, rel))
    groups: dict[Key, tuple[list[Key], list[dict[Key, float]]]] = {}
    for k in hidden:
        groups.setdefault(find(k), ([], []))[0].append(k)
    for inside, rel in touching:
        groups[find(inside[0])][1].append(rel)
    return list(groups.values())


@cache
def _banner_silenced() -> bool:
    """HiGHS prints a banner on stdout when the process builds its first solver: build that one with
    stdout pointed at /dev/null, once, so that command output and logs stay clean."""
    sys.stdout.flush()
    saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    return True


def _solver(members: list[Key], relations: list[dict[Key, float]], table: PublishedTable):
    """One HiGHS model per group of linked « s » cells: the hidden cells are the variables (with the
    bounds a reader knows), the published cells move to the right-hand side (within ± rounding)."""
    _banner_silenced()
    index = {k: i for i, k in enumerate(members)}
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("presolve", "off")  # many small re-solves of one model: warm starts beat presolve
    inf = highspy.kHighsInf
    lows, highs = zip(*(_bounds_of(table, k) for k in members), strict=True)
    h.addVars(
        len(members),
        np.array(lows, dtype=float),
        np.array([inf if math.isinf(u) else u for u in highs], dtype=float),
    )
    for rel in relations:
        rhs, slack, idx, val = 0.0, 0.0, [], []
        for k, coef in rel.items():
            if k in index:
                idx.append(index[k])
                val.append(coef)
            else:  # a published cell: Σ coef × x = -Σ coef × value, loosened by the rounding
                rhs -= coef * float(table.cells[k] or 0)
                slack += abs(coef) * table.rounding
        h.addRow(rhs - slack, rhs + slack, len(idx), np.array(idx, dtype=np.int32), np.array(val))
    return h, index


def _optimum(h, column: int, sense, seen: tuple[np.ndarray, np.ndarray]) -> float:
    """The minimum or maximum of one cell; the solution found widens the ranges `seen` of every cell."""
    h.changeColCost(column, 1.0)
    h.changeObjectiveSense(sense)
    h.run()
    status = h.getModelStatus()
    value = h.getInfo().objective_function_value
    h.changeColCost(column, 0.0)
    if status == highspy.HighsModelStatus.kOptimal:
        solution = np.asarray(h.getSolution().col_value)
        np.minimum(seen[0], solution, out=seen[0])
        np.maximum(seen[1], solution, out=seen[1])
        return value
    if status == highspy.HighsModelStatus.kUnbounded:
        return math.inf if sense == highspy.ObjSense.kMaximize else -math.inf
    raise ValueError(f"tableau publié incohérent : {h.modelStatusToString(status)}")


def intervals(
    table: PublishedTable,
    keys: Iterable[Key] | None = None,
    enough: Callable[[Key, float, float], bool] | None = None,
) -> dict[Key, tuple[float, float]]:
    """For each suppressed cell (or those in `keys`), the interval [low, high] a reader can infer: the
    minimum and the maximum of the cell under every relation and bound (two linear programmes, solved
    by HiGHS on one model per group of linked cells, warm-started from one cell to the next).

    A group linked by a single relation (a 1-D table) gets its exact intervals in closed form
    (`_single_relation`), without a solver.

    `enough(key, low, high)`: every solution found along the way is a table a reader cannot exclude, so
    the range each cell takes over them lies inside its interval; when that range is already `enough`,
    the cell's own programmes are skipped and that (inner) range is returned."""
    wanted = None if keys is None else set(keys)
    out: dict[Key, tuple[float, float]] = {}
    for members, relations in _components(table):
        targets = [k for k in members if wanted is None or k in wanted]
        if not targets:
            continue
        if len(relations) <= 1:  # a 1-D table: closed forms, no solver
            exact = _single_relation(members, relations, table)
            for k in targets:
                low, high = exact[k]
                if table.integer:
                    low = math.ceil(low - EPS) if math.isfinite(low) else low
                    high = math.floor(high + EPS) if math.isfinite(high) else high
                out[k] = (float(low), float(high))
            continue
        members = sorted(members, key=repr)
        h, index = _solver(members, relations, table)
        seen_low = np.full(len(members), math.inf)
        seen_high = np.full(len(members), -math.inf)
        for k in sorted(targets, key=repr):
            i = index[k]
            if enough is not None and seen_high[i] >= seen_low[i] and enough(k, seen_low[i], seen_high[i]):
                out[k] = (float(seen_low[i]), float(seen_high[i]))
                continue
            try:
                low = _optimum(h, i, highspy.ObjSense.kMinimize, (seen_low, seen_high))
                high = _optimum(h, i, highspy.ObjSense.kMaximize, (seen_low, seen_high))
            except ValueError as error:
                raise ValueError(f"{error} (cellule {k!r})") from None
            if table.integer:
                low = math.ceil(low - EPS) if math.isfinite(low) else low
                high = math.floor(high + EPS) if math.isfinite(high) else high
            out[k] = (float(low), float(high))
    return out


def audit(
    table: PublishedTable,
    truth: Mapping[Key, float] | None = None,
    protection: Protection | None = None,
    keys: Iterable[Key] | None = None,
) -> list[Finding]:
    """Every suppressed cell with its interval and status (recovered, narrowed, protected). `truth` (key →
    true value) sets the width each cell needs; without it the interval's upper end stands for the value."""
    protection = protection or Protection()
    enough = None
    if truth:  # the width needed is known: a cell already seen wide enough needs no programme of its own

        def enough(key, low, high):
            return key in truth and high - low >= protection.required(truth[key]) - EPS

    findings = []
    for key, (low, high) in intervals(table, keys, enough).items():
        value = truth.get(key) if truth else None
        need = protection.required(value if value is not None else high)
        width = high - low
        status = RECOVERED if width <= EPS else NARROWED if width < need - EPS else PROTECTED
        findings.append(Finding(key, low, high, status, value))
    return sorted(findings, key=lambda f: repr(f.key))


def leaks(findings: Iterable[Finding]) -> list[Finding]:
    """The findings a publication must not have: recovered or narrowed cells."""
    return [f for f in findings if f.status != PROTECTED]


# ---- reading what a page or a file shows ---------------------------------------------------------------


def parse_number(text: str, symbol: str = "s") -> float | None:
    """A displayed figure in French form (« 1 234,5 », « 12 % ») as a number; « s » (or the symbol given)
    as None; anything else raises ValueError."""
    text = (text or "").strip()
    if text == symbol:
        return None
    return parse_fr(text)


def html_tables(html: str) -> dict[str, list[list[str]]]:
    """Every `<table data-table="name">` of a page as rows of cell texts (header row first)."""
    from lxml import html as lhtml

    out = {}
    for table in lhtml.fromstring(html).xpath("//table[@data-table]"):
        out[table.get("data-table")] = [
            [" ".join(cell.text_content().split()) for cell in tr.xpath("./th|./td")]
            for tr in table.iter("tr")
        ]
    return out


def grid_table(
    rows: Sequence[Sequence[str]], *, total_rows: Iterable[str], total_col: int = -1,
    default_lower: float = 0.0, symbol: str = "s", rounding: float = 0.0, integer: bool = True,
) -> tuple[PublishedTable, dict[Key, str]]:  # fmt: skip
    """A displayed 2-D table (header row, then one row per line: its label, its cells, its total in column
    `total_col`) as a published table. Rows whose label starts with one of `total_rows` are the column
    totals. Returns the table (keys (row label, column header), margins keyed « Total ») and the text of
    each cell."""
    header, *body = rows
    total_col = total_col % len(header)
    columns = [("Total" if j == total_col else header[j]) for j in range(1, len(header))]
    labels = []
    values: dict[tuple[Key, Key], float | None] = {}
    texts: dict[Key, str] = {}
    for row in body:
        if len(row) != len(header):
            continue
        label = "Total" if any(row[0].startswith(t) for t in total_rows) else row[0]
        labels.append(label)
        for j, col in enumerate(columns, start=1):
            texts[(label, col)] = row[j]
            values[(label, col)] = parse_number(row[j], symbol) if row[j].strip() else 0.0
    table = pivot_table(
        values, rows=labels, cols=columns, default_lower=default_lower, rounding=rounding, integer=integer
    )
    return table, texts
