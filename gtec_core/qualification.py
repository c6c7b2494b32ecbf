"""The diploma level an occupation asks for, read from the ROME fiche's « accès au métier » text.

The ROME gives no level field; its access text names the diplomas (« accessible avec un CAP ou un Bac
professionnel », « avec un Diplôme d'État d'Infirmier, obligatoire pour exercer », « niveau Bac+2 à
Bac+5 »). The entry level is the lowest national level (3 = CAP/BEP … 8 = doctorat) among the routes the
first sentence names; 0 when it says no diploma is needed; None when it names none we recognise. This is a
reading of a text, so the UI says « d'après la fiche ROME » next to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

LABELS = {
    0: "sans diplôme",
    3: "CAP, BEP (niveau 3)",
    4: "bac (niveau 4)",
    5: "bac + 2 (niveau 5)",
    6: "bac + 3 (niveau 6)",
    7: "bac + 5 (niveau 7)",
    8: "doctorat (niveau 8)",
}
# (level, pattern) — checked on an accent-folded, lower-case text.
_RULES: tuple[tuple[int, str], ...] = (
    (0, r"sans diplome|aucun diplome n est exige|sans qualification"),
    (8, r"doctorat|docteur en|bac\s*\+\s*8|niveau 8"),
    (7, r"bac\s*\+\s*5|\bmaster\b|diplome d ingenieur|ecole d ingenieurs?|niveau 7|cadre de sante"),
    (
        6,
        r"bac\s*\+\s*[34]|\blicence\b|\bbut\b|niveau 6|diplome d etat d infirmier|educateur specialise"
        r"|diplome d etat de (masseur|ergotherap|psychomotric|manipulateur)",
    ),
    (5, r"bac\s*\+\s*2|\bbts\b|\bbtsa\b|\bdut\b|\bdeust\b|niveau 5"),
    (
        4,
        r"\bbac\b(?!\s*\+)|bac pro|baccalaureat|brevet professionnel|niveau 4|aide-soignant|aide soignant"
        r"|auxiliaire de puericulture|accompagnant educatif",
    ),
    (3, r"\bcap\b|\bcapa\b|\bbep\b|niveau 3|titre professionnel|\bcqp\b"),
)


@dataclass(frozen=True)
class EntryLevel:
    level: int | None
    mandatory: bool  # « obligatoire pour exercer »: a regulated occupation

    @property
    def label(self) -> str:
        return LABELS.get(self.level, "") if self.level is not None else ""


def _fold(text: str) -> str:
    import unicodedata

    bare = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return re.sub(r"[’']", " ", bare.casefold())


@lru_cache(maxsize=4096)  # one access text per fiche, read on every career results page
def entry_level(access_text: str) -> EntryLevel:
    text = _fold(access_text or "")
    if not text.strip():
        return EntryLevel(None, False)
    first = re.split(r"(?<=[.!?])\s+", text.strip())[0]
    found = [level for level, pattern in _RULES if re.search(pattern, first)]
    if not found and "sans diplome" in text:
        found = [0]
    mandatory = "obligatoire pour exercer" in text or "obligatoire pour l exercice" in text
    return EntryLevel(min(found) if found else None, mandatory)


def is_long_path(destination: EntryLevel, person_level: int | None) -> bool:
    """A destination needs a long path when it asks for a diploma of level 6 or more above what the person
    is known to hold (their former occupations' level), or for a mandatory diploma above it."""
    if destination.level is None:
        return False
    held = person_level if person_level is not None else 3
    if destination.mandatory and destination.level > held:
        return True
    return destination.level >= 6 and destination.level > held
