"""Declining the official regional projection to any territory (methods.md §2.2, shift-share [P]).

A territory is a list of `Part`s: a share `weight` of a département's employment (its communes' share of the
département's population), in a région. Each département receives the région's 2019 employment of each FAP
family in proportion to its Dares 2019 employment of that family (tension file), or to its population when
the Dares figure is missing (public-sector families): so the départements of a région add up to the région
exactly, and any set of communes adds up to its département. Creation, departure, young-starter and mobility
rates of the région then apply to the local employment; a territory's own imported employment by FAP
replaces the estimate (and its age structure adjusts departures)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gtec_core.prospective import params
from gtec_core.prospective.accounting import OFFICIAL_YEARS, Line
from gtec_core.prospective.departures import DeparturesModel, combine
from gtec_core.prospective.scenarios import Scenario

THOUSAND = 1000.0


@dataclass(frozen=True)
class Part:
    region: str
    dep: str
    weight: float  # share of the département's employment (communes' population share)


@dataclass
class Official:
    """The official rows of one région, {fap: record}, values in thousands as published."""

    region: str
    rows: dict[str, dict]


@dataclass
class Context:
    """Everything a projection needs besides the territory: official rows by région, Dares 2019 employment
    by département × FAP-87, département population shares within their région, national pyramids, the
    departures model, the staffing shares (FAP | sector) and today's tension by département."""

    official: dict[str, Official]
    dep_employment: dict[str, dict[str, float]]
    dep_region_share: dict[str, float]
    dep_region: dict[str, str]
    pyramids: dict[str, dict[str, float]]
    model: DeparturesModel
    staffing: dict[str, dict[str, float]] = field(default_factory=dict)  # sector -> {fap87: share}
    dep_tension: dict[str, dict[str, int]] = field(default_factory=dict)  # dep -> {fap87: category}
    _dep_cache: dict = field(default_factory=dict)

    def dep_shares(self, region: str) -> dict[str, dict[str, tuple[float, str]]]:
        """{fap: {dep: (share of the région's employment, method)}} for the départements of `region`."""
        if region in self._dep_cache:
            return self._dep_cache[region]
        deps = [d for d, r in self.dep_region.items() if r == region]
        out: dict[str, dict[str, tuple[float, str]]] = {}
        for fap in self.official[region].rows:
            members = params.fap_members(fap)
            dares = {d: sum(self.dep_employment.get(d, {}).get(m, 0.0) for m in members) for d in deps}
            total = sum(dares.values())
            if total > 0:
                out[fap] = {d: (v / total, "dares_departement") for d, v in dares.items()}
            else:
                out[fap] = {d: (self.dep_region_share.get(d, 0.0), "population") for d in deps}
        self._dep_cache[region] = out
        return out


def region_lines(ctx: Context, region: str, labels: Mapping[str, str] | None = None) -> list[Line]:
    """The official figures of a région, exactly as published (people = thousands × 1000)."""
    lines = []
    for fap, rec in ctx.official[region].rows.items():
        lines.append(
            Line(
                fap=fap,
                label=rec["fap_libelle"],
                employment=rec["effectifs_2019_milliers"] * THOUSAND,
                creations=rec["creations_destructions_milliers"] * THOUSAND,
                departures=rec["departs_fin_carriere_milliers"] * THOUSAND,
                young_starters=rec["jeunes_debutants_milliers"] * THOUSAND,
                mobility=rec["solde_mobilites_inter_regions_milliers"] * THOUSAND,
                tension=_level(rec["niveau_tension_2019"]),
                method="official",
            )
        )
    return lines


