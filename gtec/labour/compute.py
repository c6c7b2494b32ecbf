"""Compute every declared indicator for territories × occupations × years and store the observations.

Inputs are read from the labour tables, aggregated to each territory through its member communes
(`territories.Membership`), and brought to one occupation key, the FAP-2021 code of the BMO, through the
bridge of `gtec_core.occupations` (ROME counts are spread with `rome_share`). Rules, in order:

- offers (API v2): counted by creation year; `offers` = `online_offers` (France Travail's collected offers are
  the only offer source loaded; the Dares adds partner sites to its « offres en ligne » [P]);
- job seekers (STMT, commune level): yearly sums of monthly entries / exits, mean of the monthly end-of-month
  stocks, and the stock at the start of the year (end of the previous December, or the first month loaded);
- BMO (bassin level): a territory receives from each bassin the share of the bassin's population living in it
  (the BMO publishes no finer geography) [P]; a `*` cell stays null, so the result is secret;
- employment (layout of `gtec_core.sources.employment`), aggregated over age bands;
- the composite tension is standardised on the moments of the reference territory's occupations × years (the
  widest territory computed), not on the Dares' unpublished 2014-2018 national moments [P].

Secrecy (methods.md §6): an input cell built from fewer than `min_units` units (offers, job seekers, projects)
is secret and every indicator using it inherits the secrecy. Values are stored with their status; pages,
exports and the API show them only through `gtec.labour.queries`."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from gtec.imports.models import ImportRun
from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, sync
from gtec.labour import models as m
from gtec.territories.models import Membership, Territory
from gtec_core import occupations
from gtec_core.indicators.registry import REGISTRY
from gtec_core.secrecy import load_rules

ALL = ""  # occupation code of the « tous métiers » observations
# indicators computed per occupation, and per territory for all occupations together
PER_OCCUPATION = [
    "offers_demand_ratio",
    "bmo_difficulty_rate",
    "bmo_seasonality_rate",
    "hiring_intensity",
    "lack_of_labour",
    "non_durability",
    "geographic_mismatch",
    "dares_tension",
    "location_quotient",
]
PER_TERRITORY = ["krugman_specialisation", "herfindahl", "shannon", "shannon_normalised"]


@cache
def bridge() -> pl.DataFrame:
    return occupations.fap2021_rome_bridge(Path(settings.GTEC_DATA_DIR))


def _frame(rows: Iterable[dict], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def commune_map(territories: list[Territory]) -> pl.DataFrame:
    """(`commune`, `territory`) for every territory: itself for a commune, its members otherwise."""
    rows = [{"commune": t.code, "territory": t.key} for t in territories if t.scale == "commune"]
    others = {t.pk: t.key for t in territories if t.scale != "commune"}
    for territory_id, code in Membership.objects.filter(territory_id__in=others).values_list(
        "territory_id", "commune__code"
    ):
        rows.append({"commune": code, "territory": others[territory_id]})
    return _frame(rows, {"commune": pl.String, "territory": pl.String})


def null_sum(column: str) -> pl.Expr:
    """Sum that stays null when one part is null (secret at source), instead of treating it as 0."""
    return pl.when(pl.col(column).is_null().any()).then(None).otherwise(pl.col(column).sum()).alias(column)


def to_fap(frame: pl.DataFrame, values: list[str], by: list[str]) -> pl.DataFrame:
    """ROME counts (column `rome`) spread over FAP-2021 codes (column `occupation`), nulls kept."""
    shares = bridge().select(
        pl.col("code_rome").alias("rome"), pl.col("code_fap2021").alias("occupation"), "rome_share"
    )
    joined = frame.join(shares, on="rome", how="inner")
    return joined.group_by(*by, "occupation").agg(
        pl.when(pl.col(v).is_null().any())
        .then(None)
        .otherwise((pl.col(v) * pl.col("rome_share")).sum())
        .alias(v)
        for v in values
    )


def load_offers(communes: pl.DataFrame, years: list[int]) -> pl.DataFrame:
    """Offers by commune × ROME × year."""
    rows = (
        m.Offre.objects.filter(
            code_insee__in=communes["commune"].unique().to_list(), date_creation__year__in=years
        )
        .annotate(year=ExtractYear("date_creation"))
        .values("code_insee", "code_rome", "year")
        .annotate(
            offers=Count("id"),
            durable_offers=Count("id", filter=Q(durable=True)),
            full_time_offers=Count("id", filter=Q(temps_plein=True)),
        )
    )
    frame = _frame(
        (
            {
                "commune": r["code_insee"],
                "rome": r["code_rome"],
                "period": str(r["year"]),
                **{k: r[k] for k in ("offers", "durable_offers", "full_time_offers")},
            }
            for r in rows
        ),
        {
            "commune": pl.String,
            "rome": pl.String,
            "period": pl.String,
            "offers": pl.Float64,
            "durable_offers": pl.Float64,
            "full_time_offers": pl.Float64,
        },
    )
    return frame.with_columns(pl.col("offers").alias("online_offers"))


def load_jobseekers(communes: pl.DataFrame, years: list[int]) -> pl.DataFrame:
    """Job seekers by commune × ROME × year: entries/exits sums, mean stock of category A, start stocks."""
    qs = m.DemandeurEmploi.objects.filter(
        niveau_geo="commune",
        code_geo__in=communes["commune"].unique().to_list(),
        categorie__in=["A", "ABC"],
        mois__year__in=[*years, min(years) - 1],
    ).exclude(code_rome="")
    raw = _frame(
        (
            {"commune": c, "rome": r, "month": mo, "category": cat, "stock": s, "entries": e, "exits": x}
            for c, r, mo, cat, s, e, x in qs.values_list(
                "code_geo", "code_rome", "mois", "categorie", "stock", "entrees", "sorties"
            ).iterator(chunk_size=20000)
        ),
        {
            "commune": pl.String,
            "rome": pl.String,
            "month": pl.Date,
            "category": pl.String,
            "stock": pl.Float64,
            "entries": pl.Float64,
            "exits": pl.Float64,
        },
    )
    if raw.is_empty():
        return pl.DataFrame(
            schema={
                "commune": pl.String,
                "rome": pl.String,
                "period": pl.String,
                **{
                    c: pl.Float64
                    for c in (
                        "entries",
                        "entries_a",
                        "entries_abc",
                        "exits_abc",
                        "stock_a",
                        "stock_abc_start",
                    )
                },
            }
        )
    raw = raw.with_columns(pl.col("month").dt.year().alias("year"))
    keys = ["commune", "rome"]
    first_month = raw["month"].min()
    start_stock = raw.filter(
        (pl.col("category") == "ABC")
        & ((pl.col("month").dt.month() == 12) | (pl.col("month") == first_month))
    ).with_columns(
        pl.when(pl.col("month").dt.month() == 12)
        .then(pl.col("year") + 1)
        .otherwise(pl.col("year"))
        .alias("year")
    )
    # a December stock starts the next year; the first month loaded starts its own year when no December precedes
    start_stock = (
        start_stock.sort("month")
        .group_by(*keys, "year")
        .agg(pl.col("stock").first().alias("stock_abc_start"))
    )
    current = raw.filter(pl.col("year").is_in(years))
    a = (
        current.filter(pl.col("category") == "A")
        .group_by(*keys, "year")
        .agg(null_sum("entries").alias("entries_a"), pl.col("stock").mean().alias("stock_a"))
    )
    abc = (
        current.filter(pl.col("category") == "ABC")
        .group_by(*keys, "year")
        .agg(null_sum("entries").alias("entries_abc"), null_sum("exits").alias("exits_abc"))
    )
    out = abc.join(a, on=[*keys, "year"], how="full", coalesce=True).join(
        start_stock, on=[*keys, "year"], how="left"
    )
    return out.with_columns(
        pl.col("year").cast(pl.String).alias("period"),
        pl.col("entries_abc").alias("entries"),
        *(pl.col(c).fill_null(0.0) for c in ("stock_abc_start",)),
    ).drop("year")


def bassin_weights(territory_map: pl.DataFrame) -> pl.DataFrame:
    """(`bassin`, `territory`, `weight`): share of each BMO bassin's population living in the territory."""
    bassins = Territory.objects.filter(scale="bassin")
    members = _frame(
        (
            {"bassin": b, "commune": c, "population": p}
            for b, c, p in Membership.objects.filter(territory__in=bassins).values_list(
                "territory__code", "commune__code", "commune__population"
            )
        ),
        {"bassin": pl.String, "commune": pl.String, "population": pl.Float64},
    )
    members = members.with_columns(pl.col("population").sum().over("bassin").alias("_bassin_pop"))
    joined = members.join(territory_map, on="commune", how="inner")
    return (
        joined.group_by("bassin", "territory")
        .agg((pl.col("population").sum() / pl.col("_bassin_pop").first()).alias("weight"))
        .filter(pl.col("weight") > 0)
    )


