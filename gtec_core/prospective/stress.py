"""Shock stress tests (methods.md §5.2–5.3): a declared shock → displaced workers by occupation → exposure,
resilience and concentration of the territory → absorption by reachable occupations.

A shock is a small YAML object (French field names):

    nom: Fermeture du site X
    preset: insee-2020-03         # or: pertes: {IZ: 0.6, RZ: 0.4}  (loss rate by NAF A38 sector)
    fermetures: ["12345678900012"] # SIRET of establishments that close (jobs: SIRENE size band midpoint)
    duree_mois: 3
    transmission: 0.3             # share of the activity loss that turns into job losses
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from gtec_core.prospective import params
from gtec_core.prospective.scenarios import SECTORS

FIELDS = {"nom", "preset", "pertes", "fermetures", "duree_mois", "transmission", "description"}
# SIRENE « tranche d'effectif salarié » → midpoint (people) [P: the band's middle].
BAND_MIDPOINT = {
    "00": 0, "01": 1.5, "02": 4, "03": 7.5, "11": 14.5, "12": 34.5, "21": 74.5, "22": 149.5, "31": 224.5,
    "32": 374.5, "41": 749.5, "42": 1499.5, "51": 3499.5, "52": 7499.5, "53": 10000,
}  # fmt: skip


class ShockError(ValueError):
    """A shock that cannot be used; the message is French and names the file, line and field."""


@dataclass(frozen=True)
class Shock:
    name: str
    losses: dict[str, float] = field(default_factory=dict)  # NAF A38 sector -> activity loss rate
    closures: tuple[str, ...] = ()
    duration_months: float = 1.0
    pass_through: float = 1.0
    preset: str = ""
    seasonal_weighting: bool = False


def preset_names() -> list[str]:
    return list(params.load()["shock_presets"])


def sector_losses_from_groups(losses: Mapping[str, float]) -> dict[str, float]:
    """Insee losses by group (agri_iaa, industry…) → by A38 sector."""
    groups = params.load()["sector_groups"]
    return {sector: float(losses[g]) for g, sectors in groups.items() if g in losses for sector in sectors}


def preset(name: str) -> Shock:
    data = params.load()["shock_presets"].get(name)
    if data is None:
        raise ShockError(f"préréglage inconnu « {name} » : choisir parmi {', '.join(preset_names())}")
    losses = (
        sector_losses_from_groups(params.insee_losses(data["losses_from"]))
        if "losses_from" in data
        else {k: float(v) for k, v in data["losses"].items()}
    )
    return Shock(
        name=data["label"],
        losses=losses,
        duration_months=float(data["duration_months"]),
        pass_through=float(data["pass_through"]),
        preset=name,
        seasonal_weighting=bool(data.get("seasonal_weighting", False)),
    )


def _line_of(text: str, key: str) -> str:
    for i, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*:", line):
            return f", ligne {i}"
    return ""


def parse_shock(text: str, source: str = "choc") -> Shock:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", ligne {mark.line + 1}" if mark else ""
        raise ShockError(f"{source}{where} : YAML illisible") from None
    if not isinstance(data, dict):
        raise ShockError(
            f"{source} : un dictionnaire de champs est attendu (nom, preset, pertes, fermetures…)"
        )

    def fail(key: str, message: str):
        raise ShockError(f"{source}{_line_of(text, key)}, champ « {key} » : {message}")

    unknown = sorted(set(map(str, data)) - FIELDS)
    if unknown:
        fail(unknown[0], f"inconnu (champs admis : {', '.join(sorted(FIELDS))})")
    base = preset(str(data["preset"])) if data.get("preset") else Shock(name="")
    losses = dict(base.losses)
    raw = data.get("pertes") or {}
    if not isinstance(raw, dict):
        fail("pertes", "un dictionnaire secteur NAF A38 → taux de perte est attendu")
    for sector, rate in raw.items():
        sector = str(sector).upper()
        if sector not in SECTORS:
            fail("pertes", f"code NAF A38 inconnu « {sector} »")
        if not isinstance(rate, int | float) or isinstance(rate, bool) or not 0 <= rate <= 1:
            fail("pertes", f"taux entre 0 et 1 attendu pour {sector}, lu « {rate} »")
        losses[sector] = float(rate)
    closures = data.get("fermetures") or []
    if not isinstance(closures, list):
        fail("fermetures", "une liste de SIRET est attendue")
    sirets = []
    for item in closures:
        siret = re.sub(r"\s", "", str(item))
        if not re.fullmatch(r"\d{14}", siret):
            fail("fermetures", f"SIRET à 14 chiffres attendu, lu « {item} »")
        sirets.append(siret)
    duration = data.get("duree_mois", base.duration_months)
    if not isinstance(duration, int | float) or isinstance(duration, bool) or not 0 < duration <= 60:
        fail("duree_mois", "durée en mois entre 1 et 60 attendue")
    rate = data.get("transmission", base.pass_through)
    if not isinstance(rate, int | float) or isinstance(rate, bool) or not 0 <= rate <= 1:
        fail("transmission", "part entre 0 et 1 attendue")
    if not losses and not sirets:
        raise ShockError(f"{source} : le choc ne déclare ni pertes par secteur, ni préréglage, ni fermetures")
    return Shock(
        name=str(data.get("nom") or base.name or "Choc déclaré"),
        losses=losses,
        closures=tuple(sirets),
        duration_months=float(duration),
        pass_through=float(rate),
        preset=base.preset,
        seasonal_weighting=base.seasonal_weighting,
    )


# --- indicators (methods.md §5) ----------------------------------------------------------------------


def exposure(shares: Mapping[str, float], losses: Mapping[str, float]) -> float:
    """EXPO_r = Σ_s s(r,s) · loss_s (France Stratégie 2020, shift-share form)."""
    return sum(share * losses.get(sector, 0.0) for sector, share in shares.items())


def sensitivity(change_r: float, level_r: float, change_n: float, level_n: float) -> float | None:
    """Martin (2012) SI = (ΔE_r/E_r) / (ΔE_N/E_N); None when the nation's change is about 0."""
    if not level_r or not level_n:
        return None
    national = change_n / level_n
    if abs(national) < 1e-9:
        return None
    return (change_r / level_r) / national


