"""Read side of the action plan: the territory's actions, each with the before / after of its indicators
(baseline copied at creation against the latest published value), its partners' contributions and its
retex journal; the journal's search and export."""

from __future__ import annotations

from django.db.models import Q, Sum

from gtec.territories import queries as tq
from gtec_core.french import format_fr
from gtec_core.indicators.registry import REGISTRY

from .models import PUBLICS, RETEX_KINDS, STATUSES, Action, RetexEntry
from .services import published_value

TRACKED = [
    "lack_of_labour",
    "dares_tension",
    "bmo_difficulty_rate",
    "offers_demand_ratio",
    "hiring_intensity",
    "non_durability",
    "geographic_mismatch",
]


def territory_get(key: str):
    return tq.territory_get(key)


def actions_of(territory):
    return (
        Action.objects.filter(territory=territory)
        .select_related("lead")
        .prefetch_related("partners", "indicators")
    )


def action_get(pk: int) -> Action | None:
    return Action.objects.filter(pk=pk).select_related("lead", "territory").first()


def indicator_choices() -> list[tuple[str, str]]:
    return [(name, REGISTRY[name].label) for name in TRACKED]


def followup(action: Action) -> list[dict]:
    """Before / after of each indicator: the baseline as copied, the latest published value now (a later
    period once new data are imported), the change and whether it goes the way aimed at."""
    rows = []
    for ind in action.indicators.all():
        now = published_value(ind.indicator, ind.territory, ind.occupation)
        moved = None
        if (
            ind.baseline_value is not None
            and now["value"] is not None
            and now["period"] != ind.baseline_period
        ):
            delta = now["value"] - ind.baseline_value
            moved = "stable" if abs(delta) < 1e-9 else ("hausse" if delta > 0 else "baisse")
        reached = None
        if ind.target_value is not None and now["value"] is not None and moved is not None:
            reached = (
                now["value"] >= ind.target_value
                if ind.direction == "hausse"
                else now["value"] <= ind.target_value
            )
        rows.append(
            {
                "label": REGISTRY[ind.indicator].label if ind.indicator in REGISTRY else ind.indicator,
                "occupation": ind.occupation_label or ind.occupation,
                "before": ind.baseline_display,
                "before_period": ind.baseline_period,
                "after": now["display"],
                "after_period": now["period"],
                "moved": moved,
                "good": moved is not None and moved == ind.direction,
                "target": format_fr(ind.target_value, 2) if ind.target_value is not None else "",
                "direction": ind.get_direction_display(),
                "reached": reached,
                "run": ind.baseline_run,
            }
        )
    return rows


def action_detail(action: Action) -> dict:
    contributions = list(action.contributions.select_related("organisation"))
    total = action.contributions.aggregate(s=Sum("amount"))["s"]
    return {
        "action": action,
        "partners": list(action.partners.all()),
        "areas": list(action.areas.all()),
        "followup": followup(action),
        "contributions": contributions,
        "contributed": format_fr(float(total), 0) if total is not None else "",
        "retex": list(action.retex.select_related("organisation")),
        "occupations": action.occupations,
    }


def retex_search(territory, text: str = "", kind: str = "", action: int | None = None):
    """Entries of the territory's actions whose title, text or action title holds every word typed."""
    qs = RetexEntry.objects.filter(action__territory=territory).select_related("action", "organisation")
    for word in text.split()[:8]:
        qs = qs.filter(Q(title__icontains=word) | Q(text__icontains=word) | Q(action__title__icontains=word))
    if kind in dict(RETEX_KINDS):
        qs = qs.filter(kind=kind)
    if action:
        qs = qs.filter(action_id=action)
    return qs


def retex_rows(entries) -> tuple[list[str], list[list]]:
    header = ["date", "action", "nature", "titre", "recit", "organisation"]
    kinds = dict(RETEX_KINDS)
    rows = [
        [
            e.date.isoformat(),
            e.action.title,
            kinds.get(e.kind, e.kind),
            e.title,
            e.text,
            e.organisation.name if e.organisation else "",
        ]
        for e in entries
    ]
    return header, rows


STATUS_LABELS = dict(STATUSES)
PUBLIC_LABELS = dict(PUBLICS)
