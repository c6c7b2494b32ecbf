"""The one audited write of the API (`core.AuditedWrite`), used by the training, survey and action-plan
writes: a permission refusal is a journalled 403, a refusal raised inside the write rolls the write back and
is journalled once, and a done write is journalled with its status and the object it made."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from gtec.api.models import ApiWrite
from gtec.api.v1.core import ApiError, AuditedWrite
from gtec.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _write() -> AuditedWrite:
    return AuditedWrite(RequestFactory().post("/api/v1/essai"), "essai.creer", "territoire:x")


def _journal():
    return list(ApiWrite.objects.order_by("pk").values_list("action", "object_ref", "status"))


def test_permission_refusal_is_a_journalled_403():
    w = _write()
    w.require(True, "permis")
    assert _journal() == []
    with pytest.raises(ApiError) as refused:
        w.require(False, "Réservé aux coordinateurs.")
    assert (refused.value.status, refused.value.code) == (403, "interdit")
    assert _journal() == [("essai.creer", "territoire:x", 403)]


def test_a_refusal_inside_the_write_rolls_it_back_and_is_journalled_once():
    w = _write()
    with pytest.raises(ApiError) as refused, w.writing(201):
        Organisation.objects.create(name="À annuler", kind="entreprise")
        raise ApiError(409, "conflit_de_version", "Conflit.")
    assert refused.value.status == 409
    assert not Organisation.objects.filter(name="À annuler").exists()
    assert _journal() == [("essai.creer", "territoire:x", 409)]
    # an entry `refuse` made inside the write is rolled back with it, then journalled once after
    with pytest.raises(ApiError), w.writing():
        raise w.invalid(["« intitule » : obligatoire"])
    assert _journal()[1:] == [("essai.creer", "territoire:x", 422)]
    with pytest.raises(ApiError), w.writing(atomic=False):  # the service opens its own transaction
        raise w.refuse(409, "campagne_close", "La campagne est close.")
    assert _journal()[2:] == [("essai.creer", "territoire:x", 409)]


def test_a_done_write_is_journalled_with_its_object():
    w = _write()
    with w.writing(201):
        org = Organisation.objects.create(name="Créée", kind="entreprise")
        w.ref = f"organisation:{org.pk}"
    assert _journal() == [("essai.creer", f"organisation:{org.pk}", 201)]
