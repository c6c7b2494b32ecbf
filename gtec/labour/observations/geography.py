"""Geography and allocation: territories as sets of communes, the FAP-2021 occupation key, BMO figures for every
territory (published cells of a bassin, sums for a département or a région, population shares otherwise) and
employment for territories that have none published."""

from __future__ import annotations

from functools import cache

import polars as pl

from gtec.labour import models as m
from gtec.labour.observations.inputs import (
    ALL,
    BMO_SCHEMA,
    _frame,
    bridge,
    commune_populations,
    employment_raw,
    null_sum,
    query_frame,
    sorted_sum,
)
from gtec.territories.models import Membership, Territory


def commune_map(territories: list[Territory]) -> pl.DataFrame:
    """(`commune`, `territory`) for every territory: itself for a commune, its members otherwise."""
    rows = [{"commune": t.code, "territory": t.key} for t in territories if t.scale == "commune"]
    others = {t.pk: t.key for t in territories if t.scale != "commune"}
    for territory_id, code in Membership.objects.filter(territory_id__in=others).values_list(
        "territory_id", "commune__code"
    ):
        rows.append({"commune": code, "territory": others[territory_id]})
    return _frame(rows, {"commune": pl.String, "territory": pl.String})


def to_fap(frame: pl.DataFrame, values: list[str], by: list[str]) -> pl.DataFrame:
    """ROME counts (column `rome`) spread over FAP-2021 codes (column `occupation`), nulls kept."""
    shares = bridge().select(
        pl.col("code_rome").alias("rome"), pl.col("code_fap2021").alias("occupation"), "rome_share"
    )
    joined = frame.join(shares, on="rome", how="inner")
    return joined.group_by(*by, "occupation").agg(
        pl.when(pl.col(v).is_null().any())
        .then(None)
        .otherwise(sorted_sum(pl.col(v) * pl.col("rome_share")))
        .alias(v)
        for v in values
    )


def bassin_members() -> pl.DataFrame:
    """(`bassin`, `commune`, `population`, `_bassin_pop`) of every BMO bassin."""
    bassins = Territory.objects.filter(scale="bassin")
    members = query_frame(
        Membership.objects.filter(territory__in=bassins).values_list(
            "territory__code", "commune__code", "commune__population"
        ),
        {"bassin": pl.String, "commune": pl.String, "population": pl.Float64},
    )
    return members.with_columns(pl.col("population").sum().over("bassin").alias("_bassin_pop"))


def bassin_weights(territory_map: pl.DataFrame, members: pl.DataFrame | None = None) -> pl.DataFrame:
    """(`bassin`, `territory`, `weight`): share of each BMO bassin's population living in the territory."""
    members = bassin_members() if members is None else members
    joined = members.join(territory_map, on="commune", how="inner")
    return (
        joined.group_by("bassin", "territory")
        .agg((pl.col("population").sum() / pl.col("_bassin_pop").first()).alias("weight"))
        .filter(pl.col("weight") > 0)
    )


BMO_VALUES = ["projects", "difficult", "seasonal"]


BMO_BASES = {"difficult": "projects_for_difficult", "seasonal": "projects_for_seasonal"}


BMO_FRAME_SCHEMA = {
    "territory": pl.String,
    "occupation": pl.String,
    **{v: pl.Float64 for v in BMO_VALUES},
    **{b: pl.Float64 for b in BMO_BASES.values()},
    "secret_cells": pl.Float64,
    "period": pl.String,
}


BMO_PUBLISHED_SCALES = {"bassin": "bassin", "dep": "dep", "reg": "reg"}


BMO_DETAIL = {
    "bassin": "cellules publiées du bassin BMO {code}",
    "dep": "somme des cellules publiées des bassins du département {code}",
    "reg": "somme des cellules publiées des bassins de la région {code}",
    "population": "projets de chaque bassin BMO répartis selon la part de sa population vivant dans le territoire",
}


def bmo_origin(scale: str, code: str, raw: pl.DataFrame) -> tuple[str, str]:
    """(`origin`, detail) of a territory's BMO figures: « published » for a bassin published in one piece,
    « sum » for a bassin published in département parts, a département or a région, « population » else."""
    if scale == "bassin":
        parts = raw.filter(pl.col("bassin") == code)["dep"].n_unique() if raw.height else 1
        if parts > 1:
            return "sum", BMO_DETAIL["bassin"].format(code=code) + f" ({parts} parties départementales)"
        return "published", BMO_DETAIL["bassin"].format(code=code)
    if scale in ("dep", "reg"):
        return "sum", BMO_DETAIL[scale].format(code=code)
    return "population", BMO_DETAIL["population"]


