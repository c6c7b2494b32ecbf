"""BMO (France Travail's « Besoins en main-d'œuvre » survey) importer: replaces the years the file contains."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, sync
from gtec.labour import models as m
from gtec.labour.imports.common import files_sha
from gtec_core.sources import bmo as bmo_source

BMO_FILE = "Base_open_data_BMO_2024.xlsx"


def _int(value) -> int | None:
    return None if value is None else int(value)


def bmo_import(path: Path, *, synthetic: bool = False, progress=None) -> tuple[str, dict[str, Counts]]:
    """BMO open-data workbook (or its CSV layout). `*` stays null."""
    path = Path(path)
    if path.is_dir():
        path = path / BMO_FILE
    frame = bmo_source.read_bmo(path)
    rows = [
        {
            "annee": r["year"],
            "code_bassin": str(r["bassin"]),
            "libelle_bassin": r["bassin_label"],
            "code_metier": r["metier_code"],
            "libelle_metier": r["metier_label"],
            "code_famille": r["family_code"] or "",
            "libelle_famille": r["family_label"] or "",
            "code_region": r["region"] or "",
            "code_departement": r["departement"] or "",
            "projets": _int(r["projects"]),
            "difficiles": _int(r["difficult_projects"]),
            "saisonniers": _int(r["seasonal_projects"]),
        }
        for r in frame.iter_rows(named=True)
    ]
    years = sorted({r["annee"] for r in rows})
    if progress:
        progress("bmo", len(rows))
    with transaction.atomic():
        counts = {
            "bmo": sync(
                m.BmoProjet,
                rows,
                ("annee", "code_bassin", "code_departement", "code_metier"),
                scope={"annee__in": years},
            )
        }
        version = "BMO " + ", ".join(map(str, years))
        importrun_record(
            source="bmo",
            version=version,
            data_dir=path.parent,
            files=files_sha(path),
            counts=counts,
            synthetic=synthetic,
        )
    return version, counts
