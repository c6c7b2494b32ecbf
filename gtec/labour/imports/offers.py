"""Job offers importer (France Travail API v2 JSON / JSON lines): offers are keyed by their France Travail id
and never deleted by a later file (a file is a window of offers, not the whole stock)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, sync
from gtec.labour import models as m
from gtec.labour.imports.common import ID_BATCH, add_counts, files_sha
from gtec_core.sources import offers as offers_source

DURABLE_MONTHS = 6
OFFER_CHUNK = 100_000


def _durable(contract_type: str | None, label: str | None) -> bool:
    """CDI, or a fixed-term contract of more than 6 months (`typeContratLibelle` « CDD - 12 Mois »): the Dares
    « offres durables » of the non-durability indicator."""
    if contract_type == "CDI":
        return True
    if contract_type in {"CDD", "MIS", "SAI"} and label:
        digits = "".join(ch if ch.isdigit() else " " for ch in label).split()
        if digits and "mois" in label.lower():
            return int(digits[0]) > DURABLE_MONTHS
    return False


def offer_rows(frame: pl.DataFrame) -> list[dict]:
    rows = []
    for r in frame.iter_rows(named=True):
        working_time = r["working_time"] or ""
        rows.append(
            {
                "identifiant": r["id"],
                "intitule": (r["title"] or "")[:250],
                "date_creation": r["date"],
                "code_insee": r["commune"] or "",
                "code_rome": r["rome_code"],
                "appellation": (r["appellation"] or "")[:250],
                "type_contrat": r["contract_type"] or "",
                "duree_travail": working_time[:60],
                "qualification": r["qualification_code"] or "",
                "code_naf": (r["naf_code"] or "")[:6],
                "postes": r["positions"] or 1,
                "durable": _durable(r["contract_type"], r["contract_label"]),
                "temps_plein": "plein" in working_time.lower(),
                "manque_candidats": r["lacks_candidates"],
                "competences": list(r["skills"] or []),
            }
        )
    return rows


def _offers_stored_elsewhere(ids: list[str], low, high) -> set[str]:
    """Ids of a chunk already stored with a creation date outside the chunk's range (a copy met in an earlier
    chunk or file, or an offer whose date changed): they are synced on their own, scoped by id."""
    found: set[str] = set()
    for start in range(0, len(ids), ID_BATCH):
        found.update(
            m.Offre.objects.filter(identifiant__in=ids[start : start + ID_BATCH])
            .exclude(date_creation__gte=low, date_creation__lte=high)
            .values_list("identifiant", flat=True)
        )
    return found


def offers_import(
    paths: list[Path], *, synthetic: bool = False, progress=None, chunk_size: int = OFFER_CHUNK
) -> tuple[str, dict[str, Counts]]:
    """Job offers (API v2 JSON / JSON lines), one transaction for all the files given. An offer already
    stored is updated when it changed; none is deleted. Files are streamed in chunks of `chunk_size`
    records, each synced within its creation-date range; the first bad record (its number and line) stops
    the import and the transaction stores nothing. Two copies of one id in different chunks: the later one
    in the file wins (within a chunk, the one updated last)."""
    paths = [Path(p) for p in paths]
    counts = {"offres": Counts()}
    dates = []
    with transaction.atomic():
        for path in paths:
            for frame in offers_source.iter_offers(path, chunk_size=chunk_size):
                rows = offer_rows(frame)
                if not rows:
                    continue
                if progress:
                    progress(f"offres {path.name}", len(rows))
                low, high = frame["date"].min(), frame["date"].max()
                dates += [low, high]
                elsewhere = _offers_stored_elsewhere(frame["id"].to_list(), low, high)
                inside = [r for r in rows if r["identifiant"] not in elsewhere]
                outside = [r for r in rows if r["identifiant"] in elsewhere]
                add_counts(
                    counts["offres"],
                    sync(
                        m.Offre,
                        inside,
                        ("identifiant",),
                        scope={"date_creation__gte": low, "date_creation__lte": high},
                        delete_missing=False,
                    ),
                )
                if outside:
                    part = sync(
                        m.Offre,
                        outside,
                        ("identifiant",),
                        scope={"identifiant__in": sorted(elsewhere)},
                        delete_missing=False,
                    )
                    add_counts(counts["offres"], part)
        version = f"offres {min(dates):%Y-%m} à {max(dates):%Y-%m}" if dates else "offres (vide)"
        importrun_record(
            source="offres",
            version=version,
            data_dir=paths[0].parent if paths else "",
            files=files_sha(*paths),
            counts=counts,
            synthetic=synthetic,
        )
    return version, counts
