"""Background jobs run eagerly (the test settings): outcome, progress, French errors, all-or-nothing, the
jobs pages and who sees them, the workbook upload through the web as a job."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from gtec.imports.models import ImportRun
from gtec.jobs import queries, services
from gtec.jobs.kinds import formation_count
from gtec.jobs.models import DONE, FAILED, RUNNING, Job
from gtec.surveys.models import Response
from gtec.training import models as tm
from gtec_core.demo.lheo import generate
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db
SAMPLE = Path(settings.GTEC_DATA_DIR) / "lheo" / "exemple-bts-onisep-lheo2.2.xml"


class Upload:
    """What a view hands to store_upload: an uploaded file's chunks."""

    def __init__(self, path: Path):
        self.path = path

    def chunks(self):
        yield self.path.read_bytes()


def test_lheo_job_imports_and_removes_its_upload():
    path = services.store_upload(Upload(SAMPLE), "offre.xml")
    job = services.enqueue("lheo", path=path, flux="t-job")
    assert (job.status, job.progress, job.error) == (DONE, 100, "")
    assert job.result["resume"].startswith("LHEO 2.2 : 1 formation lue, 0 enregistrement rejeté")
    assert tm.Formation.objects.filter(flux="t-job", numero="9436_18706").exists()
    assert ImportRun.objects.filter(pk=job.result["import_run"], source="lheo").exists()
    assert not Path(path).exists() and not Path(path).parent.exists()


def test_failed_job_leaves_nothing_half_written(tmp_path):
    demo = generate(tmp_path / "d", seed=3, scale=1.0)  # ~300 formations: more than one batch is written
    text = demo["lheo"].read_text(encoding="utf-8")
    cut = text.rindex("<formation ")
    broken = tmp_path / "tronque.xml"
    broken.write_text(text[:cut] + "<formation numero='x'><intitule>", encoding="utf-8")
    assert formation_count(broken) > 200
    runs = ImportRun.objects.count()
    job = services.enqueue("lheo", path=str(broken), flux="t-broken")
    assert job.status == FAILED
    assert "tronque.xml" in job.error  # the importer's French message names the file
    assert job.progress > 5  # it had gone past the first batches before failing
    assert not tm.Formation.objects.filter(flux="t-broken").exists()
    assert ImportRun.objects.count() == runs


def test_unexpected_error_is_a_french_sentence_and_logged(caplog):
    job = services.enqueue("classeur_enquete", campaign=10**9, path="/nonexistent.xlsx")
    assert job.status == FAILED
    assert job.error.startswith("Erreur inattendue pendant « Import d'un classeur de réponses »")
    assert f"n° {job.pk}" in job.error and "Traceback" not in job.error
    assert "en échec" in caplog.text


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="type de traitement inconnu"):
        services.enqueue("nimporte-quoi")


def test_live_progress_comes_from_the_cache_while_running():
    job = Job.objects.create(kind="lheo", label="Import", status=RUNNING)
    services.set_progress(job.pk, 42, "84 formation(s) lue(s) sur 200")
    view = queries.job_view(job)
    assert (view.progress, view.step) == (42, "84 formation(s) lue(s) sur 200")


def test_workbook_upload_through_the_web_runs_as_a_job(tmp_path, data_dir):
    from gtec.organisations.models import COORDINATOR
    from gtec_core.demo import survey as demo

    camp = h.campaign()
    coordinator = h.user("coord@example.org", role=COORDINATOR, terr=camp.territory)
    c = Client()
    c.force_login(coordinator)
    path = demo.write(tmp_path / "x.xlsx", demo.generate(data_dir, n=3, seed=1))
    with path.open("rb") as f:
        r = c.post(reverse("campaign_import", args=[camp.pk]), {"fichier": f})
    assert r.status_code == 302 and r["Location"] == reverse("campaign_manage", args=[camp.pk])
    job = Job.objects.get(kind="classeur_enquete")
    assert job.status == DONE and job.created_by == coordinator
    assert job.result["resume"] == "3 réponses importées dans la campagne « Campagne test »."
    assert Response.objects.filter(campaign=camp).count() == 3
    page = c.get(reverse("job", args=[job.pk])).content.decode()
    assert "100 %" in page and "3 réponses importées" in page
    assert not list(Path(settings.GTEC_JOBS_DIR).glob("*/reponses.xlsx"))


def test_job_pages_show_progress_and_error_to_their_owner_only():
    owner, other = h.user("a@example.org"), h.user("b@example.org")
    running = Job.objects.create(kind="lheo", label="Import LHEO", status=RUNNING, created_by=owner)
    services.set_progress(running.pk, 37, "74 formation(s) lue(s) sur 200")
    failed = Job.objects.create(
        kind="lheo", label="Import LHEO", status=FAILED, created_by=owner,
        error="fichier « x.xml », ligne 3 : balise <formation> non fermée",
    )  # fmt: skip
    c = Client()
    c.force_login(owner)
    page = c.get(reverse("job", args=[running.pk])).content.decode()
    assert 'value="37"' in page and "37 %" in page and "74 formation(s) lue(s) sur 200" in page
    assert 'http-equiv="refresh"' in page
    page = c.get(reverse("job", args=[failed.pk])).content.decode()
    assert "Échec : rien n'a été enregistré." in page and "ligne 3 : balise &lt;formation&gt;" in page
    assert 'http-equiv="refresh"' not in page
    listing = c.get(reverse("jobs")).content.decode()
    assert listing.count('class="job-progress"') == 2
    c.force_login(other)
    assert c.get(reverse("job", args=[running.pk])).status_code == 404
    assert 'class="job-progress"' not in c.get(reverse("jobs")).content.decode()
    assert Client().get(reverse("jobs")).status_code == 302  # login first


def test_only_staff_start_the_indicators_job():
    user = h.user("c@example.org")
    c = Client()
    c.force_login(user)
    assert c.post(reverse("jobs_indicators"), {"territoire": "dep:56"}).status_code == 403
    user.is_staff = True
    user.save()
    r = c.post(reverse("jobs_indicators"), {"territoire": "dep:56"})
    job = Job.objects.get(kind="indicateurs")
    assert r.status_code == 302 and r["Location"] == reverse("job", args=[job.pk])
    # the test database holds no labour data: the compute says so, in French, and the job ends
    assert job.status in (DONE, FAILED)
    assert job.error == "" or job.error.startswith("Calcul impossible")


@pytest.fixture(autouse=True)
def _no_leftover_uploads():
    yield
    folder = Path(settings.GTEC_JOBS_DIR)
    if folder.is_dir() and not any(folder.iterdir()):
        shutil.rmtree(folder, ignore_errors=True)


def test_unreachable_queue_fails_the_job_with_a_french_error(settings):
    settings.GTEC_JOBS_EAGER = False
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    path = services.store_upload(Upload(SAMPLE), "offre.xml")
    job = services.enqueue("lheo", path=path, flux="t-down")
    services.push_or_fail(job.pk)  # what on_commit runs once the request's transaction ends
    job.refresh_from_db()
    assert job.status == FAILED and job.error.startswith(
        "Le service des traitements en arrière-plan est injoignable"
    )
    assert not Path(path).exists() and not tm.Formation.objects.filter(flux="t-down").exists()
