"""A training body uploads its LHEO export on the site: a background job imports it into the body's own feed
when every formation belongs to the body (same SIREN), and refuses the whole file otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gtec.jobs.models import DONE, FAILED, Job
from gtec.organisations.models import ADMIN, READER, Organisation
from gtec.training import models as tm
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db
SAMPLE = Path(settings.GTEC_DATA_DIR) / "lheo" / "exemple-bts-onisep-lheo2.2.xml"  # SIRET 19290076900014


def body(siret: str, name: str = "Lycée de l'exemple") -> Organisation:
    return Organisation.objects.create(name=name, kind="organisme_formation", siret=siret, siren=siret[:9])


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("offre.xml", SAMPLE.read_bytes(), content_type="text/xml")


def test_body_imports_its_own_export_as_a_job():
    org = body("19290076900014")
    c = Client()
    c.force_login(h.user("of@example.org", org, ADMIN))
    assert c.get(reverse("training_offer_import")).status_code == 200
    r = c.post(reverse("training_offer_import"), {"organisation": org.pk, "fichier": upload()})
    job = Job.objects.get(kind="lheo_organisme")
    assert r.status_code == 302 and r["Location"] == reverse("job", args=[job.pk])
    assert job.status == DONE, job.error
    formation = tm.Formation.objects.get(flux=f"organisation-{org.pk}")
    assert formation.numero == "9436_18706" and formation.organisme.siret == "19290076900014"
    assert "1 formation lue" in c.get(r["Location"]).content.decode()


def test_export_holding_another_body_is_refused_whole():
    org = body("83000000000012", "Autre organisme")
    c = Client()
    c.force_login(h.user("autre@example.org", org, ADMIN))
    c.post(reverse("training_offer_import"), {"organisation": org.pk, "fichier": upload()})
    job = Job.objects.get(kind="lheo_organisme")
    assert job.status == FAILED
    assert job.error.startswith(
        "Fichier « offre.xml » refusé : 1 formation n'appartient pas à « Autre organisme »"
    )
    assert job.result["erreurs"][0].startswith("formation 9436_18706")
    assert "SIRET « 19290076900014 »" in job.result["erreurs"][0]
    assert not tm.Formation.objects.filter(flux=f"organisation-{org.pk}").exists()


def test_only_a_body_s_admins_and_contributors_upload():
    org = body("19290076900014")
    c = Client()
    c.force_login(h.user("lecteur@example.org", org, READER))
    assert c.get(reverse("training_offer_import")).status_code == 403
    bad = SimpleUploadedFile("offre.csv", b"a;b", content_type="text/csv")
    c.force_login(h.user("admin@example.org", org, ADMIN))
    r = c.post(reverse("training_offer_import"), {"organisation": org.pk, "fichier": bad})
    assert r.status_code == 200 and "au format XML" in r.content.decode()
    assert not Job.objects.exists()