def load_bmo(territory_map: pl.DataFrame, year: int) -> pl.DataFrame:
    weights = bassin_weights(territory_map)
    raw = _frame(
        (
            {"bassin": b, "occupation": o, "projects": p, "difficult": d, "seasonal": s}
            for b, o, p, d, s in m.BmoProjet.objects.filter(
                annee=year, code_bassin__in=weights["bassin"].unique().to_list()
            ).values_list("code_bassin", "code_metier", "projets", "difficiles", "saisonniers")
        ),
        {
            "bassin": pl.String,
            "occupation": pl.String,
            "projects": pl.Float64,
            "difficult": pl.Float64,
            "seasonal": pl.Float64,
        },
    )
    joined = raw.join(weights, on="bassin", how="inner")
    values = ["projects", "difficult", "seasonal"]
    out = joined.group_by("territory", "occupation").agg(
        pl.when(pl.col(v).is_null().any()).then(None).otherwise((pl.col(v) * pl.col("weight")).sum()).alias(v)
        for v in values
    )
    return out.with_columns(pl.lit(str(year)).alias("period"))


SCALE_OF_LEVEL = {
    "commune": "commune",
    "epci": "epci",
    "ze": "ze",
    "bassin": "bassin",
    "departement": "dep",
    "dep": "dep",
    "region": "reg",
    "reg": "reg",
    "custom": "custom",
}


