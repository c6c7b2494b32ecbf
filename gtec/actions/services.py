"""Use cases of the action plan: create an action with the baselines of its indicators, record a partner's
contribution, write a retex entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from gtec.labour import read as lq
from gtec.territories.models import Territory
from gtec_core.indicators.registry import REGISTRY

from .models import Action, ActionIndicator, Contribution, RetexEntry


def published_value(indicator: str, territory: Territory, occupation: str = "") -> dict:
    """The latest published value of an indicator for a territory (all occupations, or one FAP-2021 family),
    as the pages show it: secret values come as « s » without their value; `run` is the import run that
    computed it."""
    kind = "fap2021" if occupation else "all"
    hidden = None
    for period in lq.periods(territory):
        obs = lq.observation(indicator, territory, period, occupation, kind)
        if obs is not None:
            # a rate built on a BMO count the territory's pages show « s » is « s » here too (#14)
            hidden = lq.hidden_projects(territory) if hidden is None else hidden
            cell = lq.indicator_cell(obs, hidden)
            return {
                "period": period,
                "value": cell.value,
                "display": cell.display,
                "status": cell.status,
                "run": obs.run_id,
            }
    return {"period": "", "value": None, "display": lq.UNAVAILABLE, "status": "missing", "run": None}


def action_create(
    *,
    territory: Territory,
    user,
    fields: dict,
    partners=(),
    areas=(),
    indicators: list[dict] = (),
) -> Action:
    """Create the action and copy, for each indicator it aims to move, the value published today (the
    baseline). `indicators`: [{indicator, occupation, target, direction}]."""
    for spec in indicators:
        if spec["indicator"] not in REGISTRY:
            raise ValueError(f"indicateur inconnu : {spec['indicator']}")
    with transaction.atomic():
        action = Action.objects.create(territory=territory, created_by=user, **fields)
        action.partners.set(partners)
        action.areas.set(areas)
        labels = lq.fap_labels() if any(s.get("occupation") for s in indicators) else {}
        for spec in indicators:
            occupation = (spec.get("occupation") or "").strip().upper()
            base = published_value(spec["indicator"], territory, occupation)
            ActionIndicator.objects.create(
                action=action,
                indicator=spec["indicator"],
                territory=territory,
                occupation_kind="fap2021" if occupation else "all",
                occupation=occupation,
                occupation_label=labels.get(occupation, "") if occupation else "Tous métiers",
                baseline_period=base["period"],
                baseline_value=base["value"],
                baseline_display=base["display"],
                baseline_status=base["status"],
                baseline_run=base["run"],
                target_value=spec.get("target"),
                direction=spec.get("direction") or "baisse",
            )
    return action


def action_update(*, action: Action, fields: dict) -> Action:
    for name, value in fields.items():
        setattr(action, name, value)
    action.save()
    return action


def contribution_add(
    *, action: Action, organisation, user, description: str, amount: Decimal | None = None
) -> Contribution:
    return Contribution.objects.create(
        action=action, organisation=organisation, created_by=user, description=description, amount=amount
    )


def retex_add(
    *, action: Action, user, organisation=None, date: dt.date, kind: str, title: str, text: str
) -> RetexEntry:
    return RetexEntry.objects.create(
        action=action, author=user, organisation=organisation, date=date, kind=kind, title=title, text=text
    )
