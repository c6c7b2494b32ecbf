"""Statistical secrecy (secret statistique): the one mechanism every page, export and API response uses.

Rules (methods.md §6, parameters in `parameters/secrecy.yaml`):

- primary suppression, frequency rule (INSEE manual, chapter « Règles »): a cell built from strictly fewer
  than 3 units is secret, i.e. `1 <= n < 3` (an empty cell, n = 0, is not secret);
- primary suppression, dominance rule NK(1,85): the largest contributor may not exceed 85 % of the cell,
  computed on absolute values (net flows) after aggregating contributions by unit (SIREN or group); no
  dominance test when the total is 0;
- margins are cells: a total published beside its parts goes through the primary rules too, computed on
  the contributions of the whole line (`aggregate_table`), so that two companies never read each other's
  figure from a row total;
- secondary suppression when totals are shown: no suppressed cell may be recoverable by subtraction from
  the published margins (1-D table with its total, 2-D table with row, column and grand totals), nor pinned
  to a narrow interval once the bounds a reader knows are used (a count is ≥ 0, and ≥ 1 when the page
  prints empty cells « 0 »): every result is checked by the auditor `gtec_core.secrecy_audit` (linear
  programming) and complementary cells are added until no suppressed cell is recovered or narrowed;
- rates and ratios inherit the secrecy of their numerator and denominator;
- every suppression carries a reason code and the cell is displayed as « s ».

Frames carry two columns added here: `secret` (bool) and `secret_reason` (null when published).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl
import yaml

from gtec_core import secrecy_audit
from gtec_core.french import figure_fr

log = logging.getLogger(__name__)

PARAMETERS = Path(__file__).parent / "parameters" / "secrecy.yaml"

FREQUENCY = "primary-frequency"
DOMINANCE = "primary-dominance"
SECONDARY = "secondary"
INHERITED = "inherited"

STATUS_OK = "ok"
STATUS_SECRET = "secret"
STATUS_INSUFFICIENT = "insufficient"

SECRET = "secret"
REASON = "secret_reason"
TOTAL = "Total"


@dataclass(frozen=True)
class SecrecyRules:
    """Thresholds of the primary rules and the display convention, as dated in `secrecy.yaml`."""

    min_units: int = 3
    dominance_n: int = 1
    dominance_k: float = 0.85
    symbol: str = "s"
    reason_codes: dict[str, str] = field(default_factory=dict)
    date: str = ""


def load_rules(path: Path = PARAMETERS) -> SecrecyRules:
    """Read the dated secrecy parameters (frequency threshold, NK dominance, display symbol), once per file
    version: pages call this for every cell they show, so the parsed rules are cached by path and mtime."""
    path = Path(path)
    return _load_rules(path, path.stat().st_mtime_ns)


@cache
def _load_rules(path: Path, mtime_ns: int) -> SecrecyRules:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return SecrecyRules(
        min_units=int(data["frequency"]["min_units"]),
        dominance_n=int(data["dominance"]["n"]),
        dominance_k=float(data["dominance"]["k"]),
        symbol=str(data["display"]["secret_symbol"]),
        reason_codes=dict(data.get("reason_codes", {})),
        date=str(data["date"]),
    )


def aggregate_contributions(
    contributions: pl.DataFrame, by: Sequence[str], *, unit: str = "siren", value: str = "value", n: int = 1
) -> pl.DataFrame:
    """Turn unit-level contributions into cells: `value` (sum), `units` (distinct contributing units) and
    `top_share` (share of the n largest units in the sum of absolute contributions, null when it is 0).

    Contributions are first summed by unit, so that one company (or group, if `unit` holds the group id)
    counts once, as methods.md §6.2 asks."""
    by = list(by)
    per_unit = contributions.group_by([*by, unit]).agg(pl.col(value).sum())
    return (
        per_unit.group_by(by, maintain_order=True)
        .agg(
            pl.col(value).sum(),
            pl.col(unit).n_unique().alias("units"),
            pl.col(value).abs().sum().alias("_abs"),
            pl.col(value).abs().sort(descending=True).head(n).sum().alias("_top"),
        )
        .with_columns(
            pl.when(pl.col("_abs") > 0)
            .then(pl.col("_top") / pl.col("_abs"))
            .otherwise(None)
            .alias("top_share")
        )
        .drop("_abs", "_top")
        .sort(by)
    )


def aggregate_table(
    contributions: pl.DataFrame,
    rows: str,
    cols: str | None = None,
    *,
    unit: str = "siren",
    value: str = "value",
    total: str = TOTAL,
    n: int = 1,
) -> pl.DataFrame:
    """The cells of a table published with its totals, margins included, each aggregated from the unit
    contributions like any other cell (`value`, `units`, `top_share`): a row total counts the distinct
    companies of the whole row and tests the dominance of the largest one over the row, so the margins go
    through the primary rules (a row total built from 2 companies lets each read the other's figure)."""
    if cols is None:
        inner = aggregate_contributions(contributions, [rows], unit=unit, value=value, n=n)
        grand = aggregate_contributions(
            contributions.with_columns(pl.lit(total).alias(rows)), [rows], unit=unit, value=value, n=n
        )
        return pl.concat([inner, grand], how="vertical_relaxed")
    inner = aggregate_contributions(contributions, [rows, cols], unit=unit, value=value, n=n)
    by_row = aggregate_contributions(
        contributions.with_columns(pl.lit(total).alias(cols)), [rows, cols], unit=unit, value=value, n=n
    )
    by_col = aggregate_contributions(
        contributions.with_columns(pl.lit(total).alias(rows)), [rows, cols], unit=unit, value=value, n=n
    )
    grand = aggregate_contributions(
        contributions.with_columns(pl.lit(total).alias(rows), pl.lit(total).alias(cols)),
        [rows, cols],
        unit=unit,
        value=value,
        n=n,
    )
    return pl.concat([inner, by_row, by_col, grand], how="vertical_relaxed")


def primary_suppression(
    cells: pl.DataFrame,
    rules: SecrecyRules | None = None,
    *,
    units: str = "units",
    top_share: str | None = "top_share",
) -> pl.DataFrame:
    """Flag cells failing the frequency rule (`0 < units < min_units`) or the dominance rule
    (`top_share > k`). Pass `top_share=None` for pure counts of units, where only frequency applies."""
    rules = rules or load_rules()
    frequency = (pl.col(units) > 0) & (pl.col(units) < rules.min_units)
    dominance = pl.lit(False)
    if top_share is not None:
        dominance = pl.col(top_share).fill_null(0.0) > rules.dominance_k
    reason = (
        pl.when(frequency)
        .then(pl.lit(FREQUENCY))
        .when(dominance)
        .then(pl.lit(DOMINANCE))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    return cells.with_columns(reason.alias(REASON)).with_columns(pl.col(REASON).is_not_null().alias(SECRET))


def _ensure_status(cells: pl.DataFrame) -> pl.DataFrame:
    if SECRET not in cells.columns:
        cells = cells.with_columns(pl.lit(False).alias(SECRET))
    if REASON not in cells.columns:
        cells = cells.with_columns(pl.lit(None, dtype=pl.String).alias(REASON))
    return cells.with_columns(pl.col(SECRET).fill_null(False))


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
    added: set[tuple[object, object]] = set()
    if cols is None:
        lines = [list(values)]
    else:
        lines = [[k for k in values if k[0] == r] for r in {k[0] for k in values}]
        lines += [[k for k in values if k[1] == c] for c in {k[1] for k in values}]

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
    added |= _close_narrowings(values, hidden, lines, pick, known_lower=known_lower, total=total)
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


def inherit_secrecy(frame: pl.DataFrame, parts: Sequence[str]) -> pl.DataFrame:
    """A rate or ratio is secret when any of its parts is (methods.md §6.2, item 5). `parts` names the
    boolean columns telling whether the numerator, the denominator… are secret."""
    frame = _ensure_status(frame)
    inherited = pl.any_horizontal([pl.col(p).fill_null(False) for p in parts]) & ~pl.col(SECRET)
    return frame.with_columns(
        pl.when(inherited).then(pl.lit(INHERITED)).otherwise(pl.col(REASON)).alias(REASON),
        (pl.col(SECRET) | inherited).alias(SECRET),
    )


def protect(
    cells: pl.DataFrame,
    rules: SecrecyRules | None = None,
    *,
    rows: str | None = None,
    cols: str | None = None,
    value: str = "value",
    total: str = TOTAL,
    units: str = "units",
    top_share: str | None = "top_share",
    known_lower: float = 0.0,
) -> pl.DataFrame:
    """Primary suppression, then secondary suppression when the table is published with totals (give
    `rows`, and `cols` for a 2-D table). This is the single entry point pages, exports and the API use.

    Margins are cells: give them with their own `units` and `top_share` (`aggregate_table`) so that they
    face both primary rules; missing margins are added with the sum of their parts' units and face the
    frequency rule. `known_lower` is the bound a reader knows for an « s » (1 when empty cells are printed
    « 0 »): the secondary suppression accounts for it."""
    if rows is not None:
        cells = _with_margins(cells, rows, cols, value, total, units=units)
    out = primary_suppression(cells, rules, units=units, top_share=top_share)
    if rows is not None:
        out = secondary_suppression(
            out, rows=rows, cols=cols, value=value, total=total, known_lower=known_lower
        )
    return out


def suppression_log(
    frame: pl.DataFrame, keys: Sequence[str], rules: SecrecyRules | None = None
) -> pl.DataFrame:
    """Audit rows for every suppressed cell: its keys, reason and short code (FREQ, DOM, SEC, INH)."""
    rules = rules or load_rules()
    frame = _ensure_status(frame)
    out = frame.filter(pl.col(SECRET)).select(
        *keys, pl.col(REASON), pl.col(REASON).replace_strict(rules.reason_codes, default=None).alias("code")
    )
    for reason, count in out.group_by(REASON).len().iter_rows():
        log.info("secret statistique : %d cellule(s) %s", count, reason)
    return out


def published_value(value: float | None, decimals: int = 0, scale: float = 1.0) -> float | None:
    """A value as exports and the API publish it: rounded to what its display means (a share shown as
    « 72,2 % » is 0.722). More digits tell nothing more about the indicator, but let a reader rebuild the
    fraction behind it (0.72173913 = 83/115 gives a hidden count of 115 up to a multiple)."""
    if value is None:
        return None
    shift = round(math.log10(scale)) if scale > 0 else 0
    return round(float(value), decimals + shift)


def rate_secrecy(
    rate_secret: bool, parts_secret: Sequence[bool], *, published_by_producer: bool = False
) -> bool:
    """Is a rate secret? Yes when it is itself, or when its numerator or its denominator is shown « s »
    beside it (the rate and the other part would give the hidden one back, methods.md §6.2 item 5),
    unless the producer itself published that rate."""
    if rate_secret:
        return True
    return any(parts_secret) and not published_by_producer


def display_values(
    frame: pl.DataFrame, value: str = "value", *, decimals: int = 0, rules: SecrecyRules | None = None
) -> pl.DataFrame:
    """Add a `display` column: « s » for a secret cell, the French-formatted value otherwise (empty for
    a missing value)."""
    rules = rules or load_rules()
    frame = _ensure_status(frame)
    shown = [
        figure_fr(v, decimals, secret=secret, symbol=rules.symbol)
        for v, secret in zip(frame[value].to_list(), frame[SECRET].to_list(), strict=True)
    ]
    return frame.with_columns(pl.Series("display", shown, dtype=pl.String))
