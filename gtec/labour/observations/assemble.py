"""Assembling the input frames of a run: the commune-level inputs read once (`load_all`), then, for a set of
territories, aggregated to each territory through its member communes, brought to the FAP-2021 key and
protected (`inputs_for`). Coverage is decided per source (see `inputs_for`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from gtec.labour.observations.geography import (
    BMO_FRAME_SCHEMA,
    _scale_code,
    bassin_members,
    bmo_cells_of,
    bmo_for,
    bmo_origin,
    commune_map,
    load_employment,
    to_fap,
    to_territories,
)
from gtec.labour.observations.inputs import (
    ALL,
    BMO_SCHEMA,
    OFFER_VALUES,
    SEEKER_VALUES,
    bmo_raw,
    employment_raw,
    load_jobseekers,
    load_offers,
    load_sector_employment,
)
from gtec.labour.observations.protection import protect_bmo, protect_with_totals, with_all
from gtec.territories.models import Territory
from gtec_core.secrecy import load_rules


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
    populations: pl.DataFrame = None  # commune × population, read once for a national run (None: per call)


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
    lenders: pl.DataFrame | None = None,
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
    # employment published for a territory of `lenders` (communes of other territories of the run, such as
    # the zone d'emploi of a bassin computed in another batch) is allocated to `keys` as in a single run
    emp_map = tmap if lenders is None else pl.concat([tmap, lenders]).unique()
    employment = load_employment(
        emp_map, [], [], raw=loaded.employment, keys=keys, populations=loaded.populations
    )
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