def resistance(
    change_r: float, start_by_sector: Mapping[str, float], growth_n: Mapping[str, float]
) -> float | None:
    """Martin et al. (2016): (ΔE_r − ΔE_r^exp) / |ΔE_r^exp|, ΔE_r^exp = Σ_s E_{r,s}^{t0} g_{N,s}."""
    expected = sum(e * growth_n.get(s, 0.0) for s, e in start_by_sector.items())
    if abs(expected) < 1e-9:
        return None
    return (change_r - expected) / abs(expected)


def hhi(values: Mapping[str, float]) -> float | None:
    total = sum(v for v in values.values() if v > 0)
    if not total:
        return None
    return sum((v / total) ** 2 for v in values.values() if v > 0)


def top_share(values: list[float], n: int = 5) -> float | None:
    total = sum(values)
    if not total:
        return None
    return sum(sorted(values, reverse=True)[:n]) / total


def displaced_by_sector(
    employment: Mapping[str, float], shock: Shock, seasonal: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Jobs lost by sector: E_s × loss_s × pass-through (× (1 + seasonal share) for a tourism preset)."""
    out = {}
    for sector, e in employment.items():
        loss = shock.losses.get(sector, 0.0)
        if shock.seasonal_weighting and seasonal:
            loss = min(1.0, loss * (1.0 + seasonal.get(sector, 0.0)))
        if loss and e:
            out[sector] = e * loss * shock.pass_through
    return out


def displaced_by_fap(
    by_sector: Mapping[str, float], staffing: Mapping[str, Mapping[str, float]]
) -> dict[str, float]:
    """Spread sector job losses over occupations through the staffing shares (FAP | sector)."""
    out: dict[str, float] = defaultdict(float)
    for sector, jobs in by_sector.items():
        for fap, share in staffing.get(sector, {}).items():
            out[fap] += jobs * share
    return dict(out)


def establishment_jobs(band: str) -> float:
    return float(BAND_MIDPOINT.get(str(band or "").strip(), 0))


def coverage(displaced: float, openings_within_reach: float) -> float | None:
    """Openings within reach ÷ displaced workers (≥ 1: the territory's openings could absorb them)."""
    if displaced <= 0 or math.isnan(displaced):
        return None
    return openings_within_reach / displaced
