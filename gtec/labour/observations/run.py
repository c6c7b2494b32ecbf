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

Scale (which occupations for which territories): a targeted run (`observations_compute`: one territory and
those around it, or named territories — a few dozen communes) computes every occupation (FAP-2021 and ROME)
for every territory, communes included. A national run (`observations_compute_all`, `gtec compute
--all-territories`) computes the FAP-2021 and ROME indicators for the territories above the commune (EPCI,
zone d'emploi, bassin, département, région, custom) and only the « tous métiers » indicators
(`occupation = ""`) for the communes: 35 000 communes × 600 occupations would be hundreds of millions of
mostly secret cells. Inputs are aggregated in SQL (yearly sums of entries / exits, mean monthly stock, start
stocks: one row per commune × ROME × year, not per month), read through a cursor in chunks into polars, once;
territories are then computed in batches of bounded size.

Secrecy (methods.md §6): an input cell built from fewer than `min_units` units (offers, job seekers, projects)
is secret and every indicator using it inherits the secrecy. Values are stored with their status; pages,
exports and the API show them only through `gtec.labour.read`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, sync
from gtec.labour import models as m
from gtec.labour.observations.geography import (
    BMO_FRAME_SCHEMA,
    BMO_VALUES,
    _scale_code,
    bassin_members,
    bmo_cells_of,
    bmo_for,
    bmo_origin,
    commune_map,
    covered,
    load_employment,
    to_fap,
    to_territories,
)
from gtec.labour.observations.inputs import (
    ALL,
    BMO_SCHEMA,
    OFFER_VALUES,
    SEEKER_VALUES,
    _years_and_bmo,
    bmo_raw,
    employment_raw,
    load_jobseekers,
    load_offers,
    load_sector_employment,
)
from gtec.labour.observations.protection import protect_bmo, protect_with_totals, with_all
from gtec.labour.observations.storage import OBSERVATION_KEY, _observation_rows, dares_rows, synthetic_sources
from gtec.territories.models import Territory
from gtec_core.indicators.registry import REGISTRY
from gtec_core.secrecy import load_rules

PER_OCCUPATION = [
    "bmo_projects",
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


BMO_RATE_BASE = {
    "bmo_difficulty_rate": "projects_for_difficult",
    "dares_tension": "projects_for_difficult",
    "bmo_seasonality_rate": "projects_for_seasonal",
    "non_durability": "projects_for_seasonal",
}


PER_TERRITORY = ["krugman_specialisation", "herfindahl", "shannon", "shannon_normalised"]


@dataclass
class Inputs:
    frames: dict[str, pl.DataFrame]
    rome_frames: dict[str, pl.DataFrame]
    bmo_origins: dict[str, tuple[str, str, str]] = None  # territory -> (origin, detail, note on the total)


@dataclass
class Loaded:
    """The commune-level inputs read once from the database (aggregated in SQL), for one or many batches."""

    offers: pl.DataFrame  # commune × ROME × year
    seekers: pl.DataFrame  # commune × ROME × year
    bmo: pl.DataFrame  # bassin × FAP-2021 of the BMO year
    bmo_year: int | None
    members: pl.DataFrame  # communes of the BMO bassins
    employment: pl.DataFrame  # as stored, any level
    sectors: pl.DataFrame = None  # commune × exposure sector: estimated employees (SIRENE)


def load_all(tmap: pl.DataFrame | None, years: list[int], bmo_year: int | None) -> Loaded:
    return Loaded(
        offers=load_offers(tmap, years),
        seekers=load_jobseekers(tmap, years),
        bmo=bmo_raw(bmo_year) if bmo_year else pl.DataFrame(schema=BMO_SCHEMA),
        bmo_year=bmo_year,
        members=bassin_members(),
        employment=employment_raw(years),
        sectors=load_sector_employment(tmap),
    )


def build_inputs(
    territories: list[Territory], years: list[int], bmo_year: int | None, local: set[str] | None = None
) -> Inputs:
    tmap = commune_map(territories)
    return inputs_for(tmap, {t.key for t in territories}, load_all(tmap, years, bmo_year), local=local)


def bmo_frame(tmap: pl.DataFrame, keys: set[str], loaded: Loaded) -> tuple[pl.DataFrame, dict]:
    """The BMO input of the territories `keys` and, per territory, (origin, detail) of its figures."""
    if not loaded.bmo_year or loaded.bmo.is_empty():
        return pl.DataFrame(schema=BMO_FRAME_SCHEMA), {}
    info = {k: _scale_code(k) for k in keys}
    cells = bmo_cells_of(info, tmap, loaded.members, loaded.bmo)
    frame = bmo_for(cells, loaded.bmo_year)
    secret = dict(frame.filter(pl.col("occupation") == ALL).select("territory", "secret_cells").iter_rows())
    origins = {}
    for key, n in secret.items():
        origin, detail = bmo_origin(*info[key], loaded.bmo)
        note = f"{round(n or 0)} cellule(s) secrète(s) « * » non comptée(s)"
        origins[key] = (origin, detail, note)
    return frame, origins


def inputs_for(
    tmap: pl.DataFrame,
    keys: set[str],
    loaded: Loaded,
    *,
    totals_only: Iterable[str] = (),
    local: set[str] | None = None,
) -> Inputs:
    """The input frames of the territories `keys` (their communes in `tmap`). Coverage is decided per source:
    the BMO reaches every territory (published cells for a bassin, a département, a région; population shares
    otherwise), the local files (offers, job seekers, employment, establishments) only the territories of
    `local` (all when None). Territories in `totals_only` (communes of a national run, or communes the local
    files do not cover) keep only their « tous métiers » rows."""
    rules = load_rules()
    bmo, bmo_origins = bmo_frame(tmap, keys, loaded)
    if local is not None:
        keys = {k for k in keys if k in local}
        tmap = tmap.filter(pl.col("territory").is_in(list(keys)))
    offers_c = loaded.offers.join(tmap.select("commune").unique(), on="commune", how="semi")
    seekers_c = loaded.seekers.join(tmap.select("commune").unique(), on="commune", how="semi")
    offers_t = to_territories(offers_c, tmap, OFFER_VALUES)
    seekers_t = to_territories(seekers_c, tmap, SEEKER_VALUES)
    by = ["territory", "period"]
    offers_f = with_all(to_fap(offers_t, OFFER_VALUES, by), OFFER_VALUES, by)
    seekers_f = with_all(to_fap(seekers_t, SEEKER_VALUES, by), SEEKER_VALUES, by)
    employment = load_employment(tmap, [], [], raw=loaded.employment, keys=keys)
    # sub-areas for the geographical mismatch: the communes of each territory
    sub_o = offers_c.join(tmap, on="commune")
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
    totals_only = list(totals_only)
    if totals_only:
        detail = pl.col("territory").is_in(totals_only) & (pl.col("occupation") != ALL)
        offers_f, seekers_f, bmo, sub = (f.filter(~detail) for f in (offers_f, seekers_f, bmo, sub))
        offers_t = offers_t.filter(~pl.col("territory").is_in(totals_only))
        seekers_t = seekers_t.filter(~pl.col("territory").is_in(totals_only))
    frames = {
        "offers": protect_with_totals(offers_f, ["offers"], rules.min_units),
        "jobseekers": protect_with_totals(seekers_f, ["entries", "stock_a"], rules.min_units),
        "bmo": protect_bmo(bmo, bmo_origins, rules.min_units),
        "employment": employment,
        "subareas": sub,
    }
    if loaded.sectors is not None and not loaded.sectors.is_empty():
        sectors = loaded.sectors.join(tmap, on="commune", how="inner")
        frames["sectors"] = sectors.group_by("territory", "sector").agg(
            pl.col("employment").sum(), pl.col("establishments").sum()
        )
    rome_frames = {
        "offers": protect_with_totals(offers_t.rename({"rome": "occupation"}), ["offers"], rules.min_units),
        "jobseekers": protect_with_totals(
            seekers_t.rename({"rome": "occupation"}), ["entries", "stock_a"], rules.min_units
        ),
    }
    return Inputs(frames, rome_frames, bmo_origins)


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


NOTHING_COVERED = (
    "aucun territoire couvert par les données chargées (ni fichier BMO, ni demandeurs d'emploi ou offres par "
    "commune) : lancez `gtec import all`"
)


def observations_compute(
    territories: list[Territory],
    *,
    years: list[int] | None = None,
    reference: Territory | None = None,
    progress=None,
) -> tuple[str, dict[str, Counts]]:
    """Compute and store the observations of `territories` (all indicators, all occupations, `years`),
    communes included at the occupation level. Coverage is decided per source: the BMO figures reach every
    territory; the figures of the local files (offers, job seekers, employment, establishments) only the
    territories they cover (`covered`); a commune those files do not cover gets its « tous métiers » BMO
    figures only."""
    years, bmo_year = _years_and_bmo(years)
    if not years:
        return "aucune donnée", {"observations": Counts()}
    local, skipped = covered(territories)
    if not local and not bmo_year:
        raise ValueError(NOTHING_COVERED)
    reference = reference or max(local or territories, key=lambda t: t.population)
    if reference not in territories:
        territories = [*territories, reference]
        local = [*local, reference] if reference not in local else local
    if progress and skipped:
        progress(
            "territoires sans fichier local (BMO seulement) : " + ", ".join(t.key for t in skipped[:8]),
            len(skipped),
        )
    local_keys = {t.key for t in local}
    tmap = commune_map(territories)
    bare = [t.key for t in territories if t.scale == "commune" and t.key not in local_keys]
    inputs = inputs_for(
        tmap,
        {t.key for t in territories},
        load_all(tmap, years, bmo_year),
        local=local_keys,
        totals_only=bare,
    )
    long = run_indicators(inputs, reference.key)
    if bare and not long.is_empty():
        long = long.filter(~pl.col("territory").is_in(bare) | (pl.col("occupation") == ALL))
    ids = {t.key: t.pk for t in territories}
    synthetic = synthetic_sources()
    rows = _observation_rows(long, ids, synthetic, inputs.bmo_origins) + dares_rows(territories, ids)
    if progress:
        progress("observations", len(rows))
    with transaction.atomic():
        counts = {
            "observations": sync(
                m.Observation, rows, OBSERVATION_KEY, scope={"territory_id__in": list(ids.values())}
            )
        }
        version = f"indicateurs {min(years)}-{max(years)} ({len(territories)} territoires, référence {reference.key})"
        importrun_record(
            source="indicateurs",
            version=version,
            data_dir="",
            files={},
            counts=counts,
            synthetic=bool(synthetic),
        )
    return version, counts


BATCH_COMMUNES = 3000  # communes per batch of commune territories


BATCH_MEMBERS = 12_000  # member communes per batch of wider territories


BATCH_TERRITORIES = 150  # wider territories per batch


def plan_batches(territories: list[Territory], sizes: dict[str, int]) -> list[list[Territory]]:
    """Batches of territories of one scale each: communes by `BATCH_COMMUNES`, wider territories until their
    member communes reach `BATCH_MEMBERS` or their number `BATCH_TERRITORIES`."""
    batches: list[list[Territory]] = []
    by_scale: dict[str, list[Territory]] = {}
    for t in sorted(territories, key=lambda t: (t.scale, t.code)):
        by_scale.setdefault(t.scale, []).append(t)
    for scale, items in by_scale.items():
        if scale == "commune":
            batches += [items[i : i + BATCH_COMMUNES] for i in range(0, len(items), BATCH_COMMUNES)]
            continue
        batch: list[Territory] = []
        members = 0
        for t in items:
            if batch and (members + sizes.get(t.key, 0) > BATCH_MEMBERS or len(batch) >= BATCH_TERRITORIES):
                batches.append(batch)
                batch, members = [], 0
            batch.append(t)
            members += sizes.get(t.key, 0)
        if batch:
            batches.append(batch)
    return batches


def observations_compute_all(
    *,
    years: list[int] | None = None,
    reference: Territory | None = None,
    scales: list[str] | None = None,
    progress=None,
) -> tuple[str, dict[str, Counts]]:
    """Compute every territory the loaded data covers (`covered`), of every scale (or of `scales`), in
    batches of bounded size: the commune-level inputs are read once (aggregated in SQL), then each batch is
    aggregated, computed and stored in turn, the reference territory's inputs joining every batch so that
    the tension's standardisation and the location quotients are the same everywhere. Communes get the
    « tous métiers » indicators only (see the module docstring). One transaction for the whole run."""
    years, bmo_year = _years_and_bmo(years)
    if not years:
        return "aucune donnée", {"observations": Counts()}
    candidates = Territory.objects.filter(actif=True).only("pk", "key", "scale", "code", "population")
    if scales:
        candidates = candidates.filter(scale__in=scales)
    candidates = list(candidates)
    local, skipped = covered(candidates)
    if not local and not bmo_year:
        raise ValueError(NOTHING_COVERED)
    # every territory above the commune gets its BMO figures; the local files' figures only where they cover it
    # (a commune's share of its bassin by population says little: communes get figures where local files are)
    local_keys = {t.key for t in local}
    territories = (
        [t for t in candidates if t.scale != "commune" or t.key in local_keys] if bmo_year else local
    )
    if progress and skipped:
        progress("territoires sans fichier local (BMO seulement)", len(skipped))
    reference = reference or max(local or territories, key=lambda t: t.population)
    local_keys.add(reference.key)
    tmap = commune_map(territories if reference in territories else [*territories, reference])
    sizes = dict(tmap.group_by("territory").len().iter_rows())
    loaded = load_all(None, years, bmo_year)
    if progress:
        progress("entrées par commune (offres, demandeurs)", loaded.offers.height + loaded.seekers.height)
    ref_map = tmap.filter(pl.col("territory") == reference.key)
    ref_inputs = inputs_for(ref_map, {reference.key}, loaded)
    synthetic = synthetic_sources()
    total = Counts()
    batches = plan_batches(territories, sizes)
    with transaction.atomic():
        for number, batch in enumerate(batches, start=1):
            keys = {t.key for t in batch}
            communes = [t.key for t in batch if t.scale == "commune"]
            inputs = inputs_for(
                tmap.filter(pl.col("territory").is_in(list(keys))),
                keys,
                loaded,
                totals_only=communes,
                local=local_keys,
            )
            if reference.key not in keys:
                for name in ("offers", "jobseekers", "bmo", "employment"):
                    inputs.frames[name] = pl.concat(
                        [inputs.frames[name], ref_inputs.frames[name].select(inputs.frames[name].columns)],
                        how="vertical_relaxed",
                    )
            long = run_indicators(inputs, reference.key)
            if communes and not long.is_empty():
                long = long.filter(~pl.col("territory").is_in(communes) | (pl.col("occupation") == ALL))
            ids = {t.key: t.pk for t in batch}
            rows = _observation_rows(long, ids, synthetic, inputs.bmo_origins) + dares_rows(batch, ids)
            if progress:
                progress(
                    f"observations, lot {number}/{len(batches)} ({batch[0].scale}, {len(batch)})", len(rows)
                )
            part = sync(m.Observation, rows, OBSERVATION_KEY, scope={"territory_id__in": list(ids.values())})
            for field in ("created", "updated", "deleted", "unchanged"):
                setattr(total, field, getattr(total, field) + getattr(part, field))
        counts = {"observations": total}
        version = (
            f"indicateurs {min(years)}-{max(years)} ({len(territories)} territoires couverts, "
            f"référence {reference.key})"
        )
        importrun_record(
            source="indicateurs",
            version=version,
            data_dir="",
            files={},
            counts=counts,
            synthetic=bool(synthetic),
        )
    return version, counts