@cache
def fap2009_to_fap2021() -> pl.DataFrame:
    """(`fap2009`, `occupation`, `share`): how a FAP-2009 family's count spreads over FAP-2021 codes — over its
    ROME v3 codes equally (official Dares table), then to ROME 4.0 fiches (`code_rome_parent`) and FAP-2021
    codes (`rome_share` of the bridge). Shares sum to 1 per family that reaches the bridge."""
    from gtec.referentials.models import Fiche, RomeV3Fap

    links = _frame(
        (
            {"fap2009": f, "rome_v3": r}
            for f, r in RomeV3Fap.objects.values_list("fap__code", "rome_v3").distinct()
        ),
        {"fap2009": pl.String, "rome_v3": pl.String},
    )
    fiches = _frame(
        (
            {"rome_v3": p or c, "rome": c}
            for c, p in Fiche.objects.values_list("code_rome", "code_rome_parent")
        ),
        {"rome_v3": pl.String, "rome": pl.String},
    )
    shares = bridge().select(
        pl.col("code_rome").alias("rome"), pl.col("code_fap2021").alias("occupation"), "rome_share"
    )
    chain = links.join(fiches, on="rome_v3").join(shares, on="rome")
    chain = chain.with_columns(
        (pl.col("rome_share") / pl.len().over("fap2009", "rome_share").cast(pl.Float64)).alias("_w")
    )
    out = chain.group_by("fap2009", "occupation").agg(pl.col("rome_share").sum().alias("share"))
    return out.with_columns((pl.col("share") / pl.col("share").sum().over("fap2009")).alias("share"))


