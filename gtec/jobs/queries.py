"""Read side of the jobs: what the jobs page shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from gtec.jobs.models import Job
from gtec.jobs.services import live_progress


@dataclass(frozen=True)
class JobView:
    job: Job
    progress: int
    step: str


def jobs_visible(user) -> QuerySet[Job]:
    """Staff see every job; others the jobs they asked for."""
    if user is None or not user.is_authenticated:
        return Job.objects.none()
    jobs = Job.objects.select_related("created_by")
    return jobs if user.is_staff else jobs.filter(created_by=user)


def job_view(job: Job) -> JobView:
    progress, step = live_progress(job)
    return JobView(job, progress, step)


def jobs_page(user, limit: int = 50) -> list[JobView]:
    return [job_view(j) for j in jobs_visible(user)[:limit]]


def job_get(user, pk: int) -> JobView | None:
    job = jobs_visible(user).filter(pk=pk).first()
    return job_view(job) if job else None
