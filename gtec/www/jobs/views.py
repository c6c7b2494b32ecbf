"""HTTP of the background jobs: the list of one's jobs, one job's progress (the page reloads itself every
2 seconds while the job runs), and the staff's button to recompute the indicators."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gtec.jobs import queries, services

login = login_required(login_url="login")
REFRESH_SECONDS = 2


@login
def job_list(request: HttpRequest) -> HttpResponse:
    views = queries.jobs_page(request.user)
    return render(
        request,
        "www/jobs/list.html",
        {
            "jobs": views,
            "refresh": REFRESH_SECONDS if any(not v.job.finished for v in views) else None,
            "default_territory": settings.GTEC_DEFAULT_TERRITORY,
        },
    )


@login
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = queries.job_get(request.user, pk)
    if view is None:
        raise Http404("Traitement introuvable")
    return render(
        request,
        "www/jobs/detail.html",
        {"v": view, "refresh": None if view.job.finished else REFRESH_SECONDS},
    )


@login
@require_POST
def indicators_start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied("Réservé aux administrateurs du site")
    job = services.enqueue("indicateurs", user=request.user, territory=request.POST.get("territoire") or None)
    return redirect("job", pk=job.pk)
