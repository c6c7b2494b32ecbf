"""Read side of the labour-market data: every figure a page, an export or the API shows comes from here, and
goes through the one secrecy mechanism (`gtec_core.secrecy`): stored observations carry their status (a
secret value is never returned, only « s »), and count tables shown with a total are protected by primary and
secondary suppression so that no secret cell can be recovered by subtraction."""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

import polars as pl
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr, TruncMonth

from gtec.imports.models import ImportRun
from gtec.labour import models as m
from gtec.referentials.models import Fap, Fiche
from gtec.territories.models import Territory
from gtec_core.indicators.registry import REGISTRY
from gtec_core.secrecy import SECRET, TOTAL, display_values, format_fr, load_rules, protect

LABOUR_SOURCES = ["bmo", "dares", "defm", "stmt", "offres", "sirene", "emploi", "indicateurs"]
TENSION_LABELS = {
    1: "pas de tension",
    2: "tension faible",
    3: "tension moyenne",
    4: "tension forte",
    5: "tension très forte",
}
CACHE_SECONDS = 3600
DECIMALS = {"%": 1, "ratio": 2, "indice": 2, "score": 2, "projets": 0}
ORIGIN_LABELS = dict(m.ORIGINS)


def origin_label(obs: m.Observation) -> str:
    """How a stored figure was obtained, in plain French (page and exports)."""
    label = ORIGIN_LABELS.get(obs.origin, obs.origin)
    return f"{label} ({obs.origin_detail})" if obs.origin_detail else label


def nature_label(obs: m.Observation) -> str:
    return "synthétique" if obs.synthetic else "réel"


def data_version() -> tuple:
    """Changes whenever labour data is imported or recomputed (and when a test adds rows): the cache key of
    the read side. Primary-key maxima are read from the index, so this costs four tiny queries."""
    from django.db.models import Max

    return tuple(
        model.objects.aggregate(v=Max("pk"))["v"] or 0
        for model in (ImportRun, m.Observation, m.DemandeurEmploi, m.Offre)
    )


def cached(fn):
    """Cache a read-side function of (territory, …) in Django's cache until the data changes."""

    @functools.wraps(fn)
    def wrapper(territory: Territory, *args, **kwargs):
        raw = repr((fn.__name__, data_version(), territory.key, args, sorted(kwargs.items())))
        key = "labour:" + hashlib.sha256(raw.encode()).hexdigest()
        hit = cache.get(key)
        if hit is None:
            hit = fn(territory, *args, **kwargs)
            cache.set(key, hit, CACHE_SECONDS)
        return hit

    return wrapper


@dataclass(frozen=True)
class Cell:
    """One published figure: its display text (« s » when secret) and, when publishable, its value."""

    display: str
    value: float | None
    status: str = "ok"
    note: str = ""  # plain-French word on how the figure was obtained, or why it is missing

    @property
    def secret(self) -> bool:
        return self.status == "secret"


def cell(value: float | None, status: str, decimals: int = 0, scale: float = 1.0) -> Cell:
    rules = load_rules()
    if status == "secret":
        return Cell(rules.symbol, None, status)
    if value is None:
        return Cell("—", None, status)
    return Cell(format_fr(value * scale, decimals), value, status)


def count_cell(value: float | None) -> Cell:
    """A count shown alone (no total beside it): frequency rule of §6 (1 ≤ n < 3 is secret)."""
    rules = load_rules()
    if value is None:
        return Cell(rules.symbol, None, "secret")
    if 0 < value < rules.min_units:
        return Cell(rules.symbol, None, "secret")
    return Cell(format_fr(value), value)


def sources() -> list[ImportRun]:
    """The latest run of each labour source (vintage and synthetic flag shown on every page)."""
    runs = []
    for source in LABOUR_SOURCES:
        run = ImportRun.objects.filter(source=source).first()
        if run:
            runs.append(run)
    return runs


def is_synthetic() -> bool:
    return any(r.synthetic for r in sources())


