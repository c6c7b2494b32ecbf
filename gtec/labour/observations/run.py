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
  widest territory computed), not on the Dares' unpublished 2014-2018 national moments [P];
- the location quotient compares each territory with its own reference area (its département, its région
  for a département, France for a région: `references`), named in the observation's `origin_detail`.

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

import polars as pl
from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts
from gtec.labour.observations.assemble import inputs_for, load_all
from gtec.labour.observations.geography import commune_map, covered
from gtec.labour.observations.indicators import run_indicators
from gtec.labour.observations.inputs import ALL, _years_and_bmo, commune_populations
from gtec.labour.observations.references import References, lq_references
from gtec.labour.observations.storage import (
    dares_rows,
    observation_frame,
    store_observations,
    synthetic_sources,
)
from gtec.territories.models import Territory

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
    loaded = load_all(tmap, years, bmo_year)
    inputs = inputs_for(tmap, {t.key for t in territories}, loaded, local=local_keys, totals_only=bare)
    refs = lq_references(territories, tmap, loaded.employment)
    _say_missing(refs, inputs.frames["employment"], progress)
    long = run_indicators(inputs, reference.key, refs.frame_for(inputs.frames["employment"]))
    if bare and not long.is_empty():
        long = long.filter(~pl.col("territory").is_in(bare) | (pl.col("occupation") == ALL))
    ids = {t.key: t.pk for t in territories}
    synthetic = synthetic_sources()
    rows = observation_frame(
        long,
        ids,
        synthetic,
        inputs.bmo_origins,
        dares_rows(territories, ids),
        details={"location_quotient": refs.detail},
    )
    if progress:
        progress("observations", rows.height)
    with transaction.atomic():
        counts = {"observations": store_observations(rows, list(ids.values()))}
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


def _say_missing(refs: References, employment: pl.DataFrame, progress) -> None:
    """Name the territories with employment whose reference area has none: they get no location quotient."""
    if not progress or employment.is_empty():
        return
    without = sorted(
        k for k in employment["territory"].unique().to_list() if refs.of.get(k) in set(refs.missing)
    )
    if without:
        progress(
            "indice de spécificité non calculé (pas d'emploi par métier pour le territoire de référence "
            + ", ".join(sorted({refs.of[k] for k in without}))
            + ") : "
            + ", ".join(without[:8]),
            len(without),
        )


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
    loaded.populations = commune_populations()  # once for the run, not once per batch
    if progress:
        progress("entrées par commune (offres, demandeurs)", loaded.offers.height + loaded.seekers.height)
    ref_map = tmap.filter(pl.col("territory") == reference.key)
    # territories whose employment is published: they lend it to the territories of every batch
    published = loaded.employment.filter(pl.col("scale") != "commune")
    published = (published["scale"] + ":" + published["code"]).unique().to_list()
    lenders = tmap.filter(pl.col("territory").is_in([k for k in published if k in local_keys]))
    ref_inputs = inputs_for(ref_map, {reference.key}, loaded)
    refs = lq_references(territories, tmap, loaded.employment, loaded.populations)
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
                lenders=lenders,
            )
            if reference.key not in keys:
                for name in ("offers", "jobseekers", "bmo", "employment"):
                    inputs.frames[name] = pl.concat(
                        [inputs.frames[name], ref_inputs.frames[name].select(inputs.frames[name].columns)],
                        how="vertical_relaxed",
                    )
            batch_employment = inputs.frames["employment"].filter(pl.col("territory").is_in(list(keys)))
            _say_missing(refs, batch_employment, progress)
            long = run_indicators(inputs, reference.key, refs.frame_for(batch_employment))
            if communes and not long.is_empty():
                long = long.filter(~pl.col("territory").is_in(communes) | (pl.col("occupation") == ALL))
            ids = {t.key: t.pk for t in batch}
            rows = observation_frame(
                long,
                ids,
                synthetic,
                inputs.bmo_origins,
                dares_rows(batch, ids),
                details={"location_quotient": refs.detail},
            )
            if progress:
                progress(
                    f"observations, lot {number}/{len(batches)} ({batch[0].scale}, {len(batch)})", rows.height
                )
            part = store_observations(rows, list(ids.values()))
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
