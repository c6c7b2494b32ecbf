"""Job-seeker importers: the territory file in the STMT layout (commune × ROME, replaces the months it
contains, other months kept) and the real public series by commune (`defm`, replaces itself)."""

from __future__ import annotations

import tempfile
from contextlib import nullcontext
from pathlib import Path

import polars as pl
from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, deferred_indexes, insert_frame, sync_frame
from gtec.labour import models as m
from gtec.labour.imports.common import BIG_FILE, add_counts, files_sha, unknown_communes
from gtec.territories.queries import commune_codes
from gtec_core.errors import SourceError
from gtec_core.sources import stmt as stmt_source
from gtec_core.streams import prefetched

STMT_KEY = ("mois", "categorie", "niveau_geo", "code_geo", "code_rome")


def _stmt_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("month").alias("mois"),
        pl.col("category").alias("categorie"),
        pl.col("geo_level").alias("niveau_geo"),
        pl.col("geo_code").alias("code_geo"),
        pl.col("rome").fill_null("").alias("code_rome"),
        pl.col("stock"),
        pl.col("entries").alias("entrees"),
        pl.col("exits").alias("sorties"),
    )


def stmt_import(
    path: Path, *, synthetic: bool = False, progress=None, big_file: int = BIG_FILE
) -> tuple[str, dict[str, Counts]]:
    """Job seekers in the STMT layout; replaces the months the file covers, one month at a time (each month
    is diffed within `mois = month`; a month with nothing stored goes straight to a bulk insert — COPY on
    PostgreSQL). A file larger than `big_file` bytes is read by the streaming reader
    (`stmt.iter_stmt_months`: one checked pass, then one month in memory at a time); a smaller one by
    `read_stmt`. Either way the whole file is checked before the first month is written, except duplicate
    keys, found month by month — the single transaction then stores nothing."""
    path = Path(path)
    total = Counts()
    known = commune_codes()
    with tempfile.TemporaryDirectory(prefix="gtec-stmt-") as workdir, transaction.atomic():
        if path.stat().st_size > big_file:
            months, frames = stmt_source.iter_stmt_months(path, Path(workdir))
        else:
            whole = stmt_source.read_stmt(path)
            months = sorted(whole["month"].unique().to_list())
            frames = (whole.filter(pl.col("month") == month) for month in months)
        # none of the file's months stored yet: a bulk load, with the indexes built once at the end
        fresh = not m.DemandeurEmploi.objects.filter(mois__in=months).exists()

        def prepared():  # read and checked in polars, the next month while the current one is written
            for month, frame in zip(months, frames, strict=True):
                unknown_communes(path, frame, known, level="geo_level", code="geo_code", column="code_geo")
                # in the unique key's order (months ascending): the key's index is then built on presorted
                # input at the end of a first load, ≈ 6× less CPU on PostgreSQL than in the file's order
                yield month, _stmt_rows(frame).sort(list(STMT_KEY))

        with deferred_indexes(m.DemandeurEmploi) if fresh else nullcontext():
            for month, rows in prefetched(prepared()):
                if progress:
                    progress(f"demandeurs {month:%Y-%m}", rows.height)
                if fresh:  # what `sync_frame` does when nothing is stored in its scope
                    total.created += insert_frame(m.DemandeurEmploi, rows)
                    continue
                add_counts(
                    total,
                    sync_frame(
                        m.DemandeurEmploi,
                        rows,
                        STMT_KEY,
                        scope={"mois": month},
                        covered=("niveau_geo", "code_geo"),
                    ),
                )
        counts = {"demandeurs": total}
        version = f"STMT {months[0]:%Y-%m} à {months[-1]:%Y-%m}" if months else "STMT (vide)"
        importrun_record(
            source="stmt",
            version=version,
            data_dir=path.parent,
            files=files_sha(path),
            counts=counts,
            synthetic=synthetic,
        )
    return version, counts


DEFM_FILE = "emploi_demandeur_par_commune_odis.csv"
DEFM_KEY = ("niveau_geo", "code_geo", "mois")


def defm_import(folder: Path, *, progress=None) -> tuple[str, dict[str, Counts]]:
    """The real public series of registered job seekers by commune, département and région per month
    (`data/stmt_defm`), stored as published (`SerieDemandeurs`), marked real with its vintage. All or nothing;
    an unchanged file changes nothing."""
    path = Path(folder) / DEFM_FILE
    if not path.is_file():
        raise SourceError(path, "fichier introuvable (série des demandeurs d'emploi par commune)")
    frame = stmt_source.read_commune_series(path)
    rows = frame.select(
        pl.col("month").alias("mois"),
        pl.col("level").alias("niveau_geo"),
        pl.col("code").alias("code_geo"),
        pl.col("job_seekers").alias("demandeurs"),
    )
    if progress:
        progress("demandeurs par commune (série publique)", rows.height)
    with transaction.atomic():
        counts = {"demandeurs_communes": sync_frame(m.SerieDemandeurs, rows, DEFM_KEY)}
        first, last = rows["mois"].min(), rows["mois"].max()
        version = f"demandeurs d'emploi par commune {first:%m/%Y} à {last:%m/%Y}"
        importrun_record(
            source="defm",
            version=version,
            data_dir=path.parent,
            files=files_sha(path),
            counts=counts,
            synthetic=False,
            notes="Export tiers (13_odis) des statistiques France Travail, arrondi à la dizaine ; communes "
            "de 5 000 habitants et plus ; catégorie ABC présumée (non documentée).",
        )
    return version, counts
