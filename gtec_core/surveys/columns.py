"""The column headers of the questionnaire workbook, in French, and what the reader accepts.

Each column has a code (the key the reader works with, and the header of workbooks written before the
headers were French) and a French header, the one the template shows. The reader accepts either, case,
accents and spaces aside, so a workbook filled from an older template still imports."""

from __future__ import annotations

import re
import unicodedata

from gtec_core.surveys import schema

EXAMPLE = "exemple"  # the marker column of the template's example row
EXAMPLE_MARK = "EXEMPLE — supprimez cette ligne"

HEADERS: dict[str, str] = {
    EXAMPLE: "Ligne d'exemple",
    "siret": "SIRET",
    "raison_sociale": "Raison sociale",
    "code_insee": "Commune",
    "naf": "Code NAF",
    "tranche_effectif": "Tranche d'effectif",
    "effectif": "Effectif salarié",
    "besoins_formation": "Besoins de formation",
    "accueil_immersion": "Accueil en immersion (oui/non)",
    "accueil_apprentis": "Apprentis par an",
    "accueil_stagiaires": "Stagiaires par an",
    "consentement": "Consentement",
    "code_ogr_appellation": "Code de l'appellation ROME",
    "appellation": "Appellation ROME (libellé)",
    "departs_5ans": "Départs à remplacer d'ici 5 ans",
    "recrutements_12m": "Recrutements prévus à 12 mois",
    "contrat": "Contrat",
    "difficulte": "Recrutement difficile (oui/non)",
    "code_ogr_competence": "Code de compétence ROME",
    "competence_libre": "Compétence (texte libre)",
}
HEADERS |= {f"moteur_{c}": f"Moteur d'évolution : {lab}" for c, lab in schema.DRIVERS}
HEADERS |= {f"format_{c}": f"Format souhaité : {lab}" for c, lab in schema.FORMATS}
HEADERS |= {f"raison_{c}": f"Raison de la difficulté : {lab}" for c, lab in schema.REASONS}
HEADERS |= {f"eff_{c}": f"Effectif {lab}" for c, lab in schema.AGE_BANDS}


def header(code: str) -> str:
    """The French header of a column (the code itself for a column without one)."""
    return HEADERS.get(code, code)


def fold(text: str) -> str:
    """Case, accents, apostrophes and spaces aside: how headers and appellation labels are compared."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s'’]+", " ", text).strip().casefold()


# Headers of earlier templates, still read.
FORMER_HEADERS = {"Commune (code INSEE)": "code_insee"}
_BY_FOLDED = {fold(label): code for code, label in HEADERS.items()} | {fold(c): c for c in HEADERS}
_BY_FOLDED |= {fold(label): code for label, code in FORMER_HEADERS.items()}


def code_of(cell) -> str:
    """The code of a header cell: its French header or its code; an unknown header is kept as written."""
    text = "" if cell is None else str(cell).strip()
    return _BY_FOLDED.get(fold(text), text)
