"""`sync_frame` done inside PostgreSQL: the frame is copied into a temporary table (COPY), then one INSERT,
one UPDATE and one DELETE compare it with the stored rows of the scope — no stored row travels to Python.
The same outcome and counts as `gtec.imports.frames.sync_frame` (JSON values compared as jsonb: equal when
they encode the same value)."""

from __future__ import annotations

from django.db import connection, models

from gtec.imports.bulk import Counts
from gtec.imports.frames import insert_frame

SCRATCH = "_gtec_sync_frame"


def sync_frame_in_db(
    model: type[models.Model], frame, key: tuple[str, ...], *, scope_field: str, scope_values: list
) -> Counts:
    """Make the stored rows of `model` whose `scope_field` (an attribute name) is in `scope_values` equal to
    `frame` (columns = attribute names, JSON as text), matched on `key`. PostgreSQL only."""
    opts = model._meta
    by_attname = {f.attname: f for f in opts.concrete_fields}
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    scratch = quote(SCRATCH)
    keys = [quote(by_attname[k].column) for k in key]
    values = [quote(by_attname[c].column) for c in frame.columns if c not in key]
    scope = quote(by_attname[scope_field].column)
    stored_columns = ", ".join(quote(f.column) for f in opts.concrete_fields if f is not opts.pk)
    same_key = " AND ".join(f"o.{k} = t.{k}" for k in keys)
    counts = Counts()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
        cursor.execute(f"CREATE TEMP TABLE {scratch} AS SELECT {stored_columns} FROM {table} WITH NO DATA")
        insert_frame(model, frame, table=SCRATCH)
        cursor.execute(f"ANALYZE {scratch}")
        if values:
            changed = " OR ".join(f"o.{v} IS DISTINCT FROM t.{v}" for v in values)
            cursor.execute(
                f"UPDATE {table} o SET {', '.join(f'{v} = t.{v}' for v in values)} FROM {scratch} t "
                f"WHERE o.{scope} = ANY(%s) AND {same_key} AND ({changed})",
                [list(scope_values)],
            )
            counts.updated = cursor.rowcount
        cursor.execute(
            f"DELETE FROM {table} o WHERE o.{scope} = ANY(%s) "
            f"AND NOT EXISTS (SELECT 1 FROM {scratch} t WHERE {same_key})",
            [list(scope_values)],
        )
        counts.deleted = cursor.rowcount
        columns = ", ".join(quote(by_attname[c].column) for c in frame.columns)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {', '.join(f't.{c}' for c in columns.split(', '))} "
            f"FROM {scratch} t WHERE NOT EXISTS (SELECT 1 FROM {table} o WHERE o.{scope} = ANY(%s) "
            f"AND {same_key})",
            [list(scope_values)],
        )
        counts.created = cursor.rowcount
        cursor.execute(f"DROP TABLE {scratch}")
    counts.unchanged = frame.height - counts.created - counts.updated
    return counts
