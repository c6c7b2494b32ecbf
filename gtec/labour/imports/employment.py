"""Employment by occupation and age band importer: replaces the years × territories the file contains."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, sync_frame
from gtec.labour import models as m
from gtec.labour.imports.common import files_sha, unknown_communes
from gtec.territories.queries import territory_codes

EMPLOYMENT_KEY = ("annee", "niveau_geo", "code_geo", "code_fap", "tranche_age")
# the file's niveau_geo → the territory scale its codes must exist at (france has no code)
EMPLOYMENT_SCALES = {
    "commune": "commune",
    "epci": "epci",
    "ze": "ze",
    "bassin": "bassin",
    "departement": "dep",
    "region": "reg",
}


EMPLOYMENT_UNKNOWN = {
    "commune": "commune « {} » inconnue du code officiel géographique",
    "epci": "intercommunalité « {} » inconnue du référentiel géographique",
    "ze": "zone d'emploi « {} » inconnue du référentiel géographique",
    "bassin": "bassin BMO « {} » inconnu du référentiel géographique",
    "departement": "département « {} » inconnu du référentiel géographique",
    "region": "région « {} » inconnue du référentiel géographique",
}


def employment_import(path: Path, *, synthetic: bool = False, progress=None) -> tuple[str, dict[str, Counts]]:
    """Employment by occupation and age band (layout of `gtec_core.sources.employment`). Replaces what the
    file covers — each year × territory it names — and nothing else; a territory code unknown at its level
    (a commune the COG never knew, say) refuses the file."""
    from gtec_core.sources import employment as employment_source

    path = Path(path)
    frame = employment_source.read_employment(path)
    known = territory_codes()
    for level, scale in EMPLOYMENT_SCALES.items():
        unknown_communes(
            path,
            frame.filter(pl.col("geo_level") == level),
            known.get(scale, set()),
            level=None,
            code="geo_code",
            column="code_geo",
            message=EMPLOYMENT_UNKNOWN[level],
        )
    rows = frame.select(
        pl.col("year").cast(pl.Int64).alias("annee"),
        pl.col("geo_level").alias("niveau_geo"),
        pl.col("geo_code").fill_null("").alias("code_geo"),
        pl.col("fap").alias("code_fap"),
        pl.col("age_band").alias("tranche_age"),
        pl.col("employment").alias("effectif"),
    )
    years = sorted(rows["annee"].unique().to_list())
    if progress:
        progress("emploi", rows.height)
    with transaction.atomic():
        counts = {
            "emploi": sync_frame(
                m.Emploi,
                rows,
                EMPLOYMENT_KEY,
                scope={"annee__in": years},
                covered=("annee", "niveau_geo", "code_geo"),
            )
        }
        version = "emploi " + ", ".join(map(str, years))
        importrun_record(
            source="emploi",
            version=version,
            data_dir=path.parent,
            files=files_sha(path),
            counts=counts,
            synthetic=synthetic,
        )
    return version, counts
