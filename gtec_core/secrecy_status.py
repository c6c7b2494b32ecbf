"""The status columns every secret-aware frame carries (`secret`, `secret_reason`) and the reason codes:
shared by `gtec_core.secrecy` (which re-exports them) and `gtec_core.secrecy_secondary`."""

from __future__ import annotations

import polars as pl

FREQUENCY = "primary-frequency"
DOMINANCE = "primary-dominance"
SECONDARY = "secondary"
INHERITED = "inherited"

SECRET = "secret"
REASON = "secret_reason"
TOTAL = "Total"


def ensure_status(cells: pl.DataFrame) -> pl.DataFrame:
    if SECRET not in cells.columns:
        cells = cells.with_columns(pl.lit(False).alias(SECRET))
    if REASON not in cells.columns:
        cells = cells.with_columns(pl.lit(None, dtype=pl.String).alias(REASON))
    return cells.with_columns(pl.col(SECRET).fill_null(False))
