"""Secondary suppression (methods.md §6.2): the complementary cells of a table published with its totals,
checked by the auditor `gtec_core.secrecy_audit`. Split out of `gtec_core.secrecy`, which re-exports
`secondary_suppression` and stays the one entry point."""

from __future__ import annotations

import logging
import math

import polars as pl

from gtec_core import secrecy_audit
from gtec_core.secrecy_status import REASON, SECONDARY, SECRET, TOTAL
from gtec_core.secrecy_status import ensure_status as _ensure_status

log = logging.getLogger("gtec_core.secrecy")


def _with_margins(
    cells: pl.DataFrame, rows: str, cols: str | None, value: str, total: str, units: str | None = None
) -> pl.DataFrame:
    """Add the missing margin cells (value = sum; with `units`, their unit count is the sum of the parts',
    exact when each unit contributes to one cell, as for counts of people or projects) and the missing
    interior cells (value 0)."""
    cells = _ensure_status(cells)
    keys = [rows] if cols is None else [rows, cols]
    row_keys = sorted({k for k in cells[rows].to_list() if k != total})
    grid = pl.DataFrame({rows: row_keys + [total]}, schema={rows: cells.schema[rows]})
    if cols is not None:
        col_keys = sorted({k for k in cells[cols].to_list() if k != total})
        grid = grid.join(
            pl.DataFrame({cols: col_keys + [total]}, schema={cols: cells.schema[cols]}), how="cross"
        )
    full = grid.join(cells, on=keys, how="left", maintain_order="left")
    interior = pl.all_horizontal([pl.col(k) != total for k in keys])
    full = full.with_columns(pl.col(SECRET).fill_null(False), pl.col(value).fill_null(0).alias("_v"))
    sum_units = units is not None and units in cells.columns
    sums = []
    for k in keys:  # margin along k = sum of the interior cells sharing the other keys
        others = [o for o in keys if o != k]
        inner = full.filter(interior)
        aggs = [pl.col("_v").sum().alias("_s")]
        if sum_units:
            aggs.append(pl.col(units).fill_null(0).sum().alias("_u"))
        part = inner.group_by(others).agg(aggs) if others else inner.select(aggs)
        sums.append(part.with_columns(pl.lit(total).cast(cells.schema[k]).alias(k)))
    if cols is not None:
        aggs = [pl.col("_v").sum().alias("_s")]
        if sum_units:
            aggs.append(pl.col(units).fill_null(0).sum().alias("_u"))
        grand = full.filter(interior).select(aggs)
        sums.append(grand.with_columns(pl.lit(total).alias(rows), pl.lit(total).alias(cols)))
    extra = ["_s", "_u"] if sum_units else ["_s"]
    margins = pl.concat([s.select([*keys, *extra]) for s in sums], how="vertical_relaxed")
    full = full.join(margins, on=keys, how="left", maintain_order="left")
    filled = pl.when(pl.col(value).is_null()).then(pl.coalesce("_s", pl.lit(0))).otherwise(pl.col(value))
    full = full.with_columns(filled.cast(cells.schema[value]).alias(value))
    if sum_units:
        counted = pl.when(pl.col(units).is_null()).then(pl.coalesce("_u", pl.lit(0))).otherwise(pl.col(units))
        full = full.with_columns(counted.cast(cells.schema[units]).alias(units))
    return full.drop(extra + ["_v"])


def secondary_suppression(
    cells: pl.DataFrame,
    *,
    rows: str,
    cols: str | None = None,
    value: str = "value",
    total: str = TOTAL,
    known_lower: float = 0.0,
) -> pl.DataFrame:
    """Complementary suppression for a table published with its totals (rows labelled `total`).

    A total line is an equation; a cell alone in its line to be suppressed is recovered by subtraction,
    so the smallest non-zero published cell of that line is suppressed too (heuristic minimising the
    suppressed value, not the τ-Argus optimal solver), until stable. Then the auditor (`secrecy_audit`,
    linear programming) computes the interval a reader can infer for every suppressed cell, with the
    bounds the reader knows (`known_lower`: 0 for any count, 1 when the page prints empty cells « 0 »,
    so that an « s » is a non-empty cell); a cell recovered or narrowed below the protection required
    gets one more complementary cell in its row or column (the smallest non-zero one), until none is. Empty cells (0) are never suppressed, so a reader's bound stays true.
    Missing margins are added (published, value = sum); missing interior cells are zeros."""
    full = _with_margins(cells, rows, cols, value, total)
    col_of = (lambda rec: rec[cols]) if cols is not None else (lambda rec: None)
    values = {(rec[rows], col_of(rec)): rec[value] for rec in full.iter_rows(named=True)}
    hidden = {(rec[rows], col_of(rec)) for rec in full.iter_rows(named=True) if rec[SECRET]}
    if cols is None:
        lines = [list(values)]
    else:
        lines = [[k for k in values if k[0] == r] for r in {k[0] for k in values}]
        lines += [[k for k in values if k[1] == c] for c in {k[1] for k in values}]
    added = complements(values, hidden, lines, known_lower=known_lower, total=total)
    keys = [rows] if cols is None else [rows, cols]
    flag = pl.DataFrame(
        {rows: [k[0] for k in added]} | ({cols: [k[1] for k in added]} if cols else {}),
        schema={k: full.schema[k] for k in keys},
    ).with_columns(pl.lit(True).alias("_added"))
    out = full.join(flag, on=keys, how="left", maintain_order="left")
    out = out.with_columns(
        (pl.col(SECRET) | pl.col("_added").fill_null(False)).alias(SECRET),
        pl.when(pl.col("_added").fill_null(False))
        .then(pl.lit(SECONDARY))
        .otherwise(pl.col(REASON))
        .alias(REASON),
    ).drop("_added")
    if added:
        log.info("secret secondaire : %d cellule(s) complémentaire(s) supprimée(s)", len(added))
    return out


