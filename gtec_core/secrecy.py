"""Statistical secrecy (secret statistique): the one mechanism every page, export and API response uses.

Rules (methods.md §6, parameters in `parameters/secrecy.yaml`):

- primary suppression, frequency rule (INSEE manual, chapter « Règles »): a cell built from strictly fewer
  than 3 units is secret, i.e. `1 <= n < 3` (an empty cell, n = 0, is not secret);
- primary suppression, dominance rule NK(1,85): the largest contributor may not exceed 85 % of the cell,
  computed on absolute values (net flows) after aggregating contributions by unit (SIREN or group); no
  dominance test when the total is 0;
- secondary suppression when totals are shown: no suppressed cell may be recoverable by subtraction from
  the published margins (1-D table with its total, 2-D table with row, column and grand totals);
- rates and ratios inherit the secrecy of their numerator and denominator;
- every suppression carries a reason code and the cell is displayed as « s ».

Frames carry two columns added here: `secret` (bool) and `secret_reason` (null when published).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl
import yaml

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


def _with_margins(cells: pl.DataFrame, rows: str, cols: str | None, value: str, total: str) -> pl.DataFrame:
    """Add the missing margin cells (published, value = sum) and the missing interior cells (value 0)."""
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
    sums = []
    for k in keys:  # margin along k = sum of the interior cells sharing the other keys
        others = [o for o in keys if o != k]
        inner = full.filter(interior)
        part = (
            inner.group_by(others).agg(pl.col("_v").sum().alias("_s"))
            if others
            else inner.select(pl.col("_v").sum().alias("_s"))
        )
        sums.append(part.with_columns(pl.lit(total).cast(cells.schema[k]).alias(k)))
    if cols is not None:
        grand = full.filter(interior).select(pl.col("_v").sum().alias("_s"))
        sums.append(grand.with_columns(pl.lit(total).alias(rows), pl.lit(total).alias(cols)))
    margins = pl.concat([s.select([*keys, "_s"]) for s in sums], how="vertical_relaxed")
    full = full.join(margins, on=keys, how="left", maintain_order="left")
    filled = pl.when(pl.col(value).is_null()).then(pl.coalesce("_s", pl.lit(0))).otherwise(pl.col(value))
    return full.with_columns(filled.cast(cells.schema[value]).alias(value)).drop("_v", "_s")


def _connected(edges: set[tuple[object, object]], start: tuple[str, object]) -> set[tuple[str, object]]:
    """Nodes of the bipartite graph (('r', row), ('c', col)) reachable from start through `edges`."""
    seen, todo = {start}, [start]
    while todo:
        kind, key = todo.pop()
        for r, c in edges:
            nxt = ("c", c) if kind == "r" and r == key else ("r", r) if kind == "c" and c == key else None
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def secondary_suppression(
    cells: pl.DataFrame, *, rows: str, cols: str | None = None, value: str = "value", total: str = TOTAL
) -> pl.DataFrame:
    """Complementary suppression for a table published with its totals (rows labelled `total`).

    A total line is an equation; a cell alone in its line to be suppressed is recovered by subtraction,
    so the smallest non-zero published cell of that line is suppressed too (heuristic minimising the
    suppressed value, not the τ-Argus optimal solver). In 2-D, with row, column and grand totals, a
    suppressed cell is determined by the margins exactly when it is a bridge of the bipartite graph
    rows × columns formed by suppressed cells (the free solutions are its cycles); each bridge is closed
    by suppressing the smallest cell joining its two sides. Both steps are iterated until stable.
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
        if not candidates:
            return None
        return min(candidates, key=lambda k: (values[k] == 0, abs(values[k] or 0), total in k, str(k)))

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
        if changed or cols is None:
            continue
        for edge in sorted(hidden, key=str):
            rest = hidden - {edge}
            side = _connected(rest, ("r", edge[0]))
            if ("c", edge[1]) in side:
                continue  # on a cycle: not determined by the margins
            crossing = [
                k for k in values if k not in hidden and ((("r", k[0]) in side) != (("c", k[1]) in side))
            ]
            choice = pick(crossing)
            if choice is not None:
                hidden.add(choice)
                added.add(choice)
                changed = True
                break
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
) -> pl.DataFrame:
    """Primary suppression, then secondary suppression when the table is published with totals (give
    `rows`, and `cols` for a 2-D table). This is the single entry point pages, exports and the API use."""
    out = primary_suppression(cells, rules, units=units, top_share=top_share)
    if rows is not None:
        out = secondary_suppression(out, rows=rows, cols=cols, value=value, total=total)
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


def format_fr(number: float | int | None, decimals: int = 0) -> str:
    """French number display: narrow no-break space between thousands, decimal comma."""
    if number is None:
        return ""
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def display_values(
    frame: pl.DataFrame, value: str = "value", *, decimals: int = 0, rules: SecrecyRules | None = None
) -> pl.DataFrame:
    """Add a `display` column: « s » for a secret cell, the French-formatted value otherwise (empty for
    a missing value)."""
    rules = rules or load_rules()
    frame = _ensure_status(frame)
    shown = [
        rules.symbol if secret else format_fr(v, decimals)
        for v, secret in zip(frame[value].to_list(), frame[SECRET].to_list(), strict=True)
    ]
    return frame.with_columns(pl.Series("display", shown, dtype=pl.String))
