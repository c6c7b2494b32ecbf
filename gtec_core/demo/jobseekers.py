"""Synthetic job seekers by ROME × commune × month × category, in the STMT layout read by `stmt.read_stmt`.

Commune totals. The real series (`emploi_demandeur_par_commune_odis.csv`) is taken to be category **ABC**: its
national total (5.96 million in January 2020) and the Morbihan one (68 350) are those of the DARES/France
Travail ABC series, not of category A (about 3.5 million nationally). For a commune of the real series, the
ABC stock of every month IS the real value. The other communes (under 5 000 inhabitants, not published) share
what the real département total leaves once its published communes are taken out, in proportion to their
population times a fixed random factor (log-normal, σ = 0.25), rounded so that the département total holds
(cumulative rounding). A département without a series uses the national rate per inhabitant.

ROME mix. Each commune gets fixed shares over at most K fiches (K = a quarter of its mean stock, between 5 and
300), drawn without replacement in proportion to local demand: 70 % the BMO 2024 projects of its bassin and 30 %
the national projects, turned into ROME fiches by the FAP-2021 bridge, then perturbed (gamma noise). Each month's
stock is spread over the fiches by cumulative rounding, so sums are exact. A, B and C split ABC with shares fixed
per commune × fiche around the national mix (A 56 %, B 14 %, C 30 %).

Flows. exits(t) ~ Binomial(stock(t−1), 10 %) and entries(t) = stock(t) − stock(t−1) + exits(t) (when negative,
exits absorb the fall), so that stock(t) = stock(t−1) + entries(t) − exits(t) for every row.

Rows: one per commune × month × category (A, B, C, ABC) × fiche with a non-zero count, plus the all-métiers row
(`code_rome` empty). The month before the period is computed for the flows but not written. Written month by
month (bounded memory).
"""

from __future__ import annotations

import zlib
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from gtec_core.demo.context import Context, rng
from gtec_core.occupations import convert

HEADER = "periode;categorie;niveau_geo;code_geo;code_rome;stock;entrees;sorties\n"
CATEGORY_SHARES = {"A": (0.56, 0.06), "B": (0.14, 0.03)}
EXIT_RATE = 0.10
LOCAL_DEMAND = 0.7
MAX_FICHES = 300


def _previous(month: date) -> date:
    return date(month.year - (month.month == 1), 12 if month.month == 1 else month.month - 1, 1)


def commune_totals(ctx: Context, months: list[date]) -> pl.DataFrame:
    """ABC stock of every commune of the territory for `months`: `commune`, `month`, `total`, `real` (the value
    is the real series)."""
    deps = ctx.communes["dep"].unique().to_list()
    pool = ctx.all_communes.filter(pl.col("dep").is_in(deps)).select("commune", "dep", "population")
    factor = rng(ctx.seed, "commune-factor").lognormal(0.0, 0.25, ctx.all_communes.height)
    factors = pl.DataFrame({"commune": ctx.all_communes["commune"], "_factor": factor})
    series = ctx.series.filter(pl.col("month").is_in(months))
    real = series.filter(pl.col("level") == "commune").select(
        pl.col("code").alias("commune"), "month", pl.col("job_seekers").alias("total")
    )
    real = real.join(pool.select("commune", "dep"), on="commune", how="inner")
    dep_total = series.filter(pl.col("level") == "departement").select(
        pl.col("code").alias("dep"), "month", pl.col("job_seekers").alias("dep_total")
    )
    national = series.filter(pl.col("level") == "region").group_by("month").agg(pl.col("job_seekers").sum())
    rate = national.select(
        "month", (pl.col("job_seekers") / ctx.all_communes["population"].sum()).alias("_rate")
    )
    month_frame = pl.DataFrame({"month": months}, schema={"month": pl.Date})
    others = (
        pool.join(real.select("commune").unique(), on="commune", how="anti")
        .join(factors, on="commune")
        .with_columns((pl.col("population") * pl.col("_factor")).alias("_weight"))
        .join(month_frame, how="cross")
    )
    residual = (
        dep_total.join(
            real.group_by("dep", "month").agg(pl.col("total").sum().alias("_real")),
            on=["dep", "month"],
            how="left",
        )
        .with_columns((pl.col("dep_total") - pl.col("_real").fill_null(0)).clip(0).alias("_residual"))
        .select("dep", "month", "_residual")
    )
    others = (
        others.join(residual, on=["dep", "month"], how="left")
        .join(rate, on="month", how="left")
        .sort("dep", "month", "commune")
        .with_columns(
            pl.when(pl.col("_residual").is_null())
            .then((pl.col("population") * pl.col("_rate")).round().cast(pl.Int64))
            .otherwise(
                (
                    pl.col("_weight").cum_sum().over("dep", "month")
                    / pl.col("_weight").sum().over("dep", "month")
                    * pl.col("_residual")
                )
                .round()
                .cast(pl.Int64)
                .diff()
                .over("dep", "month")
            )
            .alias("_cum")
        )
    )
    # the first commune of each (dep, month) group has no previous cumulative value: its share is its cum value
    first = pl.col("commune") == pl.col("commune").first().over("dep", "month")
    cum_first = (
        (pl.col("_weight") / pl.col("_weight").sum().over("dep", "month") * pl.col("_residual"))
        .round()
        .cast(pl.Int64)
    )
    others = others.with_columns(
        pl.when(pl.col("_residual").is_not_null() & first)
        .then(cum_first)
        .otherwise(pl.col("_cum"))
        .alias("total")
    )
    frame = pl.concat(
        [
            real.select("commune", "month", "total", pl.lit(True).alias("real")),
            others.select("commune", "month", pl.col("total").fill_null(0), pl.lit(False).alias("real")),
        ]
    )
    return frame.filter(pl.col("commune").is_in(ctx.communes["commune"].to_list())).sort("commune", "month")


