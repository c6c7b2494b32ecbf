"""The one diff helper every importer uses: compare the rows read from a file with what is stored, then
create, update and delete (or retire) in bulk, and count each. Run it inside `transaction.atomic()`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db import models

BATCH = 2000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def is_versioned(model: type[models.Model]) -> bool:
    names = {f.name for f in model._meta.get_fields()}
    return {"actif", "retire_en"} <= names


def sync(
    model: type[models.Model],
    rows: Iterable[dict],
    key: tuple[str, ...],
    *,
    version: str = "",
    scope: dict | None = None,
    delete_missing: bool = True,
) -> Counts:
    """Make the stored rows of `model` (within `scope`) equal to `rows`, matched on `key` (attribute names,
    e.g. `fiche_id`). Versioned models (with `actif` / `retire_en`) are retired, never deleted, when a row
    disappears, so that data pointing to them keeps its meaning; other rows are deleted."""
    rows = list(rows)
    versioned = is_versioned(model)
    if versioned and delete_missing:
        rows = [{**row, "actif": True, "retire_en": ""} for row in rows]
    counts = Counts()
    fields = list(rows[0].keys()) if rows else list(key)
    value_fields = [f for f in fields if f not in key]
    pk_name = model._meta.pk.attname
    existing: dict[tuple, tuple] = {}
    queryset = model.objects.filter(**(scope or {}))
    for record in queryset.values_list(pk_name, *key, *value_fields).iterator(chunk_size=BATCH):
        existing[tuple(record[1 : 1 + len(key)])] = (record[0], tuple(record[1 + len(key) :]))

    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    seen: set[tuple] = set()
    for row in rows:
        row_key = tuple(row[k] for k in key)
        seen.add(row_key)
        stored = existing.get(row_key)
        if stored is None:
            to_create.append(model(**row))
            continue
        pk, values = stored
        if tuple(row[f] for f in value_fields) == values:
            counts.unchanged += 1
        else:
            obj = model(**row)
            setattr(obj, pk_name, pk)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=BATCH)
    counts.created = len(to_create)
    if to_update and value_fields:
        model.objects.bulk_update(to_update, [model._meta.get_field(f).name for f in value_fields], batch_size=500)
    counts.updated = len(to_update)

    gone = [pk for row_key, (pk, values) in existing.items() if row_key not in seen]
    if not delete_missing:
        gone = []
    elif versioned:
        active_index = value_fields.index("actif")
        gone = [pk for row_key, (pk, values) in existing.items() if row_key not in seen and values[active_index]]
        for start in range(0, len(gone), BATCH):
            model.objects.filter(pk__in=gone[start : start + BATCH]).update(actif=False, retire_en=version or "?")
    else:
        for start in range(0, len(gone), BATCH):
            model.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    counts.deleted = len(gone)
    return counts
