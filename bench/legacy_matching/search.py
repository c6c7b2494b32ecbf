"""Occupation search over the ROME appellations: one box, tolerant of accents, case, gender and number,
small typos and unfinished words.

Scoring. The label and the query are reduced to stems (gtec_core.text). Each query stem is matched to
the vocabulary of the referential: exactly (weight 1), as the prefix of a longer stem (0.85, for
autocomplete), or within a small edit distance (Levenshtein ratio, 0.8 × similarity; one edit allowed
from 4 letters, two from 8). A label scores the sum, over query stems, of the best match's weight × its
IDF (capped by the IDF of the typed word when that word exists, so a rare look-alike never wins); a label that misses a query word is ranked after every label that has them all. Ties favour labels
whose words are mostly covered by the query, the fiche's principal appellation, and usual appellations.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bench.legacy_matching.text import stems

ROME_CODE = re.compile(r"^[a-nA-N]\d{4}$")


@dataclass(frozen=True)
class Entry:
    code_ogr: int
    libelle: str
    code_rome: str
    libelle_rome: str
    principale: bool = False
    peu_usite: bool = False


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    matched: int


class AppellationIndex:
    def __init__(self, entries: Iterable[Entry]):
        self.entries: list[Entry] = list(entries)
        self.stems: list[tuple[str, ...]] = []
        postings: dict[str, set[int]] = defaultdict(set)
        for i, entry in enumerate(self.entries):
            label_stems = tuple(dict.fromkeys(stems(entry.libelle)))
            self.stems.append(label_stems)
            for s in label_stems:
                postings[s].add(i)
        self.postings = {s: frozenset(ids) for s, ids in postings.items()}
        self.vocabulary = list(self.postings)
        n = max(len(self.entries), 1)
        self.idf = {s: math.log(1 + n / len(ids)) for s, ids in self.postings.items()}
        self.by_rome: dict[str, list[int]] = defaultdict(list)
        for i, entry in enumerate(self.entries):
            self.by_rome[entry.code_rome].append(i)

    def __len__(self) -> int:
        return len(self.entries)

    def candidates(self, query_stem: str, *, last: bool) -> dict[str, float]:
        """Vocabulary stems that may stand for one query stem, with a weight in (0, 1]."""
        found: dict[str, float] = {}
        if query_stem in self.postings:
            found[query_stem] = 1.0
        if len(query_stem) >= 2 and (last or len(query_stem) >= 4):
            for v in self.vocabulary:
                if v != query_stem and v.startswith(query_stem):
                    found[v] = max(found.get(v, 0.0), 0.85 if last else 0.75)
        if len(query_stem) >= 4:
            max_edits = 1 if len(query_stem) < 8 else 2
            for v, score, _ in process.extract(
                query_stem, self.vocabulary, scorer=fuzz.ratio, limit=12, score_cutoff=70
            ):
                if v in found:
                    continue
                if Levenshtein.distance(query_stem, v, score_cutoff=max_edits) <= max_edits:
                    found[v] = 0.8 * score / 100
                elif (
                    last
                    and len(v) > len(query_stem)
                    and Levenshtein.distance(query_stem, v[: len(query_stem)]) <= 1
                ):
                    found[v] = 0.6
        return found

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        query = query.strip()
        if ROME_CODE.match(query):
            ids = self.by_rome.get(query.upper(), [])
            return [
                Hit(self.entries[i], 10.0, 1)
                for i in sorted(ids, key=lambda i: (not self.entries[i].principale, self.entries[i].libelle))
            ][:limit]
        query_stems = list(dict.fromkeys(stems(query)))
        if not query_stems:
            return []
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        for position, qs in enumerate(query_stems):
            best: dict[int, float] = {}
            exact_idf = self.idf.get(qs)
            for v, weight in self.candidates(qs, last=position == len(query_stems) - 1).items():
                # A rarer look-alike must not outrank the word actually typed.
                idf = self.idf[v] if exact_idf is None else min(self.idf[v], exact_idf)
                gain = weight * idf
                for i in self.postings[v]:
                    if gain > best.get(i, 0.0):
                        best[i] = gain
            for i, gain in best.items():
                scores[i] += gain
                matched[i] += 1
        hits = []
        for i, score in scores.items():
            entry = self.entries[i]
            label_weight = sum(self.idf[s] for s in self.stems[i]) or 1.0
            coverage = min(score / label_weight, 1.0)
            score = score * (0.75 + 0.25 * coverage)
            if entry.principale:
                score *= 1.05
            if entry.peu_usite:
                score *= 0.9
            hits.append(Hit(entry, score, matched[i]))
        hits.sort(key=lambda h: (-h.matched, -h.score, len(h.entry.libelle), h.entry.libelle))
        return hits[:limit]
