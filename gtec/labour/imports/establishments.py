"""SIRENE establishments importer: replaces the establishments of the communes the file covers."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import polars as pl
from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, deferred_indexes, insert_frame, sync, sync_frame
from gtec.labour import models as m
from gtec.labour.imports.common import BIG_FILE, ID_BATCH, add_counts, files_sha, unknown_communes
from gtec.territories.queries import commune_codes
from gtec_core.sources import sirene as sirene_source


def _establishment_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        "siret",
        "siren",
        pl.col("naf").fill_null(""),
        pl.col("headcount_band").fill_null("").alias("tranche_effectifs"),
        pl.col("commune").fill_null("").alias("code_insee"),
        pl.col("active").fill_null(False).alias("actif"),
        pl.col("created").alias("date_creation"),
    )


def _moved_establishments(sirets: list[str], communes: set[str]) -> list[int]:
    """Stored establishments of a chunk's SIRETs filed under a commune outside the chunk (they moved)."""
    moved: list[int] = []
    for start in range(0, len(sirets), ID_BATCH):
        moved += [
            pk
            for pk, commune in m.Etablissement.objects.filter(
                siret__in=sirets[start : start + ID_BATCH]
            ).values_list("pk", "code_insee")
            if commune not in communes
        ]
    return moved


def sirene_import(
    path: Path,
    communes: list[str] | None = None,
    *,
    synthetic: bool = False,
    progress=None,
    big_file: int = BIG_FILE,
    rows_per_chunk: int = 1_000_000,
) -> tuple[str, dict[str, Counts]]:
    """SIRENE establishments of `communes` (all the file's communes when None), replacing the stored
    establishments of those communes. A file larger than `big_file` bytes is read by groups of communes
    (`sirene.establishment_chunks`, about `rows_per_chunk` establishments each), each group synced within
    its communes (`code_insee__in`, at most 5000 per list, 899 on SQLite); an establishment that moved to a commune of
    another group is deleted there and created here. One transaction for the whole file."""
    from django.db import connection

    path = Path(path)
    if path.stat().st_size <= big_file if path.is_file() else True:
        return _sirene_small(path, communes, synthetic=synthetic, progress=progress)
    total = Counts()
    known = commune_codes()
    covered: list[str] = []
    max_communes = min(5000, (connection.features.max_query_params or 65535) - 100)
    with transaction.atomic(), ExitStack() as bulk:
        first_import = not m.Etablissement.objects.exists()
        if first_import:  # a bulk load: the indexes are built once at the end
            bulk.enter_context(deferred_indexes(m.Etablissement))
        for members, frame in sirene_source.establishment_chunks(
            path, communes, rows_per_chunk=rows_per_chunk, max_communes=max_communes
        ):
            unknown_communes(
                path, frame, known, level=None, code="commune", column="codeCommuneEtablissement"
            )
            rows = _establishment_rows(frame)
            covered += members
            if progress:
                progress(f"etablissements ({len(covered)} communes)", rows.height)
            if first_import:  # nothing stored: what `sync_frame` does then, without its lookups
                # by commune (the groups come in commune order): its index is built on presorted input
                total.created += insert_frame(m.Etablissement, rows.sort(["code_insee", "siret"]))
                continue
            moved = _moved_establishments(rows["siret"].to_list(), set(members))
            for start in range(0, len(moved), ID_BATCH):
                m.Etablissement.objects.filter(pk__in=moved[start : start + ID_BATCH]).delete()
            total.deleted += len(moved)
            add_counts(
                total, sync_frame(m.Etablissement, rows, ("siret",), scope={"code_insee__in": members})
            )
        counts = {"etablissements": total}
        version = f"SIRENE {len(covered)} communes"
        importrun_record(
            source="sirene",
            version=version,
            data_dir=path.parent,
            files=files_sha(path),
            counts=counts,
            synthetic=synthetic,
        )
    return version, counts


def _sirene_small(
    path: Path, communes: list[str] | None, *, synthetic: bool, progress
) -> tuple[str, dict[str, Counts]]:
    frame = sirene_source.read_establishments(path, communes)
    unknown_communes(
        path, frame, commune_codes(), level=None, code="commune", column="codeCommuneEtablissement"
    )
    rows = [
        {
            "siret": r["siret"],
            "siren": r["siren"],
            "naf": r["naf"] or "",
            "tranche_effectifs": r["headcount_band"] or "",
            "code_insee": r["commune"] or "",
            "actif": bool(r["active"]),
            "date_creation": r["created"],
        }
        for r in frame.iter_rows(named=True)
    ]
    covered = sorted(set(communes) if communes is not None else {r["code_insee"] for r in rows})
    if progress:
        progress("etablissements", len(rows))
    with transaction.atomic():
        counts = {
            "etablissements": sync(m.Etablissement, rows, ("siret",), scope={"code_insee__in": covered})
        }
        version = f"SIRENE {len(covered)} communes"
        importrun_record(
            source="sirene",
            version=version,
            data_dir=path.parent,
            files=files_sha(path),
            counts=counts,
            synthetic=synthetic,
        )
    return version, counts
