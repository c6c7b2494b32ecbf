"""The typed contract other apps (careers, surveys, training) read the labour figures through."""

from __future__ import annotations

from dataclasses import dataclass

from gtec.labour import models as m
from gtec.labour.read.bmo import hidden_projects
from gtec.labour.read.cells import (
    TENSION_LABELS,
    Cell,
    count_cell,
    counts_hidden,
    indicator_cell,
    periods,
    sources,
    versioned,
)
from gtec.labour.read.occupation import establishments_for_fiches, fiche_faps  # noqa: F401  (contract)
from gtec.territories.models import Territory
from gtec_core.secrecy import load_rules


def local_demand(territory_key: str, codes_rome: list[str]) -> dict[str, dict]:
    """For the career explorer: per ROME fiche, the territory's offers and job-seeker entries of the latest
    year, the BMO projects, difficulty and composite tension of its main FAP-2021 family, with the vintage.
    Published figures are numbers; a secret one is the string « s » (never its value). The territory's
    figures are read once per data version (`demand_table`), so a request only picks its fiches."""
    table = versioned("local_demand", (territory_key,), lambda: demand_table(territory_key))
    if table is None:
        return {}
    return {code: _demand_entry(table, code) for code in codes_rome}


@dataclass(frozen=True)
class DemandTable:
    """What `local_demand` needs of a territory for its latest year, read in a handful of queries: the
    offers/demand observation of every ROME fiche, the composite tension and BMO difficulty of every FAP-2021
    family, each fiche's main family, and the BMO cells shown « s »."""

    display_name: str
    period: str
    symbol: str
    vintage: str
    source: str
    ratio: dict[str, m.Observation]
    fap_obs: dict[tuple[str, str], m.Observation]
    main_fap: dict[str, str]
    hidden: frozenset


def demand_table(territory_key: str) -> DemandTable | None:
    from gtec.referentials.queries import bridge

    territory = Territory.objects.filter(key=territory_key).first()
    if territory is None:
        return None
    years = periods(territory)
    if not years:
        return None
    period = years[0]
    runs = [r for r in sources() if r.source in {"offres", "stmt", "bmo"}]
    main_fap = {
        row["code_rome"]: row["code_fap2021"]
        for row in bridge()
        .sort(["code_rome", "rome_share"], descending=[False, True], maintain_order=True)
        .unique("code_rome", keep="first", maintain_order=True)
        .iter_rows(named=True)
    }
    return DemandTable(
        display_name=territory.display_name,
        period=period,
        symbol=load_rules().symbol,
        vintage=", ".join(r.version for r in runs),
        source="France Travail (offres, STMT, BMO)"
        + (" — données synthétiques" if any(r.synthetic for r in runs) else ""),
        ratio={
            o.occupation: o
            for o in m.Observation.objects.filter(
                territory=territory, indicator="offers_demand_ratio", occupation_kind="rome", period=period
            )
        },
        fap_obs={
            (o.indicator, o.occupation): o
            for o in m.Observation.objects.filter(
                territory=territory,
                indicator__in=["dares_tension", "bmo_difficulty_rate"],
                occupation_kind="fap2021",
                period=period,
            )
        },
        main_fap=main_fap,
        # BMO cells « s » in the territory's table stay « s » here (#14)
        hidden=frozenset(hidden_projects(territory)),
    )


def _demand_entry(t: DemandTable, code: str) -> dict:
    symbol = t.symbol

    def plain(c: Cell):
        if c.secret:
            return symbol
        return round(c.value) if isinstance(c.value, float) else c.value

    fap = t.main_fap.get(code)
    tension = t.fap_obs.get(("dares_tension", fap)) if fap else None
    bmo = t.fap_obs.get(("bmo_difficulty_rate", fap)) if fap else None
    r = t.ratio.get(code)
    counts = (r.counts or {}) if r and r.status != "secret" else {}
    offers = count_cell(counts.get("offers")) if r else Cell("0", 0)
    entries = count_cell(counts.get("entries")) if r else Cell("0", 0)
    projects = None
    if bmo is not None:
        projects = (
            count_cell(round((bmo.counts or {}).get("projects") or 0))
            if bmo.status != "secret" and not counts_hidden(bmo, t.hidden)
            else count_cell(None)
        )
    difficulty = indicator_cell(bmo, t.hidden) if bmo else None
    published_tension = tension is not None and tension.status == "ok"
    return {
        "territory": t.display_name,
        "period": t.period,
        "offers": plain(offers),
        "entries": plain(entries),
        "fap": fap,
        "projects": plain(projects) if projects else None,
        "difficulty": (
            difficulty.display  # already « 73,6 % » (a share is shown as a percentage)
            if difficulty and not difficulty.secret and difficulty.value is not None
            else (symbol if difficulty and difficulty.secret else None)
        ),
        "tension_category": tension.category
        if published_tension
        else (symbol if tension is not None and tension.status == "secret" else None),
        "tension_label": TENSION_LABELS.get(tension.category, "") if published_tension else "",
        "tension": indicator_cell(tension),
        "vintage": f"{t.display_name}, {t.period} ({t.vintage})",
        "source": t.source,
    }


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


# --- the typed contract: what careers, surveys and training read, under one name each -----------------------

Figure = int | float | str | None  # a published number, the secrecy symbol « s », or None (no figure)


@dataclass(frozen=True)
class LocalFigures:
    """The labour figures of one ROME fiche in a territory (latest year): the territory's offers and job-seeker
    entries, the BMO projects, difficulty and composite tension of the fiche's main FAP-2021 family. A secret
    figure is the symbol « s », never its value; a missing one is None."""

    code_rome: str
    territory: str
    period: str
    offers: Figure
    entries: Figure
    fap: str | None
    projects: Figure
    difficulty: str | None
    tension_category: Figure
    tension_label: str
    tension: Cell
    vintage: str
    source: str


@dataclass(frozen=True)
class TensionFigure:
    """The local composite tension of a fiche's main FAP (value, category, status), with its vintage."""

    value: float | None
    display: str
    category: int | None
    label: str
    status: str
    vintage: str
    period: str


def local_figures(territory_key: str, codes_rome: list[str]) -> dict[str, LocalFigures]:
    """`LocalFigures` of each fiche of `codes_rome` that has figures in the territory."""
    return {
        code: LocalFigures(
            code_rome=code, **{f: d[f] for f in LocalFigures.__dataclass_fields__ if f != "code_rome"}
        )
        for code, d in local_demand(territory_key, codes_rome).items()
    }


def tension_figures(territory_key: str, codes_rome: list[str]) -> dict[str, TensionFigure]:
    """`TensionFigure` of each fiche of `codes_rome` that has figures in the territory."""
    return {code: TensionFigure(**d) for code, d in tension_for(territory_key, codes_rome).items()}
