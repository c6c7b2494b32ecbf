"""Helpers shared by the training offer's loaders (LHEO, RNCP, ROME links): where the data files are, the batch
size, and adding up the change counts of gtec.imports.sync."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from gtec.imports.sync import Counts

BATCH = 200


def data_file(*parts: str) -> Path:
    return Path(settings.GTEC_DATA_DIR, *parts)


def add_counts(total: Counts, more: Counts) -> None:
    total.created += more.created
    total.updated += more.updated
    total.deleted += more.deleted
    total.unchanged += more.unchanged


def delete_pks(model, pks: list[int]) -> int:
    for start in range(0, len(pks), 1000):
        model.objects.filter(pk__in=pks[start : start + 1000]).delete()
    return len(pks)
