"""Assemble the inputs of `gtec_core.prospective` from the database (through the read modules of the other
apps) and run projections and stress tests. Internal to the app: pages, exports and the CLI go through
`gtec.prospective.queries`, which formats and protects every figure."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max

from gtec.imports.models import ImportRun
from gtec.labour import read as labour
from gtec.prospective import models as m
from gtec.territories.models import Territory
from gtec_core.prospective import params
from gtec_core.prospective.accounting import Line
from gtec_core.prospective.departures import DeparturesModel, combine
from gtec_core.prospective.localise import Context, Official, Part, project
from gtec_core.prospective.scenarios import Scenario
from gtec_core.prospective.staffing import naf_to_a38, shares_by_fap, shares_by_sector
from gtec_core.prospective.stress import (
    Shock,
    displaced_by_fap,
    displaced_by_sector,
    establishment_jobs,
    exposure,
    hhi,
    resistance,
    sensitivity,
    top_share,
)

_lock = threading.Lock()
_cache: dict[str, object] = {"stamp": None, "value": None}


class NoProjection(LookupError):
    """The official projection is not imported, or the territory lies outside its field (DOM)."""


@dataclass
class World:
    context: Context
    commune_dep: dict[str, tuple[str, int]]  # commune code -> (dep, population)
    dep_population: dict[str, int]
    region_names: dict[str, str]
    staffing_cells: list[dict]
    staffing_source: str
    fap_labels: dict[str, str] = field(default_factory=dict)


def _stamp() -> tuple:
    return (ImportRun.objects.aggregate(v=Max("pk"))["v"],)


def world() -> World:
    """Everything that does not depend on the territory, built once per import and process."""
    stamp = _stamp()
    with _lock:
        if _cache["value"] is None or _cache["stamp"] != stamp:
            _cache["value"] = _build()
            _cache["stamp"] = stamp
        return _cache["value"]  # type: ignore[return-value]


def _build() -> World:
    official: dict[str, Official] = {}
    names: dict[str, str] = {}
    labels: dict[str, str] = {}
    for rec in m.RegionalProjection.objects.all().values():
        row = {
            "code_fap": rec["code_fap"],
            "fap_libelle": rec["libelle_fap"],
            "effectifs_2019_milliers": rec["effectifs_2019"],
            "creations_destructions_milliers": rec["creations"],
            "departs_fin_carriere_milliers": rec["departs"],
            "jeunes_debutants_milliers": rec["jeunes_debutants"],
            "solde_mobilites_inter_regions_milliers": rec["mobilites"],
            "desequilibre_milliers": rec["desequilibre"],
            "postes_a_pourvoir_milliers": rec["postes_a_pourvoir"],
            "niveau_tension_2019": rec["niveau_tension_2019"],
        }
        official.setdefault(rec["code_region"], Official(rec["code_region"], {})).rows[rec["code_fap"]] = row
        names[rec["code_region"]] = rec["region"]
        labels[rec["code_fap"]] = rec["libelle_fap"]
    commune_dep: dict[str, tuple[str, int]] = {}
    dep_population: dict[str, int] = defaultdict(int)
    for code, dep, pop in Territory.objects.filter(scale="commune", actif=True).values_list(
        "code", "parent__code", "population"
    ):
        if dep:
            commune_dep[code] = (dep, pop or 0)
            dep_population[dep] += pop or 0
    dep_region = dict(
        Territory.objects.filter(scale="dep", parent__scale="reg").values_list("code", "parent__code")
    )
    region_population: dict[str, int] = defaultdict(int)
    for dep, reg in dep_region.items():
        region_population[reg] += dep_population.get(dep, 0)
    dep_share = {
        d: dep_population.get(d, 0) / region_population[r] if region_population[r] else 0.0
        for d, r in dep_region.items()
    }
    employment, tension = labour.dares_departement_faps()
    pyramids = labour.national_age_pyramids()
    model = DeparturesModel.from_params()
    targets: dict[str, tuple[float, float]] = {}
    group_pyramids = {}
    for region in official.values():
        for fap, rec in region.rows.items():
            e, d = targets.get(fap, (0.0, 0.0))
            targets[fap] = (e + rec["effectifs_2019_milliers"], d + rec["departs_fin_carriere_milliers"])
            group_pyramids[fap] = combine(pyramids, params.fap_members(fap))
    if targets:
        model = model.calibrated(group_pyramids, targets)
    source = "import" if m.StaffingCell.objects.filter(source="import").exists() else "dares-portrait"
    cells = [
        {"sector": s, "fap": f, "employment": e, "approximated": a}
        for s, f, e, a in m.StaffingCell.objects.filter(source=source).values_list(
            "secteur", "code_fap", "effectif", "approximation"
        )
    ]
    ctx = Context(
        official=official,
        dep_employment=employment,
        dep_region_share=dep_share,
        dep_region=dep_region,
        pyramids=pyramids,
        model=model,
        staffing=shares_by_sector(cells),
        dep_tension=tension,
    )
    return World(ctx, commune_dep, dict(dep_population), names, cells, source, labels)


def parts_of(w: World, territory: Territory) -> tuple[list[Part], bool]:
    """The territory as parts of départements (population weights), or the région itself."""
    if territory.scale == "reg":
        if territory.code not in w.context.official:
            raise NoProjection(
                f"{territory.name} : hors du champ de « Les métiers en 2030 » (France métropolitaine)"
            )
        return [Part(territory.code, territory.code, 1.0)], True
    if territory.scale == "dep":
        region = w.context.dep_region.get(territory.code)
        if region not in w.context.official:
            raise NoProjection(
                f"{territory.name} : hors du champ de « Les métiers en 2030 » (France métropolitaine)"
            )
        return [Part(region, territory.code, 1.0)], False
    codes = territory.communes().values_list("code", flat=True)
    by_dep: dict[str, int] = defaultdict(int)
    for code in codes:
        dep, pop = w.commune_dep.get(code, (None, 0))
        if dep:
            by_dep[dep] += pop
    parts = [
        Part(w.context.dep_region[d], d, pop / w.dep_population[d])
        for d, pop in sorted(by_dep.items())
        if w.dep_population.get(d) and w.context.dep_region.get(d) in w.context.official
    ]
    if not parts:
        raise NoProjection(
            f"{territory.display_name} : hors du champ de « Les métiers en 2030 » (France métropolitaine)"
        )
    return parts, False


@dataclass
class Projection:
    territory: Territory
    lines: list[Line]
    scenario: Scenario
    horizon: int
    local_year: int | None = None
    local_synthetic: bool = False
    regions: list[str] = field(default_factory=list)


def run_projection(
    territory: Territory, scenario: Scenario, horizon: int, *, local_starters: dict | None = None
) -> Projection:
    w = world()
    if not w.context.official:
        raise NoProjection(
            "la projection officielle « Les métiers en 2030 » n'a pas encore été chargée sur ce site"
        )
    parts, is_region = parts_of(w, territory)
    local, year, synthetic = ({}, None, False) if is_region else labour.local_employment(territory)
    local_emp = {f: sum(b.values()) for f, b in local.items()} if local else None
    lines = project(
        w.context,
        parts,
        horizon=horizon,
        scenario=scenario,
        local_employment=local_emp,
        local_pyramids=local or None,
        local_starters=local_starters,
        is_region=is_region,
    )
    regions = sorted({w.region_names.get(p.region, p.region) for p in parts})
    return Projection(territory, lines, scenario, horizon, year, synthetic, regions)


# --- stress tests ------------------------------------------------------------------------------------


@dataclass
class StressRun:
    territory: Territory
    shock: Shock
    sector_employment: dict[str, float]
    sector_source: str
    displaced_sector: dict[str, float]
    contributions: list[tuple[str, str, float]]  # (fap, unit id, displaced)
    exposure: float
    hhi: float | None
    top5: float | None
    sensitivity: float | None
    resistance: float | None
    resilience_period: str
    closures_unknown: list[str]
    closures_outside: list[str]


def sector_employment_of(territory: Territory, w: World) -> tuple[dict[str, float], str, list[tuple]]:
    """Local employment by A38 sector: SIRENE establishments (size band midpoints) where imported, else the
    projection's 2019 employment by FAP spread over sectors through the staffing matrix."""
    rows = labour.establishments_of(territory)
    if rows:
        out: dict[str, float] = defaultdict(float)
        units = []
        for siret, siren, naf, band in rows:
            sector = naf_to_a38(naf or "")
            jobs = establishment_jobs(band)
            if sector and jobs:
                out[sector] += jobs
                units.append((siret, siren, sector, jobs))
        if out:
            return dict(out), "sirene", units
    projection = run_projection(territory, Scenario.reference(), params.load()["official_horizon"])
    by_fap = shares_by_fap(w.staffing_cells)
    out = defaultdict(float)
    for line in projection.lines:
        members = params.fap_members(line.fap)
        for fap in members:
            for sector, share in by_fap.get(fap, {}).items():
                out[sector] += line.employment * share / len(members)
    return dict(out), "projection", []


