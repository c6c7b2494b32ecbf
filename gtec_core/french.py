"""Small French-language helpers used from end to end: elision after « de », collation order of names and
dates as a French reader writes them. Pure Python, no locale needed (the server's locale is not trusted)."""

from __future__ import annotations

import datetime as dt
import unicodedata

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_VOWELS = set("aeiouyh")
# Words whose initial h is aspirated (no elision): the common ones in French place names.
_ASPIRATED = ("hague", "haute", "haut", "hénin", "havre", "houlme", "hamel", "halle", "hangar")


def _bare(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def de(name: str) -> str:
    """« de » before a name, with elision and contraction: d'Auray, de Vannes, du Havre, des Sables-d'Olonne."""
    if not name:
        return "de"
    lower = name.casefold()
    for article, joined in (("le ", "du "), ("les ", "des ")):
        if lower.startswith(article):
            return joined + name[len(article) :]
    first = _bare(lower)[0]
    if first in _VOWELS and not (first == "h" and _bare(lower).startswith(_ASPIRATED)):
        return f"d'{name}"
    return f"de {name}"


def collation_key(text: str) -> tuple[str, str]:
    """Sort key following French dictionary order: accents and case do not move a name (Île among the I,
    Péaule before Pluherlin); ties are broken by the exact text so the order is stable."""
    base = _bare(text).casefold().replace("œ", "oe").replace("æ", "ae")
    base = "".join(c if c.isalnum() else " " for c in base)
    return (" ".join(base.split()), text)


def sort_french(items, key=lambda item: item):
    return sorted(items, key=lambda item: collation_key(key(item)))


def long_date(value: dt.date) -> str:
    """« 1er novembre 2026 », « 21 mars 2026 »."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def short_date(value: dt.date) -> str:
    """« 01/11/2026 »."""
    return value.strftime("%d/%m/%Y")
