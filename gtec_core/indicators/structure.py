"""Specialisation, diversity and shock exposure of a territory's employment (methods.md §5).

Notation: E(r,s) employment of territory r in occupation (or sector) s; shares s(r,s) = E(r,s) / E(r) and
s(N,s) = E(N,s) / E(N) for the reference area N (region or France).

Input frames: `employment` (`territory`, `occupation`, `period`, `employment`) and, for the indices that
compare with a reference area, `reference` (`occupation`, `period`, `employment`). The COVID exposure
reads `employment` by `sector` instead of `occupation`.
"""

from __future__ import annotations

import math

import polars as pl

from gtec_core.indicators.base import Frames, Params, finish, key_columns, safe_ratio


def _total(column: str, by: list[str]) -> pl.Expr:
    """Sum of a column within groups `by`, or over the whole frame when there is no group."""
    return pl.col(column).sum().over(by) if by else pl.col(column).sum()


def _shares(frames: Frames, category: str = "occupation") -> tuple[pl.DataFrame, list[str]]:
    """Employment with its territory share `s_r` (and `E_r`), keys without the category column, sorted by
    keys and category: a sum over a territory's rows then adds them in the same order on every run (a re-run
    of the France computation changed one COVID exposure in its 9th decimal when the input order changed)."""
    emp = frames["employment"]
    keys = [k for k in key_columns(emp, ("territory", "period")) if k != category]
    secret = pl.col("secret").fill_null(False) if "secret" in emp.columns else pl.lit(False)
    emp = emp.sort([*keys, category], nulls_last=True).with_columns(
        _total("employment", keys).alias("territory_employment"), secret.alias("_secret_employment")
    )
    return emp.with_columns(
        safe_ratio(pl.col("employment"), pl.col("territory_employment")).alias("s_r")
    ), keys


def _with_reference(frames: Frames) -> tuple[pl.DataFrame, list[str]]:
    """Territory shares s(r,s) beside reference shares s(N,s) on the union of both lists of occupations
    (an occupation absent on one side has a zero share there)."""
    emp, keys = _shares(frames)
    ref = frames["reference"]
    by_period = ["period"] if "period" in ref.columns and "period" in keys else []
    ref = ref.select(
        *by_period,
        "occupation",
        safe_ratio(pl.col("employment"), _total("employment", by_period)).alias("s_n"),
    )
    territories = emp.select(keys).unique()
    grid = (
        territories.join(ref.select(*by_period, "occupation"), on=by_period, how="inner")
        if by_period
        else (territories.join(ref.select("occupation"), how="cross"))
    )
    cells = pl.concat([grid, emp.select(*keys, "occupation")]).unique()
    out = cells.join(emp.with_columns(pl.lit(True).alias("_present")), on=[*keys, "occupation"], how="left")
    out = out.join(ref, on=[*by_period, "occupation"], how="left")
    absent = pl.col("_present").is_null()
    # back to key order, which the joins do not keep (see `_shares`)
    return out.sort([*keys, "occupation"], nulls_last=True).with_columns(
        pl.col("s_r", "s_n").fill_null(0.0),
        pl.when(absent).then(0).otherwise(pl.col("employment")).alias("employment"),
        pl.col("_secret_employment").fill_null(False),
    ), keys


# The reference area of a location quotient: one that does not coincide with the territory (a reference equal
# to the territory, or made of its own employment shared by population, gives 1.00 everywhere): the
# département for a commune, an EPCI, a bassin, a zone d'emploi or a custom territory; the région for a
# département; France for a région.
LQ_REFERENCE_SCALE = {"reg": "fr", "dep": "reg"}

# The same rule in plain French (glossary and methods page, through the registry).
LQ_REFERENCE_RULE = (
    "Territoire de référence : le département pour une commune, une intercommunalité, un bassin BMO, une zone "
    "d'emploi ou un territoire de projet ; la région pour un département ; la France pour une région. Chaque "
    "valeur nomme sa référence ; sans emploi par métier connu pour la référence, l'indice n'est pas calculé."
)


def lq_reference_scale(scale: str) -> str:
    """The scale of the reference area of a territory's location quotient (`LQ_REFERENCE_SCALE`, else dep)."""
    return LQ_REFERENCE_SCALE.get(scale, "dep")


