"""Reading free text for the text engine (engine.py): the analyser every model shares (`analyse`: stems of
the content words), the cutting of a text into clauses (lines, bullets, sentences, semicolons; long clauses
piece by piece at commas and « et ») and the core of a skill label (`label_core`). Pure Python, no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gtec_core.text import STOPWORDS, fold, stem

CLAUSE_BREAK = re.compile(r"(?:\n|[.;!?•|]|(?<=\s)[-–*>]\s|:\s)+")
WORD = re.compile(r"[^\W_]+", re.UNICODE)
COMMA = re.compile(r",|\set\s")
COMMA_WHOLE_MAX = 25  # a clause longer than this is read only piece by piece (commas, "et")
PAREN = re.compile(r"\([^)]*\)")


def analyse(text: str) -> list[str]:
    """Stems of the content words of a text (the analyser every model shares)."""
    return [stem(w) for w in fold(text).split() if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]


def stemmed(text: str) -> str:
    return " ".join(analyse(text))


QUALIFIER = re.compile(
    r"\s(en tenant compte|en fonction|selon|conformément|dans le respect)\b.*$", re.IGNORECASE
)


# "tenir compte de", "prendre en compte": take into account, a phrase that says nothing of the activity
# (« Tenir compte des compétences des collaborateurs » is not « tenir les comptes »)
TAKE_INTO_ACCOUNT = re.compile(
    r"\b(?:tenir|tient|tenant|prendre|prend|prenant)\s+(?:en\s+)?compte\b", re.IGNORECASE
)


def label_core(label: str) -> str:
    """A skill label without its parenthesised examples, the list after a colon, its trailing qualifier
    ("… en tenant compte des objectifs", "… selon les consignes") and "tenir compte", which say how, not
    what."""
    return TAKE_INTO_ACCOUNT.sub(" ", QUALIFIER.sub("", PAREN.sub(" ", label).split(":")[0]))


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str


def clauses(text: str) -> list[Clause]:
    """Lines, bullets, sentences and semicolons; each is also read piece by piece between commas and "et"
    (enumerations of tasks), and only so when longer than COMMA_WHOLE_MAX words."""
    out: list[Clause] = []
    last = 0
    pieces = []
    for m in CLAUSE_BREAK.finditer(text):
        pieces.append((last, m.start()))
        last = m.end()
    pieces.append((last, len(text)))
    for start, end in pieces:
        chunk = text[start:end]
        if len(chunk.split()) <= COMMA_WHOLE_MAX:
            out.append(Clause(start, end, chunk))
        if "," in chunk or " et " in chunk:
            offset = start
            for part in COMMA.split(chunk):
                at = text.find(part, offset, end)
                if at >= 0:
                    out.append(Clause(at, at + len(part), part))
                    offset = at + len(part)
    return [c for c in out if len(analyse(c.text)) >= 1]
