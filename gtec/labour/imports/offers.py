"""Job offers importer (France Travail API v2 JSON / JSON lines): offers are keyed by their France Travail id
and never deleted by a later file (a file is a window of offers, not the whole stock). Column-wise: the rows
are built by polars expressions, never one dict per record, and diffed by `sync_frame`; into an empty table
they go by COPY with the indexes built once at the end (`deferred_indexes`)."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import numpy as np
import polars as pl
from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, deferred_indexes, insert_frame, sync_frame
from gtec.labour import models as m
from gtec.labour.imports.common import ID_BATCH, add_counts, files_sha
from gtec_core.sources import offers as offers_source

DURABLE_MONTHS = 6
OFFER_CHUNK = 100_000
KEY = ("identifiant",)


def durable(contract_type: pl.Expr, label: pl.Expr) -> pl.Expr:
    """CDI, or a fixed-term contract of more than 6 months (`typeContratLibelle` « CDD - 12 Mois »: the first
    number of a label that says « mois »): the Dares « offres durables » of the non-durability indicator."""
    months = label.str.extract(r"([0-9]+)", 1).cast(pl.Float64, strict=False)
    fixed_term = (
        contract_type.is_in(["CDD", "MIS", "SAI"])
        & label.str.to_lowercase().str.contains("mois", literal=True)
        & (months > DURABLE_MONTHS)
    )
    return ((contract_type == "CDI") | fixed_term).fill_null(False)


def offer_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The stored columns of `m.Offre` from the reader's frame (`offers.iter_offers`)."""
    text = pl.col("working_time").fill_null("")
    positions = pl.col("positions")
    return frame.select(
        pl.col("id").alias("identifiant"),
        pl.col("title").fill_null("").str.slice(0, 250).alias("intitule"),
        pl.col("date").alias("date_creation"),
        pl.col("commune").fill_null("").alias("code_insee"),
        pl.col("rome_code").alias("code_rome"),
        pl.col("appellation").fill_null("").str.slice(0, 250).alias("appellation"),
        pl.col("contract_type").fill_null("").alias("type_contrat"),
        text.str.slice(0, 60).alias("duree_travail"),
        pl.col("qualification_code").fill_null("").alias("qualification"),
        pl.col("naf_code").fill_null("").str.slice(0, 6).alias("code_naf"),
        pl.when(positions.is_null() | (positions == 0))
        .then(1)
        .otherwise(positions)
        .cast(pl.Int32)
        .alias("postes"),
        durable(pl.col("contract_type"), pl.col("contract_label")).alias("durable"),
        text.str.to_lowercase().str.contains("plein", literal=True).alias("temps_plein"),
        pl.col("lacks_candidates").alias("manque_candidats"),
        pl.col("skills").fill_null([]).alias("competences"),
    )


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


def _sync_by_id(rows: pl.DataFrame) -> Counts:
    """Sync offers whose stored copy may sit anywhere: scoped by their ids, in batches."""
    total = Counts()
    for start in range(0, rows.height, ID_BATCH):
        part = rows.slice(start, ID_BATCH)
        scope = {"identifiant__in": part["identifiant"].to_list()}
        add_counts(total, sync_frame(m.Offre, part, KEY, scope=scope, delete_missing=False))
    return total


class _Seen:
    """The ids this import has already written, as sorted 64-bit hashes (≈ 8 bytes an offer): a chunk's id
    whose hash is there may have been written by an earlier chunk (or collides, which is harmless: it then
    takes the slower path by id)."""

    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.uint64)

    def split(self, rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        hashes = rows["identifiant"].hash(seed=0).to_numpy()
        if self.hashes.size:
            at = np.searchsorted(self.hashes, hashes).clip(max=self.hashes.size - 1)
            again = pl.Series(self.hashes[at] == hashes)
        else:
            again = pl.Series(np.zeros(rows.height, dtype=bool))
        # a sorted merge of the new hashes into the sorted ones (np.union1d re-sorted all of them per chunk)
        fresh = np.unique(hashes)
        merged = np.empty(self.hashes.size + fresh.size, dtype=np.uint64)
        at = np.searchsorted(self.hashes, fresh) + np.arange(fresh.size)
        mask = np.ones(merged.size, dtype=bool)
        mask[at] = False
        merged[at] = fresh
        merged[mask] = self.hashes
        self.hashes = merged[np.concatenate(([True], merged[1:] != merged[:-1]))] if merged.size else merged
        return rows.filter(~again), rows.filter(again)


def offers_import(
    paths: list[Path], *, synthetic: bool = False, progress=None, chunk_size: int = OFFER_CHUNK
) -> tuple[str, dict[str, Counts]]:
    """Job offers (API v2 JSON / JSON lines), one transaction for all the files given. An offer already
    stored is updated when it changed; none is deleted. Files are streamed in chunks of `chunk_size`
    records, each synced within its creation-date range; the first bad record (its number and line) stops
    the import and the transaction stores nothing. Two copies of one id in different chunks: the later one
    in the file wins (within a chunk, the one updated last).

    Into an empty table (a first import), each chunk goes straight to a bulk insert (COPY on PostgreSQL)
    with the indexes dropped and built once at the end; a copy of an id already written by this import
    waits until then and is synced by id, chunk after chunk, so the later copy still wins."""
    paths = [Path(p) for p in paths]
    total = Counts()
    dates = []
    with transaction.atomic():
        fresh = not m.Offre.objects.exists()
        seen = _Seen() if fresh else None
        later: list[pl.DataFrame] = []  # fresh import: copies of ids written by an earlier chunk
        with deferred_indexes(m.Offre) if fresh else nullcontext():
            for path in paths:
                for frame in offers_source.iter_offers(path, chunk_size=chunk_size):
                    if frame.is_empty():
                        continue
                    rows = offer_rows(frame)
                    if progress:
                        progress(f"offres {path.name}", rows.height)
                    low, high = frame["date"].min(), frame["date"].max()
                    dates += [low, high]
                    if seen is not None:
                        new, again = seen.split(rows)
                        total.created += insert_frame(m.Offre, new)
                        if not again.is_empty():
                            later.append(again)
                        continue
                    elsewhere = _offers_stored_elsewhere(rows["identifiant"].to_list(), low, high)
                    outside = pl.col("identifiant").is_in(list(elsewhere))
                    scope = {"date_creation__gte": low, "date_creation__lte": high}
                    add_counts(
                        total,
                        sync_frame(m.Offre, rows.filter(~outside), KEY, scope=scope, delete_missing=False),
                    )
                    if elsewhere:
                        add_counts(total, _sync_by_id(rows.filter(outside)))
        for rows in later:  # the indexes are back: each later copy finds its stored one by id
            add_counts(total, _sync_by_id(rows))
        counts = {"offres": total}
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
