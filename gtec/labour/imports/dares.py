"""Dares importer: the published tensions by occupation and territory and the national portrait series;
each table replaces itself."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, sync
from gtec.labour import models as m
from gtec.labour.imports.common import files_sha
from gtec_core.sources import dares as dares_source


def dares_import(data_dir: Path, *, progress=None) -> tuple[str, dict[str, Counts]]:
    """Dares published tensions (`dares_tension/`) and the national portrait series
    (`dares_portrait_metiers/`)."""
    data_dir = Path(data_dir)
    tension_path = data_dir / "dares_tension" / dares_source.TENSIONS_FILE
    portrait = data_dir / "dares_portrait_metiers"
    tensions = dares_source.read_tensions(tension_path)
    evol = dares_source.read_evol_tensions(data_dir / "dares_tension" / dares_source.EVOL_FILE)
    employment = dares_source.read_portrait_employment(portrait / dares_source.PORTRAIT_EFFECTIFS)
    age = dares_source.read_portrait_age(portrait / dares_source.PORTRAIT_AGE)
    jobseekers = dares_source.read_portrait_jobseekers(portrait / dares_source.PORTRAIT_DEMANDEURS)

    tension_rows = [
        {
            "annee": r["year"],
            "code_fap": r["fap"],
            "niveau_fap": r["fap_level"],
            "niveau_geo": r["geo_level"],
            "code_geo": r["territory"],
            "emploi_moyen": r["employment"],
            "tension": r["tension"],
            "categorie": r["category"],
            "intensite_embauches": r["hiring_intensity"],
            "lien_formation_emploi": r["training_link"],
            "manque_main_oeuvre": r["lack_of_labour"],
            "non_durabilite": r["non_durability"],
            "conditions_travail": r["working_conditions"],
            "inadequation_geo": r["geographic_mismatch"],
        }
        for r in tensions.iter_rows(named=True)
    ]
    series = (
        [
            {
                "tableau": "tension",
                "code_fap": r["fap"],
                "periode": str(r["year"]),
                "modalite": "",
                "valeur": r["tension"],
            }
            for r in evol.iter_rows(named=True)
        ]
        + [
            {
                "tableau": "effectifs",
                "code_fap": r["fap"],
                "periode": r["period"],
                "modalite": "",
                "valeur": r["value"],
            }
            for r in employment.iter_rows(named=True)
        ]
        + [
            {
                "tableau": "age",
                "code_fap": r["fap"],
                "periode": "2017-2019",
                "modalite": r["age_band"],
                "valeur": r["value"],
            }
            for r in age.iter_rows(named=True)
        ]
        + [
            {
                "tableau": "demandeurs",
                "code_fap": r["fap"],
                "periode": r["period"],
                "modalite": r["category"],
                "valeur": r["value"],
            }
            for r in jobseekers.iter_rows(named=True)
        ]
    )
    if progress:
        progress("dares_tension", len(tension_rows))
        progress("dares_serie", len(series))
    with transaction.atomic():
        counts = {
            "dares_tension": sync(
                m.DaresTension, tension_rows, ("annee", "code_fap", "niveau_geo", "code_geo")
            ),
            "dares_serie": sync(m.DaresSerie, series, ("tableau", "code_fap", "periode", "modalite")),
        }
        years = sorted({r["annee"] for r in tension_rows})
        version = "Dares tensions " + ", ".join(map(str, years)) + " + portraits des métiers"
        importrun_record(
            source="dares",
            version=version,
            data_dir=data_dir,
            files=files_sha(
                tension_path,
                data_dir / "dares_tension" / dares_source.EVOL_FILE,
                portrait / dares_source.PORTRAIT_EFFECTIFS,
                portrait / dares_source.PORTRAIT_AGE,
                portrait / dares_source.PORTRAIT_DEMANDEURS,
            ),
            counts=counts,
        )
    return version, counts
