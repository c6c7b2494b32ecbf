"""The territory dashboard: key figures, BMO and Dares tables, monthly series, commune and EPCI tables — each
figure saying how it was obtained, or why it is missing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

import polars as pl
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from gtec.imports.models import ImportRun
from gtec.labour import models as m
from gtec.labour.read.cells import (
    ORIGIN_LABELS,
    TENSION_LABELS,
    UNAVAILABLE,
    Cell,
    availability,
    cached,
    cell,
    count_cell,
    fap_labels,
    indicator_cell,
    is_synthetic,
    observation,
    origin_label,
    periods,
    publish_counts,
    source_synthetic,
    sources,
)
from gtec.referentials.models import Fap, Fiche
from gtec.territories.models import Territory
from gtec_core.indicators.registry import REGISTRY
from gtec_core.secrecy import SECRET, TOTAL, format_fr, load_rules


def dares_parent(territory: Territory) -> tuple[Territory | None, float]:
    """The département holding the largest share of the territory's population, and that share: the Dares
    publishes its tensions for départements, régions and France only."""
    communes = list(territory.communes().values_list("pk", "population"))
    total = sum(p or 0 for _, p in communes) or 1
    shares: dict[int, float] = defaultdict(float)
    population = dict(communes)
    for dep_id, commune_id in Territory.objects.filter(
        scale="dep", memberships__commune__in=list(population)
    ).values_list("pk", "memberships__commune"):
        shares[dep_id] += population.get(commune_id) or 0
    if not shares:
        return None, 0.0
    best = max(shares, key=shares.get)
    return Territory.objects.get(pk=best), shares[best] / total


def dares_source(territory: Territory) -> tuple[Territory | None, str]:
    """Where the territory's Dares figures come from: itself (département, région) or its département, with
    the plain-French note saying so."""
    if m.Observation.objects.filter(
        territory=territory, indicator="dares_tension", occupation_kind="fap2009"
    ).exists():
        return territory, ""
    if territory.scale in ("dep", "reg"):
        return None, "les tensions Dares ne sont pas encore calculées pour ce territoire"
    parent, share = dares_parent(territory)
    if (
        parent is None
        or not m.Observation.objects.filter(
            territory=parent, indicator="dares_tension", occupation_kind="fap2009"
        ).exists()
    ):
        return None, (
            "la Dares ne publie ses tensions que par département, région et pour la France ; "
            "celles du département de ce territoire ne sont pas calculées"
        )
    note = (
        f"la Dares ne publie pas ce niveau : chiffres du département {parent.display_name} ({parent.code}), "
        f"qui réunit {format_fr(100 * share, 0)} % de la population du territoire"
    )
    return parent, note


@cached
def dares_table(territory: Territory, limit: int | None = 15) -> dict:
    """The Dares tension indicator as published (FAP 2009, 225 families), most strained first, for the
    territory or, below the département, for its département (labelled)."""
    source, note = dares_source(territory)
    if source is None:
        return {"rows": [], "note": note, "year": None, "source": None}
    obs = list(
        m.Observation.objects.filter(
            territory=source, indicator="dares_tension", occupation_kind="fap2009"
        ).order_by("-period")
    )
    year = obs[0].period
    labels = dict(Fap.objects.filter(nomenclature=2009).values_list("code", "libelle"))
    rows = [
        {
            "code": o.occupation,
            "label": labels.get(o.occupation, o.occupation),
            "tension": indicator_cell(o),
            "category": o.category if o.status == "ok" else None,
            "category_label": TENSION_LABELS.get(o.category, "") if o.status == "ok" else "valeur imputée",
            "_sort": o.value if o.value is not None else float("-inf"),
        }
        for o in obs
        if o.period == year and len(o.occupation) == 5
    ]
    rows.sort(key=lambda r: r["_sort"], reverse=True)
    return {
        "rows": rows[:limit] if limit else rows,
        "count": len(rows),
        "note": note,
        "year": year,
        "source": source,
        "origin_label": origin_label(obs[0]),
    }


@cached
def key_figures(territory: Territory, period: str) -> dict[str, Cell]:
    """Headline figures of a territory for a year, each with its secrecy. The BMO projects are the total of
    the protected BMO table shown below them, so that both agree."""

    def counts_of(indicator: str) -> dict:
        obs = observation(indicator, territory, period, "", "all")
        return (obs.counts or {}) if obs and obs.status != "secret" else {}

    ratio = counts_of("offers_demand_ratio")
    offers = ratio.get("offers")
    entries = ratio.get("entries")
    if not ratio:
        agg = _rome_sums(territory, period)
        offers, entries = agg.get("offers"), agg.get("entries")
    establishments = m.Etablissement.objects.filter(
        code_insee__in=territory.communes().values("code"), actif=True
    ).count()
    stocks = (
        m.DemandeurEmploi.objects.filter(
            niveau_geo="commune",
            code_geo__in=territory.communes().values("code"),
            categorie="A",
            mois__year=int(period),
        )
        .exclude(code_rome="")
        .aggregate(total=Sum("stock"), months=Count("mois", distinct=True))
    )
    stock_a = stocks["total"] / stocks["months"] if stocks["months"] else None
    bmo = bmo_table(territory, limit=None)
    return {
        "offers": count_cell(offers),
        "entries": count_cell(entries),
        "stock_a": count_cell(round(stock_a)) if stock_a is not None else Cell("—", None, "missing"),
        "projects": bmo["total"] if bmo["total"] is not None else Cell("—", None, "missing"),
        "difficulty": indicator_cell(observation("bmo_difficulty_rate", territory, period, "", "all")),
        "establishments": count_cell(establishments),
    }


def _rome_sums(territory: Territory, period: str) -> dict:
    rows = m.Observation.objects.filter(
        indicator="offers_demand_ratio", territory=territory, period=period, occupation_kind="rome"
    ).values_list("counts", flat=True)
    totals: dict[str, float] = defaultdict(float)
    for counts in rows:
        for k, v in (counts or {}).items():
            totals[k] += v or 0
    return totals


@cached
def tension_table(territory: Territory, period: str, limit: int | None = 20) -> list[dict]:
    """Occupations (FAP-2021) of the territory ranked by composite tension, with its components and status."""
    labels = fap_labels()
    by_occ: dict[str, dict[str, m.Observation]] = defaultdict(dict)
    for obs in m.Observation.objects.filter(
        territory=territory,
        period=period,
        occupation_kind="fap2021",
        indicator__in=[
            "dares_tension",
            "bmo_difficulty_rate",
            "offers_demand_ratio",
            "lack_of_labour",
            "non_durability",
        ],
    ):
        by_occ[obs.occupation][obs.indicator] = obs
    hidden = hidden_projects(territory)  # a difficulty rate of a project count hidden in the BMO table (#14)
    rows = []
    for code, obs in by_occ.items():
        t = obs.get("dares_tension")
        if t is None:
            continue
        publishable = t.status == "ok"
        rows.append(
            {
                "code": code,
                "label": labels.get(code, code),
                "tension": indicator_cell(t),
                "category": t.category if publishable else None,
                "category_label": TENSION_LABELS.get(t.category, "") if publishable else "",
                "difficulty": indicator_cell(obs.get("bmo_difficulty_rate"), hidden),
                "status": t.status,
                "_sort": (t.value if publishable and t.value is not None else float("-inf")),
            }
        )
    rows.sort(key=lambda r: r["_sort"], reverse=True)
    return rows[:limit] if limit else rows


@cached
def bmo_table(territory: Territory, limit: int | None = 15) -> dict:
    """BMO projects by métier for the territory, with its total. A bassin's cells, and the sums of published
    cells of a département or a région, are shown as France Travail publishes them (« * » → « s », the total is
    the sum of the published cells); figures shared out to another territory by population are derived
    values, protected with their total (`publish_counts`). `origin` says which, in plain French."""
    projects = list(
        m.Observation.objects.filter(territory=territory, indicator="bmo_projects", occupation_kind="fap2021")
    )
    if not projects:
        return _bmo_table_from_rates(territory, limit)
    period = max(o.period for o in projects)
    projects = [o for o in projects if o.period == period]
    labels = fap_labels()
    rate = {
        o.occupation: o
        for o in m.Observation.objects.filter(
            territory=territory, indicator="bmo_difficulty_rate", occupation_kind="fap2021", period=period
        )
    }
    total_obs = observation("bmo_projects", territory, period, "", "all")
    origin = projects[0].origin
    if origin in ("published", "sum"):
        symbol = load_rules().symbol
        cells = {
            o.occupation: (
                Cell(symbol, None, "secret") if o.status == "secret" else Cell(format_fr(o.value), o.value)
            )
            for o in projects
        }
        total = Cell(format_fr(total_obs.value), total_obs.value) if total_obs else None
    else:
        frame = pl.DataFrame(
            {
                "occupation": [o.occupation for o in projects],
                "value": [o.value for o in projects],
                "source_secret": [o.status == "secret" for o in projects],
            },
            schema={"occupation": pl.String, "value": pl.Float64, "source_secret": pl.Boolean},
        )
        # population shares of published BMO cells: anyone rebuilds them from the bassin table, so no frequency
        # rule, only the cells secret at source and their complements (#14, security review §5.2)
        table = publish_counts(frame, rows="occupation", frequency=False)
        cells = {
            r["occupation"]: Cell(
                r["display"], None if r[SECRET] else r["value"], "secret" if r[SECRET] else "ok"
            )
            for r in table.iter_rows(named=True)
        }
        t = cells.pop(TOTAL)
        total = Cell(t.display, None, "secret") if t.secret else t
    rows = [
        {
            "code": code,
            "label": labels.get(code, code),
            "projects": c,
            # the difficulty rate of a hidden project count is hidden too (its denominator is « s »)
            "difficulty": cell(None, "secret") if c.secret else indicator_cell(rate.get(code)),
        }
        for code, c in cells.items()
    ]
    # ranking shows the largest published cells first; secret cells come last, never ranked by their value
    rows.sort(key=lambda r: (r["projects"].value is None, -(r["projects"].value or 0), r["code"]))
    return {
        "rows": rows[:limit] if limit else rows,
        "total": total,
        "period": period,
        "count": len(rows),
        "origin": origin,
        "origin_label": origin_label(total_obs or projects[0]),
        "derived": origin == "population",
    }


def _bmo_table_from_rates(territory: Territory, limit: int | None) -> dict:
    """`bmo_table` from the counts of the difficulty-rate observations (observations computed before the
    `bmo_projects` indicator existed): population-weighted bassins, protected with its total."""
    labels = fap_labels()
    obs = list(
        m.Observation.objects.filter(
            territory=territory, indicator="bmo_difficulty_rate", occupation_kind="fap2021"
        )
    )
    if not obs:
        return {"rows": [], "total": None, "period": None}
    period = max(o.period for o in obs)
    cells = pl.DataFrame(
        {
            "occupation": [o.occupation for o in obs if o.period == period],
            "value": [(o.counts or {}).get("projects") for o in obs if o.period == period],
            "difficult": [(o.counts or {}).get("difficult") for o in obs if o.period == period],
            "source_secret": [o.status == "secret" for o in obs if o.period == period],
        },
        schema={
            "occupation": pl.String,
            "value": pl.Float64,
            "difficult": pl.Float64,
            "source_secret": pl.Boolean,
        },
    )
    table = publish_counts(cells, rows="occupation", frequency=False)
    body = table.filter(pl.col("occupation") != TOTAL).sort("value", descending=True, nulls_last=True)
    total = table.filter(pl.col("occupation") == TOTAL).row(0, named=True)
    rate = {o.occupation: o for o in obs if o.period == period}
    rows = [
        {
            "code": r["occupation"],
            "label": labels.get(r["occupation"], r["occupation"]),
            "projects": Cell(
                r["display"], None if r[SECRET] else r["value"], "secret" if r[SECRET] else "ok"
            ),
            "difficulty": cell(None, "secret") if r[SECRET] else indicator_cell(rate.get(r["occupation"])),
        }
        for r in body.iter_rows(named=True)
    ]
    # ranking shows the largest published cells first; secret cells come last, never ranked by their value
    rows.sort(key=lambda r: (r["projects"].value is None, -(r["projects"].value or 0)))
    return {
        "rows": rows[:limit] if limit else rows,
        "total": Cell(total["display"], None, "secret")
        if total[SECRET]
        else Cell(total["display"], total["value"]),
        "period": period,
        "count": len(rows),
        "origin": "population",
        "origin_label": ORIGIN_LABELS["population"],
        "derived": True,
    }


@cached
def public_jobseekers(territory: Territory) -> dict:
    """The real public series of registered job seekers (all métiers, category ABC presumed) per month: the
    published row of a département or a région, else the sum over the territory's communes that France
    Travail publishes (5 000 inhabitants or more), with a plain-French note saying what it covers."""
    level = {"dep": "departement", "reg": "region", "commune": "commune"}.get(territory.scale)
    if level in ("departement", "region"):
        rows = m.SerieDemandeurs.objects.filter(niveau_geo=level, code_geo=territory.code)
        series = dict(rows.values_list("mois", "demandeurs"))
        note = "série publiée pour le territoire"
    else:
        codes = (
            [territory.code]
            if level == "commune"
            else list(territory.communes().values_list("code", flat=True))
        )
        rows = m.SerieDemandeurs.objects.filter(niveau_geo="commune", code_geo__in=codes)
        series = dict(rows.values_list("mois").annotate(n=Sum("demandeurs")).values_list("mois", "n"))
        published = rows.values("code_geo").distinct().count()
        note = (
            "série publiée pour la commune"
            if level == "commune"
            else f"somme des {published} communes publiées sur {len(codes)} (France Travail ne publie que les "
            "communes de 5 000 habitants et plus)"
        )
    run = ImportRun.objects.filter(source="defm").order_by("-pk").first()
    return {
        "months": sorted(series),
        "values": [series[k] for k in sorted(series)],
        "note": note if series else "",
        "vintage": run.version if run else "",
    }


@cached
def monthly_series(territory: Territory) -> dict:
    """Offers per month and job seekers (ABC, all métiers, end-of-month stock) per month for the territory."""
    communes = territory.communes().values("code")
    offers = dict(
        m.Offre.objects.filter(code_insee__in=communes)
        .annotate(month=TruncMonth("date_creation"))
        .values_list("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    seekers = dict(
        m.DemandeurEmploi.objects.filter(
            niveau_geo="commune", code_geo__in=communes, categorie="ABC", code_rome=""
        )
        .values_list("mois")
        .annotate(n=Sum("stock"))
        .values_list("mois", "n")
    )
    if not seekers:
        seekers = dict(
            m.DemandeurEmploi.objects.filter(niveau_geo="commune", code_geo__in=communes, categorie="ABC")
            .exclude(code_rome="")
            .values_list("mois")
            .annotate(n=Sum("stock"))
            .values_list("mois", "n")
        )
    months = sorted({_month(k) for k in offers} | {_month(k) for k in seekers})
    offers = {_month(k): v for k, v in offers.items()}
    seekers = {_month(k): v for k, v in seekers.items()}
    rules = load_rules()

    def shown(v):
        return None if v is None or 0 < v < rules.min_units else v

    return {
        "months": months,
        "offers": [shown(offers.get(mo, 0)) for mo in months],
        "jobseekers": [shown(seekers.get(mo)) for mo in months],
    }


def _month(value) -> date:
    return (
        value.date().replace(day=1)
        if hasattr(value, "date") and callable(value.date)
        else value.replace(day=1)
    )


@cached
def commune_table(territory: Territory, period: str) -> pl.DataFrame:
    """Offers and average category-A job seekers by commune for a year, each protected with its total."""
    communes = {c.code: c for c in territory.communes()}
    year = int(period)
    offers = dict(
        m.Offre.objects.filter(code_insee__in=list(communes), date_creation__year=year)
        .values_list("code_insee")
        .annotate(n=Count("id"))
        .values_list("code_insee", "n")
    )
    stocks = (
        m.DemandeurEmploi.objects.filter(
            niveau_geo="commune", code_geo__in=list(communes), categorie="A", mois__year=year
        )
        .exclude(code_rome="")
        .values_list("code_geo")
        .annotate(n=Sum("stock"), months=Count("mois", distinct=True))
        .values_list("code_geo", "n", "months")
    )
    seekers = {code: (n or 0) / months for code, n, months in stocks if months}
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


def comparison(a: Territory, b: Territory, period: str) -> dict:
    """Two territories side by side: key figures and the per-territory indicators."""
    rows = []
    for name in [
        "offers_demand_ratio",
        "bmo_difficulty_rate",
        "bmo_seasonality_rate",
        "hiring_intensity",
        "lack_of_labour",
        "non_durability",
        "geographic_mismatch",
        "dares_tension",
        "krugman_specialisation",
        "herfindahl",
        "shannon_normalised",
        "covid_exposure",
    ]:
        rows.append(
            {
                "label": REGISTRY[name].label,
                "name": name,
                "a": indicator_cell(observation(name, a, period, "", "all")),
                "b": indicator_cell(observation(name, b, period, "", "all")),
            }
        )
    return {"figures_a": key_figures(a, period), "figures_b": key_figures(b, period), "rows": rows}


MISSING_NOTES = {
    "offres": (
        "aucun fichier national ne publie les offres par commune : importez un fichier d'offres du territoire",
        "les fichiers d'offres importés ne couvrent pas ce territoire",
    ),
    "stmt": (
        "aucun fichier de demandeurs d'emploi par commune n'est importé",
        "les fichiers de demandeurs d'emploi importés ne couvrent pas ce territoire",
    ),
    "bmo": (
        "l'enquête BMO n'est pas importée",
        "les indicateurs BMO ne sont pas calculés pour ce territoire",
    ),
    "sirene": (
        "aucun fichier d'établissements (SIRENE) n'est importé",
        "les fichiers d'établissements importés ne couvrent pas ce territoire",
    ),
}


def _missing(source: str, loaded: dict[str, bool]) -> Cell:
    absent, uncovered = MISSING_NOTES[source]
    return Cell(UNAVAILABLE, None, "missing", absent if not loaded[source] else uncovered)


def dashboard_figures(territory: Territory, period: str) -> dict[str, Cell]:
    """`key_figures`, with the figures whose source is not loaded (or whose indicator was not computed)
    marked « donnée indisponible » with the reason in plain French, instead of « s »: only a stored secret
    observation shows « s ». The BMO projects say how they were obtained."""
    figures = dict(key_figures(territory, period))
    loaded = availability()
    ratio = observation("offers_demand_ratio", territory, period, "", "all")
    has_rome = m.Observation.objects.filter(
        indicator="offers_demand_ratio", territory=territory, period=period, occupation_kind="rome"
    ).exists()
    # the local files' figures exist only where those files cover the territory (the indicators computed
    # from them say so): a partial sum over the few communes they hold would be read as the territory's
    local = ratio is not None or has_rome
    if not loaded["offres"] or not local:
        figures["offers"] = _missing("offres", loaded)
    if not local:
        figures["entries"] = _missing("stmt", loaded)
    if figures["stock_a"].status == "missing" or not local:
        figures["stock_a"] = _missing("stmt", loaded)
    if not local and loaded["sirene"]:
        figures["establishments"] = _missing("sirene", loaded)
    total = observation("bmo_difficulty_rate", territory, period, "", "all")
    if total is None:
        figures["projects"] = _missing("bmo", loaded)
        figures["difficulty"] = _missing("bmo", loaded)
    else:
        projects = observation("bmo_projects", territory, period, "", "all")
        short = ORIGIN_LABELS.get((projects or total).origin, "")  # the detail is under the BMO table
        figures["projects"] = replace(figures["projects"], note=short)
        figures["difficulty"] = replace(figures["difficulty"], note=ORIGIN_LABELS.get(total.origin, ""))
    if not loaded["sirene"]:
        figures["establishments"] = _missing("sirene", loaded)
    # every figure says whether it is real or synthetic (demo files)
    for key, source in FIGURE_SOURCES.items():
        c = figures[key]
        if c.status != "missing":
            nature = "données synthétiques" if source_synthetic(source) else "données réelles"
            figures[key] = replace(c, note=f"{c.note} — {nature}" if c.note else nature)
    return figures


FIGURE_SOURCES = {
    "offers": "offres",
    "entries": "stmt",
    "stock_a": "stmt",
    "projects": "bmo",
    "difficulty": "bmo",
    "establishments": "sirene",
}


def fap_fiches(codes_fap: list[str], limit: int = 6) -> dict[str, list[tuple[str, str]]]:
    """For FAP-2021 codes, the ROME fiches counted in each (bridge of `gtec_core.occupations`, largest share
    first): {code_fap: [(code_rome, libellé)]}. Referential only, no figure."""
    from gtec.referentials.queries import bridge

    b = bridge().filter(pl.col("code_fap2021").is_in(codes_fap)).sort("weight", descending=True)
    labels = dict(
        Fiche.objects.filter(code_rome__in=b["code_rome"].unique().to_list()).values_list(
            "code_rome", "libelle"
        )
    )
    out: dict[str, list[tuple[str, str]]] = {code: [] for code in codes_fap}
    for fap, rome in b.select("code_fap2021", "code_rome").iter_rows():
        if rome in labels and len(out[fap]) < limit:
            out[fap].append((rome, labels[rome]))
    return out


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


def _published_total(total: Cell | None) -> Cell | None:
    """`bmo_table`'s total as published: a suppressed total (display « s ») keeps no value."""
    if total is None:
        return None
    if total.display == load_rules().symbol:
        return Cell(total.display, None, "secret")
    return total


