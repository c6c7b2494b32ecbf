"""The territory dashboard: key figures, BMO and Dares tables, monthly series, commune and EPCI tables — each
figure saying how it was obtained, or why it is missing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

import polars as pl

from gtec.labour import models as m
from gtec.labour.read.bmo import bmo_published, bmo_table, hidden_projects
from gtec.labour.read.cells import (
    ORIGIN_LABELS,
    TENSION_LABELS,
    UNAVAILABLE,
    Cell,
    availability,
    cached,
    count_cell,
    fap_labels,
    indicator_cell,
    is_synthetic,
    observation,
    periods,
    source_synthetic,
    sources,
)
from gtec.labour.read.communes import commune_table, epci_table, mean_jobseekers
from gtec.labour.read.dares import dares_table
from gtec.labour.read.series import monthly_series, public_jobseekers
from gtec.referentials.models import Fiche
from gtec.territories.models import Territory
from gtec_core.indicators.registry import COMPARED, REGISTRY


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
    # the sum of the commune table's whole-person means, so that the headline and the table's total agree
    by_commune = mean_jobseekers(list(territory.communes().values_list("code", flat=True)), int(period))
    stock_a = sum(by_commune.values()) if by_commune else None
    bmo = bmo_table(territory, limit=None)
    return {
        "offers": count_cell(offers),
        "entries": count_cell(entries),
        "stock_a": count_cell(stock_a) if stock_a is not None else Cell("—", None, "missing"),
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


def comparison(a: Territory, b: Territory, period: str) -> dict:
    """Two territories side by side: key figures and the per-territory indicators."""
    rows = []
    for name in COMPARED:
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
