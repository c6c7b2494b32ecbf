"""Communes named as a person writes them: « Vannes », « vannes », « Saint-Avé (56) », « Vannes (56000) » or
the INSEE code. Two communes of the same name are told apart by their département (« Saint-Pierre (15) » /
« Saint-Pierre (974) »). Pure: the caller gives the communes to match against (`gtec.territories.communes`
for the forms and `/api/communes`, the campaign's territory for the questionnaire workbook)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gtec_core.text import fold

CODE = re.compile(r"^(\d[\dAB]\d{3})$", re.IGNORECASE)
# « Vannes (56) », « Vannes (56000) », « Vannes - 56 », « Vannes, 56 »
SUFFIX = re.compile(r"^(?P<name>.*?)[\s,–-]*\(?\s*(?P<tag>\d[\dAB]\d{0,3})\s*\)?\s*$", re.IGNORECASE)
MAX_CHARS = 120


def departement_of(code: str) -> str:
    """The département of an INSEE commune code: 56 for 56260, 974 for 97411, 2A for 2A004."""
    return code[:3] if code.startswith("97") else code[:2]


@dataclass(frozen=True)
class Commune:
    code: str
    name: str

    @property
    def departement(self) -> str:
        return departement_of(self.code)

    @property
    def label(self) -> str:
        """What the forms show and read back: « Vannes (56) »."""
        return f"{self.name} ({self.departement})"


def clean(text: str) -> str:
    """The typed text with its spaces squeezed, bounded."""
    return " ".join(str(text).split())[:MAX_CHARS]


def by_name(
    text: str, communes: Iterable[tuple[str, Commune]], postal: Callable[[Commune, str], bool] | None = None
) -> tuple[Commune, ...]:
    """The communes among `communes` ((folded name, commune) pairs) that a name names: the name alone, case
    and accents ignored, or followed by the département or the postal code (`postal(commune, code)` tells
    whether a commune has that postal code). Sorted by INSEE code."""
    communes = list(communes)
    wanted = fold(text)
    same = [c for folded, c in communes if folded == wanted]
    if not same:
        match = SUFFIX.match(text)
        if match and match.group("name"):
            name, tag = fold(match.group("name")), match.group("tag").upper()
            same = [
                c
                for folded, c in communes
                if folded == name
                and (c.departement == tag or c.code == tag or (postal is not None and postal(c, tag)))
            ]
    return tuple(sorted(same, key=lambda c: c.code))


def homonyms_message(matches: tuple[Commune, ...]) -> str:
    """The French message for a name several communes bear."""
    examples = " ou ".join(f"« {c.label} »" for c in matches[:4])
    return (
        f"Plusieurs communes s'appellent « {matches[0].name} » : précisez le département, "
        f"par exemple {examples}."
    )
