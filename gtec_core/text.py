"""The one French normalisation of the project, used by the appellation search, the title matcher, the skill
extractor and the occupation search alike.

`fold` lowers case, removes accents, expands ligatures and turns punctuation into spaces. `stem` reduces a
word to a gender- and number-neutral stem: feminine endings are first mapped onto the masculine
("conductrice" → "conducteur", "vendeuse" → "vendeur", "infirmière" → "infirmier"), then the Snowball French
stemmer (snowballstemmer package, Porter's algorithm) removes inflections ("gérer", "géré", "gère" → "ger"),
then a short table joins a few noun/verb families Snowball keeps apart ("gestion"/"gérer"), because ROME
labels use the verb and people often write the noun. The same function runs on the referential and on the
text typed, so collisions are harmless as long as both sides agree. Chosen on the development split of
tests/data/text_eval (bench/eval_text.py --compare-stemmers prints the alternatives).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

STOPWORDS = frozenset(
    """a au aux avec ce ces cet cette d dans de des du elle en et etc il j je l la le les leur leurs lui m ma
    me mes mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses son sur t ta te tes ton un une
    vos votre vous y ai as avait avons etait ete suis sommes est sont fait faire fais plus tres tout tous
    toute toutes selon afin ainsi lors dont chez depuis pendant entre comme aussi bien mais donc car""".split()
)
LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
NON_WORD = re.compile(r"[^a-z0-9]+")
COMBINING = re.compile(r"[\u0300-\u036f]")

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

# Noun ↔ verb families Snowball leaves apart, mapped onto one stem (stems after Snowball).
DERIVATIONS = {
    "gestion": "ger",
    "gestionnair": "ger",
    "nettoyag": "nettoi",
    "entreten": "entretien",
    "vendr": "vent",
    "vendeur": "vent",
    "soign": "soin",
    "tresorer": "tresori",
    "budgetair": "budget",
    "comptabilis": "comptabl",
    "encaiss": "encais",
    "encaissement": "encais",
    "animateur": "anim",
    "animat": "anim",
    "accompagnement": "accompagn",
    "cueillet": "cueil",
    "livraison": "livr",
    "livreur": "livr",
    "redact": "redig",
    "reparat": "repar",
    "conducteur": "conduir",
    "conduct": "conduir",
    "conduit": "conduir",
    "coordin": "coordon",
    "planif": "planifi",
    "plann": "planifi",
}

_SNOWBALL = snowballstemmer.stemmer("french")
MODE = {"stemmer": "gender+snowball"}  # the alternatives exist only for bench/eval_text.py --compare-stemmers


def fold(text: str) -> str:
    """Lower case, no accents, ligatures expanded, punctuation turned into spaces."""
    text = COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(LIGATURES).lower()))
    return NON_WORD.sub(" ", text).strip()


def gender_stem(word: str) -> str:
    """Feminine and plural endings of a folded word mapped onto the masculine singular."""
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


@lru_cache(maxsize=300_000)
def stem(word: str) -> str:
    """Stem of one word (any case, accents or not); see the module docstring."""
    folded = fold(word).replace(" ", "")
    if len(folded) <= 2 or folded.isdigit():
        return folded
    mode = MODE["stemmer"]
    if mode == "gender":
        return gender_stem(folded)
    if mode == "snowball":
        return DERIVATIONS.get(s := _SNOWBALL.stemWord(folded), s)
    base = gender_stem(folded) if len(folded) > 4 else folded
    s = _SNOWBALL.stemWord(base)
    return DERIVATIONS.get(s, s)


def words(text: str) -> list[str]:
    """Folded words without stopwords, in order."""
    return [w for w in fold(text).split() if w not in STOPWORDS]


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]
