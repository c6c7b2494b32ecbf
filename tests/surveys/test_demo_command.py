"""`demo_survey`: ~120 answers, one user per role, idempotent."""

import io

import pytest
from django.core.management import call_command

from gtec.organisations.models import Member
from gtec.surveys.models import Campaign, ResponseVersion

pytestmark = pytest.mark.django_db


def test_demo_survey_command_is_idempotent(data_dir):
    out = io.StringIO()
    call_command("demo_survey", "--data-dir", str(data_dir), stdout=out)
    camp = Campaign.objects.get()
    assert camp.responses.filter(submitted__isnull=False).count() == 120
    assert set(Member.objects.values_list("role", flat=True)) == {
        "coordinateur",
        "admin",
        "contributeur",
        "lecteur",
    }
    assert "coordinateur@demo.gtec" in out.getvalue() and "demo-gtec-2025" in out.getvalue()
    versions = ResponseVersion.objects.count()
    call_command("demo_survey", "--data-dir", str(data_dir), stdout=io.StringIO())
    assert ResponseVersion.objects.count() == versions and Member.objects.count() == 4
