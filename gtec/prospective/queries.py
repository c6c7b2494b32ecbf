"""Read side of the prospective app: every projection or stress-test figure a page, an export or the CLI
shows comes from here, formatted in French and passed through the one secrecy mechanism
(`gtec_core.secrecy`): a cell built on fewer than 3 units of an imported local count, or a displaced-worker
cell dominated by one company (closures, SIRENE), is shown « s »."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import polars as pl

from gtec.imports.models import ImportRun
from gtec.labour import read as labour
from gtec.prospective import compute
from gtec.prospective import models as m
from gtec.prospective.compute import NoProjection
from gtec.territories.models import Territory
from gtec.territories.queries import territory_get
from gtec_core import charts
from gtec_core.french import format_fr
from gtec_core.prospective import params
from gtec_core.prospective.accounting import class_label
from gtec_core.prospective.scenarios import Scenario, ScenarioError, builtin, names, parse_local
from gtec_core.prospective.stress import Shock, ShockError, coverage, parse_shock, preset, preset_names
from gtec_core.secrecy import (
    SECRET,
    aggregate_contributions,
    load_rules,
    primary_suppression,
    protect,
)

METHOD_LABELS = {
    "official": "chiffres officiels (Dares)",
    "dares_departement": "structure départementale Dares 2019",
    "population": "estimation au prorata de la population",
    "imported": "emploi local importé",
}
CLASS_ORDER = ["accentuent", "nouvelles", "maintiennent", "reduisent", "sans"]
CHART_ROWS = 15

__all__ = [
    "NoProjection",
    "ScenarioError",
    "ShockError",
    "names",
    "preset_names",
    "projection_view",
    "projection_frame",
    "stress_view",
    "stress_frame",
    "territory_or_none",
]


def territory_or_none(key: str) -> Territory | None:
    return territory_get(key)


def scenario_choices() -> list[tuple[str, str]]:
    return [(n, builtin(n).label) for n in names()]


def preset_choices() -> list[tuple[str, str]]:
    return [(n, preset(n).name) for n in preset_names()]


def resolve_scenario(name: str, local_text: str | None = None) -> Scenario:
    if local_text:
        return parse_local(local_text, "scénario local")
    return builtin(name or "reference")


def check_horizon(value) -> int:
    settings = params.load()
    try:
        horizon = int(str(value).strip())
    except (TypeError, ValueError):
        raise ScenarioError(
            f"horizon « {value} » : une année est attendue (2020 à {settings['max_horizon']})"
        ) from None
    if horizon <= settings["base_year"]:
        raise ScenarioError(f"horizon {horizon} : il doit suivre l'année de base {settings['base_year']}")
    if horizon > settings["max_horizon"]:
        raise ScenarioError(f"horizon {horizon} : au plus {settings['max_horizon']}")
    return horizon


# --- projections -------------------------------------------------------------------------------------


def _protected(lines, local_units: bool) -> pl.DataFrame:
    """One row per FAP family with its numbers; `units` = people behind an imported local count (the
    frequency rule applies to it), a large number for estimates derived from published aggregates."""
    rules = load_rules()
    frame = pl.DataFrame(
        [
            {
                "fap": x.fap,
                "label": x.label,
                "employment": x.employment,
                "postes_year": x.postes_per_year,
                "replacement_year": x.replacement_per_year,
                "expansion_year": x.expansion_per_year,
                "starters_year": x.starters_per_year,
                "local_starters": x.local_starters,
                "imbalance_ratio": x.imbalance_ratio,
                "postes": x.postes,
                "low": x.low_high(x.postes_per_year)[0],
                "high": x.low_high(x.postes_per_year)[1],
                "tension": x.tension,
                "klass": x.klass,
                "method": x.method,
                "notes": "; ".join(x.notes),
                "units": round(x.employment)
                if (local_units and x.method == "imported")
                else rules.min_units * 1000,
            }
            for x in lines
        ],
        infer_schema_length=None,
    )
    if frame.is_empty():
        return frame
    return primary_suppression(frame, rules, units="units", top_share=None)


def _fmt(value, secret: bool, decimals: int = 0) -> str:
    if secret:
        return load_rules().symbol
    if value is None:
        return "—"
    return format_fr(value, decimals)


@dataclass
class ProjectionView:
    territory: Territory
    scenario: Scenario
    horizon: int
    years: int
    rows: list[dict]
    totals: dict
    classes: list[dict]
    chart: charts.BarChart
    method_note: str
    regions: list[str]
    sources: list[ImportRun]
    synthetic: bool
    comparison: list[dict] | None = None
    other: Scenario | None = None


def _rows(frame: pl.DataFrame) -> list[dict]:
    out = []
    for r in frame.iter_rows(named=True):
        s = r[SECRET]
        out.append(
            {
                "fap": r["fap"],
                "label": r["label"],
                "employment": _fmt(r["employment"], s),
                "postes_year": _fmt(r["postes_year"], s),
                "postes_value": None if s else r["postes_year"],  # for ranking; never a secret's value
                "band": f"{_fmt(r['low'], s)} – {_fmt(r['high'], s)}" if r["high"] != r["low"] else "",
                "replacement_year": _fmt(r["replacement_year"], s),
                "expansion_year": _fmt(r["expansion_year"], s),
                "starters_year": _fmt(r["starters_year"], s),
                "local_starters": _fmt(r["local_starters"], s) if r["local_starters"] is not None else "",
                "imbalance_pct": _fmt(
                    None if r["imbalance_ratio"] is None else 100 * r["imbalance_ratio"], s, 1
                ),
                "tension": r["tension"] or "hors champ",
                "class_key": r["klass"],
                "class_label": class_label(r["klass"]),
                "method": METHOD_LABELS.get(r["method"], r["method"]),
                "notes": r["notes"],
                "secret": s,
                # the same figures as numbers, rounded as displayed, for the API; None for a secret row
                "values": None if s else _numbers(r),
            }
        )
    return out


def _numbers(r: dict) -> dict:
    def rounded(value, decimals: int = 0):
        return None if value is None else round(float(value), decimals)

    return {
        "employment": rounded(r["employment"]),
        "postes_year": rounded(r["postes_year"]),
        "low": rounded(r["low"]),
        "high": rounded(r["high"]),
        "replacement_year": rounded(r["replacement_year"]),
        "expansion_year": rounded(r["expansion_year"]),
        "starters_year": rounded(r["starters_year"]),
        "local_starters": rounded(r["local_starters"]),
        "imbalance_pct": None if r["imbalance_ratio"] is None else rounded(100 * r["imbalance_ratio"], 1),
    }


def projection_view(
    key: str,
    *,
    scenario: str = "reference",
    horizon=2030,
    compare: str | None = None,
    local_text: str | None = None,
    with_local_starters: bool = True,
) -> ProjectionView:
    """The « Prospective » page of a territory. Raises LookupError (unknown territory), NoProjection (outside
    the field or not imported), ScenarioError (bad scenario or horizon) — all with French messages."""
    territory = territory_get(key)
    if territory is None:
        raise LookupError(f"territoire inconnu : {key}")
    horizon = check_horizon(horizon)
    chosen = resolve_scenario(scenario, local_text)
    starters = (
        _local_starters(territory) if with_local_starters and territory.scale not in ("reg", "dep") else None
    )
    try:
        result = compute.run_projection(territory, chosen, horizon, local_starters=starters)
    except ValueError as exc:
        raise ScenarioError(str(exc)) from None
    frame = _protected(result.lines, local_units=True)
    rows = _rows(frame)
    published = frame.filter(~pl.col(SECRET)) if not frame.is_empty() else frame
    total_emp = published["employment"].sum() if not published.is_empty() else 0
    totals = {
        "employment": format_fr(total_emp),
        "postes_year": format_fr(published["postes_year"].sum()) if total_emp else "—",
        "replacement_year": format_fr(published["replacement_year"].sum()) if total_emp else "—",
        "expansion_year": format_fr(published["expansion_year"].sum()) if total_emp else "—",
        "departures_pct": format_fr(
            100 * published["replacement_year"].sum() * result.lines[0].years / total_emp, 1
        )
        if total_emp
        else "—",
    }
    classes = []
    for k in CLASS_ORDER:
        part = published.filter(pl.col("klass") == k) if total_emp else published
        emp = part["employment"].sum() if total_emp else 0
        classes.append(
            {"key": k, "label": class_label(k), "families": part.height,
             "share": format_fr(100 * emp / total_emp, 1) if total_emp else "—"}
        )  # fmt: skip
    top = published.sort("postes_year", descending=True).head(CHART_ROWS) if total_emp else published
    chart = charts.stacked_bars(
        [
            (
                f"{r['label'][:34]}",
                [("remplacement", r["replacement_year"]), ("expansion", r["expansion_year"])],
            )
            for r in top.iter_rows(named=True)
        ]
    )
    comparison, other = None, None
    if compare:
        other = resolve_scenario(compare)
        alt = compute.run_projection(territory, other, horizon)
        alt_by = {x.fap: x for x in alt.lines}
        alt_frame = {r["fap"]: r for r in _protected(alt.lines, local_units=True).iter_rows(named=True)}
        comparison = []
        for r in frame.iter_rows(named=True):
            b = alt_frame.get(r["fap"])
            if b is None or r["fap"] not in alt_by:
                continue
            secret = r[SECRET] or b[SECRET]
            comparison.append(
                {
                    "label": r["label"],
                    "a": _fmt(r["postes_year"], secret),
                    "b": _fmt(b["postes_year"], secret),
                    "diff": _fmt(b["postes_year"] - r["postes_year"], secret),
                    "class_a": class_label(r["klass"]),
                    "class_b": class_label(b["klass"]),
                }
            )
    methods = sorted({x.method for x in result.lines})
    note = ", ".join(METHOD_LABELS.get(x, x) for x in methods)
    if result.local_year:
        note += f" (emploi local {result.local_year}{', synthétique' if result.local_synthetic else ''})"
    runs = [
        r
        for r in (ImportRun.objects.filter(source=s).first() for s in ("metiers2030", "dares", "emploi"))
        if r
    ]
    return ProjectionView(
        territory,
        chosen,
        horizon,
        result.lines[0].years if result.lines else horizon - 2019,
        rows,
        totals,
        classes,
        chart,
        note,
        result.regions,
        runs,
        result.local_synthetic,
        comparison,
        other,
    )


def _local_starters(territory: Territory) -> dict[str, float] | None:
    """Training places per year by FAP-87 family in the territory (LHEO offer, latest full year), through the
    training read module; None when no training offer is imported."""
    from gtec.training.queries import training_supply
    from gtec_core.indicators.adequacy import places_per_year

    communes = list(territory.communes().values_list("code", flat=True))
    links, sessions = training_supply(communes=communes)
    if links.is_empty() or sessions.is_empty():
        return None
    places = places_per_year(links, sessions)
    if places.is_empty():
        return None
    year = places.group_by("year").agg(pl.col("places").sum()).sort("places", descending=True)["year"][0]
    by_rome = places.filter(pl.col("year") == year)
    faps = labour.rome_fap87(by_rome["code_rome"].to_list())
    out: dict[str, float] = defaultdict(float)
    for rome, value in by_rome.select("code_rome", "places").iter_rows():
        if rome in faps:
            out[faps[rome]] += value
    return dict(out)


def projection_frame(
    key: str, *, scenario: str = "reference", horizon=2030, local_text: str | None = None
) -> pl.DataFrame:
    """The projection as an export table (French column names, « s » for secret cells)."""
    view = projection_view(key, scenario=scenario, horizon=horizon, local_text=local_text)
    return pl.DataFrame(
        [
            {
                "territoire": view.territory.key,
                "scenario": view.scenario.name,
                "horizon": view.horizon,
                "fap": r["fap"],
                "famille": r["label"],
                "emploi_2019": r["employment"],
                "postes_a_pourvoir_par_an": r["postes_year"],
                "fourchette_basse_haute": r["band"],
                "remplacement_par_an": r["replacement_year"],
                "expansion_par_an": r["expansion_year"],
                "jeunes_debutants_par_an": r["starters_year"],
                "places_de_formation_locales_par_an": r["local_starters"],
                "desequilibre_pct_emploi_2019": r["imbalance_pct"],
                "tension_2019": str(r["tension"]),
                "classe": r["class_label"],
                "methode": r["method"],
                "remarques": r["notes"],
            }
            for r in view.rows
        ],
        infer_schema_length=None,
    )


def occupation_projection(key: str, codes_fap87: list[str]) -> list[dict]:
    """The projection rows of the families of a fiche (FAP-87 codes), for the occupation page; [] when
    there is none (outside the field, not imported)."""
    try:
        view = projection_view(key, with_local_starters=False)
    except (LookupError, NoProjection, ScenarioError):
        return []
    wanted = set(codes_fap87)
    return [r for r in view.rows if wanted & set(params.fap_members(r["fap"]))]


def batch(scale: str, *, horizon: int = 2030) -> list[tuple[str, float]]:
    """Every territory of a scale projected (reference scenario): [(key, postes à pourvoir a year)]."""
    out = []
    for territory in Territory.objects.filter(scale=scale, actif=True).order_by("code"):
        try:
            result = compute.run_projection(territory, Scenario.reference(), horizon)
        except NoProjection:
            continue
        out.append((territory.key, sum(x.postes_per_year for x in result.lines)))
    return out


def departures_evaluation() -> dict:
    """Our departures model against the official departures FAP × région (bench/eval)."""
    from gtec_core.prospective.departures import evaluate

    w = compute.world()
    records = [
        {
            "code_fap": fap,
            "region": region.region,
            "fap_libelle": rec["fap_libelle"],
            "effectifs_2019_milliers": rec["effectifs_2019_milliers"],
            "departs_fin_carriere_pct": rec["departs_fin_carriere_milliers"] / rec["effectifs_2019_milliers"],
        }
        for region in w.context.official.values()
        for fap, rec in region.rows.items()
        if rec["effectifs_2019_milliers"]
    ]
    return evaluate(records, w.context.pyramids, w.context.model)


# --- stress tests ------------------------------------------------------------------------------------


@dataclass
class StressView:
    territory: Territory
    shock: Shock
    displaced: list[dict]
    total_displaced: str
    sectors: list[dict]
    indicators: list[tuple[str, str]]
    absorption: list[dict]
    coverage: str
    warnings: list[str]
    sector_source: str


def _fiche_demand(faps_per_year: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """Projected openings per year by fiche (the family's openings spread over its fiches) and the demand
    factor in [0, 1] the career engine takes."""
    fiches = labour.fap87_fiches(sorted(faps_per_year), limit=12)
    per_fiche: dict[str, float] = {}
    for fap, items in fiches.items():
        for code, _ in items:
            per_fiche[code] = per_fiche.get(code, 0.0) + faps_per_year[fap] / max(1, len(items))
    top = max(per_fiche.values(), default=0.0) or 1.0
    return per_fiche, {c: max(0.0, v) / top for c, v in per_fiche.items()}


def stress_view(
    key: str, shock_text: str | None = None, *, shock: Shock | None = None, absorption: bool = True
) -> StressView:
    territory = territory_get(key)
    if territory is None:
        raise LookupError(f"territoire inconnu : {key}")
    if shock is None:
        shock = parse_shock(shock_text or "", "choc")
    run = compute.run_stress(territory, shock)
    warnings = []
    if run.closures_unknown:
        warnings.append(
            "établissement(s) introuvable(s) dans SIRENE importé : " + ", ".join(run.closures_unknown)
        )
    if run.closures_outside:
        raise ShockError("établissement hors du territoire : " + ", ".join(run.closures_outside))
    contrib = pl.DataFrame(
        run.contributions, schema={"fap": pl.String, "siren": pl.String, "value": pl.Float64}, orient="row"
    )
    if contrib.is_empty():
        cells = pl.DataFrame(
            schema={"fap": pl.String, "value": pl.Float64, "units": pl.Int64, "top_share": pl.Float64}
        )
    else:
        estimated = contrib.filter(pl.col("siren") == "estimation")
        observed = contrib.filter(pl.col("siren") != "estimation")
        parts = []
        if not observed.is_empty():
            parts.append(aggregate_contributions(observed, ["fap"], unit="siren"))
        if not estimated.is_empty():
            parts.append(
                estimated.group_by("fap")
                .agg(pl.col("value").sum())
                .with_columns(pl.lit(1000, dtype=pl.UInt32).alias("units"), pl.lit(0.0).alias("top_share"))
            )
        cells = pl.concat([p.with_columns(pl.col("units").cast(pl.Int64)) for p in parts], how="diagonal")
        cells = cells.group_by("fap").agg(
            pl.col("value").sum(), pl.col("units").max(), pl.col("top_share").min()
        )
    cells = cells.filter(pl.col("value") >= 0.5)
    protected = (
        protect(cells, rows="fap")
        if not cells.is_empty()
        else cells.with_columns(pl.lit(False).alias(SECRET))
    )
    labels = compute.world().fap_labels
    fap_label = {m_: lab for code, lab in labels.items() for m_ in params.fap_members(code)}
    body = protected.filter(pl.col("fap") != "Total") if not protected.is_empty() else protected
    body = body.sort("value", descending=True)
    displaced = [
        {"fap": r["fap"], "label": fap_label.get(r["fap"], r["fap"]), "value": _fmt(r["value"], r[SECRET]),
         "raw": None if r[SECRET] else r["value"], "secret": r[SECRET]}
        for r in body.iter_rows(named=True)
    ]  # fmt: skip
    total_value = sum(run.displaced_sector.values())
    # A secret displaced cell (one company dominating, or too few) must not come back through the total, a
    # sector's figure or the exposure (Σ share × loss): when any cell is secret, those are withheld too — on
    # the page, its export, the command and the API alike.
    symbol = load_rules().symbol
    withheld = any(d["secret"] for d in displaced)
    sectors = [
        {
            "sector": s,
            "employment": format_fr(run.sector_employment.get(s, 0)),
            "displaced": symbol if withheld else format_fr(v),
        }
        for s, v in sorted(run.displaced_sector.items(), key=lambda kv: -kv[1])
    ]
    indicators = [
        ("Exposition Σ part × perte", symbol if withheld else f"{format_fr(100 * run.exposure, 1)} %"),
        ("Concentration sectorielle (HHI)", format_fr(run.hhi, 3) if run.hhi is not None else "—"),
        (
            "Part des 5 premiers établissements",
            f"{format_fr(100 * run.top5, 1)} %" if run.top5 is not None else "—",
        ),
        (
            "Sensibilité (Martin)",
            format_fr(run.sensitivity, 2) if run.sensitivity is not None else "non disponible",
        ),
        (
            "Résistance (Martin)",
            format_fr(run.resistance, 2) if run.resistance is not None else "non disponible",
        ),
    ]
    if run.resilience_period:
        indicators.append(("Période de référence de la résilience", run.resilience_period))
    absorbed, cover = [], "—"
    if absorption and displaced:
        absorbed, cover = _absorption(territory, displaced)
    return StressView(
        territory, shock, displaced, symbol if withheld else format_fr(total_value), sectors, indicators, absorbed, cover, warnings,
        "établissements SIRENE (milieu des tranches d'effectif)" if run.sector_source == "sirene"
        else "emploi 2019 estimé par métier × structure secteur × métier (approximation)",
    )  # fmt: skip


def _absorption(territory: Territory, displaced: list[dict], top: int = 6) -> tuple[list[dict], str]:
    """For the most displaced families, the fiches reachable from their main fiche (career-path engine)
    ranked with projected openings, and the training sessions that prepare for them."""
    from gtec.careers.queries import reachable_fiches
    from gtec.training.queries import sessions_for_fiches

    result = compute.run_projection(territory, Scenario.reference(), params.load()["official_horizon"])
    per_fap = {}
    for line in result.lines:
        for member in params.fap_members(line.fap):
            per_fap[member] = line.postes_per_year / len(params.fap_members(line.fap))
    openings, demand = _fiche_demand(per_fap)
    origins = labour.fap87_fiches([d["fap"] for d in displaced[:top]], limit=1)
    out, total_open, total_disp = [], 0.0, 0.0
    for d in displaced[:top]:
        if d["secret"] or not origins.get(d["fap"]):
            continue
        origin, origin_label = origins[d["fap"]][0]
        targets = reachable_fiches(origin, demand=demand, limit=5)
        sessions = sessions_for_fiches([t[0] for t in targets], limit=2)
        reach = sum(openings.get(code, 0.0) for code, *_ in targets)
        total_open += reach
        total_disp += d["raw"] or 0.0
        out.append(
            {
                "fap": d["fap"], "label": d["label"], "displaced": d["value"], "origin": origin_label,
                "coverage": _cover(d["raw"], reach),
                "targets": [
                    {"code": c, "label": lab, "coverage": f"{round(100 * cov)} %", "band": band,
                     "openings": format_fr(openings.get(c, 0.0)),
                     "sessions": [s.intitule if hasattr(s, "intitule") else str(s) for s in sessions.get(c, [])]}
                    for c, lab, cov, band in targets
                ],
            }
        )  # fmt: skip
    return out, _cover(total_disp, total_open)


def _cover(displaced, reach) -> str:
    value = coverage(displaced or 0.0, reach)
    return "—" if value is None else f"{format_fr(100 * value, 0)} %"


def stress_frame(view: StressView) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"territoire": view.territory.key, "choc": view.shock.name, "fap": d["fap"], "famille": d["label"],
             "actifs_deplaces": d["value"]}
            for d in view.displaced
        ],
        schema={"territoire": pl.String, "choc": pl.String, "fap": pl.String, "famille": pl.String,
                "actifs_deplaces": pl.String},
    )  # fmt: skip


def saved_stress(token: str) -> m.StressTest | None:
    return m.StressTest.objects.filter(token=token).first()
