"""The « Diagnostic emploi-formation » pages: the document of a territory (page, PDF, HTML), its snapshots
and their comparison. Every figure comes from `gtec.diagnostics.queries` (same read side as the pages)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gtec.diagnostics import perms, queries, services
from gtec.jobs import services as jobs
from gtec.www.jobs.views import remember_job

NAV = "territoire"


def _territory(key: str):
    territory = queries.territory_get(key)
    if territory is None:
        raise Http404("Territoire inconnu")
    return territory


def _period(request: HttpRequest, territory) -> str | None:
    years = queries.periods(territory)
    asked = request.GET.get("periode", "")
    return asked if asked in years else (years[0] if years else None)


def _shell(request: HttpRequest, territory) -> dict:
    return {
        "territory": territory,
        "years": queries.periods(territory),
        "period": _period(request, territory),
        "can_freeze": perms.can_freeze(request.user, territory),
        "nav": NAV,
    }


def diagnostic(request: HttpRequest, key: str) -> HttpResponse:
    """The page opens at once and fetches the document (a few seconds) with a progress indication."""
    territory = _territory(key)
    context = _shell(request, territory)
    context["snapshots"] = list(queries.snapshots_of(territory))
    return render(request, "www/diagnostics/page.html", context)


def diagnostic_content(request: HttpRequest, key: str) -> HttpResponse:
    """The document itself: the fragment for the page's script, or a whole page without script."""
    territory = _territory(key)
    context = _shell(request, territory)
    context.update(queries.report_page(territory, context["period"]))
    if request.GET.get("fragment") == "1":
        return render(request, "www/diagnostics/_content.html", context)
    return render(request, "www/diagnostics/content_page.html", context)


def diagnostic_file(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    territory = _territory(key)
    document = queries.report_document(territory, _period(request, territory), fmt)
    response = HttpResponse(document.content, content_type=document.content_type)
    disposition = "attachment" if fmt == "pdf" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{document.filename}"'
    return response


@require_POST
def report_prepare(request: HttpRequest, key: str) -> HttpResponse:
    """The PDF or printable HTML of the diagnostic, prepared as a background job: the job's page shows each
    section's progress, then the link to the file (or the French error)."""
    territory = _territory(key)
    fmt = request.POST.get("format", "pdf")
    if fmt not in ("pdf", "html"):
        return HttpResponseBadRequest("Format inconnu : PDF ou HTML.")
    years = queries.periods(territory)
    period = request.POST.get("periode", "")
    job = jobs.enqueue(
        "rapport",
        user=request.user,
        label=f"Diagnostic {fmt.upper()} — {territory.display_name}",
        territory=territory.key,
        period=period if period in years else None,
        format=fmt,
    )
    remember_job(request, job)
    return redirect("job", pk=job.pk)


@require_POST
def snapshot_new(request: HttpRequest, key: str) -> HttpResponse:
    territory = _territory(key)
    if not perms.can_freeze(request.user, territory):
        raise PermissionDenied("Réservé aux coordinateurs du territoire")
    title = request.POST.get("title", "").strip()[:200]
    snap = services.snapshot_create(
        territory=territory, period=_period(request, territory), user=request.user, title=title
    )
    messages.success(request, "Le diagnostic est gelé : ses chiffres ne changeront plus.")
    return redirect("snapshot", pk=snap.pk)


def _snapshot(pk: int):
    snap = queries.snapshot_get(pk)
    if snap is None:
        raise Http404("Instantané inconnu")
    return snap


def snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    snap = _snapshot(pk)
    others = [s for s in queries.snapshots_of(snap.territory) if s.pk != snap.pk]
    return render(
        request,
        "www/diagnostics/snapshot.html",
        {"snap": snap, "others": others, "territory": snap.territory, "nav": NAV},
    )


def snapshot_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    snap = _snapshot(pk)
    if fmt == "pdf":
        if not snap.pdf:
            raise Http404("Document PDF absent")
        response = HttpResponse(bytes(snap.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="diagnostic-instantane-{snap.pk}.pdf"'
        return response
    return HttpResponse(snap.html, content_type="text/html; charset=utf-8")


def snapshot_compare(request: HttpRequest, pk: int) -> HttpResponse:
    snap = _snapshot(pk)
    other = request.GET.get("avec", "aujourdhui")
    if other == "aujourdhui":
        after = queries.today_side(snap.territory, snap.period or None)
    else:
        try:
            second = queries.snapshot_get(int(other))
        except ValueError:
            second = None
        if second is None or second.territory_id != snap.territory_id:
            raise Http404("Instantané à comparer inconnu")
        after = queries.snapshot_side(second)
    comparison = queries.comparison(queries.snapshot_side(snap), after)
    return render(
        request,
        "www/diagnostics/compare.html",
        {"snap": snap, "c": comparison, "territory": snap.territory, "nav": NAV},
    )