def bmo_cells_of(
    territories: dict[str, tuple[str, str]], tmap: pl.DataFrame, members: pl.DataFrame, raw: pl.DataFrame
) -> pl.DataFrame:
    """(`territory`, `occupation`, BMO values…, `weight`): the published cells each territory is made of, with
    the weight each counts for (1 for a bassin, département or région, the population share otherwise)."""
    parts = []
    for scale, column in BMO_PUBLISHED_SCALES.items():
        wanted = {code: key for key, (s, code) in territories.items() if s == scale}
        if wanted:
            cells = raw.filter(pl.col(column).is_in(list(wanted)))
            parts.append(
                cells.with_columns(
                    pl.col(column).replace_strict(wanted, return_dtype=pl.String).alias("territory"),
                    pl.lit(1.0).alias("weight"),
                )
            )
    others = [key for key, (s, _) in territories.items() if s not in BMO_PUBLISHED_SCALES]
    if others:
        weights = bassin_weights(tmap.filter(pl.col("territory").is_in(others)), members)
        parts.append(raw.join(weights, on="bassin", how="inner"))
    columns = ["territory", "occupation", *BMO_VALUES, "weight"]
    if not parts:
        return pl.DataFrame(
            schema={**{c: BMO_SCHEMA.get(c, pl.String) for c in columns}, "weight": pl.Float64}
        )
    return pl.concat([p.select(columns) for p in parts])


def bmo_for(cells: pl.DataFrame, year: int) -> pl.DataFrame:
    """BMO values by territory × métier (a secret part makes the métier secret: null), and the « tous
    métiers » row: each count is the sum of its published cells (a lower bound that reveals nothing), each
    rate's denominator the projects of the cells whose numerator is published; `secret_cells` counts the
    « * » project cells left out."""
    weighted = {v: pl.col(v) * pl.col("weight") for v in BMO_VALUES}
    by_occupation = cells.group_by("territory", "occupation").agg(
        pl.when(pl.col(v).is_null().any()).then(None).otherwise(sorted_sum(weighted[v])).alias(v)
        for v in BMO_VALUES
    )
    by_occupation = by_occupation.with_columns(
        *(pl.col("projects").alias(b) for b in BMO_BASES.values()),
        pl.lit(None, pl.Float64).alias("secret_cells"),
    )
    published = {v: pl.col(v).is_not_null() for v in BMO_VALUES}
    total = cells.group_by("territory").agg(
        sorted_sum(weighted["projects"].filter(published["projects"])).alias("projects"),
        *(
            sorted_sum(weighted[v].filter(published["projects"] & published[v])).alias(v)
            for v in ("difficult", "seasonal")
        ),
        *(
            sorted_sum(weighted["projects"].filter(published["projects"] & published[v])).alias(b)
            for v, b in BMO_BASES.items()
        ),
        pl.col("projects").is_null().sum().cast(pl.Float64).alias("secret_cells"),
    )
    total = total.with_columns(pl.lit(ALL).alias("occupation"))
    out = pl.concat([by_occupation, total.select(by_occupation.columns)], how="vertical_relaxed")
    out = out.with_columns(pl.lit(str(year)).alias("period"))
    return out.select(list(BMO_FRAME_SCHEMA)).cast(BMO_FRAME_SCHEMA)


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


ALLOCATION_MIN_SHARE = 0.5


