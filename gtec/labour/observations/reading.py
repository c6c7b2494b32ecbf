"""Reading a query's rows into polars: on PostgreSQL through `COPY (query) TO STDOUT` as CSV, parsed by polars
in one go (no Python object per row); elsewhere through a server-side cursor in chunks of tuples."""

from __future__ import annotations

import io
from itertools import islice

import polars as pl
from django.db import connection

CHUNK = 100_000  # rows per fetch when reading query results into polars (iterator path)

NULL = r"\N"  # COPY's null marker, told apart from an empty string (« "" » in CSV)


def query_frame(queryset, schema: dict) -> pl.DataFrame:
    """The rows of a `values_list` queryset as a polars frame of `schema` (one column per value, in order)."""
    if connection.vendor == "postgresql":
        return _copy_frame(queryset, schema)
    parts = []
    rows = queryset.iterator(chunk_size=CHUNK)
    while block := list(islice(rows, CHUNK)):
        parts.append(pl.DataFrame(block, schema=schema, orient="row"))
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _read_as(dtype) -> pl.DataType:
    """How a column is parsed from PostgreSQL's CSV text: booleans come as « t » / « f »."""
    return pl.String if dtype == pl.Boolean else dtype


def _copy_frame(queryset, schema: dict) -> pl.DataFrame:
    sql, params = queryset.query.sql_with_params()
    statement = connection.ops.compose_sql(sql, params)  # COPY takes no bound parameters: literals
    buffer = io.BytesIO()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        copy_sql = f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, NULL '{NULL}')"
        with cursor.cursor.copy(copy_sql) as copy:
            for block in copy:
                buffer.write(block)
    if not buffer.getbuffer().nbytes:
        return pl.DataFrame(schema=schema)
    names = list(schema)
    frame = pl.read_csv(
        buffer.getvalue(),
        has_header=False,
        new_columns=names,
        schema={n: _read_as(t) for n, t in schema.items()},
        null_values=NULL,
        empty_string_is_null=False,
        quote_char='"',
    )
    booleans = [n for n, t in schema.items() if t == pl.Boolean]
    if booleans:
        frame = frame.with_columns(pl.col(n) == "t" for n in booleans)
    return frame
