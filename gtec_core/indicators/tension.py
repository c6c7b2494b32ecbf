"""Dares / France Travail composite tension indicator (method of September 2020), methods.md §1.2.

TENSION = 0.3·z(C1) + 0.2·z(C2) + 0.5·z(C3), where
- C1 = online job offers / job seekers registered in category A (flows);
- C2 = « taux d'écoulement » of job seekers in categories A, B, C; its exact definition is in the Dares
  note, not in the README: the standard STMT form exits / (stock at start + entries) is used [R];
- C3 = share of BMO recruitment projects judged difficult;
and z(x) = (x − μ_ref) / σ_ref with the moments of each component over all métier × year observations of
the national 2014-2018 reference period. The composite is not re-standardised [R]. The Dares does not
publish the reference moments: they are computed from national inputs (frame `reference`) or read from
`tension.yaml`. Categories 1-5 use cut-points derived from the published 2019 file (`categorise`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

import polars as pl

from gtec_core.indicators.base import Frames, Params, finish, join_inputs, load_parameters, safe_ratio

COMPONENTS = ("offers_per_jobseeker", "outflow_rate", "difficulty_rate")
WEIGHTS = {"offers_per_jobseeker": 0.3, "outflow_rate": 0.2, "difficulty_rate": 0.5}
COUNTS = [
    "online_offers",
    "entries_a",
    "exits_abc",
    "stock_abc_start",
    "entries_abc",
    "projects",
    "difficult",
]


def tension_parameters() -> dict:
    """The dated parameters of `tension.yaml` (weights, reference period, category cut-points)."""
    return load_parameters("tension")


@cache
def cut_points() -> tuple[float, ...]:
    """Category cut-points c1 < c2 < c3 < c4 of `tension.yaml` (read once)."""
    return tuple(float(c) for c in tension_parameters()["categories"]["cut_points"])


def categorise(tension: float | None, cuts: Sequence[float] | None = None) -> int | None:
    """Dares tension category 1-5 (1 « pas de tension » … 5 « tension élevée »): 1 + the number of
    cut-points at or below the value. The cut-points are not published by the Dares; those of
    `tension.yaml` reproduce every published category of the 2019 file. None stays None."""
    if tension is None:
        return None
    cuts = cut_points() if cuts is None else cuts
    return 1 + sum(tension >= c for c in cuts)


def categorise_expr(tension: pl.Expr, cuts: Sequence[float] | None = None) -> pl.Expr:
    """`categorise` as a polars expression (Int8, null for a null value)."""
    cuts = cut_points() if cuts is None else cuts
    category = pl.lit(1, dtype=pl.Int8)
    for c in cuts:
        category = category + (tension >= c).cast(pl.Int8)
    return pl.when(tension.is_null()).then(None).otherwise(category).cast(pl.Int8)


def component_exprs() -> dict[str, pl.Expr]:
    """The three raw components from the counts (see the module docstring)."""
    return {
        "offers_per_jobseeker": safe_ratio(pl.col("online_offers"), pl.col("entries_a")),
        "outflow_rate": safe_ratio(pl.col("exits_abc"), pl.col("stock_abc_start") + pl.col("entries_abc")),
        "difficulty_rate": safe_ratio(pl.col("difficult"), pl.col("projects")),
    }


def reference_moments(
    reference: pl.DataFrame, period: Sequence[int] = (2014, 2018), *, ddof: int = 1
) -> dict[str, dict[str, float]]:
    """Mean and standard deviation of each component over the métier × year observations of the
    reference period (national level). `reference` holds the counts of COUNTS and a `period` year."""
    first, last = period
    rows = (
        reference.filter(pl.col("period").cast(pl.Int32).is_between(first, last))
        if "period" in reference.columns
        else reference
    )
    values = rows.select(**component_exprs())
    return {c: {"mean": float(values[c].mean()), "sd": float(values[c].std(ddof=ddof))} for c in COMPONENTS}


def standardise(value: float, mean: float, sd: float) -> float:
    """z = (x − μ_ref) / σ_ref."""
    return (value - mean) / sd


def composite(
    components: Mapping[str, float],
    moments: Mapping[str, Mapping[str, float]],
    weights: Mapping[str, float] = WEIGHTS,
) -> float:
    """TENSION = Σ_k w_k · z_k for one observation (weights 30/20/50 of the Dares README)."""
    return sum(
        weights[k] * standardise(components[k], moments[k]["mean"], moments[k]["sd"]) for k in COMPONENTS
    )


def dares_tension(frames: Frames, params: Params) -> pl.DataFrame:
    """Composite tension for every territory × occupation × period of the inputs `offers`
    (`online_offers`), `jobseekers` (`entries_a`, `exits_abc`, `stock_abc_start`, `entries_abc`) and
    `bmo` (`projects`, `difficult`), with its category. Reference moments come from the frame
    `reference` when given, else from `params['composite']['reference_moments']`. Below `min_volume`
    the value is kept but the status is « insufficient » and no category is given (Dares practice)."""
    settings = params.get("composite", params)
    weights = settings.get("weights", WEIGHTS)
    if "reference" in frames:
        moments = reference_moments(frames["reference"], settings.get("reference_period", (2014, 2018)))
    else:
        moments = settings.get("reference_moments")
    if not moments:
        raise ValueError(
            "dares_tension: reference moments (2014-2018) needed: frame 'reference' or parameters"
        )
    frame, keys = join_inputs(
        frames,
        {
            "offers": ["online_offers"],
            "jobseekers": ["entries_a", "exits_abc", "stock_abc_start", "entries_abc"],
            "bmo": ["projects", "difficult"],
        },
    )
    exprs = component_exprs()
    value = pl.sum_horizontal(
        [weights[k] * (exprs[k] - moments[k]["mean"]) / moments[k]["sd"] for k in COMPONENTS]
    )
    missing = pl.any_horizontal([exprs[k].is_null() for k in COMPONENTS])
    value = pl.when(missing).then(None).otherwise(value)
    volume = pl.col("online_offers") + pl.col("entries_a")
    out = finish(frame, keys, value, COUNTS, volume < settings.get("min_volume", 0))
    cuts = params.get("categories", {}).get("cut_points") or cut_points()
    category = pl.when(pl.col("status") == "ok").then(categorise_expr(pl.col("value"), cuts))
    return out.with_columns(category.cast(pl.Int8).alias("category"))
