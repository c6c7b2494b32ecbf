"""Our end-of-career departures model (methods.md §2.2, cohort method [P]): age pyramid by FAP × annual
probability of a definitive exit by age. Workers of a band are spread evenly over its single ages and aged
year by year; `Q(band, H) = 1 − Π_k (1 − q(a + k))`, averaged over the band's ages. One calibration factor
makes national departures equal to the official total."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gtec_core.prospective import params

MAX_AGE = 75


@dataclass(frozen=True)
class DeparturesModel:
    bands: dict[str, tuple[int, int]]
    hazard: dict[int, float]  # age -> annual exit probability (step function)
    scale: float = 1.0

    @classmethod
    def from_params(cls, settings: Mapping | None = None) -> DeparturesModel:
        settings = settings or params.load()["departures"]
        bands = {name: (int(lo), int(hi)) for name, (lo, hi) in settings["bands"].items()}
        hazard = {int(age): float(q) for age, q in settings["hazard"].items()}
        return cls(bands, hazard)

    def q(self, age: int) -> float:
        if age >= MAX_AGE:
            return 1.0
        value = 0.0
        for start in sorted(self.hazard):
            if start <= age:
                value = self.hazard[start]
        return value

    def band_exit(self, band: str, years: int, shift: int = 0) -> float:
        """Probability that a worker of `band` leaves employment for good within `years`; `shift` delays
        every exit behaviour by that many years (retirement age + 1 → shift = 1)."""
        lo, hi = self.bands[band]
        total = 0.0
        for age in range(lo, hi + 1):
            stay = 1.0
            for k in range(years):
                stay *= 1.0 - self.q(age + k - shift)
            total += 1.0 - stay
        return total / (hi - lo + 1)

    def rate(self, pyramid: Mapping[str, float], years: int = 11, shift: int = 0) -> float | None:
        """Departures over `years` as a share of employment, for a pyramid {band: workers}."""
        total = sum(v for b, v in pyramid.items() if b in self.bands and v)
        if not total:
            return None
        raw = sum(v * self.band_exit(b, years, shift) for b, v in pyramid.items() if b in self.bands and v)
        return min(1.0, self.scale * raw / total)

    def calibrated(
        self, pyramids: Mapping[str, Mapping[str, float]], targets: Mapping[str, tuple[float, float]]
    ):
        """A copy whose scale makes Σ employment × rate equal Σ official departures over the FAP families
        given in `targets` ({fap: (employment, official departures)}), on the official 11 years."""
        base = DeparturesModel(self.bands, self.hazard, 1.0)
        model_total = official_total = 0.0
        for fap, (employment, departures) in targets.items():
            rate = base.rate(pyramids.get(fap, {}), 11)
            if rate is None:
                continue
            model_total += employment * rate
            official_total += departures
        scale = official_total / model_total if model_total else 1.0
        return DeparturesModel(self.bands, self.hazard, scale)


def combine(pyramids: Mapping[str, Mapping[str, float]], members: list[str]) -> dict[str, float]:
    """Sum the pyramids of several FAP families (a grouped Métiers 2030 code)."""
    out: dict[str, float] = {}
    for fap in members:
        for band, value in pyramids.get(fap, {}).items():
            out[band] = out.get(band, 0.0) + (value or 0.0)
    return out


def evaluate(
    records: list[dict], pyramids: Mapping[str, Mapping[str, float]], model: DeparturesModel
) -> dict:
    """Compare model departures (share of 2019 employment) with the official ones FAP × région. Records are
    the official rows (`code_fap`, `region`, `effectifs_2019_milliers`, `departs_fin_carriere_pct`). Returns
    the MAE in points, the MAE after a per-région calibration, and the worst families."""
    rows = []
    for rec in records:
        rate = model.rate(combine(pyramids, params.fap_members(rec["code_fap"])), 11)
        if rate is None:
            continue
        rows.append(
            (
                rec["region"],
                rec["code_fap"],
                rec["fap_libelle"],
                rec["effectifs_2019_milliers"],
                rate,
                rec["departs_fin_carriere_pct"],
            )
        )
    if not rows:
        return {"n": 0}
    mae = sum(abs(r[4] - r[5]) for r in rows) / len(rows) * 100
    weighted = sum(abs(r[4] - r[5]) * r[3] for r in rows) / sum(r[3] for r in rows) * 100
    by_region: dict[str, list] = {}
    for r in rows:
        by_region.setdefault(r[0], []).append(r)
    regional = []
    for items in by_region.values():
        k = sum(r[5] * r[3] for r in items) / sum(r[4] * r[3] for r in items)
        regional.extend(abs(min(1.0, r[4] * k) - r[5]) for r in items)
    by_fap: dict[str, list] = {}
    for r in rows:
        by_fap.setdefault(r[1], []).append(r)
    worst = sorted(
        (
            {
                "fap": fap,
                "label": items[0][2],
                "error_points": sum(r[4] - r[5] for r in items) / len(items) * 100,
                "model_pct": sum(r[4] for r in items) / len(items) * 100,
                "official_pct": sum(r[5] for r in items) / len(items) * 100,
            }
            for fap, items in by_fap.items()
        ),
        key=lambda d: -abs(d["error_points"]),
    )
    return {
        "n": len(rows),
        "mae_points": mae,
        "weighted_mae_points": weighted,
        "regional_calibration_mae_points": sum(regional) / len(regional) * 100,
        "worst": worst,
        "scale": model.scale,
    }
