"""French text normalisation shared by search and matching.

Appellations carry both genders ("Conducteur / Conductrice") but people type one form, with or without
accents, in the plural, with typos. Normalisation folds case and accents and splits on punctuation;
`stem` then reduces a word to a gender- and number-neutral stem with a few French suffix rules, applied
identically to the referential and to the query (so collisions are harmless as long as both sides agree).
"""

from __future__ import annotations

import re
import unicodedata

STOPWORDS = frozenset(
    "a au aux d de des du en et l la le les un une pour par sur dans avec ou ses son sa".split()
)
LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
NON_WORD = re.compile(r"[^a-z0-9]+")

# Feminine → masculine endings (longest first), then plural marks.
GENDER_RULES: tuple[tuple[str, str], ...] = (
    ("trices", "teur"),
    ("trice", "teur"),
    ("euses", "eur"),
    ("euse", "eur"),
    ("ieres", "ier"),
    ("iere", "ier"),
    ("iennes", "ien"),
    ("ienne", "ien"),
    ("ennes", "en"),
    ("enne", "en"),
    ("onnes", "on"),
    ("onne", "on"),
    ("eres", "er"),
    ("ere", "er"),
    ("ives", "if"),
    ("ive", "if"),
)


def fold(text: str) -> str:
    """Lower case, no accents, ligatures expanded, punctuation turned into spaces."""
    text = unicodedata.normalize("NFKD", text.translate(LIGATURES).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return NON_WORD.sub(" ", text).strip()


def stem(word: str) -> str:
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement in GENDER_RULES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)] + replacement
    if word.endswith(("s", "x")) and len(word) > 4:
        word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Folded words without stopwords, in order."""
    return [w for w in fold(text).split() if w not in STOPWORDS]


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]