def periods(territory: Territory) -> list[str]:
    """The years of the territory's figures (the Dares tensions, read on their own vintage, are not a year of
    the dashboard)."""
    return sorted(
        set(
            m.Observation.objects.filter(territory=territory)
            .exclude(occupation_kind="fap2009")
            .values_list("period", flat=True)
        ),
        reverse=True,
    )


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


def fap_labels() -> dict[str, str]:
    labels = dict(Fap.objects.filter(nomenclature=2021).values_list("code", "libelle"))
    labels.update(
        {
            code: label
            for code, label in m.BmoProjet.objects.values_list("code_metier", "libelle_metier").distinct()
        }
    )
    return labels


def observation(
    indicator: str, territory: Territory, period: str, occupation: str = "", kind: str | None = None
):
    qs = m.Observation.objects.filter(
        indicator=indicator, territory=territory, period=period, occupation=occupation
    )
    if kind:
        qs = qs.filter(occupation_kind=kind)
    return qs.first()


def indicator_cell(obs: m.Observation | None) -> Cell:
    if obs is None:
        return Cell("—", None, "missing")
    unit = REGISTRY[obs.indicator].unit
    if unit == "part":  # shares are shown as percentages
        c = cell(obs.value, obs.status, 1, 100.0)
        return Cell(c.display + " %", c.value, c.status) if c.value is not None else c
    return cell(obs.value, obs.status, DECIMALS.get(unit, 2))


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
                "difficulty": indicator_cell(obs.get("bmo_difficulty_rate")),
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
        table = publish_counts(frame, rows="occupation")
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
            "difficulty": indicator_cell(rate.get(code)),
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
    table = publish_counts(cells, rows="occupation")
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
            "difficulty": indicator_cell(rate.get(r["occupation"])),
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


def publish_counts(cells: pl.DataFrame, *, rows: str, cols: str | None = None) -> pl.DataFrame:
    """The one way a count table with its total is published: cells secret at source (null value or
    `source_secret`) or built from fewer than 3 units are suppressed, then complementary cells so the total
    does not give them away; `display` holds « s » or the French-formatted rounded count."""
    rules = load_rules()
    frame = cells.with_columns(
        pl.col("value").round(0),
        pl.col("value").fill_null(rules.min_units - 1).round(0).alias("units"),
    )
    if "source_secret" in frame.columns:
        frame = frame.with_columns(
            pl.when(pl.col("source_secret") | pl.col("value").is_null())
            .then(1)
            .otherwise(pl.col("units"))
            .alias("units")
        )
    frame = frame.with_columns(pl.col("value").fill_null(0.0))
    protected = protect(frame, rules, rows=rows, cols=cols, units="units", top_share=None)
    return display_values(protected, "value")


def source_synthetic(source: str) -> bool:
    run = ImportRun.objects.filter(source=source).order_by("-pk").first()
    return bool(run and run.synthetic)


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


def fiche_faps(code_rome: str) -> list[str]:
    """FAP-2021 codes a ROME fiche is counted in (bridge of `gtec_core.occupations`)."""
    from gtec.labour.compute import bridge

    b = bridge()
    return (
        b.filter(pl.col("code_rome") == code_rome)
        .sort("rome_share", descending=True)["code_fap2021"]
        .to_list()
    )


def fiche_fap2009(fiche: Fiche) -> list[str]:
    """Official FAP-2009 families of a ROME 4.0 fiche, through its ROME v3 parent code (Dares table)."""
    from gtec.referentials.models import RomeV3Fap

    parent = getattr(fiche, "code_rome_parent", "") or fiche.code_rome
    return list(RomeV3Fap.objects.filter(rome_v3=parent).values_list("fap__code", flat=True).distinct())