def _level(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _shift_for(fap: str, shifts: Mapping[str, float]) -> float:
    """The creation-rate shift of a family: the longest matching prefix (FAP code, then domain letter)."""
    best, length = 0.0, -1
    for member in params.fap_members(fap):
        for prefix, value in shifts.items():
            if member.startswith(prefix) and len(prefix) > length:
                best, length = float(value), len(prefix)
    return best


def project(
    ctx: Context,
    parts: list[Part],
    *,
    horizon: int = 2030,
    scenario: Scenario | None = None,
    local_employment: Mapping[str, float] | None = None,
    local_pyramids: Mapping[str, Mapping[str, float]] | None = None,
    local_starters: Mapping[str, float] | None = None,
    is_region: bool = False,
) -> list[Line]:
    """Lines by FAP family for the territory made of `parts`, over 2019 → `horizon`."""
    settings = params.load()
    base, top = settings["base_year"], settings["max_horizon"]
    if horizon <= base:
        raise ValueError(f"horizon {horizon} antérieur ou égal à l'année de base {base}")
    if horizon > top:
        raise ValueError(f"horizon {horizon} au-delà de {top}, l'horizon le plus lointain proposé")
    years = horizon - base
    scenario = scenario or Scenario.reference()
    band_cfg = settings["band"]
    acc: dict[str, Line] = {}
    weights: dict[str, float] = {}
    for part in parts:
        official = ctx.official.get(part.region)
        if official is None:
            continue
        shares = ctx.dep_shares(part.region) if not is_region else {}
        for fap, rec in official.rows.items():
            e_r = rec["effectifs_2019_milliers"] * THOUSAND
            if is_region:
                share, method = part.weight, "official"
            else:
                share, method = shares[fap].get(part.dep, (0.0, "population"))
                share *= part.weight
                if method == "dares_departement" and part.weight < 0.999:
                    method = "population"
            employment = e_r * share
            line = acc.get(fap)
            if line is None:
                line = acc[fap] = Line(
                    fap=fap,
                    label=rec["fap_libelle"],
                    employment=0.0,
                    creations=0.0,
                    departures=0.0,
                    method=method,
                )
                weights[fap] = 0.0
            if method != "official" and line.method != method:
                line.method = "population" if "population" in (method, line.method) else method
            line.employment += employment
            line.creations += rec["creations_destructions_milliers"] * THOUSAND * share
            line.departures += rec["departs_fin_carriere_milliers"] * THOUSAND * share
            line.young_starters += rec["jeunes_debutants_milliers"] * THOUSAND * share
            line.mobility += rec["solde_mobilites_inter_regions_milliers"] * THOUSAND * share
            if employment >= weights[fap]:
                weights[fap] = employment
                line.tension = _tension(ctx, part, fap, rec, is_region)
    lines = list(acc.values())
    for line in lines:
        _adjust(ctx, line, years, scenario, local_employment, local_pyramids, local_starters)
        width = band_cfg.get(line.method, band_cfg["population"])
        if horizon > settings["official_horizon"]:
            width += band_cfg["per_year_beyond_official"] * (horizon - settings["official_horizon"])
        if not scenario.is_reference:
            width = max(width, band_cfg["dares_departement"])
        line.band = width
        if line.employment < settings["small_cell"]["min_employment"] and line.method != "official":
            line.notes.append("petit effectif : à lire avec prudence")
    _apply_employers(ctx, lines, scenario, years)
    return sorted(lines, key=lambda x: -x.postes)


def _tension(ctx: Context, part: Part, fap: str, rec: dict, is_region: bool) -> int | None:
    if not is_region:
        cats = [ctx.dep_tension.get(part.dep, {}).get(m) for m in params.fap_members(fap)]
        cats = [c for c in cats if c]
        if cats:
            return round(sum(cats) / len(cats))
    return _level(rec["niveau_tension_2019"])


def _adjust(
    ctx, line: Line, years: int, scenario: Scenario, local_employment, local_pyramids, local_starters
):
    members = params.fap_members(line.fap)
    if local_employment is not None:
        local = sum(local_employment.get(m, 0.0) for m in members)
        if local > 0 and line.employment > 0:
            factor = local / line.employment
            line.employment = local
            line.creations *= factor
            line.departures *= factor
            line.young_starters *= factor
            line.mobility *= factor
            line.method = "imported"
    national = combine(ctx.pyramids, members)
    if local_pyramids is not None:
        local = combine(local_pyramids, members)
        a, b = ctx.model.rate(local, OFFICIAL_YEARS), ctx.model.rate(national, OFFICIAL_YEARS)
        if a is not None and b:
            line.departures *= a / b
            line.notes.append("départs ajustés sur la pyramide des âges locale")
    line.creations += _shift_for(line.fap, scenario.creation_shift) * line.employment
    line.mobility -= scenario.attractiveness * line.employment
    time = years / OFFICIAL_YEARS
    line.creations *= time
    line.young_starters *= time
    line.mobility *= time
    if years != OFFICIAL_YEARS or scenario.retirement_shift:
        ref = ctx.model.rate(national, OFFICIAL_YEARS)
        new = ctx.model.rate(national, years, scenario.retirement_shift)
        if ref and new is not None:
            line.departures *= new / ref
        else:
            line.departures *= time
    line.years = years
    if local_starters is not None:
        line.local_starters = sum(local_starters.get(m, 0.0) for m in members)


def _apply_employers(ctx: Context, lines: list[Line], scenario: Scenario, years: int) -> None:
    """A new employer (or a closure, negative jobs) in a NAF A38 sector adds its jobs to the families of
    the sector's national staffing pattern (`staffing`), spread over the horizon's creations."""
    by_member = {}
    for line in lines:
        for m in params.fap_members(line.fap):
            by_member[m] = line
    for sector, jobs in scenario.employers:
        shares = ctx.staffing.get(sector)
        if not shares:
            raise ValueError(f"secteur « {sector} » sans structure des emplois par métier")
        present = sum(share for fap, share in shares.items() if fap in by_member)
        for fap, share in shares.items():
            line = by_member.get(fap)
            if line is not None and present:
                line.creations += jobs * share / present  # families absent from the projection: renormalised
