"""Job offers in the France Travail « API Offres d'emploi v2 » JSON layout. Layout: data-sources.md §11.

Source: `GET https://api.francetravail.io/partenaire/offresdemploi/v2/offres/search` answers a page
`{"resultats": [offre, …], "filtresPossibles": […]}`; a dump of offers may also be a JSON array of offers, or
JSON lines (one offer object per line, read as a stream). An offer carries `id`, `intitule`, `dateCreation`
and `dateActualisation` (ISO 8601, e.g. `2024-03-01T10:15:00.000Z`), `lieuTravail{libelle, codePostal, commune
(INSEE)}`, `romeCode`, `appellationlibelle`, `typeContrat` (CDI/CDD/MIS/SAI…), `typeContratLibelle` (« CDD - 6 Mois »), `natureContrat`,
`dureeTravailLibelleConverti`, `qualificationCode`, `codeNAF`, `nombrePostes`, `offresManqueCandidats`,
`competences[{code (OGR), libelle, exigence}]`, among many others not kept here.

An offer without `id`, a valid `romeCode` or a readable `dateCreation` is rejected with its record number (and
its line for JSON lines). By default the first rejection raises a SourceError; pass a list as `rejected` to
collect the errors and keep the valid offers. The same `id` seen twice keeps the most recently updated copy.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from gtec_core.errors import SourceError

RECORD = "_record"
ROME = "ABCDEFGHIJKLMN"

SCHEMA: dict[str, pl.DataType] = {
    "id": pl.String(),
    "title": pl.String(),
    "date": pl.Date(),
    "created_at": pl.Datetime("us", "UTC"),
    "updated_at": pl.Datetime("us", "UTC"),
    "commune": pl.String(),
    "place": pl.String(),
    "rome_code": pl.String(),
    "appellation": pl.String(),
    "contract_type": pl.String(),
    "contract_nature": pl.String(),
    "contract_label": pl.String(),
    "working_time": pl.String(),
    "qualification_code": pl.String(),
    "naf_code": pl.String(),
    "positions": pl.Int32(),
    "lacks_candidates": pl.Boolean(),
    "skills": pl.List(pl.String()),
    RECORD: pl.Int64(),
}


MAX_POSITIONS = 10_000  # positions of one offer: a larger number is a mistake (and overflows 64 bits)


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)  # the API writes UTC; a naive stamp is taken as UTC
    return stamp


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _is_rome(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 5 and value[0] in ROME and value[1:].isdigit()


def _flatten(offer: Any, fail: Any) -> dict[str, Any] | None:
    """One offer as a flat row, or None after calling `fail(message, field)`."""
    if not isinstance(offer, dict):
        return fail("l'offre n'est pas un objet JSON", None)
    raw_id = offer.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, (str, int))):
        return fail(f"identifiant d'offre invalide : texte attendu, lu {type(raw_id).__name__}", "id")
    ident = _text(raw_id)
    if ident is None:
        return fail("identifiant d'offre manquant", "id")
    if len(ident) > 20:
        return fail("identifiant d'offre de plus de 20 caractères", "id")
    if not _is_rome(offer.get("romeCode")):
        value = offer.get("romeCode")
        return fail(
            "code ROME manquant" if value in (None, "") else f"code ROME « {value} » invalide", "romeCode"
        )
    created = _timestamp(offer.get("dateCreation"))
    if created is None:
        return fail(
            f"date de création manquante ou illisible ({offer.get('dateCreation')!r})", "dateCreation"
        )
    updated = _timestamp(offer.get("dateActualisation"))
    if offer.get("dateActualisation") not in (None, "") and updated is None:
        return fail(f"date d'actualisation illisible ({offer['dateActualisation']!r})", "dateActualisation")
    place = offer.get("lieuTravail") or {}
    if not isinstance(place, dict):
        return fail("lieuTravail n'est pas un objet", "lieuTravail")
    commune = _text(place.get("commune"))
    if commune is not None and not (len(commune) == 5 and commune[:2].isalnum() and commune[2:].isdigit()):
        return fail(f"code commune « {commune} » invalide", "lieuTravail.commune")
    positions = offer.get("nombrePostes")
    if positions is not None and (
        isinstance(positions, bool) or not isinstance(positions, int) or not 0 <= positions <= MAX_POSITIONS
    ):
        return fail(f"nombre de postes invalide ({positions!r})", "nombrePostes")
    skills = offer.get("competences") or []
    if not isinstance(skills, list) or not all(isinstance(s, dict) for s in skills):
        return fail("competences doit être une liste d'objets", "competences")
    lacks = offer.get("offresManqueCandidats")
    return {
        "id": ident,
        "title": _text(offer.get("intitule")),
        "date": created.date(),
        "created_at": created,
        "updated_at": updated or created,
        "commune": commune,
        "place": _text(place.get("libelle")),
        "rome_code": offer["romeCode"],
        "appellation": _text(offer.get("appellationlibelle")),
        "contract_type": _text(offer.get("typeContrat")),
        "contract_nature": _text(offer.get("natureContrat")),
        "contract_label": _text(offer.get("typeContratLibelle")),
        "working_time": _text(offer.get("dureeTravailLibelleConverti")),
        "qualification_code": _text(offer.get("qualificationCode")),
        "naf_code": _text(offer.get("codeNAF")),
        "positions": positions,
        "lacks_candidates": lacks if isinstance(lacks, bool) else None,
        "skills": [str(s["code"]) for s in skills if _text(s.get("code"))],
    }


def _encoding_error(path: Path, data: bytes, exc: UnicodeDecodeError, line: int | None = None) -> SourceError:
    """A French error for bytes that are not UTF-8, with the line they sit on."""
    if line is None:
        line = data[: exc.start].count(b"\n") + 1
    byte = data[exc.start : exc.start + 1].hex()
    return SourceError(path, f"encodage invalide : UTF-8 attendu (octet 0x{byte} illisible)", line=line)


def _records(path: Path) -> Iterator[tuple[int, int | None, Any]]:
    """Yield (record number, line or None, decoded object or the SourceError of an unreadable line)."""
    with open(path, "rb") as handle:
        raw_head = handle.read(1 << 16)
    head = raw_head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace").lstrip()
    if not head:
        raise SourceError(path, "fichier vide : aucune offre", line=1)
    first_line = head.splitlines()[0].strip()
    lines_mode = False
    if head[0] == "{":
        try:
            first = json.loads(first_line)
            lines_mode = isinstance(first, dict) and "resultats" not in first
        except (json.JSONDecodeError, RecursionError):
            lines_mode = False
    if lines_mode:
        number = 0
        with open(path, "rb") as handle:
            for line, data in enumerate(handle, start=1):
                if line == 1:
                    data = data.removeprefix(b"\xef\xbb\xbf")
                if not data.strip():
                    continue
                number += 1
                try:
                    yield number, line, json.loads(data.decode("utf-8"))
                except UnicodeDecodeError as exc:
                    yield number, line, _encoding_error(path, data, exc, line)
                except RecursionError:
                    message = f"enregistrement n° {number} : JSON refusé (imbrication trop profonde)"
                    yield number, line, SourceError(path, message, line=line)
                except json.JSONDecodeError as exc:
                    message = f"enregistrement n° {number} : JSON illisible ou tronqué ({exc.msg})"
                    yield number, line, SourceError(path, message, line=line)
        return
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, data, exc) from None
    except RecursionError:
        raise SourceError(path, "JSON refusé (imbrication trop profonde)", line=1) from None
    except json.JSONDecodeError as exc:
        raise SourceError(
            path, f"JSON illisible ou tronqué ({exc.msg}, colonne {exc.colno})", line=exc.lineno
        ) from None
    if isinstance(document, dict):
        if not isinstance(document.get("resultats"), list):
            raise SourceError(path, "page de résultats sans liste « resultats »", line=1, column="resultats")
        document = document["resultats"]
    if not isinstance(document, list):
        raise SourceError(path, "tableau JSON d'offres attendu", line=1)
    for number, offer in enumerate(document, start=1):
        yield number, None, offer


def _skills(lists: list[list[str]]) -> pl.Series:
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


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    # built column by column: faster than a frame of dicts
    columns = {name: [row[name] for row in rows] for name in SCHEMA if name != "skills"}
    frame = pl.DataFrame(columns, schema={k: v for k, v in SCHEMA.items() if k != "skills"})
    frame = frame.with_columns(_skills([row["skills"] for row in rows])).select(list(SCHEMA))
    # the same offer seen twice: keep the copy updated last (the later record on a tie)
    return (
        frame.sort(["updated_at", RECORD]).unique(subset="id", keep="last", maintain_order=True).sort(RECORD)
    )


WINNERS_BLOCK = 32 << 20  # bytes of JSON lines parsed at once by the first pass


def _winners(path: Path) -> dict[str, int]:
    """For JSON lines, the record kept for each id seen more than once in the file (updated last, the later
    record on a tie), so that chunks never disagree. A light first pass: polars parses blocks of lines for
    `id` only (memory: one block, plus ids and record numbers); the dates of the repeated ids alone are then
    read. Empty when the file is not plain JSON lines (errors then come from the main pass)."""
    parts = []
    number = 0
    try:
        with open(path, "rb") as handle:
            while lines := handle.readlines(WINNERS_BLOCK):
                if number == 0 and lines[0].startswith(b"\xef\xbb\xbf"):
                    lines[0] = lines[0][3:]
                lines = [text for text in lines if text.strip()]
                if not lines:
                    continue
                block = pl.read_ndjson(io.BytesIO(b"".join(lines)), schema={"id": pl.String})
                parts.append(block.with_row_index(RECORD, offset=number + 1).cast({RECORD: pl.Int64}))
                number += len(lines)
    except (pl.exceptions.PolarsError, OSError, ValueError):
        return {}
    if not parts:
        return {}
    ids = pl.concat(parts).with_columns(pl.col("id").str.strip_chars())
    repeated = ids.filter(pl.col("id").is_not_null() & pl.col("id").is_duplicated())
    if repeated.is_empty():
        return {}
    wanted = dict(zip(repeated[RECORD].to_list(), repeated["id"].to_list(), strict=True))
    best: dict[str, tuple[datetime, int]] = {}
    with open(path, encoding="utf-8-sig") as handle:
        texts = (text for text in handle if text.strip())
        for record, text in enumerate(texts, start=1):
            if record in wanted:
                offer = json.loads(text)
                if isinstance(offer, dict):
                    _keep_best(best, wanted[record], offer, record)
    return {ident: record for ident, (_, record) in best.items()}


def _keep_best(best: dict, ident: str, offer: dict, record: int) -> None:
    stamp = _timestamp(offer.get("dateActualisation")) or _timestamp(offer.get("dateCreation"))
    if stamp is not None and (ident not in best or (stamp, record) >= best[ident]):
        best[ident] = (stamp, record)


def iter_offers(
    path: Path, *, chunk_size: int = 100_000, rejected: list[SourceError] | None = None
) -> Iterator[pl.DataFrame]:
    """Read offers as a stream of frames of at most `chunk_size` records each (the layout of `read_offers`),
    so that a file of millions of offers never sits in memory at once. Copies of one id are merged within a
    chunk only; the first rejected record raises (unless `rejected` is given) when its chunk is read."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "fichier introuvable")
    winners = _winners(path)
    rows: list[dict[str, Any]] = []
    for number, line, offer in _records(path):
        if isinstance(offer, SourceError):
            if rejected is None:
                raise offer
            rejected.append(offer)
            continue

        def fail(message: str, field: str | None, number: int = number, line: int | None = line) -> None:
            error = SourceError(path, f"enregistrement n° {number} : {message}", line=line, column=field)
            if rejected is None:
                raise error
            rejected.append(error)
            return None

        row = _flatten(offer, fail)
        if row is not None and winners.get(row["id"], number) == number:
            row[RECORD] = number
            rows.append(row)
            if len(rows) >= chunk_size:
                yield _frame(rows)
                rows = []
    if rows:
        yield _frame(rows)


def read_offers(path: Path, *, rejected: list[SourceError] | None = None) -> pl.DataFrame:
    """Read offers (array, `resultats` page or JSON lines) into a frame: `id`, `title`, `date` (of creation),
    `created_at`, `updated_at`, `commune`, `place`, `rome_code`, `appellation`, `contract_type`,
    `contract_nature`, `working_time`, `qualification_code`, `naf_code`, `positions`, `lacks_candidates`,
    `skills` (list of competence codes) and `_record` (record number in the file), one row per id."""
    chunks = list(iter_offers(path, chunk_size=1 << 62, rejected=rejected))
    return _frame([]) if not chunks else chunks[0]