def rome_profiles(ctx: Context) -> pl.DataFrame:
    """Demand profile per bassin over ROME fiches: `bassin`, `code_rome`, `p` (sums to 1 per bassin)."""
    projects = ctx.bmo.select("bassin", pl.col("metier_code").alias("code_fap2021"), "projects")
    local = convert(projects, ctx.bridge, to="rome", code="code_fap2021", values=["projects"], by=["bassin"])
    national = convert(
        projects.group_by("code_fap2021").agg(pl.col("projects").sum()),
        ctx.bridge,
        to="rome",
        code="code_fap2021",
        values=["projects"],
    )
    national = national.with_columns((pl.col("projects") / pl.col("projects").sum()).alias("_national"))
    bassins = pl.DataFrame({"bassin": ctx.communes["bassin"].unique().sort()})
    grid = bassins.join(ctx.fiches.select("code_rome"), how="cross")
    frame = (
        grid.join(local, on=["bassin", "code_rome"], how="left")
        .join(national.select("code_rome", "_national"), on="code_rome", how="left")
        .with_columns(pl.col("projects").fill_null(0.0), pl.col("_national").fill_null(0.0))
        .with_columns(
            (pl.col("projects") / pl.col("projects").sum().over("bassin")).fill_nan(0.0).alias("_local")
        )
        .with_columns(
            pl.when(pl.col("projects").sum().over("bassin") > 0)
            .then(LOCAL_DEMAND * pl.col("_local") + (1 - LOCAL_DEMAND) * pl.col("_national"))
            .otherwise(pl.col("_national"))
            .alias("p")
        )
    )
    frame = frame.filter(pl.col("p") > 0).with_columns(pl.col("p") / pl.col("p").sum().over("bassin"))
    return frame.select("bassin", "code_rome", "p").sort("bassin", "code_rome")