def bmo_published(territory: Territory, limit: int | None = 15) -> dict:
    """`bmo_table` with its total made safe to hand to a template (value dropped when suppressed)."""
    table = bmo_table(territory, limit)
    table["total"] = _published_total(table["total"])
    return table


def hidden_projects(territory: Territory) -> set[tuple[str, str]]:
    """(year, FAP) cells whose BMO projects are « s » in the territory's protected BMO table, primary or
    complementary: their project counts must not be shown beside another indicator either."""
    year, codes = bmo_suppressed(territory)
    return {(year, code) for code in codes}


def bmo_suppressed(territory: Territory) -> tuple[str | None, set[str]]:
    """(year, FAP codes) whose BMO projects are « s » in the territory's protected BMO table. Their project
    counts must not be published elsewhere (occupation page, indicator exports): a secondary-suppressed cell
    shown in another table would let a reader recover the primary cell from the total."""
    table = bmo_table(territory, limit=None)
    return table["period"], {r["code"] for r in table["rows"] if r["projects"].secret}


@dataclass
class Dashboard:
    """Everything the dashboard page of a territory shows for a year, each figure already protected and
    labelled: key figures, the tension, BMO and Dares tables, the commune and EPCI tables, the monthly series
    (with their « réel » / « synthétique » label) and the sources."""

    years: list[str]
    period: str | None
    dares: dict
    sources: list = field(default_factory=list)
    synthetic: bool = False
    figures: dict[str, Cell] = field(default_factory=dict)
    projects_known: bool = False
    available: dict[str, bool] = field(default_factory=dict)
    tension: list[dict] = field(default_factory=list)
    bmo: dict = field(default_factory=dict)
    communes: pl.DataFrame | None = None
    epcis: list[dict] = field(default_factory=list)
    monthly: dict = field(default_factory=dict)
    public_jobseekers: dict = field(default_factory=dict)
    nature: dict[str, str] = field(default_factory=dict)