def official_tension(territory: Territory, faps2009: list[str]) -> list[dict]:
    """The Dares published tension (2019) of the FAP-2009 families for the département(s) and région of the
    territory, and France."""
    communes = territory.communes()
    deps = list(
        Territory.objects.filter(scale="dep", memberships__commune__in=communes)
        .distinct()
        .values_list("code", flat=True)[:3]
    )
    regs = list(
        Territory.objects.filter(scale="reg", memberships__commune__in=communes)
        .distinct()
        .values_list("code", flat=True)[:2]
    )
    geo = (
        Q(niveau_geo="nat") | Q(niveau_geo="dep", code_geo__in=deps) | Q(niveau_geo="reg", code_geo__in=regs)
    )
    rows = m.DaresTension.objects.filter(geo, code_fap__in=faps2009).order_by("code_fap", "niveau_geo")
    labels = dict(Fap.objects.filter(nomenclature=2009, code__in=faps2009).values_list("code", "libelle"))
    level = {"nat": "France", "reg": "Région", "dep": "Département"}
    return [
        {
            "fap": r.code_fap,
            "label": labels.get(r.code_fap, r.code_fap),
            "level": level[r.niveau_geo],
            "code_geo": r.code_geo,
            "year": r.annee,
            "tension": cell(r.tension, "ok", 2),
            "category": r.categorie,
            "category_label": TENSION_LABELS.get(r.categorie, "valeur imputée, sans catégorie"),
        }
        for r in rows
    ]


def occupation_detail(territory: Territory, fiche: Fiche, period: str) -> dict:
    """Local figures of one ROME fiche in a territory, with the FAP-level indicators behind them (the official
    national references are `official_tension` and `national_portrait`)."""
    ratio = observation("offers_demand_ratio", territory, period, fiche.code_rome, "rome")
    counts = (ratio.counts or {}) if ratio and ratio.status != "secret" else {}
    faps = fiche_faps(fiche.code_rome)
    labels = fap_labels()
    hidden = hidden_projects(territory)
    fap_rows = []
    for code in faps[:3]:
        per = {
            o.indicator: o
            for o in m.Observation.objects.filter(
                territory=territory, occupation=code, occupation_kind="fap2021", period__in=[period]
            )
        }
        fap_rows.append(
            {
                "code": code,
                "label": labels.get(code, code),
                "indicators": [
                    {
                        "name": name,
                        "label": REGISTRY[name].label,
                        "cell": indicator_cell(per.get(name)),
                        "obs": per.get(name),
                        "counts": _shown_counts(per.get(name), hidden),
                        "counts_hidden": counts_hidden(per.get(name), hidden),
                        "approx": not REGISTRY[name].official_formula_public,
                    }
                    for name in [
                        "dares_tension",
                        "bmo_difficulty_rate",
                        "bmo_seasonality_rate",
                        "hiring_intensity",
                        "lack_of_labour",
                        "non_durability",
                        "geographic_mismatch",
                        "location_quotient",
                    ]
                ],
                "category": per.get("dares_tension").category
                if per.get("dares_tension") and per["dares_tension"].status == "ok"
                else None,
            }
        )
    return {
        "ratio": indicator_cell(ratio),
        "offers": count_cell(counts.get("offers"))
        if counts
        else count_cell(None)
        if ratio and ratio.status == "secret"
        else Cell("0", 0),
        "entries": count_cell(counts.get("entries"))
        if counts
        else count_cell(None)
        if ratio and ratio.status == "secret"
        else Cell("0", 0),
        "faps": fap_rows,
    }


def hidden_projects(territory: Territory) -> set[tuple[str, str]]:
    """(year, FAP) cells whose BMO projects are « s » in the territory's protected BMO table, primary or
    complementary: their project counts must not be shown beside another indicator either."""
    year, codes = bmo_suppressed(territory)
    return {(year, code) for code in codes}


def counts_hidden(obs: m.Observation | None, hidden: set[tuple[str, str]]) -> bool:
    return obs is not None and (obs.period, obs.occupation) in hidden and "projects" in (obs.counts or {})


def _shown_counts(obs: m.Observation | None, hidden: set[tuple[str, str]] = frozenset()) -> str:
    """The counts behind a published value, as text; none for a secret value or one whose BMO projects are
    suppressed in the BMO table."""
    if obs is None or obs.status == "secret" or counts_hidden(obs, hidden):
        return ""
    parts = []
    for k, v in (obs.counts or {}).items():
        if v is None:
            continue
        parts.append(f"{k} = {format_fr(v, 0 if float(v).is_integer() else 1)}")
    return ", ".join(parts)


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