def allocated(
    territory_map: pl.DataFrame,
    direct: pl.DataFrame,
    keys: set[str],
    populations: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Employment for the territories that have none published (a project territory, a large EPCI) from a
    published territory that holds at least 95 % of their population and of which they are at least half,
    in proportion of the population they share with it [P] — e.g. the Pays de Vannes from its zone d'emploi.
    Smaller territories (communes) get none: a copy of the zone's structure would make their location
    quotients 1 and their specialisation 0, which would be read as facts. `populations` (`commune`,
    `population`), when given, spares reading the communes' populations again (a national run's batches)."""
    empty = pl.DataFrame(
        schema={
            "territory": pl.String,
            "occupation": pl.String,
            "period": pl.String,
            "employment": pl.Float64,
        }
    )
    published = set(direct["territory"].unique().to_list()) if not direct.is_empty() else set()
    sources = [k for k in published if k in set(territory_map["territory"].unique().to_list())]
    wanting = [k for k in keys if k not in published]
    if not sources or not wanting:
        return empty
    tmap = territory_map.filter(pl.col("territory").is_in(sources + wanting))
    pops = populations if populations is not None else commune_populations(tmap["commune"].unique().to_list())
    tmap = tmap.join(pops, on="commune", how="left").with_columns(pl.col("population").fill_null(0.0))
    totals = dict(tmap.group_by("territory").agg(pl.col("population").sum()).iter_rows())
    source_communes = tmap.filter(pl.col("territory").is_in(sources)).rename({"territory": "source"})
    overlap = (
        tmap.filter(pl.col("territory").is_in(wanting))
        .join(source_communes.select("source", "commune"), on="commune", how="inner")
        .group_by("territory", "source")
        .agg(pl.col("population").sum().alias("shared"))
    )
    parts = []
    for territory, source, shared in overlap.iter_rows():
        if not totals.get(territory) or shared / totals[territory] < MIN_COVERAGE or not totals.get(source):
            continue
        if shared / totals[source] < ALLOCATION_MIN_SHARE:
            continue
        weight = shared / totals[source]
        rows = direct.filter(pl.col("territory") == source).with_columns(
            pl.lit(territory).alias("territory"), pl.col("employment") * weight
        )
        parts.append(rows.select(empty.columns))
        # one source is enough: the first that covers the territory
        wanting = [w for w in wanting if w != territory]
    seen: set[str] = set()
    kept = []
    for part in parts:
        key = part["territory"][0] if part.height else None
        if key and key not in seen:
            seen.add(key)
            kept.append(part)
    return pl.concat(kept) if kept else empty


def load_employment(
    territory_map: pl.DataFrame,
    years: list[int],
    territories: list[Territory],
    raw: pl.DataFrame | None = None,
    keys: set[str] | None = None,
    populations: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Employment by territory × FAP-2021 × year: commune rows summed over each territory, and rows published
    for a territory itself (zone d'emploi, département…) used as they are; FAP-2009 codes are spread over
    FAP-2021 codes (`fap2009_to_fap2021`)."""
    keys = {t.key for t in territories} if keys is None else keys
    raw = employment_raw(years) if raw is None else raw
    communes = raw.filter(pl.col("scale") == "commune").rename({"code": "commune"})
    from_communes = communes.join(territory_map, on="commune", how="inner").select(
        "territory", "occupation", "period", "employment"
    )
    published = (
        raw.filter(pl.col("scale") != "commune")
        .with_columns((pl.col("scale") + ":" + pl.col("code")).alias("territory"))
        .select("territory", "occupation", "period", "employment")
    )
    wanted = pl.col("territory").is_in(list(keys))
    # the territories of `territory_map` outside `keys` only lend their published employment to `keys`
    both = pl.concat(
        [
            from_communes.filter(wanted),
            published.filter(wanted),
            allocated(territory_map, published, keys, populations),
        ]
    )
    return as_fap2021(both)


def as_fap2021(employment: pl.DataFrame) -> pl.DataFrame:
    """Employment (`territory`, `occupation`, `period`, `employment`) summed by territory × FAP-2021 × year,
    FAP-2009 codes spread over FAP-2021 codes (`fap2009_to_fap2021`)."""
    both = employment.group_by("territory", "occupation", "period").agg(null_sum("employment"))
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


def _scale_code(key: str) -> tuple[str, str]:
    scale, _, code = key.partition(":")
    return scale, code


MIN_COVERAGE = 0.95


def covered(territories: list[Territory]) -> tuple[list[Territory], list[Territory]]:
    """Split territories into those whose population lives at least 95 % in communes with loaded commune data
    (job seekers or offers) and the others: an indicator of a département computed from a few of its communes
    would be wrong, so it is not computed. Memberships are read in bulk (one query per 1 000 territories)."""
    with_data = set(
        m.DemandeurEmploi.objects.filter(niveau_geo="commune").values_list("code_geo", flat=True).distinct()
    ) | set(m.Offre.objects.values_list("code_insee", flat=True).distinct())
    if not with_data:
        return [], list(territories)
    members: dict[int, list[tuple[str, int]]] = {
        t.pk: [(t.code, t.population)] for t in territories if t.scale == "commune"
    }
    wider = [t.pk for t in territories if t.scale != "commune"]
    for start in range(0, len(wider), 1000):
        # (the scale is tested here: as a SQL filter it makes SQLite pick a plan a hundred times slower)
        for territory_id, code, population, scale in Membership.objects.filter(
            territory_id__in=wider[start : start + 1000]
        ).values_list("territory_id", "commune__code", "commune__population", "commune__scale"):
            if scale == "commune":
                members.setdefault(territory_id, []).append((code, population))
    keep, skip = [], []
    for t in territories:
        communes = members.get(t.pk, [])
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
