"""The Dares tension as published (FAP 2009) for a territory, or below the département for its département,
with the plain-French note saying so."""

from __future__ import annotations

from collections import defaultdict

from gtec.labour import models as m
from gtec.labour.read.cells import (
    TENSION_LABELS,
    cached,
    indicator_cell,
    origin_label,
)
from gtec.referentials.models import Fap
from gtec.territories.models import Territory
from gtec_core.french import format_fr


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