def indicator_export(indicator: str, territory: Territory, period: str | None) -> pl.DataFrame:
    """The table of one indicator for one territory (all occupations) as published — the one table behind the
    page export, `gtec export` and the API: secret values and their counts blanked and shown « s », and no
    BMO project count that the BMO table suppresses."""
    if indicator not in REGISTRY:
        raise KeyError(indicator)
    qs = m.Observation.objects.filter(indicator=indicator, territory=territory)
    parent_note = ""
    if indicator == "dares_tension" and not qs.filter(occupation_kind="fap2009").exists():
        source, parent_note = dares_source(territory)
        if source is not None and source != territory:
            qs = m.Observation.objects.filter(
                Q(territory=territory) | Q(territory=source, occupation_kind="fap2009"), indicator=indicator
            )
    if period:
        qs = qs.filter(period=period)
    labels = fap_labels()
    if qs.filter(occupation_kind="fap2009").exists():
        labels = {**dict(Fap.objects.filter(nomenclature=2009).values_list("code", "libelle")), **labels}
    fiches = (
        dict(Fiche.objects.values_list("code_rome", "libelle"))
        if qs.filter(occupation_kind="rome").exists()
        else {}
    )
    unit = REGISTRY[indicator].unit
    rules = load_rules()
    hidden = hidden_projects(territory)
    rows = []
    for o in qs.order_by("period", "occupation_kind", "occupation"):
        secret = o.status == "secret"
        if indicator == "bmo_projects" and (o.period, o.occupation) in hidden:
            secret = True  # suppressed in the published BMO table (complementary secrecy)
        c = indicator_cell(o) if not secret else cell(None, "secret")
        rows.append(
            {
                "indicateur": indicator,
                "territoire": territory.key,
                "periode": o.period,
                "nomenclature": o.occupation_kind,
                "metier": o.occupation or "tous",
                "libelle_metier": "Tous métiers"
                if not o.occupation
                else labels.get(o.occupation) or fiches.get(o.occupation, ""),
                "valeur": None if secret else o.value,
                "affichage": c.display,
                "unite": unit,
                "statut": o.status,
                "categorie": None if secret else o.category,
                "effectifs": _shown_counts(o, hidden),
                "symbole_secret": rules.symbol if secret else "",
                "origine": origin_label(o)
                if o.territory_id == territory.pk
                else f"{origin_label(o)} — {parent_note}",
                "donnees": nature_label(o),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "indicateur": pl.String,
            "territoire": pl.String,
            "periode": pl.String,
            "nomenclature": pl.String,
            "metier": pl.String,
            "libelle_metier": pl.String,
            "valeur": pl.Float64,
            "affichage": pl.String,
            "unite": pl.String,
            "statut": pl.String,
            "categorie": pl.Int64,
            "effectifs": pl.String,
            "symbole_secret": pl.String,
            "origine": pl.String,
            "donnees": pl.String,
        },
    )


