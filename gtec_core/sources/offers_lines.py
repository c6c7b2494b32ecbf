"""The fast way through a block of JSON-lines offers (`offers.iter_offers`): msgspec decodes each line into
typed structs, skipping the many fields GTEC does not keep, and polars checks and cleans the columns.

A block goes this way only when every one of its records is one the exact reader (`offers._flatten`) accepts
and reads to the same values: each field of the JSON type the exact reader expects (a text as a JSON string,
`nombrePostes` an integer, `offresManqueCandidats` a boolean, `lieuTravail` an object, `competences` a list
of objects), dates in the API's own form (`2024-03-01T10:15:00.000Z`), codes in their plain ASCII forms.
Anything else — a bad record, but also a number where a text is expected, a date with an offset, a
superscript digit — makes `fast_block` answer None, and the caller reads the block with the exact reader,
which gives the same result as ever: the values, or the error with its record, line and field. The one
tolerance left: nesting between ≈ 990 and 995 levels deep in a field GTEC ignores, where the exact reader's own
limit depends on the depth of the Python call stack."""

from __future__ import annotations

import sys

import msgspec
import polars as pl

MAX_POSITIONS = 10_000  # positions of one offer: a larger number is a mistake (and overflows 64 bits)

# what Python's str.strip() removes (the exact reader strips with it); polars' default set lacks \x1c-\x1f
PY_WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
ROME_CODE = r"^[A-N][0-9]{4}$"
COMMUNE_CODE = r"^[0-9A-Za-z]{2}[0-9]{3}$"
# the API's UTC stamps, which Python's `datetime.fromisoformat` and polars read alike (year 0000 excepted)
STAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{3}|\.[0-9]{6})?Z$"
STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S%.fZ"


class Place(msgspec.Struct):
    libelle: str | None = None
    commune: str | None = None


class Skill(msgspec.Struct):
    code: str | None = None


class Offer(msgspec.Struct):
    id: str | int | None = None
    intitule: str | None = None
    dateCreation: str | None = None  # noqa: N815 — the API's field names
    dateActualisation: str | None = None  # noqa: N815
    lieuTravail: Place | None = None  # noqa: N815
    romeCode: str | None = None  # noqa: N815
    appellationlibelle: str | None = None
    typeContrat: str | None = None  # noqa: N815
    natureContrat: str | None = None  # noqa: N815
    typeContratLibelle: str | None = None  # noqa: N815
    dureeTravailLibelleConverti: str | None = None  # noqa: N815
    qualificationCode: str | None = None  # noqa: N815
    codeNAF: str | None = None  # noqa: N815
    nombrePostes: int | None = None  # noqa: N815
    offresManqueCandidats: bool | None = None  # noqa: N815
    competences: list[Skill] | None = None


DECODER = msgspec.json.Decoder(Offer)

# (output column, API field) of the plain texts, read as the exact reader's `_text` does
TEXTS = (
    ("title", "intitule"),
    ("appellation", "appellationlibelle"),
    ("contract_type", "typeContrat"),
    ("contract_nature", "natureContrat"),
    ("contract_label", "typeContratLibelle"),
    ("working_time", "dureeTravailLibelleConverti"),
    ("qualification_code", "qualificationCode"),
    ("naf_code", "codeNAF"),
)


# every text column of the decoded fields (typed even when a block has no value in it)
STRINGS = ("id", "dateCreation", "dateActualisation", "commune", "place", "romeCode") + tuple(
    f for _, f in TEXTS
)


def _text(name: str) -> pl.Expr:
    """Stripped as Python strips, an empty text as null."""
    stripped = pl.col(name).str.strip_chars(PY_WHITESPACE)
    return pl.when(stripped == "").then(None).otherwise(stripped)


def _stamp(name: str) -> pl.Expr:
    return pl.col(name).str.to_datetime(STAMP_FORMAT, time_zone="UTC", time_unit="us", strict=False)


def skills_column(lists: list[list[str]]) -> pl.Series:
    """The skill lists as one polars list column, built from the flat codes (a list of Python lists is
    converted one object at a time, several times slower)."""
    lengths = [len(codes) for codes in lists]
    flat = pl.DataFrame(
        {
            "row": pl.Series(range(len(lists)), dtype=pl.Int64).repeat_by(pl.Series(lengths)).explode()
            if lists
            else pl.Series([], dtype=pl.Int64),
            "code": pl.Series([code for codes in lists for code in codes], dtype=pl.String),
        }
    ).drop_nulls("row")
    grouped = flat.group_by("row", maintain_order=True).agg(pl.col("code"))
    whole = pl.DataFrame({"row": pl.Series(range(len(lists)), dtype=pl.Int64)}).join(
        grouped, on="row", how="left", maintain_order="left"
    )
    return whole["code"].fill_null(pl.lit([], dtype=pl.List(pl.String))).alias("skills")