def load_employment(
    territory_map: pl.DataFrame, years: list[int], territories: list[Territory]
) -> pl.DataFrame:
    """Employment by territory × FAP-2021 × year: commune rows summed over each territory, and rows published
    for a territory itself (zone d'emploi, département…) used as they are; FAP-2009 codes are spread over
    FAP-2021 codes (`fap2009_to_fap2021`)."""
    keys = {t.key for t in territories}
    rows = m.Emploi.objects.filter(annee__in=years).values_list(
        "niveau_geo", "code_geo", "code_fap", "annee", "effectif"
    )
    raw = _frame(
        (
            {"level": lvl, "code": c, "occupation": f, "period": str(y), "employment": e}
            for lvl, c, f, y, e in rows.iterator(chunk_size=20000)
        ),
        {
            "level": pl.String,
            "code": pl.String,
            "occupation": pl.String,
            "period": pl.String,
            "employment": pl.Float64,
        },
    )
    raw = raw.with_columns(pl.col("level").replace_strict(SCALE_OF_LEVEL, default=None).alias("scale"))
    communes = raw.filter(pl.col("scale") == "commune").rename({"code": "commune"})
    from_communes = communes.join(territory_map, on="commune", how="inner").select(
        "territory", "occupation", "period", "employment"
    )
    direct = (
        raw.filter(pl.col("scale") != "commune")
        .with_columns((pl.col("scale") + ":" + pl.col("code")).alias("territory"))
        .filter(pl.col("territory").is_in(list(keys)))
        .select("territory", "occupation", "period", "employment")
    )
    both = pl.concat([from_communes, direct])
    both = both.group_by("territory", "occupation", "period").agg(null_sum("employment"))
    known21 = set(bridge()["code_fap2021"].unique().to_list())
    is21 = pl.col("occupation").is_in(list(known21))
    as21 = both.filter(is21)
    as09 = (
        both.filter(~is21)
        .rename({"occupation": "fap2009"})
        .join(fap2009_to_fap2021(), on="fap2009", how="inner")
    )
    as09 = as09.with_columns(pl.col("employment") * pl.col("share")).select(
        "territory", "occupation", "period", "employment"
    )
    return pl.concat([as21, as09]).group_by("territory", "occupation", "period").agg(null_sum("employment"))


def to_territories(frame: pl.DataFrame, territory_map: pl.DataFrame, values: list[str]) -> pl.DataFrame:
    joined = frame.join(territory_map, on="commune", how="inner")
    return joined.group_by("territory", "rome", "period").agg(null_sum(v) for v in values)


def flag_small(frame: pl.DataFrame, counts: list[str], min_units: int) -> pl.DataFrame:
    """Primary frequency rule on each input cell: 0 < count < min_units → secret."""
    small = pl.any_horizontal([(pl.col(c) > 0) & (pl.col(c) < min_units) for c in counts] + [pl.lit(False)])
    return frame.with_columns(small.alias("secret"))


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


@dataclass
class Inputs:
    frames: dict[str, pl.DataFrame]
    rome_frames: dict[str, pl.DataFrame]


OFFER_VALUES = ["offers", "online_offers", "durable_offers", "full_time_offers"]
SEEKER_VALUES = ["entries", "entries_a", "entries_abc", "exits_abc", "stock_a", "stock_abc_start"]


