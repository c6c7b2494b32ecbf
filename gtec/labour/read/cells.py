"""Read side of the labour-market data: every figure a page, an export or the API shows comes from here, and
goes through the one secrecy mechanism (`gtec_core.secrecy`): stored observations carry their status (a
secret value is never returned, only « s »), and count tables shown with a total are protected by primary and
secondary suppression so that no secret cell can be recovered by subtraction.

This module: the published cell (`Cell`), its formatting, the cache of the read side and the lookups shared
by every page."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

import polars as pl
from django.core.cache import cache

from gtec.imports.models import ImportRun
from gtec.labour import models as m
from gtec.labour import version
from gtec.referentials.models import Fap
from gtec.territories.models import Territory
from gtec_core.french import format_fr
from gtec_core.indicators.registry import REGISTRY
from gtec_core.secrecy import (
    INHERITED,
    REASON,
    SECRET,
    display_values,
    load_rules,
    protect,
    published_value,
    rate_secrecy,
)

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
    the read side. Primary-key maxima are read from the index, so this costs four tiny queries; the token of
    `gtec.labour.version` (one cache read) follows observations written in place, without an import run."""
    from django.db.models import Max

    return (
        *(
            model.objects.aggregate(v=Max("pk"))["v"] or 0
            for model in (ImportRun, m.Observation, m.DemandeurEmploi, m.Offre)
        ),
        version.current(),
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


_MEMO: dict[str, tuple[str, object]] = {}  # name + parts → (shared-cache key, value), in this process


def versioned(name: str, parts: tuple, build, version: tuple | None = None):
    """A precomputed table of the read side, kept until the labour data change: in this process's memory
    (no unpickling on a busy path) while its copy in the shared cache exists, else from the shared cache
    (Redis in production: built once for every process), else built by `build()`. The key holds
    `data_version()`, so an import or a recomputation makes a new table; emptying the cache drops the
    process copies too. The process keeps one version per table (bounded by the tables' names and parts).
    A caller reading several tables passes the `version` it read once."""
    version = data_version() if version is None else version
    key = "labour-table:" + hashlib.sha256(repr((name, parts, version)).encode()).hexdigest()
    local_key = repr((name, parts))
    memo = _MEMO.get(local_key)
    if memo is not None and memo[0] == key and cache.has_key(key):
        return memo[1]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    if len(_MEMO) > 256:
        _MEMO.clear()
    _MEMO[local_key] = (key, value)
    return value


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
    # the value published in exports and the API is rounded as displayed (#14: no 9-decimal rates)
    return Cell(format_fr(value * scale, decimals), published_value(value, decimals, scale), status)


def count_cell(value: float | None) -> Cell:
    """A count shown alone (no total beside it): frequency rule of §6 (1 ≤ n < 3 is secret)."""
    rules = load_rules()
    if value is None:
        return Cell(rules.symbol, None, "secret")
    if 0 < value < rules.min_units:
        return Cell(rules.symbol, None, "secret")
    value = round(value)  # a count of people, offers or establishments is a whole number (#13)
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


def counts_hidden(obs: m.Observation | None, hidden: set[tuple[str, str]]) -> bool:
    return obs is not None and (obs.period, obs.occupation) in hidden and "projects" in (obs.counts or {})


def indicator_cell(obs: m.Observation | None, hidden: set[tuple[str, str]] = frozenset()) -> Cell:
    """An indicator's published cell. With `hidden` (the territory's BMO cells shown « s »), a rate built
    on a hidden project count is « s » too: the rate and its other part would give the count back (#14)."""
    if obs is None:
        return Cell("—", None, "missing")
    if rate_secrecy(obs.status == "secret", [counts_hidden(obs, hidden)]):
        return cell(None, "secret")
    unit = REGISTRY[obs.indicator].unit
    if unit == "part":  # shares are shown as percentages
        c = cell(obs.value, obs.status, 1, 100.0)
        return Cell(c.display + " %", c.value, c.status) if c.value is not None else c
    return cell(obs.value, obs.status, DECIMALS.get(unit, 2))


def publish_counts(
    cells: pl.DataFrame, *, rows: str, cols: str | None = None, frequency: bool = True
) -> pl.DataFrame:
    """The one way a count table with its total is published: cells secret at source (null value or
    `source_secret`) or built from fewer than 3 units are suppressed, then complementary cells so the total
    does not give them away; `display` holds « s » or the French-formatted rounded count."""
    rules = load_rules()
    frame = cells.with_columns(
        pl.col("value").round(0),
        pl.col("value").fill_null(rules.min_units - 1).round(0).alias("units"),
    )
    if not frequency:  # counts published by their producer: only `source_secret` / null cells are secret
        frame = frame.with_columns(pl.lit(float(rules.min_units)).alias("units"))
    if "source_secret" in frame.columns:
        frame = frame.with_columns(
            pl.when(pl.col("source_secret") | pl.col("value").is_null())
            .then(1)
            .otherwise(pl.col("units"))
            .alias("units")
        )
    # a cell secret at source has no value and is outside the published total (#14): it is « s », and not
    # an unknown of the total, so no complementary cell is hidden for it
    outside = frame.filter(pl.col("value").is_null()) if cols is None else frame.clear()
    frame = frame.filter(pl.col("value").is_not_null()) if cols is None else frame
    frame = frame.with_columns(pl.col("value").fill_null(0.0))
    protected = protect(frame, rules, rows=rows, cols=cols, units="units", top_share=None)
    if not outside.is_empty():
        outside = outside.with_columns(pl.lit(True).alias(SECRET), pl.lit(INHERITED).alias(REASON)).select(
            protected.columns
        )
        protected = pl.concat([protected, outside], how="vertical_relaxed")
    return display_values(protected, "value")


def source_synthetic(source: str) -> bool:
    run = ImportRun.objects.filter(source=source).order_by("-pk").first()
    return bool(run and run.synthetic)


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


def computed(territory: Territory, period: str, indicator: str, kind: str) -> bool:
    """Whether `indicator` was computed for the territory and year in the nomenclature `kind`."""
    return m.Observation.objects.filter(
        territory=territory, period=period, indicator=indicator, occupation_kind=kind
    ).exists()
