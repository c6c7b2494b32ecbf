"""HTTP of the background jobs: the list of one's jobs, one job's progress (the page reloads itself every
2 seconds while the job runs), and the staff's button to recompute the indicators."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
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


SESSION_JOBS = "gtec_jobs"  # ids of the jobs a visitor who is not logged in asked for (a diagnostic)


def remember_job(request: HttpRequest, job) -> None:
    """Let the visitor who is not logged in follow the job they just asked for (their session only)."""
    if not request.user.is_authenticated:
        request.session[SESSION_JOBS] = ([job.pk] + request.session.get(SESSION_JOBS, []))[:20]


def _job(request: HttpRequest, pk: int):
    view = queries.job_get(request.user, pk, request.session.get(SESSION_JOBS, []))
    if view is None and not request.user.is_authenticated:
        return None
    if view is None:
        raise Http404("Traitement introuvable")
    return view


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = _job(request, pk)
    if view is None:
        return redirect_to_login(request.get_full_path(), "login")
    return render(
        request,
        "www/jobs/detail.html",
        {"v": view, "refresh": None if view.job.finished else REFRESH_SECONDS},
    )


def job_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The document a finished job wrote (the diagnostic), to whoever may see the job."""
    view = _job(request, pk)
    if view is None:
        return redirect_to_login(request.get_full_path(), "login")
    path = services.job_document(view.job)
    if path is None:
        raise Http404("Document absent : relancez sa préparation")
    return FileResponse(
        path.open("rb"),
        as_attachment=view.job.result.get("type") == "application/pdf",
        filename=view.job.result.get("nom") or path.name,
        content_type=view.job.result.get("type"),
    )


@login
@require_POST
def indicators_start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied("Réservé aux administrateurs du site")
    job = services.enqueue("indicateurs", user=request.user, territory=request.POST.get("territoire") or None)
    return redirect("job", pk=job.pk)
