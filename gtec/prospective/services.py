"""Write side of the prospective app: imports (all-or-nothing, idempotent, with provenance) and saved stress
tests."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, sync
from gtec.prospective import models as m
from gtec_core.errors import SourceError
from gtec_core.prospective import official, staffing
from gtec_core.prospective.stress import parse_shock


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def metiers2030_import(data_dir: Path, *, progress=None) -> tuple[str, dict[str, Counts]]:
    """`data/dares_metiers_2030` (the official projection) and the default staffing matrix from
    `data/dares_portrait_metiers/secteurs_employeurs_3niv.csv`."""
    data_dir = Path(data_dir)
    path = data_dir / "dares_metiers_2030" / official.FILE
    portrait = data_dir / "dares_portrait_metiers" / staffing.PORTRAIT_FILE
    records = official.read_regions(path)
    cells = staffing.read_portrait(portrait)
    rows = [
        {
            "code_region": r["region_code"],
            "region": r["region"],
            "code_fap": r["code_fap"],
            "libelle_fap": r["fap_libelle"],
            "effectifs_2019": r["effectifs_2019_milliers"],
            "part_metier_region": r["part_metier_region"],
            "indice_specificite": r["indice_specificite"],
            "creations": r["creations_destructions_milliers"],
            "departs": r["departs_fin_carriere_milliers"],
            "jeunes_debutants": r["jeunes_debutants_milliers"],
            "mobilites": r["solde_mobilites_inter_regions_milliers"],
            "desequilibre": r["desequilibre_milliers"],
            "postes_a_pourvoir": r["postes_a_pourvoir_milliers"],
            "niveau_tension_2019": r["niveau_tension_2019"],
        }
        for r in records
    ]
    staffing_rows = [
        {
            "source": "dares-portrait",
            "secteur": c["sector"],
            "code_fap": c["fap"],
            "effectif": c["employment"],
            "approximation": c["approximated"],
        }
        for c in cells
    ]
    if progress:
        progress("projection_regionale", len(rows))
        progress("structure_emplois", len(staffing_rows))
    with transaction.atomic():
        counts = {
            "projection_regionale": sync(m.RegionalProjection, rows, ("code_region", "code_fap")),
            "structure_emplois": sync(
                m.StaffingCell,
                staffing_rows,
                ("source", "secteur", "code_fap"),
                scope={"source": "dares-portrait"},
            ),
        }
        version = "Dares, Les métiers en 2030 (2023)"
        importrun_record(
            source="metiers2030",
            version=version,
            data_dir=data_dir,
            files={path.name: _sha(path), portrait.name: _sha(portrait)},
            counts=counts,
            notes="structure secteur × métier : « autres secteurs » répartis au prorata des secteurs (approximation)",
        )
    return version, counts


def staffing_import(path: Path, *, synthetic: bool = False, progress=None) -> tuple[str, dict[str, Counts]]:
    """A full sector × occupation matrix (census layout `secteur;fap;effectif`); replaces the previous one."""
    path = Path(path)
    cells = staffing.read_census(path)
    rows = [
        {"source": "import", "secteur": c["sector"], "code_fap": c["fap"], "effectif": c["employment"],
         "approximation": False}
        for c in cells
    ]  # fmt: skip
    if progress:
        progress("structure_emplois", len(rows))
    with transaction.atomic():
        counts = {
            "structure_emplois": sync(
                m.StaffingCell, rows, ("source", "secteur", "code_fap"), scope={"source": "import"}
            )
        }
        version = f"structure importée ({path.name})"
        importrun_record(
            source="staffing", version=version, data_dir=path.parent, files={path.name: _sha(path)},
            counts=counts, synthetic=synthetic,
        )  # fmt: skip
    return version, counts


def stresstest_save(*, territory_key: str, shock_text: str) -> m.StressTest:
    """Save a (valid) shock for its permalink. Raises ShockError on a bad shock."""
    shock = parse_shock(shock_text)
    return m.StressTest.objects.create(
        token=secrets.token_urlsafe(16)[:22],
        territory_key=territory_key,
        shock=shock_text,
        name=shock.name[:200],
    )


__all__ = ["SourceError", "metiers2030_import", "staffing_import", "stresstest_save"]