def local_demand(territory_key: str, codes_rome: list[str]) -> dict[str, dict]:
    """For the career explorer: per ROME fiche, the territory's offers and job-seeker entries of the latest
    year, the BMO projects, difficulty and composite tension of its main FAP-2021 family, with the vintage.
    Published figures are numbers; a secret one is the string « s » (never its value)."""
    territory = Territory.objects.filter(key=territory_key).first()
    if territory is None:
        return {}
    years = periods(territory)
    if not years:
        return {}
    period = years[0]
    symbol = load_rules().symbol
    ratio = {
        o.occupation: o
        for o in m.Observation.objects.filter(
            territory=territory,
            indicator="offers_demand_ratio",
            occupation_kind="rome",
            period=period,
            occupation__in=codes_rome,
        )
    }
    runs = [r for r in sources() if r.source in {"offres", "stmt", "bmo"}]
    vintage = ", ".join(r.version for r in runs)
    source = "France Travail (offres, STMT, BMO)" + (
        " — données synthétiques" if any(r.synthetic for r in runs) else ""
    )

    def plain(c: Cell):
        if c.secret:
            return symbol
        return round(c.value) if isinstance(c.value, float) else c.value

    out: dict[str, dict] = {}
    for code in codes_rome:
        faps = fiche_faps(code)
        fap = faps[0] if faps else None
        tension = observation("dares_tension", territory, period, fap, "fap2021") if fap else None
        bmo = observation("bmo_difficulty_rate", territory, period, fap, "fap2021") if fap else None
        r = ratio.get(code)
        counts = (r.counts or {}) if r and r.status != "secret" else {}
        offers = count_cell(counts.get("offers")) if r else Cell("0", 0)
        entries = count_cell(counts.get("entries")) if r else Cell("0", 0)
        projects = None
        if bmo is not None:
            projects = (
                count_cell(round((bmo.counts or {}).get("projects") or 0))
                if bmo.status != "secret"
                else count_cell(None)
            )
        difficulty = indicator_cell(bmo) if bmo else None
        published_tension = tension is not None and tension.status == "ok"
        out[code] = {
            "territory": territory.display_name,
            "period": period,
            "offers": plain(offers),
            "entries": plain(entries),
            "fap": fap,
            "projects": plain(projects) if projects else None,
            "difficulty": (
                difficulty.display + " %"
                if difficulty and not difficulty.secret and difficulty.value is not None
                else (symbol if difficulty and difficulty.secret else None)
            ),
            "tension_category": tension.category
            if published_tension
            else (symbol if tension is not None and tension.status == "secret" else None),
            "tension_label": TENSION_LABELS.get(tension.category, "") if published_tension else "",
            "tension": indicator_cell(tension),
            "vintage": f"{territory.display_name}, {period} ({vintage})",
            "source": source,
        }
    return out


def tension_for(territory_key: str, codes_rome: list[str]) -> dict[str, dict]:
    """For the needs survey's give-to-get page: per ROME fiche, the local composite tension of its main FAP
    (value, category, status, vintage) — « s » when secret."""
    demand = local_demand(territory_key, codes_rome)
    return {
        code: {
            "value": d["tension"].value,
            "display": d["tension"].display,
            "category": d["tension_category"] if isinstance(d["tension_category"], int) else None,
            "label": d["tension_label"],
            "status": d["tension"].status,
            "vintage": d["vintage"],
            "period": d["period"],
        }
        for code, d in demand.items()
    }


# --- additions for the labour pages (gtec/www/labour) -------------------------------------------------------

UNAVAILABLE = "donnée indisponible"


def availability() -> dict[str, bool]:
    """Which labour inputs are loaded at all: a figure built on a missing source is « donnée indisponible »,
    never « s » (secret) nor 0."""
    return {
        "offres": m.Offre.objects.exists(),
        "stmt": m.DemandeurEmploi.objects.exists(),
        "defm": m.SerieDemandeurs.objects.exists(),
        "bmo": m.BmoProjet.objects.exists(),
        "sirene": m.Etablissement.objects.exists(),
    }


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
    "sirene": ("aucun fichier d'établissements (SIRENE) n'est importé", ""),
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
    if not loaded["offres"] or (ratio is None and not has_rome):
        figures["offers"] = _missing("offres", loaded)
    if ratio is None and not has_rome:
        figures["entries"] = _missing("stmt", loaded)
    if figures["stock_a"].status == "missing":
        figures["stock_a"] = _missing("stmt", loaded)
    total = observation("bmo_difficulty_rate", territory, period, "", "all")
    if total is None:
        figures["projects"] = _missing("bmo", loaded)
        figures["difficulty"] = _missing("bmo", loaded)
    else:
        projects = observation("bmo_projects", territory, period, "", "all")
        note = origin_label(projects or total)
        figures["projects"] = replace(figures["projects"], note=note)
        figures["difficulty"] = replace(figures["difficulty"], note=origin_label(total))
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
    from gtec.labour.compute import bridge

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