def location_quotient(frames: Frames, params: Params) -> pl.DataFrame:
    """Location quotient (Insee « indice de spécificité »): LQ(r,s) = s(r,s) / s(N,s); > 1 means the
    territory is specialised in s. Only when E(r,s) >= min_employment (methods.md §5.1)."""
    emp, keys = _shares(frames)
    ref = frames["reference"]
    # one reference for all territories, or one per territory (a `territory` column: the employment of each
    # territory's own reference area, see `lq_reference_scale`)
    by = (["territory"] if "territory" in ref.columns else []) + (
        ["period"] if "period" in ref.columns and "period" in keys else []
    )
    on = ["occupation", *by]
    ref = ref.select(
        *on,
        pl.col("employment").alias("reference_employment"),
        _total("employment", by).alias("reference_total"),
    )
    frame = emp.join(ref, on=on, how="left", maintain_order="left")
    s_n = safe_ratio(pl.col("reference_employment"), pl.col("reference_total"))
    return finish(
        frame,
        key_columns(frame),
        safe_ratio(pl.col("s_r"), s_n),
        ["employment", "territory_employment", "reference_employment", "reference_total"],
        pl.col("employment") < params.get("min_employment", 0),
    )


def _per_territory(
    frame: pl.DataFrame, keys: list[str], value: pl.Expr, extra: dict[str, pl.Expr]
) -> pl.DataFrame:
    """One row per territory (`keys`) of a frame in key order (`_shares`, `_with_reference`), so that its sums
    add the rows in the same order on every run."""
    grouped = frame.group_by(keys, maintain_order=True).agg(
        value.alias("_value"),
        pl.col("employment").sum().alias("territory_employment"),
        pl.col("employment").is_null().any().alias("_null"),
        pl.col("_secret_employment").any(),
        **extra,
    )
    grouped = grouped.with_columns(
        pl.when(pl.col("_null"))
        .then(None)
        .otherwise(pl.col("territory_employment"))
        .alias("territory_employment")
    )
    counts = ["territory_employment", *extra]
    return finish(grouped.sort(keys), keys, pl.col("_value"), counts, pl.col("territory_employment") <= 0)


def krugman_specialisation(frames: Frames, params: Params) -> pl.DataFrame:
    """Krugman specialisation index K(r) = Σ_s |s(r,s) − s(N,s)|, from 0 (same structure as the
    reference) to 2; halved to [0, 1] when `halve` is set (the convention must be stated)."""
    frame, keys = _with_reference(frames)
    factor = 0.5 if params.get("halve") else 1.0
    value = factor * (pl.col("s_r") - pl.col("s_n")).abs().sum()
    return _per_territory(frame, keys, value, {"categories": pl.len()})


def herfindahl(frames: Frames, params: Params) -> pl.DataFrame:
    """Herfindahl-Hirschman concentration HHI(r) = Σ_s s(r,s)², from 1/S (even spread) to 1;
    1/HHI is the effective number of occupations."""
    frame, keys = _shares(frames)
    return _per_territory(frame, keys, (pl.col("s_r") ** 2).sum(), {"categories": pl.len()})


def _entropy() -> pl.Expr:
    share = pl.col("s_r")
    return -(pl.when(share > 0).then(share * share.log()).otherwise(0.0)).sum()


def shannon(frames: Frames, params: Params) -> pl.DataFrame:
    """Shannon diversity H(r) = −Σ_s s(r,s) ln s(r,s), zero shares skipped."""
    frame, keys = _shares(frames)
    return _per_territory(frame, keys, _entropy(), {"categories": pl.len()})


def shannon_normalised(frames: Frames, params: Params) -> pl.DataFrame:
    """Normalised Shannon diversity H(r) / ln S in [0, 1], S = number of occupations listed for the
    territory (rows with zero employment included, so list the whole nomenclature)."""
    frame, keys = _shares(frames)
    value = pl.when(pl.len() > 1).then(_entropy() / pl.len().cast(pl.Float64).log()).otherwise(None)
    return _per_territory(frame, keys, value, {"categories": pl.len()})


def covid_exposure(frames: Frames, params: Params) -> pl.DataFrame:
    """Exposure to a sectoral shock (France Stratégie 2020, shift-share form):
    EXPO(r) = Σ_s s(r,s) · loss(s), with loss(s) the national loss of activity of sector s (Insee Point
    de conjoncture, scenario of `structure.yaml`). Every sector of the input must have a loss."""
    losses = params["scenarios"][params.get("scenario", "insee-2020-03-26")]
    frame, keys = _shares(frames, "sector")
    unknown = sorted(set(frame["sector"].to_list()) - set(losses))
    if unknown:
        raise ValueError(f"covid_exposure: no activity loss for sector(s) {unknown}")
    loss = pl.col("sector").replace_strict(losses, return_dtype=pl.Float64)
    return _per_territory(frame, keys, (pl.col("s_r") * loss).sum(), {"sectors": pl.len()})


def entropy_of(shares: list[float]) -> float:
    """Shannon entropy of a list of shares (helper for documentation examples and checks)."""
    return -sum(s * math.log(s) for s in shares if s > 0)
