"""Read side of the jobs: what the jobs page shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from gtec.jobs.models import Job
from gtec.jobs.services import live_progress


@dataclass(frozen=True)
class JobView:
    job: Job
    progress: int
    step: str


def jobs_visible(user, own: Iterable[int] = ()) -> QuerySet[Job]:
    """Staff see every job; others the jobs they asked for; a visitor who is not logged in, the anonymous
    jobs whose ids their session holds (`own`: a diagnostic they asked for)."""
    if user is None or not user.is_authenticated:
        ids = [int(pk) for pk in own]
        return Job.objects.filter(pk__in=ids, created_by=None) if ids else Job.objects.none()
    jobs = Job.objects.select_related("created_by")
    return jobs if user.is_staff else jobs.filter(created_by=user)


def job_view(job: Job) -> JobView:
    progress, step = live_progress(job)
    return JobView(job, progress, step)


def jobs_page(user, limit: int = 50) -> list[JobView]:
    return [job_view(j) for j in jobs_visible(user)[:limit]]


def job_get(user, pk: int, own: Iterable[int] = ()) -> JobView | None:
    job = jobs_visible(user, own).filter(pk=pk).first()
    return job_view(job) if job else None
