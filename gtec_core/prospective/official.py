"""« Les métiers en 2030 » (Dares, 2023): the official projection by FAP family × région, read from its JSON
conversion (`data/dares_metiers_2030`, see its PROVENANCE) and checked. Values are kept exactly as published
(thousands of people over 2019-2030); the young starters are stored with the published negative sign."""

from __future__ import annotations

import json
import math
from pathlib import Path

from gtec_core.errors import SourceError
from gtec_core.prospective import params

FILE = "dares_metiers_2030_regions.json"
NUMBERS = (
    "effectifs_2019_milliers",
    "part_metier_region",
    "indice_specificite",
    "creations_destructions_milliers",
    "creations_destructions_pct",
    "departs_fin_carriere_milliers",
    "departs_fin_carriere_pct",
    "jeunes_debutants_milliers",
    "jeunes_debutants_pct",
    "solde_mobilites_inter_regions_milliers",
    "solde_mobilites_inter_regions_pct",
    "desequilibre_milliers",
    "desequilibre_pct",
    "postes_a_pourvoir_milliers",
    "postes_a_pourvoir_pct",
)
TENSION_LEVELS = {"1", "2", "3", "4", "5", "hors champ"}
TOLERANCE = 1e-6  # thousands: the published identity postes = créations + départs holds to rounding


def read_regions(path: Path) -> list[dict]:
    """Records with `region_code` added. Raises SourceError (French, naming the record) on any record that
    does not match the layout or breaks the published identity postes à pourvoir = créations + départs."""
    path = Path(path)
    if path.is_dir():
        path = path / FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError(path, "fichier introuvable") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(path, f"JSON illisible ({exc})") from None
    if not isinstance(data, list) or not data:
        raise SourceError(path, "une liste d'enregistrements est attendue")
    regions = params.load()["regions"]
    out, seen = [], set()
    for i, rec in enumerate(data, start=1):
        if not isinstance(rec, dict):
            raise SourceError(path, "enregistrement qui n'est pas un objet", line=i)
        for name in ("code_fap", "fap_libelle", "region", "niveau_tension_2019", *NUMBERS):
            if name not in rec:
                raise SourceError(path, "champ absent", line=i, column=name)
        if rec["region"] not in regions:
            raise SourceError(path, f"région inconnue « {rec['region']} »", line=i, column="region")
        for name in NUMBERS:
            value = rec[name]
            if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
                raise SourceError(path, f"nombre attendu, lu « {value} »", line=i, column=name)
        level = str(rec["niveau_tension_2019"])
        if level not in TENSION_LEVELS:
            raise SourceError(
                path, f"niveau de tension inconnu « {level} »", line=i, column="niveau_tension_2019"
            )
        gap = rec["postes_a_pourvoir_milliers"] - (
            rec["creations_destructions_milliers"] + rec["departs_fin_carriere_milliers"]
        )
        if abs(gap) > TOLERANCE:
            raise SourceError(
                path, "postes à pourvoir ≠ créations + départs", line=i, column="postes_a_pourvoir_milliers"
            )
        key = (rec["region"], rec["code_fap"])
        if key in seen:
            raise SourceError(path, f"doublon {key[0]} × {key[1]}", line=i, column="code_fap")
        seen.add(key)
        out.append({**rec, "niveau_tension_2019": level, "region_code": regions[rec["region"]]})
    return out
