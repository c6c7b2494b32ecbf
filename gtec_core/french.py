"""Small French-language helpers used from end to end: numbers, elision after « de », collation order of names
and dates as a French reader writes them. Pure Python, no locale needed (the server's locale is not trusted).

`format_fr` is the one French number formatter of GTEC (pages, template filters, exports, PDF, charts, command
output): a narrow no-break space between thousands and a decimal comma; `percent_fr` adds « % »; `figure_fr`
shows a secret cell as its symbol; `parse_fr` reads such a text back."""

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
THOUSANDS = "\u202f"  # narrow no-break space: « 10 418 » never breaks across lines
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


def format_fr(number: float | int | None, decimals: int = 0) -> str:
    """« 10 418 », « 0,25 », « 1 234,5 » (narrow no-break space between thousands, decimal comma); empty for a
    missing value; never « -0 »."""
    if number is None:
        return ""
    text = f"{number:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")
    return text.replace(",", THOUSANDS).replace(".", ",")


def percent_fr(number: float | None, decimals: int = 0, *, share: bool = False) -> str:
    """« 12,5 % » of a value already in percent, or of a share in [0, 1] with `share=True`; empty if missing."""
    if number is None:
        return ""
    return f"{format_fr(100 * number if share else number, decimals)} %"


def figure_fr(number: float | None, decimals: int = 0, *, secret: bool = False, symbol: str = "s") -> str:
    """A published cell as text: the secrecy symbol (« s ») for a secret cell, else `format_fr`."""
    return symbol if secret else format_fr(number, decimals)


def parse_fr(text: str) -> float:
    """The number of a text written by `format_fr` or `percent_fr` (« 1 234,5 », « 12 % »), or a plain one."""
    cleaned = "".join(c for c in str(text) if c not in {THOUSANDS, "\xa0", " ", "%"})
    return float(cleaned.replace(",", "."))
