"""Job-ad title → ROME fiches, ranked, on top of the appellation search (gtec_core.search).

Job-ad titles are not appellations: they carry gender marks ("H/F", "(e)"), contract types and places
("- CDI - Vannes (56)"), salaries ("2 100 € brut/mois", "35-40k€"), abbreviations ("ASH", "IDE", "dev") and
English ("sales manager", "software engineer"). The title is cleaned by rules (places with a department
number, amounts, bracketed noise), then words and expressions are rewritten with the table
title_aliases.yaml (built from usage on French job boards). The cleaned title, and its rewritten form when
different, are searched in the AppellationIndex of appellations plus fiche labels; a fiche's score is its
best appellation's score, rewritten forms counting 0.97 of the raw one so that the words typed win ties.
Fiches are ranked by the number of query words their best appellation matched, then by score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bench.legacy_matching.search import AppellationIndex, Entry
from bench.legacy_matching.text import fold, stems

ALIASES_FILE = Path(__file__).with_name("title_aliases.yaml")

NOISE_PATTERNS = [
    re.compile(r"\b[HFhf]\s*/\s*[HFhf](\s*/\s*[Xx])?\b"),  # H/F, F/H, H/F/X
    re.compile(r"\([^)]*\d[^)]*\)"),  # (56), (CDI 35h), (2000€)
    re.compile(r"\d[\d\s.,]*\s*(k|K)?\s*(€|eur\b|euros?\b)[^-|,]*"),  # amounts and what follows
    re.compile(r"\b\d{2,3}\s*[kK]\b.*"),  # 35k, 40-45k
    re.compile(r"\b\d{5}\b"),  # postcodes
    re.compile(r"\b\d+\s*h\b", re.IGNORECASE),  # 35h
]
SEGMENT = re.compile(r"\s+[-–|/]\s+|\s*[|–]\s*")


@dataclass(frozen=True)
class TitleHit:
    code_rome: str
    score: float
    label: str


@lru_cache(maxsize=1)
def load_aliases(path: Path = ALIASES_FILE) -> tuple[dict[str, str], dict[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    words = {str(k): str(v or "") for k, v in data.get("replace", {}).items()}
    phrases = {str(k): str(v or "") for k, v in data.get("phrases", {}).items()}
    return words, phrases


def clean_title(title: str) -> str:
    """The title without gender marks, amounts, places with a department number and postcodes; segments
    after a dash that hold nothing but noise (contract, city) are dropped by the alias table later."""
    text = title
    for pattern in NOISE_PATTERNS:
        text = pattern.sub(" ", text)
    segments = [s for s in SEGMENT.split(text) if s and s.strip()]
    # Keep the first segment that has letters; later segments are usually contract, place or company.
    kept = [s for s in segments if re.search(r"[^\W\d_]{2,}", s)]
    if not kept:
        return ""
    first = kept[0]
    if len(kept) > 1 and len(fold(first).split()) == 1 and fold(first) in load_aliases()[0]:
        first = " ".join(kept[:2])
    return first.strip()


def rewrite(text: str) -> str:
    """Expressions then words replaced through title_aliases.yaml (folded text out)."""
    words, phrases = load_aliases()
    folded = f" {fold(text)} "
    for phrase in sorted(phrases, key=len, reverse=True):
        folded = folded.replace(f" {phrase} ", f" {phrases[phrase]} ")
    out = [words.get(w, w) for w in folded.split() if not w.isdigit()]
    return " ".join(w for w in " ".join(out).split())


class TitleMatcher:
    def __init__(self, entries: Iterable[Entry]):
        self.index = AppellationIndex(entries)

    def query_weight(self, query: str) -> float:
        """Sum of the IDF of the query's stems (unknown stems count as rare), to compare scores of queries."""
        top = max(self.index.idf.values(), default=1.0)
        return sum(self.index.idf.get(s, top) for s in dict.fromkeys(stems(query))) or 1.0

    def match(self, title: str, limit: int = 5) -> list[TitleHit]:
        cleaned = clean_title(title)
        words = load_aliases()[0]
        rewritten = rewrite(cleaned)
        raw = " ".join(w for w in fold(cleaned).split() if words.get(w, w) and not w.isdigit())
        queries = [(rewritten, 1.0)]
        if raw and raw != rewritten:
            queries.append((raw, 0.97))
        best: dict[str, tuple[float, str]] = {}
        for query, factor in queries:
            if not query:
                continue
            n_words = len(dict.fromkeys(stems(query))) or 1
            weight = self.query_weight(query)
            for hit in self.index.search(query, limit=40):
                complete = hit.matched / n_words
                score = factor * (hit.score / weight) * (0.6 + 0.4 * complete)
                code = hit.entry.code_rome
                if code not in best or score > best[code][0]:
                    best[code] = (score, hit.entry.libelle)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
        return [TitleHit(code, round(score, 3), label) for code, (score, label) in ranked[:limit]]
