"""The frame variants of the sync helper, for files too large for one dict per row (STMT, SIRENE at
France scale): bulk insert of a polars frame, stored rows as a frame, and `sync_frame`. Split out of
`gtec.imports.sync`, which re-exports every public name."""

from __future__ import annotations

import json

from django.db import models

from gtec.imports.bulk import BATCH, Counts, is_versioned, update_rows

FRAME_BATCH = 200_000


def json_text(column):
    """A polars column of lists (or structs) as JSON text, e.g. `["122794","122795"]`."""
    import polars as pl

    return pl.struct(column.alias("v")).struct.json_encode().str.slice(5).str.strip_suffix("}")


def insert_frame(model: type[models.Model], frame, *, table: str | None = None) -> int:
    """Bulk INSERT of a polars frame whose columns are attribute names of `model` (the frame twin of
    `insert_rows`): COPY … (FORMAT csv) fed by polars' CSV writer on PostgreSQL, `executemany` on tuples
    elsewhere. Columns left out must have a scalar default (or be nullable); list columns (a JSON field's
    values) go as JSON text. `table`: another table with the model's columns (a temporary one) to write
    into. Returns the rows inserted."""
    import polars as pl
    from django.db import connection

    if frame.is_empty():
        return 0
    opts = model._meta
    by_attname = {f.attname: f for f in opts.concrete_fields}
    missing = [
        f
        for f in opts.concrete_fields
        if f.attname not in frame.columns and not isinstance(f, models.AutoField)
    ]
    extra = []
    for f in missing:
        if not f.has_default() and not f.null:
            raise ValueError(f"{opts.label}.{f.attname}: valeur absente et sans défaut")
        default = f.get_default() if f.has_default() else None
        if not isinstance(default, bool | int | float | str | type(None)):
            raise ValueError(f"{opts.label}.{f.attname}: défaut non scalaire, colonne à fournir")
        extra.append(pl.lit(default).alias(f.attname))
    frame = frame.with_columns(extra) if extra else frame
    # nested values (a JSON field's lists) as JSON text, which both backends take (jsonb parses it)
    nested = [n for n in frame.columns if isinstance(frame.schema[n], pl.List | pl.Array | pl.Struct)]
    if nested:
        frame = frame.with_columns(json_text(pl.col(n)).alias(n) for n in nested)
    names = list(frame.columns)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(by_attname[name].column) for name in names)
    table = quote(table or opts.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # polars writes "" for an empty string and nothing for null: exactly COPY's csv convention
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                for start in range(0, frame.height, FRAME_BATCH):
                    copy.write(frame.slice(start, FRAME_BATCH).write_csv(include_header=False))
            return frame.height
        casts = [
            pl.col(n).cast(pl.String)
            if frame.schema[n] in (pl.Date, pl.Datetime)
            else pl.col(n).cast(pl.Int8)
            if frame.schema[n] == pl.Boolean
            else pl.col(n)
            for n in names
        ]
        frame = frame.select(casts)
        sql = "INSERT INTO {} ({}) VALUES ({})".format(table, columns, ", ".join(["%s"] * len(names)))
        for start in range(0, frame.height, BATCH * 10):
            cursor.executemany(sql, frame.slice(start, BATCH * 10).rows())
    return frame.height


def canonical_json(value) -> str:
    """One text per JSON value (keys sorted, no spaces), so that two encodings of one value compare equal."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _json_text_fields(model: type[models.Model], frame) -> list[str]:
    """The frame's columns that hold a JSON field's value as JSON text."""
    import polars as pl

    fields = {f.attname: f for f in model._meta.concrete_fields}
    return [
        c
        for c in frame.columns
        if isinstance(fields.get(c), models.JSONField) and frame.schema[c] == pl.String
    ]


def stored_frame(
    model: type[models.Model],
    fields: list[str],
    schema: dict,
    scope: dict | None = None,
    json_text: tuple[str, ...] = (),
):
    """The stored rows of `model` within `scope` as a polars frame of `fields` (attribute names), read through
    a server-side iterator in chunks of tuples, never one dict per row. The JSON fields named in `json_text`
    come as `canonical_json` text."""
    import polars as pl

    queryset = model.objects.filter(**(scope or {})).values_list(*fields)
    as_text = [fields.index(name) for name in json_text]
    parts = []
    chunk: list[tuple] = []
    for record in queryset.iterator(chunk_size=FRAME_BATCH // 10):
        if as_text:
            record = list(record)
            for i in as_text:
                record[i] = None if record[i] is None else canonical_json(record[i])
        chunk.append(record)
        if len(chunk) >= FRAME_BATCH:
            parts.append(pl.DataFrame(chunk, schema=schema, orient="row"))
            chunk = []
    if chunk or not parts:
        parts.append(pl.DataFrame(chunk, schema=schema, orient="row"))
    return pl.concat(parts, rechunk=False) if len(parts) > 1 else parts[0]


def sync_frame(
    model: type[models.Model],
    frame,
    key: tuple[str, ...],
    *,
    scope: dict | None = None,
    delete_missing: bool = True,
    covered: tuple[str, ...] = (),
) -> Counts:
    """`sync` for a polars frame (columns = attribute names) of a non-versioned model: the same counts and
    the same outcome, with the diff done by polars joins (a JSON field may come as JSON text). When nothing is stored in `scope`, the frame goes
    straight to `insert_frame` (COPY on PostgreSQL). `covered` narrows the scope to what the file really
    covers: stored rows whose values of these columns appear nowhere in the frame (another territory, say)
    are left alone — a one-commune file replaces that commune, not the whole month."""
    import polars as pl

    if is_versioned(model):
        raise ValueError(f"{model._meta.label} : modèle versionné, utiliser sync()")
    counts = Counts()
    key = list(key)
    value_fields = [c for c in frame.columns if c not in key]
    pk_name = model._meta.pk.attname
    schema = {pk_name: pl.Int64, **{c: frame.schema[c] for c in [*key, *value_fields]}}
    if not model.objects.filter(**(scope or {})).exists():
        counts.created = insert_frame(model, frame)
        return counts
    # JSON given as text: compared in one canonical text on both sides, stored as the value it encodes
    json_columns = [c for c in _json_text_fields(model, frame) if c in value_fields]
    stored = stored_frame(model, [pk_name, *key, *value_fields], schema, scope, tuple(json_columns))
    if covered:
        stored = stored.join(frame.select(list(covered)).unique(), on=list(covered), how="semi")
    created = frame.join(stored.select(key), on=key, how="anti")
    counts.created = insert_frame(model, created)
    both = frame.join(stored, on=key, how="inner", suffix="__stored")
    if json_columns:  # only the rows met on both sides need the canonical text
        both = both.with_columns(
            pl.col(c).map_elements(lambda t: canonical_json(json.loads(t)), return_dtype=pl.String)
            for c in json_columns
        )
    if value_fields:
        changed = pl.any_horizontal(~pl.col(f).eq_missing(pl.col(f"{f}__stored")) for f in value_fields)
        updated = both.filter(changed)
    else:
        updated = both.clear()
    counts.unchanged = both.height - updated.height
    counts.updated = updated.height
    for start in range(0, updated.height, FRAME_BATCH):
        part = updated.slice(start, FRAME_BATCH)
        rows = list(zip(part[pk_name], part.select(value_fields).iter_rows(named=True), strict=True))
        for _, row in rows:
            for c in json_columns:
                row[c] = None if row[c] is None else json.loads(row[c])
        update_rows(model, value_fields, rows)
    if delete_missing:
        gone = stored.join(frame.select(key), on=key, how="anti")[pk_name].to_list()
        for start in range(0, len(gone), BATCH):
            model.objects.filter(pk__in=gone[start : start + BATCH]).delete()
        counts.deleted = len(gone)
    return counts
