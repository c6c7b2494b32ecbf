"""Labour-market indicators by territory × occupation × period (methods.md §1.1, §1.3, §1.4).

Input frames (keys `territory`, `occupation`, `period`, as present):

- `offers`: `offers` (offers collected by France Travail, OEE), `online_offers`, `durable_offers`
  (CDI or CDD > 6 months), `full_time_offers`;
- `jobseekers`: `entries` (registrations, DEE), `stock_a` (average monthly stock in category A);
- `bmo`: `projects` (met), `difficult` (xmet), `seasonal` (smet); a BMO « * » is read as null;
- `employment`: `employment` (average employment, « emploi moyen »);
- `subareas`: `subarea`, `offers`, `jobseekers` (for the geographical mismatch).

Flows are annual sums of the monthly flows; stocks are 12-month averages (methods.md §1.1).
"""

from __future__ import annotations

import polars as pl

from gtec_core.indicators.base import Frames, Params, finish, join_inputs, key_columns, safe_ratio


def offers_demand_ratio(frames: Frames, params: Params) -> pl.DataFrame:
    """Legacy Dares ratio T = OEE / DEE (offers collected / job-seeker registrations), stopped by the
    Dares in 2017; « en tension » when T > 1. Undefined (null, never infinity) when DEE = 0; volume
    insufficient when OEE + DEE < min_volume."""
    frame, keys = join_inputs(frames, {"offers": ["offers"], "jobseekers": ["entries"]})
    volume = pl.col("offers") + pl.col("entries")
    return finish(
        frame,
        keys,
        safe_ratio(pl.col("offers"), pl.col("entries")),
        ["offers", "entries"],
        volume < params.get("min_volume", 0),
    )


def _bmo_rate(frames: Frames, params: Params, part: str) -> pl.DataFrame:
    frame, keys = join_inputs(frames, {"bmo": ["projects", part]})
    return finish(
        frame,
        keys,
        safe_ratio(pl.col(part), pl.col("projects")),
        ["projects", part],
        pl.col("projects") < params.get("min_volume", 1),
    )


def bmo_projects(frames: Frames, params: Params) -> pl.DataFrame:
    """BMO « projets de recrutement » (met) as published: the count itself, secret when the cell is « * »."""
    frame, keys = join_inputs(frames, {"bmo": ["projects"]})
    return finish(frame, keys, pl.col("projects"), ["projects"], pl.lit(False))


def bmo_difficulty_rate(frames: Frames, params: Params) -> pl.DataFrame:
    """BMO « taux de difficulté de recrutement » = projects judged difficult / projects (xmet / met).
    A « * » cell (null) is secret at source: never replaced by 0 or 1."""
    return _bmo_rate(frames, params, "difficult")


def bmo_seasonality_rate(frames: Frames, params: Params) -> pl.DataFrame:
    """BMO « taux de projets saisonniers » = seasonal projects / projects (smet / met)."""
    return _bmo_rate(frames, params, "seasonal")


def hiring_intensity(frames: Frames, params: Params) -> pl.DataFrame:
    """Dares « intensité d'embauches »: online offers and BMO recruitment projects relative to average
    employment. The Dares standardises each ratio on 2014-2018 and combines them in a way its README
    does not publish; here, before standardisation, `w_o · offers/employment + w_p · projects/employment`
    with equal weights [P]. Volume insufficient when employment < min_employment."""
    frame, keys = join_inputs(
        frames, {"employment": ["employment"], "offers": ["online_offers"], "bmo": ["projects"]}
    )
    weights = params.get("weights", {"offers": 0.5, "projects": 0.5})
    emp = pl.col("employment")
    value = weights["offers"] * safe_ratio(pl.col("online_offers"), emp) + weights["projects"] * safe_ratio(
        pl.col("projects"), emp
    )
    return finish(
        frame,
        keys,
        value,
        ["online_offers", "projects", "employment"],
        emp < params.get("min_employment", 1),
    )


def lack_of_labour(frames: Frames, params: Params) -> pl.DataFrame:
    """Dares « manque de main-d'œuvre disponible » (official definition): the opposite of the number of
    category-A job seekers looking for the occupation relative to its average employment,
    MMO = −(DEFM_A / emploi_moyen). Higher means scarcer labour. Before the Dares standardisation."""
    frame, keys = join_inputs(frames, {"employment": ["employment"], "jobseekers": ["stock_a"]})
    emp = pl.col("employment")
    return finish(
        frame,
        keys,
        -safe_ratio(pl.col("stock_a"), emp),
        ["stock_a", "employment"],
        emp < params.get("min_employment", 1),
    )


