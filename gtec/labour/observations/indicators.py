"""Running the declared indicators (`gtec_core.indicators`) on the assembled inputs of a run: every
indicator by FAP-2021 occupation, the offers / job-seekers ratio by ROME, the structure indicators per
territory and the sectoral-shock exposure, as one long frame ready for storage."""

from __future__ import annotations

import polars as pl

from gtec.labour.observations.assemble import Inputs
from gtec.labour.observations.geography import BMO_VALUES
from gtec.labour.observations.inputs import ALL
from gtec.labour.observations.protection import with_all
from gtec_core.indicators.registry import PER_OCCUPATION, REGISTRY, STRUCTURE
from gtec_core.secrecy import load_rules

BMO_RATE_BASE = {
    "bmo_difficulty_rate": "projects_for_difficult",
    "dares_tension": "projects_for_difficult",
    "bmo_seasonality_rate": "projects_for_seasonal",
    "non_durability": "projects_for_seasonal",
}


def reference_for(frames: dict[str, pl.DataFrame], reference_key: str) -> pl.DataFrame:
    """Counts of the reference territory by occupation × year, for the tension's standardisation."""
    parts = []
    for name in ("offers", "jobseekers", "bmo"):
        f = frames[name].filter((pl.col("territory") == reference_key) & (pl.col("occupation") != ALL))
        if name == "bmo":
            f = f.select("territory", "occupation", "period", *BMO_VALUES, "secret")
        parts.append(f.drop("territory", "secret"))
    out = (
        parts[0]
        .join(parts[1], on=["occupation", "period"], how="inner")
        .join(parts[2], on=["occupation"], how="inner", suffix="_bmo")
    )
    return out.drop_nulls()


def run_indicators(
    inputs: Inputs, reference_key: str, lq_reference: pl.DataFrame | None = None
) -> pl.DataFrame:
    """All indicators as one long frame: indicator, territory, occupation_kind, occupation, period, value,
    status, category, counts (JSON text). `reference_key` is the territory whose occupations standardise the
    tension and against which the specialisation is measured; `lq_reference` the employment of each territory's
    own reference area (`References.frame_for`): a territory without one gets no location quotient."""
    frames = inputs.frames
    results = []
    bmo = frames["bmo"]
    for name in PER_OCCUPATION:
        indicator = REGISTRY[name]
        params = None
        local = {k: frames[k] for k in indicator.inputs if k in frames}
        if "bmo" in local and name in BMO_RATE_BASE:
            # a rate's denominator in the « tous métiers » row: the projects whose numerator is published
            local["bmo"] = local["bmo"].with_columns(pl.col(BMO_RATE_BASE[name]).alias("projects"))
        if name == "dares_tension":
            ref = reference_for(frames, reference_key)
            if ref.height < 3:
                continue
            from gtec_core.indicators.tension import reference_moments, tension_parameters

            params = tension_parameters()
            params = {
                **params,
                "composite": {
                    **params["composite"],
                    "reference_moments": reference_moments(
                        ref.drop("period_bmo", strict=False), period=(0, 9999)
                    ),
                },
            }
        if name in ("hiring_intensity", "lack_of_labour") and not frames["employment"].is_empty():
            # these relate flows to employment for « tous métiers » too (the structure indicators must not
            # see a total row among the occupations)
            local["employment"] = with_all(frames["employment"], ["employment"], ["territory", "period"])
        if name == "location_quotient":
            if lq_reference is None or lq_reference.is_empty():
                continue
            local["reference"] = lq_reference
            local["employment"] = frames["employment"].join(
                lq_reference.select("territory", "period").unique(), on=["territory", "period"], how="semi"
            )
        if any(k not in local for k in indicator.inputs):
            continue
        if any(local[k].is_empty() for k in indicator.inputs):
            continue
        # BMO is yearly: indicators mixing it with monthly data only exist for the BMO year
        if "bmo" in indicator.inputs and name != "bmo_difficulty_rate":
            local = {
                k: (
                    v.filter(pl.col("period").is_in(bmo["period"].unique().to_list()))
                    if "period" in v.columns
                    else v
                )
                for k, v in local.items()
            }
        out = indicator.run(local, params)
        results.append(_long(name, out, "fap2021"))
    for name in ("offers_demand_ratio",):
        out = REGISTRY[name].run(inputs.rome_frames)
        results.append(_long(name, out, "rome"))
    emp = frames["employment"]
    if not emp.is_empty():
        emp_occ = emp.filter(pl.col("occupation") != ALL)
        for name in STRUCTURE:
            indicator = REGISTRY[name]
            local = {
                "employment": emp_occ,
                "reference": emp_occ.filter(pl.col("territory") == reference_key).drop("territory"),
            }
            out = indicator.run({k: local[k] for k in indicator.inputs})
            results.append(_long(name, out.with_columns(pl.lit(ALL).alias("occupation")), "all"))
    sectors = frames.get("sectors")
    if sectors is not None and not sectors.is_empty():
        # establishments are a stock: the exposure is dated by the latest year computed
        latest = max(
            frames["offers"]["period"].unique().to_list()
            or frames["jobseekers"]["period"].unique().to_list()
            or ["0"]
        )
        out = REGISTRY["covid_exposure"].run({"employment": sectors.drop("establishments")})
        # a territory's exposure built on fewer than 3 establishments would describe them: secret (§6)
        few = sectors.group_by("territory").agg(pl.col("establishments").sum() < load_rules().min_units)
        out = (
            out.join(few.rename({"establishments": "_few"}), on="territory", how="left")
            .with_columns(
                pl.when(pl.col("_few")).then(pl.lit("secret")).otherwise(pl.col("status")).alias("status")
            )
            .drop("_few")
        )
        out = out.with_columns(pl.lit(ALL).alias("occupation"), pl.lit(latest).alias("period"))
        results.append(_long("covid_exposure", out, "all"))
    return (
        pl.concat([r for r in results if r is not None], how="diagonal_relaxed")
        if results
        else pl.DataFrame()
    )


def _long(name: str, out: pl.DataFrame, kind: str) -> pl.DataFrame:
    kinds = pl.when(pl.col("occupation") == ALL).then(pl.lit("all")).otherwise(pl.lit(kind))
    category = pl.col("category") if "category" in out.columns else pl.lit(None, dtype=pl.Int8)
    return out.select(
        pl.lit(name).alias("indicator"),
        "territory",
        kinds.alias("occupation_kind"),
        pl.col("occupation").fill_null(ALL),
        pl.col("period").cast(pl.String),
        "value",
        "status",
        category.cast(pl.Int8).alias("category"),
        pl.col("counts").struct.json_encode().alias("counts"),
    )