def commune_export(territory: Territory, period: str) -> pl.DataFrame:
    """The published commune table (offers and mean category-A job seekers by commune, with the total): the
    values of secret cells are blank and shown « s » — never the stored value."""
    rules = load_rules()
    table = commune_table(territory, period)
    body = table.filter(pl.col("commune") != TOTAL).sort("name")
    table = pl.concat([body, table.filter(pl.col("commune") == TOTAL)])
    return table.select(
        pl.lit(territory.key).alias("territoire"),
        pl.lit(period).alias("periode"),
        pl.col("commune").alias("code_commune"),
        pl.col("name").alias("commune"),
        pl.when(pl.col("offers_secret")).then(None).otherwise(pl.col("offers").round(0)).alias("offres"),
        pl.col("offers_display").alias("offres_affichage"),
        pl.when(pl.col("jobseekers_secret"))
        .then(None)
        .otherwise(pl.col("jobseekers").round(0))
        .alias("demandeurs_a_moyenne"),
        pl.col("jobseekers_display").alias("demandeurs_a_affichage"),
        pl.when(pl.col("offers_secret") | pl.col("jobseekers_secret"))
        .then(pl.lit(rules.symbol))
        .otherwise(pl.lit(""))
        .alias("symbole_secret"),
    )


def bmo_export(territory: Territory) -> pl.DataFrame:
    """The published BMO table (every métier, with its total), from `bmo_table`: secret cells blank, « s »."""
    table = bmo_table(territory, limit=None)
    total = _published_total(table["total"])
    rows = [
        {
            "territoire": territory.key,
            "annee": table["period"],
            "metier": r["code"],
            "libelle_metier": r["label"],
            "projets": r["projects"].value,
            "projets_affichage": r["projects"].display,
            "taux_difficulte": r["difficulty"].value,
            "taux_difficulte_affichage": r["difficulty"].display,
            "origine": table.get("origin_label", ""),
        }
        for r in table["rows"]
    ]
    if total is not None:
        rows.append(
            {
                "territoire": territory.key,
                "annee": table["period"],
                "metier": TOTAL,
                "libelle_metier": "Total",
                "projets": total.value,
                "projets_affichage": total.display,
                "taux_difficulte": None,
                "taux_difficulte_affichage": "",
                "origine": table.get("origin_label", ""),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "territoire": pl.String,
            "annee": pl.String,
            "metier": pl.String,
            "libelle_metier": pl.String,
            "projets": pl.Float64,
            "projets_affichage": pl.String,
            "taux_difficulte": pl.Float64,
            "taux_difficulte_affichage": pl.String,
            "origine": pl.String,
        },
    )


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


def bmo_suppressed(territory: Territory) -> tuple[str | None, set[str]]:
    """(year, FAP codes) whose BMO projects are « s » in the territory's protected BMO table. Their project
    counts must not be published elsewhere (occupation page, indicator exports): a secondary-suppressed cell
    shown in another table would let a reader recover the primary cell from the total."""
    table = bmo_table(territory, limit=None)
    return table["period"], {r["code"] for r in table["rows"] if r["projects"].secret}