def non_durability(frames: Frames, params: Params) -> pl.DataFrame:
    """Dares « non-durabilité de l'emploi »: the inverse of the weighted mean of the share of durable
    offers (CDI or CDD > 6 months), of full-time offers and of non-seasonal BMO projects. The weights
    are not published: equal weights [P]; « inverse » is taken as the opposite sign, as before the
    Dares z-scoring. ND = −(w1·p_durable + w2·p_full_time + w3·p_non_seasonal)."""
    frame, keys = join_inputs(
        frames,
        {"offers": ["online_offers", "durable_offers", "full_time_offers"], "bmo": ["projects", "seasonal"]},
    )
    w = params.get("weights", {"durable": 1 / 3, "full_time": 1 / 3, "non_seasonal": 1 / 3})
    offers = pl.col("online_offers")
    mean = (
        w["durable"] * safe_ratio(pl.col("durable_offers"), offers)
        + w["full_time"] * safe_ratio(pl.col("full_time_offers"), offers)
        + w["non_seasonal"] * (1 - safe_ratio(pl.col("seasonal"), pl.col("projects")))
    ) / (w["durable"] + w["full_time"] + w["non_seasonal"])
    low = (offers < params.get("min_volume", 1)) | (pl.col("projects") < params.get("min_volume", 1))
    return finish(
        frame,
        keys,
        -mean,
        ["online_offers", "durable_offers", "full_time_offers", "projects", "seasonal"],
        low,
    )


def geographic_mismatch(frames: Frames, params: Params) -> pl.DataFrame:
    """Dares « inadéquation géographique »: Duncan & Duncan dissimilarity between the distributions of
    offers and of job seekers over the sub-areas g of the territory (communes, EPCI, départements):
    D = ½ Σ_g |O_g/O − DE_g/DE|, in [0, 1]. Sub-areas with O = DE = 0 drop out; D is undefined when O
    or DE is 0 for the whole territory. The Dares computes it nationally (sub-area level [R])."""
    sub = frames["subareas"]
    keys = key_columns(sub)
    if not keys:
        raise KeyError("input frame 'subareas' needs at least one key column (territory, occupation, period)")
    secret = pl.col("secret").fill_null(False) if "secret" in sub.columns else pl.lit(False)
    # sums in the order of the sub-areas, whatever order the rows came in (a re-run stores the same bits)
    order = [*keys, *(["subarea"] if "subarea" in sub.columns else [])]
    sub = sub.sort(order, nulls_last=True).with_columns(secret.alias("_secret_subareas"))
    active = sub.filter(~((pl.col("offers") == 0) & (pl.col("jobseekers") == 0)))
    totals = active.with_columns(
        pl.col("offers").sum().over(keys).alias("_o"), pl.col("jobseekers").sum().over(keys).alias("_d")
    )
    gap = (safe_ratio(pl.col("offers"), pl.col("_o")) - safe_ratio(pl.col("jobseekers"), pl.col("_d"))).abs()
    grouped = (
        totals.group_by(keys, maintain_order=True)
        .agg(
            (0.5 * gap.sum()).alias("_duncan"),
            pl.col("offers").sum(),
            pl.col("jobseekers").sum(),
            pl.len().alias("subareas"),
            pl.col("offers").is_null().any().alias("_null_o"),
            pl.col("jobseekers").is_null().any().alias("_null_d"),
            pl.col("_secret_subareas").any(),
        )
        .with_columns(
            pl.when(pl.col("_null_o")).then(None).otherwise(pl.col("offers")).alias("offers"),
            pl.when(pl.col("_null_d")).then(None).otherwise(pl.col("jobseekers")).alias("jobseekers"),
        )
    )
    undefined = (pl.col("offers") == 0) | (pl.col("jobseekers") == 0)
    value = pl.when(undefined | pl.col("offers").is_null() | pl.col("jobseekers").is_null())
    value = value.then(None).otherwise(pl.col("_duncan"))
    low = (pl.col("offers") + pl.col("jobseekers")) < params.get("min_volume", 0)
    return finish(grouped.sort(keys), keys, value, ["offers", "jobseekers", "subareas"], low | undefined)