def build_inputs(territories: list[Territory], years: list[int], bmo_year: int | None) -> Inputs:
    rules = load_rules()
    tmap = commune_map(territories)
    offers_c = load_offers(tmap, years)
    seekers_c = load_jobseekers(tmap, years)
    offers_t = to_territories(offers_c, tmap, OFFER_VALUES)
    seekers_t = to_territories(seekers_c, tmap, SEEKER_VALUES)
    keys = ["territory", "period"]
    offers_f = with_all(to_fap(offers_t, OFFER_VALUES, keys), OFFER_VALUES, keys)
    seekers_f = with_all(to_fap(seekers_t, SEEKER_VALUES, keys), SEEKER_VALUES, keys)
    bmo = (
        load_bmo(tmap, bmo_year)
        if bmo_year
        else pl.DataFrame(
            schema={
                "territory": pl.String,
                "occupation": pl.String,
                "projects": pl.Float64,
                "difficult": pl.Float64,
                "seasonal": pl.Float64,
                "period": pl.String,
            }
        )
    )
    bmo = with_all(bmo, ["projects", "difficult", "seasonal"], keys, published_only=True)
    employment = load_employment(tmap, years, territories)
    # sub-areas for the geographical mismatch: the communes of each territory
    sub_o = offers_c.join(tmap, on="commune").with_columns(pl.col("rome"))
    sub_o = to_fap(sub_o, ["offers"], ["territory", "commune", "period"])
    sub_d = seekers_c.join(tmap, on="commune")
    sub_d = to_fap(
        sub_d.rename({"stock_a": "jobseekers"}), ["jobseekers"], ["territory", "commune", "period"]
    )
    sub = sub_o.join(sub_d, on=["territory", "commune", "period", "occupation"], how="full", coalesce=True)
    sub = with_all(
        sub.with_columns(pl.col("offers", "jobseekers").fill_null(0.0)),
        ["offers", "jobseekers"],
        ["territory", "commune", "period"],
    )
    sub = sub.rename({"commune": "subarea"})
    frames = {
        "offers": flag_small(offers_f, ["offers"], rules.min_units),
        "jobseekers": flag_small(seekers_f, ["entries", "stock_a"], rules.min_units),
        "bmo": flag_small(bmo, ["projects"], rules.min_units),
        "employment": employment,
        "subareas": sub,
    }
    rome_frames = {
        "offers": flag_small(offers_t.rename({"rome": "occupation"}), ["offers"], rules.min_units),
        "jobseekers": flag_small(
            seekers_t.rename({"rome": "occupation"}), ["entries", "stock_a"], rules.min_units
        ),
    }
    return Inputs(frames, rome_frames)


def reference_for(frames: dict[str, pl.DataFrame], reference_key: str) -> pl.DataFrame:
    """Counts of the reference territory by occupation × year, for the tension's standardisation."""
    parts = []
    for name in ("offers", "jobseekers", "bmo"):
        f = frames[name].filter((pl.col("territory") == reference_key) & (pl.col("occupation") != ALL))
        parts.append(f.drop("territory", "secret"))
    out = (
        parts[0]
        .join(parts[1], on=["occupation", "period"], how="inner")
        .join(parts[2], on=["occupation"], how="inner", suffix="_bmo")
    )
    return out.drop_nulls()


def run_indicators(inputs: Inputs, reference_key: str) -> pl.DataFrame:
    """All indicators as one long frame: indicator, territory, occupation_kind, occupation, period, value,
    status, category, counts (JSON text)."""
    frames = inputs.frames
    results = []
    bmo = frames["bmo"]
    for name in PER_OCCUPATION:
        indicator = REGISTRY[name]
        params = None
        local = {k: frames[k] for k in indicator.inputs if k in frames}
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
        if name == "location_quotient":
            emp = frames["employment"]
            if emp.is_empty():
                continue
            local["reference"] = emp.filter(pl.col("territory") == reference_key).drop("territory")
            local["employment"] = emp
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
        for name in PER_TERRITORY:
            indicator = REGISTRY[name]
            local = {
                "employment": emp_occ,
                "reference": emp_occ.filter(pl.col("territory") == reference_key).drop("territory"),
            }
            out = indicator.run({k: local[k] for k in indicator.inputs})
            results.append(_long(name, out.with_columns(pl.lit(ALL).alias("occupation")), "all"))
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


