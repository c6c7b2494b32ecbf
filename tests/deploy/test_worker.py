"""A real RQ worker (`gtec worker --burst`, a separate process) runs jobs pushed on Redis, against the session's
test database: a LHEO import is stored; a broken file ends « échec » with its French error and nothing; the
diagnostic's PDF is written whole under GTEC_JOBS_DIR."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import override_settings

from gtec.imports.models import ImportRun
from gtec.jobs import services
from gtec.jobs.models import DONE, FAILED, QUEUED, Job
from gtec.training import models as tm
from tests.browser.conftest import database_url
from tests.deploy.redis_support import REDIS_TEST_URL, drop_prefix, redis_client, run_prefix

SAMPLE = Path(settings.GTEC_DATA_DIR) / "lheo" / "exemple-bts-onisep-lheo2.2.xml"


def test_worker_runs_queued_jobs_from_redis(django_db_setup, django_db_blocker, tmp_path):
    client = redis_client()
    queue_name = run_prefix()
    broken = tmp_path / "casse.xml"
    broken.write_text(SAMPLE.read_text(encoding="utf-8")[:2000], encoding="utf-8")
    flux = queue_name[-20:]
    with django_db_blocker.unblock():
        url = database_url()
        good = Job.objects.create(kind="lheo", label="Import", params={"path": str(SAMPLE), "flux": flux})
        bad = Job.objects.create(
            kind="lheo", label="Import", params={"path": str(broken), "flux": flux + "b"}
        )
        report = Job.objects.create(
            kind="rapport", label="Diagnostic", params={"territory": "dep:56", "format": "pdf"}
        )
        try:
            with override_settings(
                REDIS_URL=REDIS_TEST_URL, GTEC_JOBS_QUEUE=queue_name, GTEC_JOBS_EAGER=False
            ):
                services.push(good.pk)
                services.push(bad.pk)
                services.push(report.pk)
                assert services.queue().count == 3
            good.refresh_from_db()
            assert good.status == QUEUED  # nothing ran in this process
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "REDIS_URL": REDIS_TEST_URL,
                "GTEC_JOBS_QUEUE": queue_name,
                "GTEC_JOBS_DIR": str(tmp_path / "jobs"),
            }
            done = subprocess.run(
                [sys.executable, "-m", "django", "worker", "--burst"],
                cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            good.refresh_from_db()
            bad.refresh_from_db()
            assert (good.status, good.progress) == (DONE, 100), good.error
            assert tm.Formation.objects.filter(flux=flux, numero="9436_18706").exists()
            assert bad.status == FAILED and "casse.xml" in bad.error
            assert not tm.Formation.objects.filter(flux=flux + "b").exists()
            report.refresh_from_db()
            assert (report.status, report.progress) == (DONE, 100), report.error
            document = Path(report.result["fichier"])
            assert document.parent.parent == tmp_path / "jobs" / "documents"
            assert document.read_bytes()[:5] == b"%PDF-" and re.fullmatch(
                r"diagnostic-dep-56(-\d{4})?\.pdf", document.name
            )
            assert not list(document.parent.glob("*.partiel"))
        finally:
            run_id = (good.result or {}).get("import_run")
            tm.Formation.objects.filter(flux__in=[flux, flux + "b"]).delete()
            ImportRun.objects.filter(pk=run_id).delete()
            Job.objects.filter(pk__in=[good.pk, bad.pk, report.pk]).delete()
            drop_prefix(client, queue_name)
