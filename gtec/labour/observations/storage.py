"""Storage of the computed figures as observations: their counts, origin (published, sum, population share,
computed), the « réel » / « synthétique » label of each, and the Dares tensions as published."""

from __future__ import annotations

import json
import math

import polars as pl
from django.db import connection

from gtec.imports.frames_pg import sync_frame_in_db
from gtec.imports.models import ImportRun
from gtec.imports.sync import Counts, sync_frame
from gtec.labour import models as m
from gtec.labour import version
from gtec.labour.observations.inputs import ALL
from gtec.territories.models import Territory
from gtec_core.indicators.registry import REGISTRY

BMO_ONLY = {"bmo_projects", "bmo_difficulty_rate", "bmo_seasonality_rate"}


INPUT_SOURCES = {
    "offers": ("offres",),
    "jobseekers": ("stmt",),
    "bmo": ("bmo",),
    "employment": ("emploi",),
    "reference": ("emploi",),
    "subareas": ("offres", "stmt"),
    "sectors": ("sirene",),
}


def _clean(value):
    """JSON- and database-safe float: NaN and infinities become null, and values are rounded to 9 decimals so
    that a re-run whose parallel sums add in another order stores exactly the same number."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, 9)
    return value


def synthetic_sources() -> set[str]:
    """The sources whose latest import is synthetic (demo files)."""
    out = set()
    for source in {s for sources in INPUT_SOURCES.values() for s in sources}:
        run = ImportRun.objects.filter(source=source).order_by("-pk").first()
        if run is not None and run.synthetic:
            out.add(source)
    return out


def _is_synthetic() -> bool:
    return bool(synthetic_sources())


def indicator_synthetic(name: str, synthetic: set[str]) -> bool:
    """An indicator is synthetic when one of the sources of its inputs is."""
    return any(s in synthetic for k in REGISTRY[name].inputs for s in INPUT_SOURCES.get(k, ()))


DARES_LEVELS = {"dep": "dep", "reg": "reg"}


DARES_DETAIL = {"dep": "Dares, département {code}", "reg": "Dares, région {code}"}


def _geo_code(code: str) -> str:
    """Codes of the Dares file are written without leading zero for régions (« 1 », « 94 »)."""
    return code.lstrip("0") or "0"


def dares_rows(territories: list[Territory], ids: dict[str, int]) -> list[dict]:
    """The Dares tension indicator as published (FAP-2009, 225 and 87 families) for the départements and
    régions among `territories`, stored as observations of `dares_tension` (nomenclature FAP 2009, origin
    « publié »): a category is given only where the Dares gives one (an imputed value has none, status
    « insufficient »)."""
    wanted = {
        (t.scale, _geo_code(t.code)): t.key for t in territories if t.scale in DARES_LEVELS and t.key in ids
    }
    if not wanted:
        return []
    synthetic = bool(
        (run := ImportRun.objects.filter(source="dares").order_by("-pk").first()) and run.synthetic
    )
    rows = []
    for level, code, fap, year, employment, tension, category in m.DaresTension.objects.filter(
        niveau_geo__in=list(DARES_LEVELS)
    ).values_list("niveau_geo", "code_geo", "code_fap", "annee", "emploi_moyen", "tension", "categorie"):
        key = wanted.get((level, _geo_code(code)))
        if key is None:
            continue
        rows.append(
            {
                "indicator": "dares_tension",
                "territory_id": ids[key],
                "occupation_kind": "fap2009",
                "occupation": fap,
                "period": str(year),
                "value": _clean(tension),
                "status": "ok" if tension is not None and category is not None else "insufficient",
                "category": category,
                "counts": {"employment": employment},
                "synthetic": synthetic,
                "origin": "published",
                "origin_detail": DARES_DETAIL[level].format(code=code),
            }
        )
    return rows


OBSERVATION_KEY = ("indicator", "territory_id", "occupation_kind", "occupation", "period")


OBSERVATION_SCHEMA = {
    "indicator": pl.String,
    "territory_id": pl.Int64,
    "occupation_kind": pl.String,
    "occupation": pl.String,
    "period": pl.String,
    "value": pl.Float64,
    "status": pl.String,
    "category": pl.Int64,
    "counts": pl.String,  # JSON text
    "synthetic": pl.Boolean,
    "origin": pl.String,
    "origin_detail": pl.String,
}


def _clean_expr(column: str) -> pl.Expr:
    """`_clean` for a float column: NaN and infinities become null, values rounded to 9 decimals."""
    value = pl.col(column)
    return pl.when(value.is_nan() | value.is_infinite()).then(None).otherwise(value.round(9)).alias(column)


def observation_frame(
    long: pl.DataFrame,
    ids: dict[str, int],
    synthetic: set[str] | bool,
    bmo_origins: dict[str, tuple[str, str, str]] | None = None,
    extra: list[dict] = (),
    details: dict[str, dict[str, str]] | None = None,
) -> pl.DataFrame:
    """The observation rows of `long` (the output of `run_indicators`) and of `extra` (rows as dicts, such as
    `dares_rows`) as one frame of `OBSERVATION_SCHEMA`, built column-wise, with the counts as JSON text.
    `details` gives, per indicator, the `origin_detail` of each territory's figures (the reference area of a
    location quotient)."""
    parts = []
    if not long.is_empty():
        if isinstance(synthetic, bool):
            flags = dict.fromkeys(REGISTRY, synthetic)
        else:
            flags = {name: indicator_synthetic(name, synthetic) for name in REGISTRY}
        long = long.filter(pl.col("territory").is_in(list(ids)))
        origins = pl.DataFrame(
            [(k, *v) for k, v in (bmo_origins or {}).items()],
            schema={"territory": pl.String, "_origin": pl.String, "_detail": pl.String, "_note": pl.String},
            orient="row",
        )
        territory_ids = pl.DataFrame(
            list(ids.items()), schema={"territory": pl.String, "territory_id": pl.Int64}, orient="row"
        )
        for (name,), part in long.group_by("indicator", maintain_order=True):
            keys = json.loads(part["counts"][0] or "{}")
            if keys:
                counts = (
                    pl.col("counts")
                    .str.json_decode(pl.Struct(dict.fromkeys(keys, pl.Float64)))
                    .struct.with_fields(
                        *(
                            pl.when(pl.field(k).is_nan() | pl.field(k).is_infinite())
                            .then(None)
                            .otherwise(pl.field(k).round(9))
                            .alias(k)
                            for k in keys
                        )
                    )
                    .struct.json_encode()
                )
                counts = pl.when(pl.col("counts").is_null()).then(pl.lit("{}")).otherwise(counts)
            else:
                counts = pl.lit("{}")
            part = part.join(territory_ids, on="territory", how="left").with_columns(
                counts.alias("counts"), _clean_expr("value"), pl.lit(flags[name]).alias("synthetic")
            )
            if name in BMO_ONLY:
                part = part.join(origins, on="territory", how="left")
                total = pl.col("occupation") == ALL
                part = part.with_columns(
                    pl.when(pl.col("_origin").is_null())
                    .then(pl.lit("computed"))
                    .when(total & (pl.col("_origin") == "published"))
                    .then(pl.lit("sum"))
                    .otherwise(pl.col("_origin"))
                    .alias("origin"),
                    pl.when(pl.col("_origin").is_null())
                    .then(pl.lit(""))
                    .when(total)
                    .then(pl.concat_str(pl.col("_detail"), pl.lit(" ; "), pl.col("_note")))
                    .otherwise(pl.col("_detail"))
                    .alias("origin_detail"),
                )
            else:
                detail = (details or {}).get(name, {})
                part = part.with_columns(
                    pl.lit("computed").alias("origin"),
                    pl.col("territory")
                    .replace_strict(detail, default="", return_dtype=pl.String)
                    .alias("origin_detail"),
                )
            parts.append(part.select([pl.col(c).cast(t) for c, t in OBSERVATION_SCHEMA.items()]))
    if extra:
        parts.append(
            pl.DataFrame(
                [{**row, "counts": json.dumps(row["counts"])} for row in extra],
                schema=OBSERVATION_SCHEMA,
                orient="row",
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame(schema=OBSERVATION_SCHEMA)


def store_observations(frame: pl.DataFrame, territory_ids: list[int]) -> Counts:
    """Make the stored observations of `territory_ids` equal to `frame` (`observation_frame`): a bulk insert
    (COPY on PostgreSQL) when none is stored for them, else the column-wise diff of `sync_frame` (the counts
    compared as canonical JSON text). The read side's cache follows (`version`), with or without an import
    run."""
    version.observations_written()
    if (
        connection.vendor == "postgresql"
        and m.Observation.objects.filter(territory_id__in=territory_ids).exists()
    ):
        # the diff inside the database (temporary table + SQL): no stored row read into Python
        return sync_frame_in_db(
            m.Observation, frame, OBSERVATION_KEY, scope_field="territory_id", scope_values=territory_ids
        )
    return sync_frame(m.Observation, frame, OBSERVATION_KEY, scope={"territory_id__in": territory_ids})
