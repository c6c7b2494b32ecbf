"""Protection of the input cells (methods.md §6): the primary frequency rule and the secondary suppression within
each territory × year, the « tous métiers » rows being the published totals."""

from __future__ import annotations

import polars as pl

from gtec.labour.observations.inputs import ALL, null_sum
from gtec_core.secrecy import SECRET, secondary_suppression
from gtec_core.secrecy import TOTAL as TOTAL_ROW
from gtec_core.secrecy_secondary import secondary_1d


def flag_small(frame: pl.DataFrame, counts: list[str], min_units: int) -> pl.DataFrame:
    """Primary frequency rule on each input cell: 0 < count < min_units → secret."""
    small = pl.any_horizontal([(pl.col(c) > 0) & (pl.col(c) < min_units) for c in counts] + [pl.lit(False)])
    return frame.with_columns(small.alias("secret"))


def protect_with_totals(frame: pl.DataFrame, counts: list[str], min_units: int) -> pl.DataFrame:
    """The primary frequency rule (`flag_small`), then secondary suppression (`gtec_core.secrecy`) within each
    territory × year for each count, the « tous métiers » row being the published total: a cell published
    next to a secret one in the same total would give it away by subtraction, so it becomes secret too, here,
    once, and every indicator built on it inherits the secrecy — on every page, export and API answer.
    Cells secret at source (null) are outside the totals and outside this table."""
    frame = flag_small(frame, counts, min_units)
    detail = frame.filter((pl.col("occupation") != ALL) & pl.col("secret"))
    if detail.is_empty():
        return frame
    groups = detail.select("territory", "period").unique()
    cells = frame.join(groups, on=["territory", "period"], how="semi").filter(pl.col("occupation") != ALL)
    hidden: list[tuple[str, str, str]] = []
    # one 1-D table per territory × year × count, protected without polars (`secondary_1d`, the same cells
    # as `secondary_suppression`): tens of thousands of small tables on a national run
    cells = cells.sort("territory", "period", "occupation")
    places = list(zip(cells["territory"].to_list(), cells["period"].to_list(), strict=True))
    occupations = cells["occupation"].to_list()
    secret = cells["secret"].to_list()
    starts = [i for i in range(len(places)) if i == 0 or places[i] != places[i - 1]] + [len(places)]
    for count in counts:
        values = cells[count].to_list()
        for start, end in zip(starts, starts[1:], strict=False):
            items = [
                (occupations[i], values[i], secret[i]) for i in range(start, end) if values[i] is not None
            ]
            if not any(s for _, _, s in items):
                continue
            rows = secondary_1d(items, total=TOTAL_ROW)
            if rows is None:  # a repeated occupation: the frame path decides
                table = pl.DataFrame(items, schema=["occupation", "value", SECRET], orient="row")
                out = secondary_suppression(table, rows="occupation", value="value", total=TOTAL_ROW)
                rows = set(out.filter(pl.col(SECRET))["occupation"].to_list())
            territory, period = places[start]
            hidden += [(territory, period, o) for o in rows if o != TOTAL_ROW]
    if not hidden:
        return frame
    marks = pl.DataFrame(hidden, schema=["territory", "period", "occupation"], orient="row").unique()
    marks = marks.with_columns(pl.lit(True).alias("_hidden"))
    out = frame.join(marks, on=["territory", "period", "occupation"], how="left")
    return out.with_columns((pl.col("secret") | pl.col("_hidden").fill_null(False)).alias("secret")).drop(
        "_hidden"
    )


def with_all(
    frame: pl.DataFrame, values: list[str], keys: list[str], *, published_only: bool = False
) -> pl.DataFrame:
    """Add the « tous métiers » rows (occupation = ALL) summing the occupations. With `published_only`
    (BMO), the total is the sum of the cells published at source (rows with a `*` are left out, so the total
    is a lower bound that reveals nothing), instead of becoming secret as soon as one cell is."""
    parts = frame.drop_nulls(values) if published_only else frame
    total = (
        parts.group_by(keys).agg(null_sum(v) for v in values).with_columns(pl.lit(ALL).alias("occupation"))
    )
    return pl.concat([frame, total.select(frame.columns)], how="vertical_relaxed")


def protect_bmo(bmo: pl.DataFrame, origins: dict[str, tuple[str, str]], min_units: int) -> pl.DataFrame:
    """Cells published by France Travail (a bassin, and the sums of its published cells for a département or a
    région) are shown as published: the source applied its own secrecy (« * »). Figures shared out by
    population are derived values: the cells secret at source stay secret there, with their complements."""
    shared = [k for k, (origin, *_) in origins.items() if origin == "population"]
    as_published = bmo.filter(~pl.col("territory").is_in(shared)).with_columns(pl.lit(False).alias("secret"))
    # A population share of a published cell is rebuilt by anyone from the bassin table and the population:
    # hiding it protects nothing (security review §5.2). Only what is secret at source, and its complements
    # against the total, stays secret (#14).
    derived = protect_with_totals(bmo.filter(pl.col("territory").is_in(shared)), [], min_units)
    return pl.concat([as_published, derived.select(as_published.columns)])
