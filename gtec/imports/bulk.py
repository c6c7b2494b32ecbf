"""Bulk writes shared by the sync helpers (`gtec.imports.sync`, `gtec.imports.frames`): the change counts,
plain INSERTs (COPY on PostgreSQL) and UPDATEs through `executemany`. Split out of `gtec.imports.sync`,
which re-exports every public name."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from django.db import DEFAULT_DB_ALIAS, connections, models

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


# Fields whose Python values already are what the database driver takes: preparing them through the field
# (once per value, through the `django.db.connection` proxy) was the largest cost of a first import.
PASS_THROUGH = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.FloatField,
    models.ForeignKey,
)


def _json_text(value, connection) -> str | None:
    """A JSON field's value as the JSON text both backends take (COPY parses it into jsonb on PostgreSQL):
    what `JSONField.get_db_prep_save` builds, without its per-value adapter object (None stays SQL NULL)."""
    return None if value is None else json.dumps(value)


def insert_rows(model: type[models.Model], fields: list[str], rows: list[dict]) -> None:
    """Plain INSERTs through the DB-API `executemany` (5–10× faster than `bulk_create`, which builds one
    model instance per row), or COPY on PostgreSQL. Values of plain fields (text, numbers, booleans, foreign
    keys) go to the driver as they are; the others (dates, JSON…) are prepared by their field, so this stays
    portable across backends."""
    if not rows:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    opts = model._meta
    by_attname = {f.attname: f for f in opts.concrete_fields}
    columns = [by_attname[name] for name in fields]
    missing = [
        f for f in opts.concrete_fields if f.attname not in fields and not isinstance(f, models.AutoField)
    ]
    for f in missing:
        if not f.has_default() and not f.null:
            raise ValueError(f"{opts.label}.{f.attname}: valeur absente et sans défaut")
    defaults = [f.get_db_prep_save(f.get_default(), connection) for f in missing]
    prepare = [
        None
        if isinstance(f, PASS_THROUGH) and not isinstance(f, models.JSONField)
        else _json_text
        if isinstance(f, models.JSONField) and f.encoder is None
        else f.get_db_prep_save
        for f in columns
    ]
    prepared = []
    for row in rows:
        values = [row[name] for name in fields]
        for i, fn in enumerate(prepare):
            if fn is not None:
                values[i] = fn(values[i], connection)
        prepared.append(values + defaults)
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in columns + missing)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path: one round trip for the whole table instead of one per row.
            with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({names}) FROM STDIN") as copy:
                for values in prepared:
                    copy.write_row(values)
            return
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(opts.db_table), names, ", ".join(["%s"] * (len(columns) + len(missing)))
        )
        for start in range(0, len(prepared), BATCH):
            cursor.executemany(sql, prepared[start : start + BATCH])


COPY_UPDATE_FROM = 500  # rows from which PostgreSQL updates through a temporary table
SCRATCH = "_gtec_update_rows"


def update_rows(model: type[models.Model], fields: list[str], rows: list[tuple[object, dict]]) -> None:
    """UPDATE … WHERE pk = %s through `executemany`, for (pk, row) pairs; on PostgreSQL, from
    `COPY_UPDATE_FROM` rows, the values are copied into a temporary table and one UPDATE … FROM applies
    them (the 36,000 parent links of the geography took 1.4 s of round trips, 0.2 s this way)."""
    if not rows or not fields:
        return
    from django.db import connection

    opts = model._meta
    columns = [next(f for f in opts.concrete_fields if f.attname == name) for name in fields]
    quote = connection.ops.quote_name
    params = [[f.get_db_prep_save(row[f.attname], connection) for f in columns] + [pk] for pk, row in rows]
    table, pk = quote(opts.db_table), quote(opts.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(params) >= COPY_UPDATE_FROM:
            names = [quote(f.column) for f in columns]
            cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
            cursor.execute(
                f"CREATE TEMP TABLE {SCRATCH} AS SELECT {', '.join(names)}, {pk} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {SCRATCH} ({', '.join(names)}, {pk}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
            cursor.execute(
                f"UPDATE {table} o SET {', '.join(f'{n} = t.{n}' for n in names)} FROM {SCRATCH} t "
                f"WHERE o.{pk} = t.{pk}"
            )
            cursor.execute(f"DROP TABLE {SCRATCH}")
            return
        sql = "UPDATE {} SET {} WHERE {} = %s".format(
            table, ", ".join(f"{quote(f.column)} = %s" for f in columns), pk
        )
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start : start + BATCH])


def is_versioned(model: type[models.Model]) -> bool:
    names = {f.name for f in model._meta.get_fields()}
    return {"actif", "retire_en"} <= names