def establishments_for_fiches(
    codes_rome: list[str], *, commune: str | None = None, max_km: float | None = None, limit: int = 3
) -> dict[str, list[dict]]:
    """For the career explorer: where the establishments of the sectors that employ each fiche are (its ROME
    NAF divisions), as counts of active SIRENE establishments per commune, nearest first when a commune is
    given (commune centroids), else largest first. The search covers the département(s) of the commune, or
    the default territory. SIRENE is a public register: the counts are not subject to statistical secrecy;
    no establishment is named."""
    from django.conf import settings

    from gtec.referentials.models import FicheClassement
    from gtec.territories.queries import commune_point, commune_points
    from gtec_core.indicators.adequacy import haversine_km

    divisions: dict[str, dict[str, str]] = defaultdict(dict)
    for code, naf, label in FicheClassement.objects.filter(
        fiche__code_rome__in=codes_rome, classement__kind="naf"
    ).values_list("fiche__code_rome", "classement__code", "classement__libelle"):
        divisions[code][naf] = label
    wanted = sorted({d for per in divisions.values() for d in per})
    if not wanted:
        return {code: [] for code in codes_rome}
    if commune:
        area = Territory.objects.filter(
            scale="commune",
            member_of__territory__in=Territory.objects.filter(
                scale="dep", memberships__commune__code=commune
            ),
        )
    else:
        area = Territory.objects.filter(
            scale="commune", member_of__territory__key=settings.GTEC_DEFAULT_TERRITORY
        )
    query = Q()
    for division in wanted:
        query |= Q(naf__startswith=division)
    by_place: dict[tuple[str, str], int] = defaultdict(int)
    for code_insee, division, n in (
        m.Etablissement.objects.filter(query, actif=True, code_insee__in=area.values("code"))
        .annotate(division=Substr("naf", 1, 2))
        .values_list("code_insee", "division")
        .annotate(n=Count("id"))
        .values_list("code_insee", "division", "n")
    ):
        by_place[(code_insee, division)] += n
    places = {code for code, _ in by_place}
    names = dict(Territory.objects.filter(scale="commune", code__in=places).values_list("code", "name"))
    origin = commune_point(commune) if commune else None
    points = commune_points(places) if origin else {}
    distances = {
        place: round(haversine_km(*origin, *points[place]), 1) if origin and place in points else None
        for place in places
    }
    out: dict[str, list[dict]] = {}
    for code in codes_rome:
        items = []
        for (place, division), n in by_place.items():
            if division not in divisions.get(code, {}):
                continue
            km = distances[place]
            if max_km is not None and km is not None and km > max_km:
                continue
            items.append(
                {
                    "denomination": f"{n} établissement{'s' if n > 1 else ''} — {divisions[code][division]}",
                    "commune": names.get(place, place),
                    "naf": division,
                    "distance_km": km,
                    "count": n,
                }
            )
        if origin is None:
            items.sort(key=lambda i: -i["count"])
        else:
            items.sort(
                key=lambda i: (
                    i["distance_km"] if i["distance_km"] is not None else float("inf"),
                    -i["count"],
                )
            )
        out[code] = items[:limit]
    return out


def national_portrait(faps2009: list[str]) -> list[dict]:
    """The Dares « portraits statistiques des métiers » of the fiche's FAP-2009 families (national, published):
    employment of the latest year, share of workers aged 50 or more (2017-2019, the departures to come), and
    registered job seekers in categories A and ABC — the official references beside the local figures. A
    FAP-225 family without its own series falls back on its FAP-87 family, and says so."""
    out = []
    for fap in faps2009:
        row = {"fap": fap, "label": "", "employment": None, "employment_year": "", "senior_share": None}
        for code in (fap, fap[:3]):
            effectifs = (
                m.DaresSerie.objects.filter(tableau="effectifs", code_fap=code, valeur__isnull=False)
                .order_by("-periode")
                .first()
            )
            ages = dict(
                m.DaresSerie.objects.filter(tableau="age", code_fap=code).values_list("modalite", "valeur")
            )
            seekers = {
                modalite: (periode, valeur)
                for periode, modalite, valeur in m.DaresSerie.objects.filter(
                    tableau="demandeurs", code_fap=code, valeur__isnull=False
                )
                .order_by("periode")
                .values_list("periode", "modalite", "valeur")
            }
            if effectifs or ages or seekers:
                row["level"] = "FAP 225" if code == fap else "FAP 87 (famille agrégée)"
                row["source_code"] = code
                break
        else:
            continue
        if effectifs:
            row["employment"] = format_fr(effectifs.valeur * 1000, 0)
            row["employment_year"] = effectifs.periode
        total = sum(v for v in ages.values() if v is not None)
        senior = sum(v or 0 for k, v in ages.items() if k.startswith(("50", "55", "60")))
        if total:
            row["senior_share"] = format_fr(100 * senior / total, 1) + " %"
        for modalite in ("A", "ABC"):
            if modalite in seekers:
                periode, valeur = seekers[modalite]
                row[f"seekers_{modalite.lower()}"] = format_fr(valeur * 1000, 0)
                row["seekers_year"] = periode
        row["label"] = (
            Fap.objects.filter(nomenclature=2009, code=fap).values_list("libelle", flat=True).first() or fap
        )
        out.append(row)
    return out