def commune_shares(ctx: Context, totals: pl.DataFrame) -> pl.DataFrame:
    """Fixed shares of each commune over its fiches, with its A and B shares: `commune`, `code_rome`, `share`,
    `a`, `b`, sorted by commune then fiche."""
    profiles = rome_profiles(ctx)
    by_bassin = {
        bassin: (group["code_rome"].to_numpy(), group["p"].to_numpy())
        for (bassin,), group in profiles.group_by("bassin", maintain_order=True)
    }
    means = dict(totals.group_by("commune").agg(pl.col("total").mean()).iter_rows())
    communes, romes, shares, a_parts, b_parts = [], [], [], [], []
    for commune, bassin in ctx.communes.select("commune", "bassin").iter_rows():
        codes, p = by_bassin[bassin]
        k = int(min(max(means.get(commune, 0.0) // 4, 5), MAX_FICHES, len(codes)))
        gen = rng(ctx.seed, "rome-shares", zlib.crc32(commune.encode()))
        chosen = np.sort(gen.choice(len(codes), size=k, replace=False, p=p))
        weight = p[chosen] * gen.gamma(2.0, 0.5, size=k)
        communes.append(np.full(k, commune, dtype=object))
        romes.append(codes[chosen])
        shares.append(weight / weight.sum())
        a_parts.append(np.clip(gen.normal(*CATEGORY_SHARES["A"], size=k), 0.3, 0.8))
        b_parts.append(np.clip(gen.normal(*CATEGORY_SHARES["B"], size=k), 0.02, 0.3))
    return pl.DataFrame(
        {
            "commune": pl.Series(np.concatenate(communes), dtype=pl.String),
            "code_rome": pl.Series(np.concatenate(romes), dtype=pl.String),
            "share": np.concatenate(shares),
            "a": np.concatenate(a_parts),
            "b": np.concatenate(b_parts),
        }
    )


def _stocks(shares: pl.DataFrame, totals: pl.DataFrame, month: date) -> pl.DataFrame:
    """Stocks of one month by commune × fiche × category (A, B, C, ABC)."""
    month_totals = totals.filter(pl.col("month") == month).select("commune", "total")
    cum = (pl.col("share").cum_sum().over("commune") * pl.col("total")).round().cast(pl.Int64)
    frame = shares.join(month_totals, on="commune", how="left", maintain_order="left").with_columns(
        pl.col("total").fill_null(0)
    )
    frame = frame.with_columns(cum.alias("_cum")).with_columns(
        (pl.col("_cum") - pl.col("_cum").shift(1, fill_value=0).over("commune")).alias("ABC")
    )
    frame = frame.with_columns((pl.col("ABC") * pl.col("a")).round().cast(pl.Int64).alias("A"))
    frame = frame.with_columns(
        pl.min_horizontal(
            (pl.col("ABC") * pl.col("b")).round().cast(pl.Int64), pl.col("ABC") - pl.col("A")
        ).alias("B")
    ).with_columns((pl.col("ABC") - pl.col("A") - pl.col("B")).alias("C"))
    return frame.unpivot(
        ["A", "B", "C", "ABC"], index=["commune", "code_rome"], variable_name="categorie", value_name="stock"
    )


def _flows(ctx: Context, current: pl.DataFrame, previous: pl.DataFrame, index: int) -> pl.DataFrame:
    keys = ["commune", "code_rome", "categorie"]
    frame = current.join(
        previous.rename({"stock": "_before"}), on=keys, how="left", maintain_order="left"
    ).with_columns(pl.col("_before").fill_null(0))
    gen = rng(ctx.seed, "exits", index)
    exits = gen.binomial(frame["_before"].to_numpy(), EXIT_RATE)
    frame = frame.with_columns(pl.Series("_exits", exits, dtype=pl.Int64))
    entries = pl.col("stock") - pl.col("_before") + pl.col("_exits")
    return frame.with_columns(
        entries.clip(0).alias("entrees"),
        pl.when(entries < 0)
        .then(pl.col("_before") - pl.col("stock"))
        .otherwise(pl.col("_exits"))
        .alias("sorties"),
    ).select(*keys, "stock", "entrees", "sorties")


def write(ctx: Context, months: list[date], path: Path) -> int:
    """Write the STMT file; return the number of data rows."""
    wanted = [_previous(months[0]), *months]
    totals = commune_totals(ctx, wanted)
    shares = commune_shares(ctx, totals)
    rows = 0
    previous = _stocks(shares, totals, wanted[0])
    with open(path, "wb") as handle:
        handle.write(HEADER.encode())
        for index, month in enumerate(months, start=1):
            current = _stocks(shares, totals, month)
            flows = _flows(ctx, current, previous, index)
            previous = current
            by_rome = flows.filter((pl.col("stock") + pl.col("entrees") + pl.col("sorties")) > 0)
            overall = flows.group_by("commune", "categorie").agg(
                pl.col("stock", "entrees", "sorties").sum(), pl.lit("").alias("code_rome")
            )
            chunk = (
                pl.concat([by_rome, overall.select(by_rome.columns)])
                .with_columns(
                    pl.lit(f"{month:%Y-%m}").alias("periode"),
                    pl.lit("commune").alias("niveau_geo"),
                    pl.col("categorie").replace_strict({"A": 0, "B": 1, "C": 2, "ABC": 3}).alias("_order"),
                )
                .sort("commune", "_order", "code_rome")
                .select(
                    "periode",
                    "categorie",
                    "niveau_geo",
                    pl.col("commune").alias("code_geo"),
                    "code_rome",
                    "stock",
                    "entrees",
                    "sorties",
                )
            )
            chunk.write_csv(handle, separator=";", include_header=False)
            rows += chunk.height
    return rows
