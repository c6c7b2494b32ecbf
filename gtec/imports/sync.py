"""The one diff helper every importer uses: compare the rows read from a file with what is stored, then
create, update and delete (or retire) in bulk, and count each. Run it inside `transaction.atomic()`."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager

from django.db import models

# Re-exported: the bulk writes and the frame variants live in their own modules, every importer keeps
# importing them from here.
from gtec.imports.bulk import (  # noqa: F401
    BATCH,
    PASS_THROUGH,
    Counts,
    _json_text,
    insert_rows,
    is_versioned,
    update_rows,
)
from gtec.imports.frames import (  # noqa: F401
    FRAME_BATCH,
    _json_text_fields,
    canonical_json,
    insert_frame,
    json_text,
    stored_frame,
    sync_frame,
)


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

    to_create: list[dict] = []
    to_update: list[tuple[object, dict]] = []
    seen: set[tuple] = set()
    for row in rows:
        row_key = tuple(row[k] for k in key)
        seen.add(row_key)
        stored = existing.get(row_key)
        if stored is None:
            to_create.append(row)
            continue
        pk, values = stored
        if tuple(row[f] for f in value_fields) == values:
            counts.unchanged += 1
        else:
            to_update.append((pk, row))
    insert_rows(model, fields, to_create)
    counts.created = len(to_create)
    update_rows(model, value_fields, to_update)
    counts.updated = len(to_update)

    gone = [pk for row_key, (pk, values) in existing.items() if row_key not in seen]
    if not delete_missing:
        gone = []
    elif versioned:
        active = (
            set(queryset.filter(actif=True).values_list(pk_name, flat=True))
            if "actif" not in value_fields
            else None
        )
        if active is None:
            active_index = value_fields.index("actif")
            gone = [
                pk
                for row_key, (pk, values) in existing.items()
                if row_key not in seen and values[active_index]
            ]
        else:  # no rows at all: every active row disappears
            gone = [pk for row_key, (pk, values) in existing.items() if row_key not in seen and pk in active]
        for start in range(0, len(gone), BATCH):
            model.objects.filter(pk__in=gone[start : start + BATCH]).update(
                actif=False, retire_en=version or "?"
            )
    else:
        for start in range(0, len(gone), BATCH):
            model.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    counts.deleted = len(gone)
    return counts


@contextmanager
def deferred_indexes(model: type[models.Model]):
    """For a bulk load into `model`'s table on PostgreSQL: drop its secondary indexes and unique constraints
    (the primary key stays), then build them again when the block ends — one sort per index instead of
    millions of B-tree insertions. Run it inside `transaction.atomic()`: the drop and the rebuild belong to
    the import's transaction (all or nothing; a duplicate key fails the rebuild and nothing is stored), and
    the table is locked for writes until it commits. Elsewhere (SQLite) it does nothing."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
            "AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
            "x.indexrelid) ORDER BY i.relname",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")  # fewer sort runs for tens of millions
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"ANALYZE {quote(table)}")