def _resilience(territory: Territory) -> tuple[float | None, float | None, str]:
    """Martin sensitivity and resistance over the first two years of the job-seeker series held, against
    the département (or région) of the territory; job seekers rise in a shock, so the signs are flipped
    (employment proxy = − job seekers)."""
    local = labour.jobseekers_by_year(territory)
    years = sorted(local)
    if len(years) < 2:
        return None, None, ""
    y0, y1 = years[0], years[1]
    parent = territory
    commune = territory.communes().select_related("parent").first()
    if commune is not None and commune.parent is not None:
        parent = commune.parent if territory.scale != "dep" else (commune.parent.parent or commune.parent)
    reference = labour.jobseekers_by_year(parent) if parent != territory else local
    if y0 not in reference or y1 not in reference:
        return None, None, ""
    lr0, lr1 = sum(local[y0].values()), sum(local[y1].values())
    n0, n1 = sum(reference[y0].values()), sum(reference[y1].values())
    si = sensitivity(lr1 - lr0, lr0, n1 - n0, n0)
    growth = {r: (reference[y1].get(r, 0.0) - v) / v for r, v in reference[y0].items() if v}
    res = resistance(-(lr1 - lr0), local[y0], {r: -g for r, g in growth.items()})
    return si, res, f"{y0} → {y1}, demandeurs d'emploi ABC (référence : {parent.display_name})"


