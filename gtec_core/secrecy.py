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

from gtec_core import secrecy_audit  # noqa: F401  (re-exported: `secrecy.secrecy_audit`)
from gtec_core.french import figure_fr
from gtec_core.secrecy_secondary import (  # noqa: F401  (re-exported: split out of this module)
    _close_narrowings,
    _linked_published,
    _published_table,
    _with_margins,
    secondary_suppression,
)
from gtec_core.secrecy_status import (  # noqa: F401  (re-exported)
    DOMINANCE,
    FREQUENCY,
    INHERITED,
    REASON,
    SECONDARY,
    SECRET,
    TOTAL,
)
from gtec_core.secrecy_status import ensure_status as _ensure_status

log = logging.getLogger(__name__)

PARAMETERS = Path(__file__).parent / "parameters" / "secrecy.yaml"


STATUS_OK = "ok"
STATUS_SECRET = "secret"
STATUS_INSUFFICIENT = "insufficient"


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