def dashboard(territory: Territory, period: str | None = None) -> Dashboard:
    """The one call behind the dashboard page: `period` when it is one of the territory's years, else the
    latest."""
    years = periods(territory)
    period = period if period in years else (years[0] if years else None)
    out = Dashboard(
        years=years, period=period, dares=dares_table(territory), sources=sources(), synthetic=is_synthetic()
    )
    if period is None:
        return out
    tension = tension_table(territory, period)
    fiches = fap_fiches([r["code"] for r in tension], limit=4)
    for r in tension:
        r["fiches"] = fiches.get(r["code"], [])
    figures = dashboard_figures(territory, period)
    bmo = bmo_published(territory)
    # the territory-wide BMO cell is secret as soon as one bassin cell is « * »; the protected table's total
    # (sum of the cells the source publishes) is already on the page, so the headline shows it, labelled
    projects_known = figures["projects"].secret and bmo["total"] is not None and not bmo["total"].secret
    if projects_known and bmo["period"] == period:
        figures["projects"] = bmo["total"]
    else:
        projects_known = False
    communes = commune_table(territory, period) if territory.scale != "commune" else None
    out.figures, out.projects_known, out.available = figures, projects_known, availability()
    out.tension, out.bmo, out.communes = tension, bmo, communes
    out.epcis = epci_table(territory, period, communes) if territory.scale not in {"commune", "epci"} else []
    out.monthly = monthly_series(territory)
    out.public_jobseekers = public_jobseekers(territory)
    out.nature = {
        "jobseekers": "synthétique" if source_synthetic("stmt") else "réel",
        "offers": "synthétique" if source_synthetic("offres") else "réel",
        "public": "réel",
    }
    return out
