"""Read side of the diagnostics: the generated document of a territory (page, PDF, `gtec report`), its
snapshots and their comparison with today or with another snapshot."""

from __future__ import annotations

from dataclasses import dataclass

from gtec.labour import read as lq
from gtec.territories import queries as tq
from gtec.territories.models import Territory

from .models import Snapshot
from .report import build_report, render_html, render_pdf


def territory_get(key: str) -> Territory | None:
    return tq.territory_get(key)


def periods(territory: Territory) -> list[str]:
    return lq.periods(territory)


@dataclass
class Document:
    title: str
    content: bytes
    content_type: str
    filename: str
    synthetic: bool


def filename(territory: Territory, period: str | None, ext: str) -> str:
    slug = territory.key.replace(":", "-")
    return f"diagnostic-{slug}{'-' + period if period else ''}.{ext}"


def report_document(territory: Territory, period: str | None, fmt: str, progress=None) -> Document:
    """The diagnostic as a file: PDF (WeasyPrint) or standalone HTML. `progress(step, total, label)` is
    called before each section and before the layout."""
    report = build_report(territory, period, progress=progress)
    if progress:
        progress(7, 8, "mise en page" + (" du PDF" if fmt == "pdf" else ""))
    html = render_html(report)
    if fmt == "pdf":
        content, ctype = render_pdf(report, html), "application/pdf"
    else:
        content, ctype = html.encode("utf-8"), "text/html; charset=utf-8"
    return Document(report.title, content, ctype, filename(territory, report.period, fmt), report.synthetic)


def report_page(territory: Territory, period: str | None) -> dict:
    """What the diagnostic page shows: the document as a fragment of the page, and the snapshots."""
    report = build_report(territory, period)
    return {
        "report": report,
        "fragment": render_html(report, standalone=False),
        "snapshots": list(snapshots_of(territory)),
    }


def snapshots_of(territory: Territory):
    return Snapshot.objects.filter(territory=territory).defer("html", "pdf")


def snapshot_get(pk: int) -> Snapshot | None:
    return Snapshot.objects.filter(pk=pk).select_related("territory").first()


@dataclass
class Side:
    label: str
    figures: dict[str, dict]
    runs: list[dict]


def snapshot_side(snapshot: Snapshot) -> Side:
    when = snapshot.created_at.strftime("%d/%m/%Y")
    return Side(f"{snapshot.title} (gelé le {when})", snapshot.figure_map(), snapshot.runs)


def today_side(territory: Territory, period: str | None) -> Side:
    report = build_report(territory, period)
    return Side(
        f"Aujourd'hui ({report.period or 'sans période'})",
        {f["key"]: f for f in report.frozen_figures()},
        report.runs,
    )


def comparison(before: Side, after: Side) -> dict:
    """Side by side: every headline figure of either side, flagged when its published text changed; and the
    import runs that differ (a new vintage of a source)."""
    keys = list(before.figures) + [k for k in after.figures if k not in before.figures]
    rows = []
    for key in keys:
        b, a = before.figures.get(key), after.figures.get(key)
        rows.append(
            {
                "label": (a or b)["label"],
                "before": b["display"] if b else "—",
                "after": a["display"] if a else "—",
                "changed": (b["display"] if b else None) != (a["display"] if a else None),
            }
        )
    runs_b = {r["source"]: r for r in before.runs}
    runs_a = {r["source"]: r for r in after.runs}
    sources = []
    for source in sorted(set(runs_b) | set(runs_a)):
        rb, ra = runs_b.get(source), runs_a.get(source)
        sources.append(
            {
                "label": (ra or rb)["label"],
                "before": f"{rb['version']} (import n° {rb['id']})" if rb else "—",
                "after": f"{ra['version']} (import n° {ra['id']})" if ra else "—",
                "changed": (rb or {}).get("id") != (ra or {}).get("id"),
            }
        )
    return {
        "before": before.label,
        "after": after.label,
        "rows": rows,
        "sources": sources,
        "changed": sum(r["changed"] for r in rows),
    }
