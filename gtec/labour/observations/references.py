"""The reference area of each territory's location quotient (`gtec_core.indicators.structure.lq_reference_scale`):
the département of a commune, an EPCI, a bassin, a zone d'emploi or a project territory, the région of a
département, France for a région. A reference that contains the territory by definition but is made of the
territory's own employment (the widest territory of a run, or the zone d'emploi a project territory's employment
is taken from) gives 1.00 everywhere; this one is a wider area whose employment is known on its own.

The reference is the area of that scale holding most of the territory's population (its member communes); its
employment structure comes from the same employment input as the territories' (rows published for it, or its
communes' rows when they hold at least 95 % of its population), whether or not it is computed in the run. A
territory whose reference has no employment gets no location quotient: the run says which, and why."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from gtec.labour.observations.geography import MIN_COVERAGE, as_fap2021, commune_map
from gtec.labour.observations.inputs import commune_populations
from gtec.territories.models import Membership, Territory
from gtec_core.indicators.structure import lq_reference_scale

FRANCE = "fr"


@dataclass
class References:
    """For each territory of a run: the key of its reference area (`of`), how the figure names it (`detail`,
    stored as the observation's `origin_detail`), and the reference's employment by FAP-2021 × year
    (`employment`: `reference`, `occupation`, `period`, `employment`); `missing` lists the references without
    employment."""

    of: dict[str, str] = field(default_factory=dict)
    detail: dict[str, str] = field(default_factory=dict)
    employment: pl.DataFrame = None
    missing: list[str] = field(default_factory=list)

    def frame_for(self, employment: pl.DataFrame) -> pl.DataFrame:
        """The `reference` input of `location_quotient` for the territories of `employment` whose reference has
        employment: one reference per territory (a `territory` column), with every occupation of the territory
        listed (zero where the reference has none), so that a missing row is a zero, not a secret."""
        # only the territories of `employment` (one batch of a national run): joining every territory of the
        # run to its reference's occupations built tens of millions of rows per batch
        wanted = set(employment["territory"].unique().to_list())
        links = pl.DataFrame(
            [(k, ref) for k, ref in self.of.items() if k in wanted],
            schema={"territory": pl.String, "reference": pl.String},
            orient="row",
        )
        ref = links.join(self.employment, on="reference", how="inner")
        known = ref.select("territory", "period").unique()
        cells = employment.select("territory", "occupation", "period").join(
            known, on=["territory", "period"], how="semi"
        )
        listed = pl.concat([cells, ref.select("territory", "occupation", "period")]).unique()
        return (
            listed.join(ref.drop("reference"), on=["territory", "occupation", "period"], how="left")
            .with_columns(pl.col("employment").fill_null(0.0))
            .sort("territory", "period", "occupation")
        )


def reference_areas(
    territories: list[Territory], tmap: pl.DataFrame, populations: pl.DataFrame | None = None
) -> dict[str, str]:
    """territory key -> key of its reference area (`FRANCE` for a région): the département or région, by the
    scale `lq_reference_scale` gives, that holds most of the territory's population."""
    out = {t.key: FRANCE for t in territories if lq_reference_scale(t.scale) == FRANCE}
    wanted = {t.key: lq_reference_scale(t.scale) for t in territories if t.key not in out}
    if not wanted:
        return out
    mine = tmap.filter(pl.col("territory").is_in(list(wanted)))
    codes = mine["commune"].unique().to_list()
    rows = []
    scales = sorted(set(wanted.values()))
    for start in range(0, len(codes), 5000):
        rows += list(
            Membership.objects.filter(
                territory__scale__in=scales, commune__code__in=codes[start : start + 5000]
            ).values_list("commune__code", "territory__key", "territory__scale")
        )
    areas = pl.DataFrame(
        rows, schema={"commune": pl.String, "area": pl.String, "area_scale": pl.String}, orient="row"
    )
    pops = populations if populations is not None else commune_populations(codes)
    shared = (
        mine.with_columns(
            pl.col("territory").replace_strict(wanted, return_dtype=pl.String).alias("area_scale")
        )
        .join(areas, on=["commune", "area_scale"], how="inner")
        .join(pops, on="commune", how="left")
        .group_by("territory", "area")
        .agg(pl.col("population").fill_null(0.0).sum())
        # the area sharing most population; ties broken by key, so that a re-run picks the same
        .sort(["territory", "population", "area"], descending=[False, True, False])
        .unique("territory", keep="first", maintain_order=True)
    )
    out.update(dict(shared.select("territory", "area").iter_rows()))
    return out


def area_name(key: str, names: dict[str, Territory]) -> str:
    """« l'emploi du Morbihan », « l'emploi de la Bretagne », « l'emploi en France »."""
    if key == FRANCE:
        return "l'emploi en France"
    t = names.get(key)
    return f"l'emploi {t.of_name}" if t is not None else f"l'emploi de {key}"


def reference_employment(
    raw: pl.DataFrame, keys: set[str], populations: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Employment of the reference areas `keys` by FAP-2021 × year (`reference`, `occupation`, `period`,
    `employment`), from the employment input `raw` (`employment_raw`): rows published for the area itself
    (any code for France), else its communes' rows when they hold at least 95 % of its population."""
    published = raw.filter(pl.col("scale").is_not_null() & (pl.col("scale") != "commune")).with_columns(
        pl.when(pl.col("scale") == FRANCE)
        .then(pl.lit(FRANCE))
        .otherwise(pl.col("scale") + ":" + pl.col("code"))
        .alias("territory")
    )
    published = published.filter(pl.col("territory").is_in(list(keys))).select(
        "territory", "occupation", "period", "employment"
    )
    have = set(published["territory"].unique().to_list())
    rest = [k for k in keys if k not in have and k != FRANCE]
    parts = [published]
    communes = raw.filter(pl.col("scale") == "commune").rename({"code": "commune"})
    if rest and not communes.is_empty():
        rmap = commune_map(list(Territory.objects.filter(key__in=rest)))
        pops = (
            populations
            if populations is not None
            else commune_populations(rmap["commune"].unique().to_list())
        )
        with_rows = communes.select("commune").unique().with_columns(pl.lit(True).alias("_rows"))
        cover = (
            rmap.join(pops, on="commune", how="left")
            .join(with_rows, on="commune", how="left")
            .group_by("territory")
            .agg(
                (
                    pl.col("population").filter(pl.col("_rows").is_not_null()).sum()
                    / pl.col("population").sum()
                )
                .fill_nan(0.0)
                .alias("share")
            )
        )
        full = cover.filter(pl.col("share") >= MIN_COVERAGE)["territory"].to_list()
        parts.append(
            communes.join(rmap.filter(pl.col("territory").is_in(full)), on="commune", how="inner").select(
                "territory", "occupation", "period", "employment"
            )
        )
    return as_fap2021(pl.concat(parts)).rename({"territory": "reference"})


def lq_references(
    territories: list[Territory],
    tmap: pl.DataFrame,
    raw: pl.DataFrame,
    populations: pl.DataFrame | None = None,
) -> References:
    """The reference area of every territory of `territories` (members in `tmap`), how it is named, and its
    employment from `raw`. `populations` (`commune`, `population`): the communes' populations when the run
    has read them already (None: read here)."""
    of = reference_areas(territories, tmap, populations)
    keys = set(of.values())
    names = {t.key: t for t in Territory.objects.filter(key__in=keys - {FRANCE})}
    employment = reference_employment(raw, keys, populations)
    have = set(employment["reference"].unique().to_list())
    return References(
        of=of,
        detail={k: f"par rapport à {area_name(ref, names)}" for k, ref in of.items()},
        employment=employment,
        missing=sorted(keys - have),
    )
