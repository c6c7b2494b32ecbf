"""The one diff helper every importer uses: compare the rows read from a file with what is stored, then
create, update and delete (or retire) in bulk, and count each. Run it inside `transaction.atomic()`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import contextmanager
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


def update_rows(model: type[models.Model], fields: list[str], rows: list[tuple[object, dict]]) -> None:
    """UPDATE … WHERE pk = %s through `executemany`, for (pk, row) pairs."""
    if not rows or not fields:
        return
    from django.db import connection

    opts = model._meta
    columns = [next(f for f in opts.concrete_fields if f.attname == name) for name in fields]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(opts.db_table), ", ".join(f"{quote(f.column)} = %s" for f in columns), quote(opts.pk.column)
    )
    params = [[f.get_db_prep_save(row[f.attname], connection) for f in columns] + [pk] for pk, row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start : start + BATCH])


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


# --- frame variants, for files too large for one dict per row (STMT, SIRENE at France scale) -------------

FRAME_BATCH = 200_000


def json_text(column):
    """A polars column of lists (or structs) as JSON text, e.g. `["122794","122795"]`."""
    import polars as pl

    return pl.struct(column.alias("v")).struct.json_encode().str.slice(5).str.strip_suffix("}")


def insert_frame(model: type[models.Model], frame) -> int:
    """Bulk INSERT of a polars frame whose columns are attribute names of `model` (the frame twin of
    `insert_rows`): COPY … (FORMAT csv) fed by polars' CSV writer on PostgreSQL, `executemany` on tuples
    elsewhere. Columns left out must have a scalar default (or be nullable); list columns (a JSON field's
    values) go as JSON text. Returns the rows inserted."""
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
    table = quote(opts.db_table)
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
