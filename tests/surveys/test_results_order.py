"""The results page's count lists (formats, drivers, reasons, skills) never rank « s » rows by their hidden
count: two secret rows in reverse code order would tell a reader which one is larger (1 and 2 pinned)."""

from __future__ import annotations

import polars as pl

from gtec.surveys.queries import _counts
from gtec_core.secrecy import SECRET


def test_secret_rows_come_last_in_code_order_whatever_their_hidden_count():
    frame = pl.DataFrame(
        {
            "format": ["a", "b", "c", "d", "e"],
            "units": [1, 2, 7, 4, 9],
            SECRET: [True, True, False, False, False],
        }
    ).sort("units", descending=True)  # the order the aggregation gives: by count, hidden ones included
    rows = _counts(frame, "format", {}, denominator=20)
    assert [r["code"] for r in rows] == ["e", "c", "d", "a", "b"]
    assert [r["display"] for r in rows[-2:]] == ["s", "s"]
    assert all(r["units"] is None and r["share"] == "" for r in rows[-2:])
    # reversing the hidden counts changes nothing a reader sees
    swapped = frame.with_columns(
        pl.when(pl.col("format") == "a")
        .then(2)
        .when(pl.col("format") == "b")
        .then(1)
        .otherwise(pl.col("units"))
        .alias("units")
    )
    assert [(r["code"], r["display"]) for r in _counts(swapped, "format", {}, 20)] == [
        (r["code"], r["display"]) for r in rows
    ]
