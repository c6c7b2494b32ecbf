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

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import polars as pl

from gtec_core.errors import SourceError
from gtec_core.sources.offers_lines import MAX_POSITIONS, fast_block, skills_column

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
    row = {
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
    for name, field in API_FIELDS.items():  # a lone surrogate (« \\ud800 ») is no text any file can hold
        values = row[name] if name == "skills" else [row[name]]
        if any(isinstance(v, str) and not v.isascii() and not _encodable(v) for v in values):
            return fail("texte illisible (caractère Unicode isolé, hors UTF-8)", field)
    return row


API_FIELDS = {
    "id": "id",
    "title": "intitule",
    "commune": "lieuTravail.commune",
    "place": "lieuTravail.libelle",
    "appellation": "appellationlibelle",
    "contract_type": "typeContrat",
    "contract_nature": "natureContrat",
    "contract_label": "typeContratLibelle",
    "working_time": "dureeTravailLibelleConverti",
    "qualification_code": "qualificationCode",
    "naf_code": "codeNAF",
    "skills": "competences",
}


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _encoding_error(path: Path, data: bytes, exc: UnicodeDecodeError, line: int | None = None) -> SourceError:
    """A French error for bytes that are not UTF-8, with the line they sit on."""
    if line is None:
        line = data[: exc.start].count(b"\n") + 1
    byte = data[exc.start : exc.start + 1].hex()
    return SourceError(path, f"encodage invalide : UTF-8 attendu (octet 0x{byte} illisible)", line=line)


BOM = b"\xef\xbb\xbf"
LINES_BLOCK = 32 << 20  # bytes of JSON lines read at once (the fast path decodes a block at a time)


def _lines_mode(path: Path) -> bool:
    """True for JSON lines (one offer object per line), False for an array or a `resultats` page."""
    with open(path, "rb") as handle:
        raw_head = handle.read(1 << 16)
    head = raw_head.removeprefix(BOM).decode("utf-8", errors="replace").lstrip()
    if not head:
        raise SourceError(path, "fichier vide : aucune offre", line=1)
    if head[0] != "{":
        return False
    try:
        first = json.loads(head.splitlines()[0].strip())
    except (json.JSONDecodeError, RecursionError):
        return False
    return isinstance(first, dict) and "resultats" not in first


def _line_blocks(path: Path) -> Iterator[list[tuple[int, int, bytes]]]:
    """The non-blank lines of a JSON-lines file, in blocks of about `LINES_BLOCK` bytes: (record number,
    line number, bytes), the byte-order mark removed."""
    number = line = 0
    with open(path, "rb") as handle:
        while chunk := handle.readlines(LINES_BLOCK):
            block = []
            for data in chunk:
                line += 1
                if line == 1:
                    data = data.removeprefix(BOM)
                if data.strip():
                    number += 1
                    block.append((number, line, data))
            if block:
                yield block


def _decoded(path: Path, number: int, line: int, data: bytes) -> Any:
    """One JSON line as its object, or the SourceError that says why it cannot be read."""
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return _encoding_error(path, data, exc, line)
    except RecursionError:
        message = f"enregistrement n° {number} : JSON refusé (imbrication trop profonde)"
        return SourceError(path, message, line=line)
    except json.JSONDecodeError as exc:
        message = f"enregistrement n° {number} : JSON illisible ou tronqué ({exc.msg})"
        return SourceError(path, message, line=line)


def _records(path: Path) -> Iterator[tuple[int, int | None, Any]]:
    """Yield (record number, line or None, decoded object or the SourceError of an unreadable line)."""
    if _lines_mode(path):
        for block in _line_blocks(path):
            for number, line, data in block:
                yield number, line, _decoded(path, number, line, data)
        return
    data = path.read_bytes().removeprefix(BOM)
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


def _rows_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    # built column by column: faster than a frame of dicts
    columns = {name: [row[name] for row in rows] for name in SCHEMA if name != "skills"}
    frame = pl.DataFrame(columns, schema={k: v for k, v in SCHEMA.items() if k != "skills"})
    return frame.with_columns(skills_column([row["skills"] for row in rows])).select(list(SCHEMA))


def _dedupe(frame: pl.DataFrame) -> pl.DataFrame:
    """The same offer seen twice: keep the copy updated last (the later record on a tie)."""
    return (
        frame.sort(["updated_at", RECORD]).unique(subset="id", keep="last", maintain_order=True).sort(RECORD)
    )


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return _dedupe(_rows_frame(rows))


class _Id(msgspec.Struct):
    id: str | int | None = None


ID_DECODER = msgspec.json.Decoder(_Id)


def _winners(path: Path) -> dict[str, int]:
    """For JSON lines, the record kept for each id seen more than once in the file (updated last, the later
    record on a tie), so that chunks never disagree. A light first pass: msgspec decodes the `id` of each
    line and skips the rest (memory: one block of lines, plus ids and record numbers); the dates of the
    repeated ids alone are then read. Empty when the file is not plain JSON lines or a line cannot be read
    this way (errors then come from the main pass)."""
    if not _lines_mode(path):
        return {}
    parts = []
    try:
        for block in _line_blocks(path):
            ids = [ID_DECODER.decode(data).id for _, _, data in block]
            parts.append(
                pl.DataFrame(
                    {"id": [None if i is None else str(i) for i in ids], RECORD: [n for n, _, _ in block]},
                    schema={"id": pl.String, RECORD: pl.Int64},
                )
            )
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        return {}
    if not parts:
        return {}
    ids = pl.concat(parts).with_columns(pl.col("id").str.strip_chars())
    repeated = ids.filter(pl.col("id").is_not_null() & pl.col("id").is_duplicated())
    if repeated.is_empty():
        return {}
    wanted = dict(zip(repeated[RECORD].to_list(), repeated["id"].to_list(), strict=True))
    best: dict[str, tuple[datetime, int]] = {}
    for block in _line_blocks(path):
        for number, _, data in block:
            if number in wanted:
                offer = json.loads(data.decode("utf-8"))
                if isinstance(offer, dict):
                    _keep_best(best, wanted[number], offer, number)
    return {ident: record for ident, (_, record) in best.items()}


def _keep_best(best: dict, ident: str, offer: dict, record: int) -> None:
    stamp = _timestamp(offer.get("dateActualisation")) or _timestamp(offer.get("dateCreation"))
    if stamp is not None and (ident not in best or (stamp, record) >= best[ident]):
        best[ident] = (stamp, record)


def _exact_rows(path: Path, records, winners: dict[str, int], rejected: list[SourceError] | None) -> list:
    """The exact reader: each decoded record checked and flattened by `_flatten`, the first rejection raised
    (or collected in `rejected`), copies that lose to a later one in the file (`winners`) left out."""
    rows = []
    for number, line, offer in records:
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
    return rows


def _lines_frames(path: Path, winners: dict[str, int], rejected: list[SourceError] | None):
    """The frames of a JSON-lines file, block by block: the fast path (`offers_lines.fast_block`) where it
    reads a block exactly as the exact reader would, the exact reader for any other block."""
    wins = pl.DataFrame(
        {"id": list(winners), "_wins": list(winners.values())}, schema={"id": pl.String, "_wins": pl.Int64}
    )
    for block in _line_blocks(path):
        frame = fast_block([data for _, _, data in block])
        if frame is None:
            records = ((n, line, _decoded(path, n, line, data)) for n, line, data in block)
            yield _rows_frame(_exact_rows(path, records, winners, rejected))
            continue
        frame = frame.with_columns(pl.Series(RECORD, [n for n, _, _ in block], dtype=pl.Int64))
        if winners:
            frame = frame.join(wins, on="id", how="left", maintain_order="left")
            frame = frame.filter(pl.col("_wins").is_null() | (pl.col("_wins") == pl.col(RECORD)))
        yield frame.select(list(SCHEMA)).cast(SCHEMA)


def iter_offers(
    path: Path, *, chunk_size: int = 100_000, rejected: list[SourceError] | None = None
) -> Iterator[pl.DataFrame]:
    """Read offers as a stream of frames of at most `chunk_size` records each (the layout of `read_offers`),
    so that a file of millions of offers never sits in memory at once. Copies of one id are merged within a
    chunk only; the first rejected record raises (unless `rejected` is given) when its block is read."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "fichier introuvable")
    winners = _winners(path)
    if not _lines_mode(path):
        rows = _exact_rows(path, _records(path), winners, rejected)
        for start in range(0, len(rows), chunk_size):
            yield _frame(rows[start : start + chunk_size])
        return
    held: list[pl.DataFrame] = []
    count = 0
    for frame in _lines_frames(path, winners, rejected):
        held.append(frame)
        count += frame.height
        while count >= chunk_size:  # the same chunks as record by record: `chunk_size` kept offers each
            whole = pl.concat(held)
            yield _dedupe(whole.head(chunk_size))
            held, count = [whole.slice(chunk_size)], whole.height - chunk_size
    if count:
        yield _dedupe(pl.concat(held))


def read_offers(path: Path, *, rejected: list[SourceError] | None = None) -> pl.DataFrame:
    """Read offers (array, `resultats` page or JSON lines) into a frame: `id`, `title`, `date` (of creation),
    `created_at`, `updated_at`, `commune`, `place`, `rome_code`, `appellation`, `contract_type`,
    `contract_nature`, `working_time`, `qualification_code`, `naf_code`, `positions`, `lacks_candidates`,
    `skills` (list of competence codes) and `_record` (record number in the file), one row per id."""
    chunks = list(iter_offers(path, chunk_size=1 << 62, rejected=rejected))
    return _frame([]) if not chunks else chunks[0]