def _clean(value):
    """JSON- and database-safe float: NaN and infinities become null, and values are rounded to 9 decimals so
    that a re-run whose parallel sums add in another order stores exactly the same number."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, 9)
    return value


def observations_compute(
    territories: list[Territory],
    *,
    years: list[int] | None = None,
    reference: Territory | None = None,
    progress=None,
) -> tuple[str, dict[str, Counts]]:
    """Compute and store the observations of `territories` (all indicators, all occupations, `years`)."""
    import json

    if years is None:
        years = sorted(
            {d.year for d in m.Offre.objects.dates("date_creation", "year")}
            | {d.year for d in m.DemandeurEmploi.objects.dates("mois", "year")}
        )
    bmo_years = list(m.BmoProjet.objects.values_list("annee", flat=True).distinct())
    bmo_year = max(bmo_years) if bmo_years else None
    if not years:
        return "aucune donnée", {"observations": Counts()}
    territories, skipped = covered(territories)
    if not territories:
        raise ValueError(
            "aucun territoire couvert par les données chargées (demandeurs d'emploi par commune)"
        )
    reference = reference or max(territories, key=lambda t: t.population)
    if reference not in territories:
        territories = [*territories, reference]
    if progress and skipped:
        progress(
            "territoires ignorés (données partielles) : " + ", ".join(t.key for t in skipped[:8]),
            len(skipped),
        )
    inputs = build_inputs(territories, years, bmo_year)
    long = run_indicators(inputs, reference.key)
    ids = {t.key: t.pk for t in territories}
    synthetic = ImportRun.objects.filter(
        source__in=["offres", "stmt", "emploi", "sirene"], synthetic=True
    ).exists()
    rows = (
        [
            {
                "indicator": r["indicator"],
                "territory_id": ids[r["territory"]],
                "occupation_kind": r["occupation_kind"],
                "occupation": r["occupation"],
                "period": r["period"],
                "value": _clean(r["value"]),
                "status": r["status"],
                "category": r["category"],
                "counts": {k: _clean(v) for k, v in json.loads(r["counts"]).items()},
                "synthetic": synthetic,
            }
            for r in long.iter_rows(named=True)
        ]
        if not long.is_empty()
        else []
    )
    if progress:
        progress("observations", len(rows))
    with transaction.atomic():
        counts = {
            "observations": sync(
                m.Observation,
                rows,
                ("indicator", "territory_id", "occupation_kind", "occupation", "period"),
                scope={"territory_id__in": list(ids.values())},
            )
        }
        version = f"indicateurs {min(years)}-{max(years)} ({len(territories)} territoires, référence {reference.key})"
        importrun_record(
            source="indicateurs", version=version, data_dir="", files={}, counts=counts, synthetic=synthetic
        )
    return version, counts


MIN_COVERAGE = 0.95


def covered(territories: list[Territory]) -> tuple[list[Territory], list[Territory]]:
    """Split territories into those whose population lives at least 95 % in communes with loaded commune data
    (job seekers or offers) and the others: an indicator of a département computed from a few of its communes
    would be wrong, so it is not computed."""
    with_data = set(
        m.DemandeurEmploi.objects.filter(niveau_geo="commune").values_list("code_geo", flat=True).distinct()
    ) | set(m.Offre.objects.values_list("code_insee", flat=True).distinct())
    keep, skip = [], []
    for t in territories:
        communes = list(t.communes().values_list("code", "population"))
        total = sum(p for _, p in communes) or 1
        inside = sum(p for c, p in communes if c in with_data)
        (keep if communes and inside / total >= MIN_COVERAGE else skip).append(t)
    return keep, skip


def default_territories(root: Territory) -> list[Territory]:
    """A territory, the EPCI and communes inside it, the zones d'emploi, bassins, département and région that
    contain its communes."""
    communes = list(root.communes())
    inside = list(Territory.objects.filter(scale="epci", memberships__commune__in=communes).distinct())
    around = list(
        Territory.objects.filter(
            scale__in=["ze", "bassin", "dep", "reg"], memberships__commune__in=communes
        ).distinct()
    )
    seen: dict[str, Territory] = {}
    for t in [root, *communes, *inside, *around]:
        seen[t.key] = t
    return list(seen.values())