def complements(values: dict, hidden: set, lines: list[list], *, known_lower: float, total) -> set:
    """The complementary cells of a table (`values`: key → value, `hidden`: the suppressed keys, completed
    in place; `lines`: the keys of each total line, margin included). A cell alone in its line to be
    suppressed is recovered by subtraction, so the smallest non-zero published cell of that line is
    suppressed too, until stable; then the auditor closes every narrowing (`_close_narrowings`)."""
    added: set[tuple[object, object]] = set()

    def pick(candidates: list[tuple[object, object]]) -> tuple[object, object] | None:
        candidates = [k for k in candidates if values[k]]  # an empty cell is printed 0, never « s »
        if not candidates:
            return None
        return min(candidates, key=lambda k: (total in k, abs(values[k] or 0), str(k)))

    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(k in hidden for k in line) == 1:
                choice = pick([k for k in line if k not in hidden])
                if choice is not None:
                    hidden.add(choice)
                    added.add(choice)
                    changed = True
    return added | _close_narrowings(values, hidden, lines, pick, known_lower=known_lower, total=total)


def secondary_1d(
    items: list[tuple[object, float | None, bool]], *, total=TOTAL, known_lower: float = 0.0
) -> set | None:
    """`secondary_suppression` of a 1-D table given as (row, value, secret) triples, without polars: the
    rows suppressed once it is published with its total (the primary ones included, the total row when it
    must be). The same margins (a missing total is published, value = the sum of the parts; a missing
    value counts 0) and the same `complements`: the same cells are hidden. None when a row repeats (the
    frame path then decides)."""
    interior: dict[object, tuple[float | None, bool]] = {}
    margin: tuple[float | None, bool] | None = None
    for row, value, secret in items:
        if row == total:
            if margin is not None:
                return None
            margin = (value, bool(secret))
        elif row in interior:
            return None
        else:
            interior[row] = (value, bool(secret))
    values: dict[tuple[object, None], float] = {}
    hidden: set[tuple[object, None]] = set()
    for row in sorted(interior):
        value, secret = interior[row]
        values[(row, None)] = 0.0 if value is None else value
        if secret:
            hidden.add((row, None))
    value, secret = margin or (None, False)
    values[(total, None)] = math.fsum(values.values()) if value is None else value
    if secret:
        hidden.add((total, None))
    if not hidden:
        return set()
    complements(values, hidden, [list(values)], known_lower=known_lower, total=total)
    return {k[0] for k in hidden}


def _published_table(
    values: dict[tuple[object, object], float], hidden: set, lines: list[list], known_lower: float, total
) -> secrecy_audit.PublishedTable:
    """The reader's view of a table being protected: hidden cells are « s », every line (cells sharing a
    row, or a column) is a relation between its parts and its margin, the cell keyed by `total`."""
    table = secrecy_audit.PublishedTable(
        {k: (None if k in hidden else float(v or 0)) for k, v in values.items()},
        default_lower=known_lower,
        integer=all(float(v or 0).is_integer() for v in values.values()),
    )
    for line in lines:
        along = 1 if len({k[0] for k in line}) == 1 and len({k[1] for k in line}) > 1 else 0
        margin = [k for k in line if k[along] == total]
        if len(margin) == 1:
            table.add_total(margin[0], [k for k in line if k != margin[0]])
    return table


def _close_narrowings(values, hidden: set, lines: list[list], pick, *, known_lower: float, total) -> set:
    """Audit the suppressed cells (`secrecy_audit`) and add complementary cells until no suppressed cell
    is recovered or narrowed. Suppressing one more cell only widens every interval, so a cell found
    protected stays protected: only the leaking ones and the new cell are audited again."""
    added: set = set()
    pending = set(hidden)
    while pending:
        table = _published_table(values, hidden, lines, known_lower, total)
        truth = {k: float(values[k] or 0) for k in hidden}
        found = secrecy_audit.leaks(secrecy_audit.audit(table, truth, keys=pending))
        if not found:
            break
        worst = min(found, key=lambda f: (f.width, repr(f.key)))
        choice = pick([k for line in lines if worst.key in line for k in line if k not in hidden])
        if choice is None:  # its lines hold only zeros and « s »: a published cell linked to it further
            choice = pick(_linked_published(worst.key, hidden, lines))
        if choice is None:
            log.warning("secret secondaire : %d cellule(s) restent trop bien encadrées", len(found))
            break
        hidden.add(choice)
        added.add(choice)
        pending = {f.key for f in found} | {choice}
    return added


def _linked_published(start, hidden: set, lines: list[list]) -> list:
    """The published cells of every line reachable from `start` through lines and suppressed cells: the
    cells whose suppression can change what a reader infers about `start`."""
    seen_cells, todo, out, used = {start}, [start], [], set()
    while todo:
        cell = todo.pop()
        for i, line in enumerate(lines):
            if i in used or cell not in line:
                continue
            used.add(i)
            for k in line:
                if k in hidden and k not in seen_cells:
                    seen_cells.add(k)
                    todo.append(k)
                elif k not in hidden:
                    out.append(k)
    return out
