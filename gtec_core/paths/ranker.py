"""Ranking reachable fiches for a person, with the reason for each (methods.md §3, paths.yaml).

Factors, each in [0, 1]:
- skills: coverage of the destination's weighted skills by the person's (matrix.py, methods.md §3.2);
- mobility: the ROME 4.0 mobility list of the person's métiers (unix_rubrique_mobilite, numero_ordre 1 =
  closest), 1 / log2(1 + rank), the discount of nDCG; best over the person's métiers;
- demand: local labour demand, built by `demand_factors` from the figures the labour app publishes;
- training: local training sessions leading to the fiche, built by `training_factors`.
Score = Σ weight × factor / Σ weight over the factors whose input was given: with no optional input the
ranking is by coverage alone. The score is non-decreasing in every factor (tests/core/test_paths.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from gtec_core.paths.matrix import SkillMatrix, SkillWeights

PARAMS_FILE = Path(__file__).resolve().parent.parent / "parameters" / "paths.yaml"
FACTORS = ("skills", "mobility", "demand", "training")


@dataclass(frozen=True)
class PathsParams:
    weights: Mapping[str, float]
    skill_weights: SkillWeights
    missing_value: float = 0.0
    min_coverage: float = 0.15
    relative_floor: float = 0.5
    bands: Mapping[str, float] = field(default_factory=lambda: {"proche": 0.6, "accessible": 0.35})
    limit: int = 20
    demand_components: Mapping[str, str] = field(default_factory=dict)
    category_max: float = 5.0
    training_max_km: float = 30.0
    far_factor: float = 0.5
    date: str = ""


def load_params(path: Path = PARAMS_FILE) -> PathsParams:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    skills = data["skills"]
    coeur = {("" if k == "autre" else k): float(v) for k, v in skills["coeur_weights"].items()}
    ranking = data["ranking"]
    return PathsParams(
        weights={k: float(ranking["weights"].get(k, 0.0)) for k in FACTORS},
        skill_weights=SkillWeights(
            coeur, {k: float(v) for k, v in skills["kind_weights"].items()}, float(skills["macro_credit"])
        ),
        missing_value=float(ranking["missing_value"]),
        min_coverage=float(ranking["min_coverage"]),
        relative_floor=float(ranking.get("relative_floor", 0.5)),
        bands={k: float(v) for k, v in ranking["bands"].items()},
        limit=int(ranking["limit"]),
        demand_components=dict(data["demand"]["components"]),
        category_max=float(data["demand"]["category_max"]),
        training_max_km=float(data["training"]["default_max_km"]),
        far_factor=float(data["training"]["far_factor"]),
        date=str(data.get("date", "")),
    )


@dataclass(frozen=True)
class RankedPath:
    code_rome: str
    label: str
    score: float
    coverage: float
    band: str  # proche, accessible, reconversion
    factors: Mapping[str, float | None]  # None: input given but nothing for this fiche; absent: no input
    mobility_rank: int | None = None
    mobility_from: str | None = None


def mobility_factor(rank: int) -> float:
    return 1.0 / math.log2(1 + rank)


def band_of(coverage: float, bands: Mapping[str, float]) -> str:
    if coverage >= bands.get("proche", 0.6):
        return "proche"
    if coverage >= bands.get("accessible", 0.35):
        return "accessible"
    return "reconversion"


def rank_paths(
    matrix: SkillMatrix,
    skills: Iterable[int],
    params: PathsParams,
    *,
    origins: Iterable[str] = (),
    mobility: Mapping[str, Mapping[str, int]] | None = None,
    demand: Mapping[str, float] | None = None,
    training: Mapping[str, float] | None = None,
    limit: int | None = None,
    exclude_origins: bool = True,
) -> list[RankedPath]:
    """The person's reachable fiches, best first. `origins`: fiches of the métiers the person has held;
    `mobility`: source fiche → {target fiche: numero_ordre}; `demand` and `training`: fiche → factor."""
    origins = [o for o in dict.fromkeys(origins)]
    covs = matrix.coverages(skills)
    best_mob: dict[str, tuple[int, str]] = {}
    if mobility is not None:
        for o in origins:
            for target, rank in mobility.get(o, {}).items():
                if target not in best_mob or rank < best_mob[target][0]:
                    best_mob[target] = (rank, o)
    inputs = {
        "skills": True,
        "mobility": mobility is not None and bool(origins),
        "demand": demand is not None,
        "training": training is not None,
    }
    active = {f: params.weights.get(f, 0.0) for f in FACTORS if inputs[f]}
    total_weight = sum(active.values()) or 1.0
    floor = min(params.min_coverage, params.relative_floor * max(covs.values(), default=0.0))
    candidates = {r for r, c in covs.items() if c >= floor and c > 0} | set(best_mob)
    if exclude_origins:
        candidates -= set(origins)
    candidates &= set(matrix.rows) | set(best_mob)
    ranked = []
    for rome in candidates:
        cov = covs.get(rome, 0.0)
        factors: dict[str, float | None] = {"skills": cov}
        if inputs["mobility"]:
            factors["mobility"] = mobility_factor(best_mob[rome][0]) if rome in best_mob else 0.0
        for name, values in (("demand", demand), ("training", training)):
            if values is not None:
                factors[name] = min(max(values[rome], 0.0), 1.0) if rome in values else None
        score = sum(
            w * (params.missing_value if factors[f] is None else factors[f]) for f, w in active.items()
        )
        mob = best_mob.get(rome)
        ranked.append(
            RankedPath(
                rome,
                matrix.fiches.get(rome, rome),
                round(score / total_weight, 6),
                cov,
                band_of(cov, params.bands),
                factors,
                mob[0] if mob else None,
                mob[1] if mob else None,
            )
        )
    ranked.sort(key=lambda p: (-p.score, -p.coverage, p.code_rome))
    return ranked[: limit or params.limit]


def demand_factors(figures: Mapping[str, Mapping], params: PathsParams) -> dict[str, float]:
    """Local figures per fiche → one factor in [0, 1]: mean of the components present (paths.yaml `demand`).
    Counts are log-scaled against the largest count among the fiches given; categories divided by their max."""
    top: dict[str, float] = {}
    for name, kind in params.demand_components.items():
        if kind == "count":
            top[name] = max((_num(f.get(name)) or 0.0 for f in figures.values()), default=0.0)
    out = {}
    for rome, f in figures.items():
        parts = []
        for name, kind in params.demand_components.items():
            value = _num(f.get(name))
            if value is None:
                continue
            if kind == "count":
                parts.append(math.log1p(value) / math.log1p(top[name]) if top[name] > 0 else 0.0)
            else:
                parts.append(min(max((value - 1) / (params.category_max - 1), 0.0), 1.0))
        if parts:
            out[rome] = sum(parts) / len(parts)
    return out


def training_factors(
    distances: Mapping[str, Iterable[float | None]], params: PathsParams, max_km: float | None = None
) -> dict[str, float]:
    """Fiche → distances (km, None if unknown) of its local sessions → factor: 1 at the door, `far_factor` at
    the distance limit; a session of unknown distance counts as at the limit."""
    limit = max_km or params.training_max_km
    out = {}
    for rome, values in distances.items():
        best = None
        for d in values:
            f = params.far_factor if d is None else 1.0 - (1.0 - params.far_factor) * min(d / limit, 1.0)
            best = f if best is None else max(best, f)
        if best is not None:
            out[rome] = best
    return out


def _num(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
