"""The BMO projects of a territory by métier, as published (a bassin, or the sum of published cells) or shared
out by population (protected with its total), and the cells that table hides."""

from __future__ import annotations

import polars as pl

from gtec.labour import models as m
from gtec.labour.read.cells import (
    ORIGIN_LABELS,
    Cell,
    cached,
    cell,
    fap_labels,
    indicator_cell,
    observation,
    origin_label,
    publish_counts,
)
from gtec.territories.models import Territory
from gtec_core.french import format_fr
from gtec_core.secrecy import SECRET, TOTAL, load_rules


@cached
def bmo_table(territory: Territory, limit: int | None = 15) -> dict:
    """BMO projects by métier for the territory, with its total. A bassin's cells, and the sums of published
    cells of a département or a région, are shown as France Travail publishes them (« * » → « s », the total is
    the sum of the published cells); figures shared out to another territory by population are derived
    values, protected with their total (`publish_counts`). `origin` says which, in plain French."""
    projects = list(
        m.Observation.objects.filter(territory=territory, indicator="bmo_projects", occupation_kind="fap2021")
    )
    if not projects:
        return _bmo_table_from_rates(territory, limit)
    period = max(o.period for o in projects)
    projects = [o for o in projects if o.period == period]
    labels = fap_labels()
    rate = {
        o.occupation: o
        for o in m.Observation.objects.filter(
            territory=territory, indicator="bmo_difficulty_rate", occupation_kind="fap2021", period=period
        )
    }
    total_obs = observation("bmo_projects", territory, period, "", "all")
    origin = projects[0].origin
    if origin in ("published", "sum"):
        symbol = load_rules().symbol
        cells = {
            o.occupation: (
                Cell(symbol, None, "secret") if o.status == "secret" else Cell(format_fr(o.value), o.value)
            )
            for o in projects
        }
        total = Cell(format_fr(total_obs.value), total_obs.value) if total_obs else None
    else:
        frame = pl.DataFrame(
            {
                "occupation": [o.occupation for o in projects],
                "value": [o.value for o in projects],
                "source_secret": [o.status == "secret" for o in projects],
            },
            schema={"occupation": pl.String, "value": pl.Float64, "source_secret": pl.Boolean},
        )
        # population shares of published BMO cells: anyone rebuilds them from the bassin table, so no frequency
        # rule, only the cells secret at source and their complements (#14, security review §5.2)
        table = publish_counts(frame, rows="occupation", frequency=False)
        cells = {
            r["occupation"]: Cell(
                r["display"], None if r[SECRET] else r["value"], "secret" if r[SECRET] else "ok"
            )
            for r in table.iter_rows(named=True)
        }
        t = cells.pop(TOTAL)
        total = Cell(t.display, None, "secret") if t.secret else t
    rows = [
        {
            "code": code,
            "label": labels.get(code, code),
            "projects": c,
            # the difficulty rate of a hidden project count is hidden too (its denominator is « s »)
            "difficulty": cell(None, "secret") if c.secret else indicator_cell(rate.get(code)),
        }
        for code, c in cells.items()
    ]
    # ranking shows the largest published cells first; secret cells come last, never ranked by their value
    rows.sort(key=lambda r: (r["projects"].value is None, -(r["projects"].value or 0), r["code"]))
    return {
        "rows": rows[:limit] if limit else rows,
        "total": total,
        "period": period,
        "count": len(rows),
        "origin": origin,
        "origin_label": origin_label(total_obs or projects[0]),
        "derived": origin == "population",
    }


def _bmo_table_from_rates(territory: Territory, limit: int | None) -> dict:
    """`bmo_table` from the counts of the difficulty-rate observations (observations computed before the
    `bmo_projects` indicator existed): population-weighted bassins, protected with its total."""
    labels = fap_labels()
    obs = list(
        m.Observation.objects.filter(
            territory=territory, indicator="bmo_difficulty_rate", occupation_kind="fap2021"
        )
    )
    if not obs:
        return {"rows": [], "total": None, "period": None}
    period = max(o.period for o in obs)
    cells = pl.DataFrame(
        {
            "occupation": [o.occupation for o in obs if o.period == period],
            "value": [(o.counts or {}).get("projects") for o in obs if o.period == period],
            "difficult": [(o.counts or {}).get("difficult") for o in obs if o.period == period],
            "source_secret": [o.status == "secret" for o in obs if o.period == period],
        },
        schema={
            "occupation": pl.String,
            "value": pl.Float64,
            "difficult": pl.Float64,
            "source_secret": pl.Boolean,
        },
    )
    table = publish_counts(cells, rows="occupation", frequency=False)
    body = table.filter(pl.col("occupation") != TOTAL).sort("value", descending=True, nulls_last=True)
    total = table.filter(pl.col("occupation") == TOTAL).row(0, named=True)
    rate = {o.occupation: o for o in obs if o.period == period}
    rows = [
        {
            "code": r["occupation"],
            "label": labels.get(r["occupation"], r["occupation"]),
            "projects": Cell(
                r["display"], None if r[SECRET] else r["value"], "secret" if r[SECRET] else "ok"
            ),
            "difficulty": cell(None, "secret") if r[SECRET] else indicator_cell(rate.get(r["occupation"])),
        }
        for r in body.iter_rows(named=True)
    ]
    # ranking shows the largest published cells first; secret cells come last, never ranked by their value
    rows.sort(key=lambda r: (r["projects"].value is None, -(r["projects"].value or 0)))
    return {
        "rows": rows[:limit] if limit else rows,
        "total": Cell(total["display"], None, "secret")
        if total[SECRET]
        else Cell(total["display"], total["value"]),
        "period": period,
        "count": len(rows),
        "origin": "population",
        "origin_label": ORIGIN_LABELS["population"],
        "derived": True,
    }


def _published_total(total: Cell | None) -> Cell | None:
    """`bmo_table`'s total as published: a suppressed total (display « s ») keeps no value."""
    if total is None:
        return None
    if total.display == load_rules().symbol:
        return Cell(total.display, None, "secret")
    return total


def bmo_published(territory: Territory, limit: int | None = 15) -> dict:
    """`bmo_table` with its total made safe to hand to a template (value dropped when suppressed)."""
    table = bmo_table(territory, limit)
    table["total"] = _published_total(table["total"])
    return table


def hidden_projects(territory: Territory) -> set[tuple[str, str]]:
    """(year, FAP) cells whose BMO projects are « s » in the territory's protected BMO table, primary or
    complementary: their project counts must not be shown beside another indicator either."""
    year, codes = bmo_suppressed(territory)
    return {(year, code) for code in codes}


def bmo_suppressed(territory: Territory) -> tuple[str | None, set[str]]:
    """(year, FAP codes) whose BMO projects are « s » in the territory's protected BMO table. Their project
    counts must not be published elsewhere (occupation page, indicator exports): a secondary-suppressed cell
    shown in another table would let a reader recover the primary cell from the total."""
    table = bmo_table(territory, limit=None)
    return table["period"], {r["code"] for r in table["rows"] if r["projects"].secret}