def run_stress(territory: Territory, shock: Shock) -> StressRun:
    w = world()
    employment, source, units = sector_employment_of(territory, w)
    seasonal = {}
    if shock.seasonal_weighting:
        by_prefix = labour.bmo_seasonal_shares(territory)
        for sector, shares in w.context.staffing.items():
            seasonal[sector] = sum(share * by_prefix.get(fap[:2], 0.0) for fap, share in shares.items())
    # a closed establishment loses all its jobs (below), not a share of them through its sector's rate
    closed = set(shock.closures)
    open_units = [u for u in units if u[0] not in closed]
    at_risk = employment
    if units:
        at_risk = defaultdict(float)
        for _siret, _siren, sector, jobs in open_units:
            at_risk[sector] += jobs
    by_sector = displaced_by_sector(at_risk, shock, seasonal)
    contributions: list[tuple[str, str, float]] = []
    if units:
        total = defaultdict(float)
        for _siret, _siren, sector, jobs in open_units:
            total[sector] += jobs
        for _siret, siren, sector, jobs in open_units:
            if sector in by_sector and total[sector]:
                part = by_sector[sector] * jobs / total[sector]
                for fap, share in w.context.staffing.get(sector, {}).items():
                    contributions.append((fap, siren, part * share))
    else:
        for fap, value in displaced_by_fap(by_sector, w.context.staffing).items():
            contributions.append((fap, "estimation", value))
    unknown, outside = [], []
    if shock.closures:
        found = labour.establishments_by_siret(list(shock.closures))
        communes = set(territory.communes().values_list("code", flat=True))
        for siret in shock.closures:
            if siret not in found:
                unknown.append(siret)
                continue
            siren, naf, band, commune = found[siret]
            if commune not in communes:
                outside.append(siret)
                continue
            sector = naf_to_a38(naf or "")
            jobs = establishment_jobs(band)
            if sector and jobs:
                by_sector[sector] = by_sector.get(sector, 0.0) + jobs
                for fap, share in w.context.staffing.get(sector, {}).items():
                    contributions.append((fap, siren, jobs * share))
    total_emp = sum(employment.values())
    shares = {s: v / total_emp for s, v in employment.items()} if total_emp else {}
    si, res, period = _resilience(territory)
    return StressRun(
        territory=territory,
        shock=shock,
        sector_employment=employment,
        sector_source=source,
        displaced_sector=by_sector,
        contributions=contributions,
        exposure=exposure(shares, shock.losses),
        hhi=hhi(employment),
        top5=top_share([u[3] for u in units], 5) if units else None,
        sensitivity=si,
        resistance=res,
        resilience_period=period,
        closures_unknown=unknown,
        closures_outside=outside,
    )
