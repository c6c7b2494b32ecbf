"""The company questionnaire, as data: its fixed lists and the validation of one answer.

An answer is a JSON document (stored as such in every version, so that no answer is ever lost):

    {"effectif": 42,
     "metiers": [{"code_ogr": 12345, "code_rome": "J1501", "libelle": "Aide-soignant / Aide-soignante",
                  "effectifs": {"moins_30": 2, "30_44": 3, "45_54": 1, "55_plus": 2}, "departs_5ans": 2,
                  "recrutements_12m": 3, "contrat": "cdi", "difficulte": true,
                  "raisons": ["penurie", "conditions"], "competences": [121413, 300275],
                  "competences_libres": "soins palliatifs"}],
     "moteurs": ["numerique"], "besoins_formation": "…", "formats": ["afest", "module_court"],
     "accueil": {"immersion": true, "apprentis": 1, "stagiaires": 0},
     "consentement": "agregats"}

The difficulty reasons follow the causes DARES and France Travail use for BMO and the tension indicators
(lack of candidates, mismatch of skills, working conditions, pay and attractiveness, mobility, seasonality).
The ROME references (appellation, fiche, compétences) are checked by the caller, which knows the referential.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ORGANISATION_KINDS = [
    ("entreprise", "Entreprise"),
    ("organisme_formation", "Organisme de formation"),
    ("france_travail", "Agence France Travail"),
    ("mission_locale", "Mission locale"),
    ("cap_emploi", "Cap emploi"),
    ("siae", "Structure d'insertion (SIAE)"),
    ("collectivite", "Collectivité / EPCI"),
    ("opco", "OPCO / branche"),
    ("association", "Association"),
    ("autre", "Autre"),
]
SIZE_BANDS = [
    ("0", "0 salarié"),
    ("1-9", "1 à 9 salariés"),
    ("10-49", "10 à 49 salariés"),
    ("50-249", "50 à 249 salariés"),
    ("250+", "250 salariés ou plus"),
]
AGE_BANDS = [("moins_30", "moins de 30 ans"), ("30_44", "30 à 44 ans"), ("45_54", "45 à 54 ans")]
AGE_BANDS += [("55_plus", "55 ans ou plus")]
CONTRACTS = [
    ("cdi", "CDI"),
    ("cdd_long", "CDD de 6 mois ou plus"),
    ("cdd_court", "CDD de moins de 6 mois"),
    ("saisonnier", "Saisonnier"),
    ("interim", "Intérim"),
    ("alternance", "Alternance (apprentissage, professionnalisation)"),
]
REASONS = [
    ("penurie", "Manque de candidats"),
    ("competences", "Candidats sans les compétences ou l'expérience attendues"),
    ("conditions", "Conditions de travail (horaires, pénibilité)"),
    ("remuneration", "Rémunération, attractivité du métier"),
    ("mobilite", "Mobilité, logement, transport"),
    ("saisonnalite", "Saisonnalité, durée des contrats"),
]
DRIVERS = [
    ("numerique", "Numérique"),
    ("ecologie", "Transition écologique"),
    ("demographie", "Démographie (départs, vieillissement, clientèle)"),
    ("reglementation", "Réglementation"),
    ("marches", "Nouveaux marchés"),
]
FORMATS = [
    ("alternance", "Alternance"),
    ("afest", "Formation en situation de travail (AFEST)"),
    ("module_court", "Module court"),
    ("vae", "Validation des acquis (VAE)"),
    ("interne", "Formation interne"),
]
CONSENTS = [
    ("agregats", "Mes réponses ne servent qu'aux résultats agrégés, protégés par le secret statistique."),
    (
        "partenaires",
        "Je permets en plus aux coordinateurs de transmettre mes besoins, en me nommant, aux partenaires "
        "emploi-formation du territoire (France Travail, OPCO, organismes de formation) pour me proposer "
        "candidats, immersions et formations.",
    ),
]
MAX_COUNT = 100_000
MAX_TEXT = 2_000


def codes(choices: list[tuple[str, str]]) -> list[str]:
    return [c for c, _ in choices]


def label(choices: list[tuple[str, str]], code: str) -> str:
    return dict(choices).get(code, code)


@dataclass(frozen=True)
class FieldError:
    """One problem in an answer: `path` names the field (e.g. `metiers.2.contrat`)."""

    path: str
    message: str


def _count(value: Any, path: str, errors: list[FieldError], required: bool = False) -> int | None:
    if value is None or value == "":
        if required:
            errors.append(FieldError(path, "nombre obligatoire"))
        return None
    if isinstance(value, bool):
        errors.append(FieldError(path, "nombre entier attendu"))
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        errors.append(FieldError(path, f"nombre entier attendu, lu « {value} »"))
        return None
    if number < 0 or number > MAX_COUNT:
        errors.append(FieldError(path, f"nombre entre 0 et {MAX_COUNT} attendu, lu {number}"))
        return None
    return number


def _code(value: Any, path: str, errors: list[FieldError], required: bool = False) -> int | None:
    """An OGR code: a positive integer (no upper bound but the referential's)."""
    if value is None or value == "":
        if required:
            errors.append(FieldError(path, "code obligatoire"))
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or len(text) > 9:
        errors.append(FieldError(path, f"code OGR attendu, lu « {value} »"))
        return None
    return int(text)


def _choices(value: Any, allowed: list[str], path: str, errors: list[FieldError]) -> list[str]:
    values = value if isinstance(value, list) else ([] if value in (None, "") else [value])
    out = []
    for v in values:
        if v not in allowed:
            errors.append(FieldError(path, f"valeur « {v} » hors de la liste"))
        elif v not in out:
            out.append(v)
    return out


def _text(value: Any) -> str:
    return str(value or "").strip()[:MAX_TEXT]


def clean_answer(data: Any, *, final: bool) -> tuple[dict, list[FieldError]]:
    """Normalise an answer and list its problems. A draft (`final=False`) may be incomplete; a submitted
    answer (`final=True`) needs at least one occupation, a contract for every hiring need, a reason for every
    difficult hiring, and the consent."""
    errors: list[FieldError] = []
    data = data if isinstance(data, dict) else {}
    out: dict[str, Any] = {"effectif": _count(data.get("effectif"), "effectif", errors)}
    metiers = []
    raw_metiers = data.get("metiers") if isinstance(data.get("metiers"), list) else []
    seen: set[int] = set()
    for i, m in enumerate(raw_metiers):
        p = f"metiers.{i}"
        m = m if isinstance(m, dict) else {}
        code = _code(m.get("code_ogr"), f"{p}.code_ogr", errors, required=True)
        if code is not None and code in seen:
            errors.append(FieldError(f"{p}.code_ogr", "appellation déjà déclarée"))
        seen.add(code)
        bands = m.get("effectifs") if isinstance(m.get("effectifs"), dict) else {}
        effectifs = {b: _count(bands.get(b), f"{p}.effectifs.{b}", errors) or 0 for b in codes(AGE_BANDS)}
        hires = _count(m.get("recrutements_12m"), f"{p}.recrutements_12m", errors) or 0
        contrat = str(m.get("contrat") or "")
        if contrat and contrat not in codes(CONTRACTS):
            errors.append(FieldError(f"{p}.contrat", f"type de contrat « {contrat} » inconnu"))
            contrat = ""
        if final and hires > 0 and not contrat:
            errors.append(FieldError(f"{p}.contrat", "type de contrat obligatoire quand vous recrutez"))
        difficulte = bool(m.get("difficulte")) and hires > 0
        raisons = _choices(m.get("raisons"), codes(REASONS), f"{p}.raisons", errors) if difficulte else []
        if final and difficulte and not raisons:
            errors.append(FieldError(f"{p}.raisons", "indiquez au moins une raison de la difficulté"))
        competences = []
        for c in m.get("competences") or []:
            n = _code(c, f"{p}.competences", errors)
            if n is not None and n not in competences:
                competences.append(n)
        departs = _count(m.get("departs_5ans"), f"{p}.departs_5ans", errors)
        total = sum(effectifs.values())
        if departs is not None and total and departs > total:
            errors.append(FieldError(f"{p}.departs_5ans", "plus de départs que de salariés déclarés"))
        metiers.append(
            {
                "code_ogr": code,
                "code_rome": str(m.get("code_rome") or "").upper()[:5],
                "libelle": _text(m.get("libelle"))[:250],
                "effectifs": effectifs,
                "departs_5ans": departs or 0,
                "recrutements_12m": hires,
                "contrat": contrat,
                "difficulte": difficulte,
                "raisons": raisons,
                "competences": competences,
                "competences_libres": _text(m.get("competences_libres")),
            }
        )
    if final and not metiers:
        errors.append(FieldError("metiers", "déclarez au moins un métier"))
    out["metiers"] = metiers
    out["moteurs"] = _choices(data.get("moteurs"), codes(DRIVERS), "moteurs", errors)
    out["besoins_formation"] = _text(data.get("besoins_formation"))
    out["formats"] = _choices(data.get("formats"), codes(FORMATS), "formats", errors)
    accueil = data.get("accueil") if isinstance(data.get("accueil"), dict) else {}
    out["accueil"] = {
        "immersion": bool(accueil.get("immersion")),
        "apprentis": _count(accueil.get("apprentis"), "accueil.apprentis", errors) or 0,
        "stagiaires": _count(accueil.get("stagiaires"), "accueil.stagiaires", errors) or 0,
    }
    consent = str(data.get("consentement") or "")
    if consent and consent not in codes(CONSENTS):
        errors.append(FieldError("consentement", f"consentement « {consent} » inconnu"))
        consent = ""
    if final and not consent:
        errors.append(FieldError("consentement", "choisissez comment vos réponses peuvent être partagées"))
    out["consentement"] = consent
    return out, errors


# NAF rév. 2: division (2 digits) → section (letter), as published by INSEE.
_SECTIONS = [
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43), ("G", 45, 47),
    ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68), ("M", 69, 75), ("N", 77, 82),
    ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93), ("S", 94, 96), ("T", 97, 98), ("U", 99, 99),
]  # fmt: skip
NAF_SECTIONS = {
    "A": "Agriculture, sylviculture et pêche",
    "B": "Industries extractives",
    "C": "Industrie manufacturière",
    "D": "Électricité, gaz, vapeur",
    "E": "Eau, assainissement, déchets",
    "F": "Construction",
    "G": "Commerce, réparation d'automobiles",
    "H": "Transports et entreposage",
    "I": "Hébergement et restauration",
    "J": "Information et communication",
    "K": "Activités financières et d'assurance",
    "L": "Activités immobilières",
    "M": "Activités spécialisées, scientifiques et techniques",
    "N": "Services administratifs et de soutien",
    "O": "Administration publique",
    "P": "Enseignement",
    "Q": "Santé humaine et action sociale",
    "R": "Arts, spectacles et activités récréatives",
    "S": "Autres activités de services",
    "T": "Activités des ménages",
    "U": "Activités extra-territoriales",
}
NAF_PATTERN = r"\d{2}\.\d{2}[A-Z]"


def normalise_naf(code: str) -> str:
    """A NAF rév. 2 code in its usual written forms — « 5610C », « 56.10C », « 56 10 c » — as `56.10C`;
    anything else is returned stripped and upper-cased, for the caller to reject."""
    text = str(code or "").strip().upper()
    compact = re.sub(r"[\s.]", "", text)
    if re.fullmatch(r"\d{4}[A-Z]", compact):
        return f"{compact[:2]}.{compact[2:]}"
    return text


def naf_section(naf: str) -> str:
    """The NAF rév. 2 section letter of a code like `56.10A` (empty when unknown)."""
    head = str(naf or "")[:2]
    if not head.isdigit():
        return ""
    division = int(head)
    return next((s for s, lo, hi in _SECTIONS if lo <= division <= hi), "")
