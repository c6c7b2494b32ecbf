"""The demo territory loaded once for the diagnostic tests (committed, so that the browser test's server
process sees it), and removed at the end of the package so the rest of the suite finds the database as the
session set it up: every row created meanwhile is deleted, model by model, until none is left."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.deletion import ProtectedError, RestrictedError


def _max_pks() -> dict:
    return {model: model.objects.aggregate(m=Max("pk"))["m"] or 0 for model in apps.get_models()}


def _delete_created(before: dict) -> None:
    pending = [m for m in before if m.objects.filter(pk__gt=before[m]).exists()]
    for _ in range(len(pending) + 2):
        left = []
        for model in reversed(pending):
            try:
                with transaction.atomic():
                    model.objects.filter(pk__gt=before[model]).delete()
            except (ProtectedError, RestrictedError, IntegrityError):
                left.append(model)
        pending = list(reversed(left))
        if not pending:
            return
    raise RuntimeError(f"rows left after the demo: {pending}")


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from demo_loaded(django_db_blocker, tmp_path_factory)


def demo_loaded(django_db_blocker, tmp_path_factory):
    """`gtec demo load` (as `make demo` does) into the test database; yields the Pays de Vannes, then deletes
    every row created meanwhile."""
    from gtec.territories.models import Territory

    out = tmp_path_factory.mktemp("demo")
    with django_db_blocker.unblock():
        before = _max_pks()
        call_command("demo", "load", "--out", str(out), stdout=io.StringIO())
        territory = Territory.objects.get(key="custom:pays-de-vannes")
    yield territory
    with django_db_blocker.unblock():
        from django.core.cache import cache

        cache.clear()
        _delete_created(before)
