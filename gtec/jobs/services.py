"""Enqueue and run background jobs.

`enqueue(kind, user=..., **params)` records a Job and hands its id to the RQ queue GTEC_JOBS_QUEUE on Redis
(REDIS_URL), where `gtec worker` picks it up; with GTEC_JOBS_EAGER (embedded default, tests) the job runs at
once in the calling process. Either way `run(job_id)` does the work: the kind's function runs in one
transaction, its progress goes to the shared cache while it runs (the transaction hides database writes
until it ends), and the job row ends « terminé » with a summary or « échec » with a French error — a failed
job leaves no row of its own behind. A file uploaded for a job is kept under GTEC_JOBS_DIR until the job
ends, then removed."""

from __future__ import annotations

import logging
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, transaction
from django.utils import timezone

from gtec.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from gtec.jobs.registry import JobError, kind
from gtec_core.errors import SourceError

log = logging.getLogger(__name__)

JOB_TIMEOUT = 4 * 3600  # seconds a worker lets one job run (a France-scale indicator computation included)
PROGRESS_SECONDS = 24 * 3600


def progress_key(job_id: int) -> str:
    return f"gtec-job-progress:{job_id}"


def enqueue(kind_name: str, *, user=None, label: str = "", **params) -> Job:
    job_kind = kind(kind_name)
    job = Job.objects.create(
        kind=job_kind.name,
        label=label or job_kind.label,
        params=params,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if settings.GTEC_JOBS_EAGER:
        run(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: push_or_fail(job.pk))
    return job


def push_or_fail(job_id: int) -> None:
    """Push a job; when Redis cannot be reached the job ends « échec » at once, saying so, instead of waiting
    for ever (and the request that asked for it does not fail)."""
    from redis.exceptions import RedisError

    try:
        push(job_id)
    except RedisError:
        log.exception("traitement %s : file Redis injoignable", job_id)
        job = Job.objects.get(pk=job_id)
        upload = job.params.get("path")
        if upload and Path(upload).parent.parent == Path(settings.GTEC_JOBS_DIR):
            shutil.rmtree(Path(upload).parent, ignore_errors=True)
        Job.objects.filter(pk=job_id).update(
            status=FAILED,
            finished_at=timezone.now(),
            error="Le service des traitements en arrière-plan est injoignable : rien n'a été enregistré. "
            "Réessayez plus tard ; si le problème persiste, prévenez l'administrateur du site.",
        )


def queue():
    from redis import Redis
    from rq import Queue

    return Queue(settings.GTEC_JOBS_QUEUE, connection=Redis.from_url(settings.REDIS_URL))


def push(job_id: int) -> None:
    """Put a recorded job on the RQ queue."""
    queue().enqueue(work, job_id, job_id=f"gtec-job-{job_id}-{uuid.uuid4().hex[:8]}", job_timeout=JOB_TIMEOUT)


def store_upload(uploaded, name: str) -> str:
    """Copy an uploaded file where the worker reads it; returns its path (removed when the job ends)."""
    folder = Path(settings.GTEC_JOBS_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return str(path)


def set_progress(job_id: int, percent: int, step: str) -> None:
    cache.set(
        progress_key(job_id), {"progress": max(0, min(100, int(percent))), "step": step}, PROGRESS_SECONDS
    )


def live_progress(job: Job) -> tuple[int, str]:
    """The job's progress: from the cache while it runs, from its row once it has ended."""
    if job.status == RUNNING:
        hit = cache.get(progress_key(job.pk))
        if hit:
            return hit["progress"], hit["step"]
    return job.progress, job.step


def work(job_id: int) -> str:
    """What the RQ worker calls: `run` between fresh database connections (a worker lives for days)."""
    close_old_connections()
    try:
        return run(job_id)
    finally:
        close_old_connections()


def run(job_id: int) -> str:
    """Run a recorded job to its end (by the worker, or at once when eager). Returns its status."""
    job = Job.objects.get(pk=job_id)
    if job.status != QUEUED:
        return job.status  # already run (a job id pushed twice)
    job_kind = kind(job.kind)
    Job.objects.filter(pk=job.pk).update(status=RUNNING, started_at=timezone.now(), step="démarrage")
    set_progress(job.pk, 0, "démarrage")
    fields: dict = {}
    try:
        with transaction.atomic():
            result = job_kind.run(dict(job.params), lambda pct, step: set_progress(job.pk, pct, step))
        fields = {"status": DONE, "progress": 100, "step": "terminé", "result": result or {}}
    except JobError as exc:
        fields = {"status": FAILED, "error": str(exc), "result": {"erreurs": exc.details[:200]}}
    except SourceError as exc:
        fields = {"status": FAILED, "error": str(exc)}
    except Exception:
        log.exception("traitement %s (%s) en échec", job.pk, job.kind)
        fields = {
            "status": FAILED,
            "error": f"Erreur inattendue pendant « {job.label} » : rien n'a été enregistré. "
            f"L'administrateur trouvera le détail dans les journaux (traitement n° {job.pk}).",
        }
    finally:
        upload = job.params.get("path")
        if upload and Path(upload).parent.parent == Path(settings.GTEC_JOBS_DIR):
            shutil.rmtree(Path(upload).parent, ignore_errors=True)
    if fields["status"] == FAILED:
        fields["progress"], fields["step"] = live_progress(Job(pk=job.pk, status=RUNNING))
        fields["step"] = fields["step"] or "échec"
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **fields)
    cache.delete(progress_key(job.pk))
    return fields["status"]


def job_document(job: Job) -> Path | None:
    """The file a finished job wrote under GTEC_JOBS_DIR/documents (the diagnostic), if it is still there."""
    name = (job.result or {}).get("fichier")
    if job.status != DONE or not name:
        return None
    path = Path(name).resolve()
    root = (Path(settings.GTEC_JOBS_DIR) / "documents").resolve()
    return path if path.is_relative_to(root) and path.is_file() else None
