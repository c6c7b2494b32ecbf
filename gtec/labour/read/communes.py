"""Offers and category-A job seekers of a territory by commune and by EPCI, each protected with its total."""

from __future__ import annotations

import polars as pl
from django.db.models import Count, Sum

from gtec.labour import models as m
from gtec.labour.read.cells import (
    Cell,
    cached,
    publish_counts,
)
from gtec.territories.models import Territory
from gtec_core.french import format_fr
from gtec_core.secrecy import SECRET, TOTAL, load_rules


def mean_jobseekers(codes: list[str], year: int) -> dict[str, int]:
    """Category-A job seekers of each commune, mean of the year's monthly stocks, rounded to a whole person:
    the commune table shows these, its total and the dashboard's headline figure are their sum (#13: the same
    figure everywhere)."""
    stocks = (
        m.DemandeurEmploi.objects.filter(
            niveau_geo="commune", code_geo__in=codes, categorie="A", mois__year=year
        )
        .exclude(code_rome="")
        .values_list("code_geo")
        .annotate(n=Sum("stock"), months=Count("mois", distinct=True))
        .values_list("code_geo", "n", "months")
    )
    return {code: round((n or 0) / months) for code, n, months in stocks if months}


@cached
def commune_table(territory: Territory, period: str) -> pl.DataFrame:
    """Offers and average category-A job seekers by commune for a year (whole people, `mean_jobseekers`), each
    protected with its total."""
    communes = {c.code: c for c in territory.communes()}
    year = int(period)
    offers = dict(
        m.Offre.objects.filter(code_insee__in=list(communes), date_creation__year=year)
        .values_list("code_insee")
        .annotate(n=Count("id"))
        .values_list("code_insee", "n")
    )
    seekers = mean_jobseekers(list(communes), year)
    base = pl.DataFrame({"commune": list(communes)}, schema={"commune": pl.String})
    o = publish_counts(
        base.with_columns(
            pl.col("commune").replace_strict(offers, default=0.0, return_dtype=pl.Float64).alias("value")
        ),
        rows="commune",
    ).select(
        "commune",
        pl.col("value").alias("offers"),
        pl.col("display").alias("offers_display"),
        pl.col(SECRET).alias("offers_secret"),
    )
    d = publish_counts(
        base.with_columns(
            pl.col("commune").replace_strict(seekers, default=0.0, return_dtype=pl.Float64).alias("value")
        ),
        rows="commune",
    ).select(
        "commune",
        pl.col("value").alias("jobseekers"),
        pl.col("display").alias("jobseekers_display"),
        pl.col(SECRET).alias("jobseekers_secret"),
    )
    out = o.join(d, on="commune")
    names = {code: c.name for code, c in communes.items()}
    return out.with_columns(pl.col("commune").replace_strict(names, default="Total").alias("name"))


def epci_table(territory: Territory, period: str, communes: pl.DataFrame | None = None) -> list[dict]:
    """Offers and category-A job seekers by EPCI (the part of each EPCI inside the territory), built from the
    protected `commune_table`: an EPCI cell holding a secret commune cell is « s » too, so the EPCI figures
    add nothing to what the commune table publishes (no total row: the commune table carries it)."""
    from gtec.territories.queries import epci_of_communes

    table = (communes if communes is not None else commune_table(territory, period)).filter(
        pl.col("commune") != TOTAL
    )
    epci_of = epci_of_communes(territory)
    code_to_epci = {c.code: epci_of[c.pk] for c in territory.communes() if c.pk in epci_of}
    groups: dict[int, dict] = {}
    for r in table.iter_rows(named=True):
        e = code_to_epci.get(r["commune"])
        if e is None:
            continue
        g = groups.setdefault(
            e.pk,
            {
                "epci": e,
                "communes": 0,
                "offers": 0.0,
                "jobseekers": 0.0,
                "offers_s": False,
                "jobseekers_s": False,
            },
        )
        g["communes"] += 1
        for k in ("offers", "jobseekers"):
            g[k] += r[k] or 0
            g[f"{k}_s"] = g[f"{k}_s"] or r[f"{k}_secret"]
    rules = load_rules()
    rows = []
    for g in sorted(groups.values(), key=lambda g: -g["epci"].population):
        row = {"epci": g["epci"], "communes": g["communes"]}
        for k in ("offers", "jobseekers"):
            if g[f"{k}_s"]:
                row[k] = Cell(rules.symbol, None, "secret")
            else:
                row[k] = Cell(format_fr(round(g[k])), round(g[k]))
        rows.append(row)
    return rows
