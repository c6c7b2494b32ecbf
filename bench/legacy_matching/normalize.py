"""French tokenisation and stemming for skill matching, with character offsets into the original text.

Stemming is the Snowball French algorithm (Porter, snowball.tartarus.org, `snowballstemmer` package) applied
to the lower-cased accented word, then folded (no accents), so that conjugated verbs and their infinitive
share a stem ("géré", "gérer" → "ger"). A short table then joins a few noun/verb families that Snowball
keeps apart ("gestion"/"gérer", "nettoyage"/"nettoyer"), because ROME labels use the verb and people often
write the noun.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from bench.legacy_matching.text import fold

WORD = re.compile(r"[^\W_]+", re.UNICODE)
SENTENCE_BREAK = re.compile(r"[.;:!?\n•|]+")
CLAUSE_BREAK = re.compile(r",")

# Function words and fillers never counted as content (folded forms).
STOPWORDS = frozenset(
    """a au aux avec ce ces cet cette d dans de des du elle en et etc il j je l la le les leur leurs lui m ma
    me mes mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses son sur t ta te tes ton un une
    vos votre vous y ai as avait avons etait ete suis sommes est sont fait faire fais plus tres tout tous
    toute toutes selon afin ainsi lors dont chez depuis pendant entre comme aussi bien mais donc car""".split()
)

# Noun ↔ verb families Snowball leaves apart, mapped onto one stem (folded stems).
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
    "recolt": "recolt",
    "livraison": "livr",
    "livreur": "livr",
    "redact": "redig",
    "reparat": "repar",
    "conduct": "conduir",
    "conduit": "conduir",
    "coordin": "coordon",
    "planif": "planifi",
    "plann": "planifi",
}

_STEMMER = snowballstemmer.stemmer("french")


@dataclass(frozen=True)
class Token:
    stem: str
    start: int
    end: int
    sentence: int
    clause: int


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """Stem of one word (any case, accents or not): Snowball French, folded, then the derivation table."""
    lowered = word.lower().replace("œ", "oe").replace("æ", "ae")
    folded = fold(_STEMMER.stemWord(lowered)).replace(" ", "")
    return DERIVATIONS.get(folded, folded)


def is_stopword(word: str) -> bool:
    return fold(word) in STOPWORDS or len(word) == 1


def tokenize(text: str) -> list[Token]:
    """Content tokens of `text` with their offsets and sentence number (sentences end at . ; : ! ? newline; clauses at commas)."""
    tokens: list[Token] = []
    sentence = clause = 0
    last = 0
    for match in WORD.finditer(text):
        if SENTENCE_BREAK.search(text, last, match.start()):
            sentence += 1
        if CLAUSE_BREAK.search(text, last, match.start()):
            clause += 1
        last = match.end()
        word = match.group()
        if is_stopword(word) or word.isdigit():
            continue
        tokens.append(Token(stem_word(word), match.start(), match.end(), sentence, clause))
    return tokens


def label_stems(label: str) -> tuple[str, ...]:
    """Distinct content stems of a referential label, in order, without its parenthesised examples and
    without the list that follows a colon ("Utiliser des appareils de mesure : mètre ruban, palmer")."""
    core = re.sub(r"\([^)]*\)?", " ", label).split(":")[0]
    return tuple(dict.fromkeys(t.stem for t in tokenize(core)))