def _raw_columns(offers: list[Offer], places: list[Place | None]) -> pl.DataFrame:
    """The decoded fields as columns, before any check (skills: the codes the exact reader keeps)."""
    raw = pl.DataFrame(
        {
            "id": [o.id if o.id is None or o.id.__class__ is str else str(o.id) for o in offers],
            "dateCreation": [o.dateCreation for o in offers],
            "dateActualisation": [o.dateActualisation for o in offers],
            "commune": [None if p is None else p.commune for p in places],
            "place": [None if p is None else p.libelle for p in places],
            "romeCode": [o.romeCode for o in offers],
            **{field: [getattr(o, field) for o in offers] for _, field in TEXTS},
            "nombrePostes": pl.Series([o.nombrePostes for o in offers], dtype=pl.Int64),
            "offresManqueCandidats": pl.Series([o.offresManqueCandidats for o in offers], dtype=pl.Boolean),
        },
        schema_overrides={name: pl.String for name in STRINGS},
    )
    skills = [
        [skill.code for skill in o.competences if skill.code is not None and skill.code.strip()]
        if o.competences
        else []
        for o in offers
    ]
    return raw.with_columns(skills_column(skills))


def fast_block(lines: list[bytes]) -> pl.DataFrame | None:
    """The offers of `lines` (one JSON object each, no blank line, the byte-order mark removed) in the layout
    of `offers.SCHEMA` without the record number, or None when any line needs the exact reader."""
    try:
        # UTF-8 throughout, ignored fields included, as the exact reader decodes each line whole
        pl.Series(lines, dtype=pl.Binary).cast(pl.String)
        offers = [DECODER.decode(line) for line in lines]
    except (pl.exceptions.ComputeError, msgspec.DecodeError, UnicodeDecodeError, RecursionError, ValueError):
        return None  # msgspec.ValidationError is a DecodeError
    places = [offer.lieuTravail for offer in offers]
    try:
        raw = _raw_columns(offers, places)
    except (UnicodeEncodeError, TypeError, OverflowError):  # a lone surrogate (« \\ud800 »), an integer past
        return None  # 64 bits: the exact reader names the field
    # each cleaned value once: the checks and the output read the same columns
    checked = raw.with_columns(
        _text("id").alias("_id"),
        _text("commune").alias("_commune"),
        _stamp("dateCreation").alias("_created"),
        _stamp("dateActualisation").alias("_updated"),
    )
    stated = pl.col("dateActualisation").is_not_null() & (pl.col("dateActualisation") != "")
    # what the exact reader would refuse, or read otherwise: such a block goes to it
    refused = (
        pl.col("_id").is_null()
        | (pl.col("_id").str.len_chars() > 20)
        | ~pl.col("romeCode").str.contains(ROME_CODE).fill_null(False)
        | ~pl.col("dateCreation").str.contains(STAMP).fill_null(False)
        | pl.col("dateCreation").str.starts_with("0000").fill_null(False)
        | pl.col("_created").is_null()
        | (
            stated
            & (
                ~pl.col("dateActualisation").str.contains(STAMP)
                | pl.col("dateActualisation").str.starts_with("0000")
                | pl.col("_updated").is_null()
            )
        )
        | (pl.col("_commune").is_not_null() & ~pl.col("_commune").str.contains(COMMUNE_CODE))
        | ((pl.col("nombrePostes") < 0) | (pl.col("nombrePostes") > MAX_POSITIONS)).fill_null(False)
    )
    if checked.select(refused.any()).item():
        return None
    return checked.select(
        pl.col("_id").alias("id"),
        pl.col("_created").dt.date().alias("date"),
        pl.col("_created").alias("created_at"),
        pl.when(stated).then(pl.col("_updated")).otherwise(pl.col("_created")).alias("updated_at"),
        pl.col("_commune").alias("commune"),
        *(_text(field).alias(name) for name, field in TEXTS),
        _text("place").alias("place"),
        pl.col("romeCode").alias("rome_code"),
        pl.col("nombrePostes").alias("positions"),
        pl.col("offresManqueCandidats").alias("lacks_candidates"),
        pl.col("skills"),
    )


__all__ = ["MAX_POSITIONS", "fast_block", "skills_column"]
