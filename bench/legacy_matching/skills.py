"""Experience text → ROME 4.0 compétences and savoirs (code_ogr), with the text span and a confidence, then
the ROME fiches those skills point to.

Method (methods.md §4.1, approach 1, "gazetteer + fuzzy matching"). Every compétence, macro-compétence and
savoir label is reduced to its content stems (normalize.py). A label is found in a sentence when the
IDF-weighted share of its stems present there, close together, reaches `MIN_COVERAGE`; a word missing from
the referential vocabulary may stand for a vocabulary stem one edit away (RapidFuzz Levenshtein, weight
0.85). Labels whose stems are identical are one entry, reported under the code most linked to fiches. A
match whose words are all inside a better match is dropped (the longer, more precise label wins).

Everyday phrasings that the referential never uses ("trésorier du club", "m'occuper de ma mère") come from
a small hand-made lexicon, gtec_core/parameters/skill_lexicon.yaml, matched the same way. A compétence
found also yields its macro-compétence (field code_ogr_macro_comp), at 0.9 × its confidence. Words on both
sides of a comma count 0.85; sentences end at . ; : ! ? and new lines.

Fiches. Each skill votes for the fiches whose coherence table (unix_coherence_item) lists it: weight 1 when
it is "cœur de métier" (Principale), 0.6 when Émergente, 0.35 otherwise, times the skill's rarity across
fiches (IDF) and its confidence; a fiche's total is divided by (number of its items)^0.3 so that very large
fiches do not win every vote.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bench.legacy_matching.normalize import Token, label_stems, tokenize

MIN_COVERAGE = 0.74
FUZZY_WEIGHT = 0.85
COMMON_POSTINGS = 100_000  # a stem in more labels than this never proposes candidates on its own
COHERENCE_WEIGHTS = {"Principale": 1.0, "Émergente": 0.6, "": 0.35}


@dataclass(frozen=True)
class Skill:
    code_ogr: int
    label: str
    kind: str  # "competence", "macro", "savoir" or "lexique"


@dataclass(frozen=True)
class SkillMatch:
    code_ogr: int
    start: int
    end: int
    text: str
    confidence: float
    label: str


@dataclass(frozen=True)
class LexiconEntry:
    phrases: tuple[str, ...]
    codes: tuple[int, ...]


class SkillExtractor:
    def __init__(
        self,
        skills: Iterable[Skill],
        coherence: Iterable[tuple[str, int, str]] = (),
        lexicon: Iterable[LexiconEntry] = (),
        macro_of: Mapping[int, int] | None = None,
    ):
        self.macro_of = dict(macro_of or {})
        self.skills: dict[int, Skill] = {}
        rome_links: dict[int, list[tuple[str, float]]] = defaultdict(list)
        fiche_size: dict[str, int] = defaultdict(int)
        for code_rome, code_ogr, coeur in coherence:
            rome_links[code_ogr].append((code_rome, COHERENCE_WEIGHTS.get(coeur, 0.35)))
            fiche_size[code_rome] += 1
        self.rome_links = dict(rome_links)
        n_fiches = max(len(fiche_size), 1)
        self.fiche_norm = {rome: size**0.3 for rome, size in fiche_size.items()}
        self.skill_idf = {code: math.log(1 + n_fiches / len(links)) for code, links in rome_links.items()}
        # Labels grouped by their stems; each group reported under its most linked code.
        groups: dict[tuple[str, ...], list[Skill]] = defaultdict(list)
        for skill in skills:
            self.skills[skill.code_ogr] = skill
            stems = label_stems(skill.label)
            if stems:
                groups[stems].append(skill)
        self.labels: list[tuple[str, ...]] = []
        self.label_codes: list[Skill] = []
        for stems, members in groups.items():
            members.sort(key=lambda s: (-len(self.rome_links.get(s.code_ogr, ())), s.kind != "competence"))
            self.labels.append(stems)
            self.label_codes.append(members[0])
        postings: dict[str, list[int]] = defaultdict(list)
        for i, stems in enumerate(self.labels):
            for s in stems:
                postings[s].append(i)
        self.postings = dict(postings)
        self.vocabulary = list(self.postings)
        n = max(len(self.labels), 1)
        self.idf = {s: math.log(1 + n / len(ids)) for s, ids in self.postings.items()}
        self.lexicon = [(tuple(label_stems(p)), entry.codes) for entry in lexicon for p in entry.phrases]
        self._fuzzy: dict[str, list[tuple[str, float]]] = {}

    def variants(self, stem: str) -> list[tuple[str, float]]:
        """Vocabulary stems a text stem may stand for: itself, else one edit away (from 5 letters)."""
        if stem in self.postings:
            return [(stem, 1.0)]
        if stem not in self._fuzzy:
            found = []
            if len(stem) >= 5:
                for v, _, _ in process.extract(
                    stem, self.vocabulary, scorer=Levenshtein.distance, limit=3, score_cutoff=1
                ):
                    found.append((v, FUZZY_WEIGHT))
            self._fuzzy[stem] = found
        return self._fuzzy[stem]

    def extract(self, text: str, limit: int = 15) -> list[SkillMatch]:
        tokens = tokenize(text)
        by_sentence: dict[int, list[int]] = defaultdict(list)
        for position, token in enumerate(tokens):
            by_sentence[token.sentence].append(position)
        found: list[tuple[float, float, frozenset[int], int, str, str]] = []
        for positions in by_sentence.values():
            found.extend(self._match_sentence(tokens, positions))
        found.extend(self._match_lexicon(tokens, by_sentence))
        found.sort(key=lambda f: (-f[0], -f[1], -len(f[2])))
        accepted: list[SkillMatch] = []
        taken: list[tuple[frozenset[int], str]] = []
        codes: set[int] = set()
        for confidence, _, used, code, label, source in found:
            if code in codes or any(
                used < other or (used == other and source == "ref" == kind) for other, kind in taken
            ):
                continue
            start, end = tokens[min(used)].start, tokens[max(used)].end
            accepted.append(SkillMatch(code, start, end, text[start:end], round(confidence, 3), label))
            taken.append((used, source))
            codes.add(code)
            macro = self.macro_of.get(code)
            if macro and macro not in codes and macro in self.skills:
                # A compétence implies its macro-compétence (unix_referentiel_competence.code_ogr_macro_comp).
                label = self.skills[macro].label
                accepted.append(
                    SkillMatch(macro, start, end, text[start:end], round(0.9 * confidence, 3), label)
                )
                codes.add(macro)
            if len(accepted) >= limit:
                break
        return accepted

    def _match_sentence(self, tokens: list[Token], positions: list[int]):
        where: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for p in positions:
            for v, weight in self.variants(tokens[p].stem):
                where[v].append((p, weight))
        candidates: set[int] = set()
        for v in where:
            ids = self.postings[v]
            if len(ids) <= COMMON_POSTINGS:
                candidates.update(ids)
        for i in candidates:
            stems = self.labels[i]
            total = sum(self.idf[s] for s in stems)
            present = [s for s in stems if s in where]
            if len(present) < min(2, len(stems)):
                continue
            anchor_stem = max(present, key=lambda s: self.idf[s])
            window = len(stems) + 3
            if len(stems) == 2 and len(present) == 2:
                # Two-word labels ("Gérer les stocks") must appear in order, at most two words apart.
                pairs = [(a, b) for a, _ in where[stems[0]] for b, _ in where[stems[1]] if 0 < b - a <= 3]
                if not pairs:
                    continue
            for anchor, _ in where[anchor_stem]:
                used, gain = set(), 0.0
                for s in present:
                    p, w = min(where[s], key=lambda pw: abs(pw[0] - anchor))
                    if abs(p - anchor) <= window:
                        used.add(p)
                        gain += w * self.idf[s]
                coverage = gain / total
                if len(stems) == 1 and (self.idf[stems[0]] < 6 or where[stems[0]][0][1] < 1):
                    coverage *= 0.9  # a single common or misspelt word is weak evidence
                if len({tokens[p].clause for p in used}) > 1:
                    coverage *= 0.85  # words taken from both sides of a comma
                if coverage >= MIN_COVERAGE and len(used) >= min(2, len(stems)):
                    skill = self.label_codes[i]
                    yield (min(coverage, 1.0), total, frozenset(used), skill.code_ogr, skill.label, "ref")
                    break

    def _match_lexicon(self, tokens: list[Token], by_sentence: Mapping[int, list[int]]):
        for positions in by_sentence.values():
            stems_at = [(p, tokens[p].stem) for p in positions]
            for phrase, codes in self.lexicon:
                used = _ordered_match(phrase, stems_at)
                if used:
                    for rank, code in enumerate(codes):
                        label = self.skills[code].label if code in self.skills else ""
                        yield (0.9 - 0.01 * rank, 100.0, frozenset(used), code, label, "lex")

    def rome_codes(self, matches: Iterable[SkillMatch], limit: int = 5) -> list[tuple[str, float]]:
        """Fiches ranked by the skills' votes (see the module docstring)."""
        scores: dict[str, float] = defaultdict(float)
        for m in matches:
            idf = self.skill_idf.get(m.code_ogr, 0.0)
            for rome, weight in self.rome_links.get(m.code_ogr, ()):
                scores[rome] += m.confidence * weight * idf
        ranked = sorted(
            ((r, s / self.fiche_norm[r]) for r, s in scores.items()), key=lambda rs: (-rs[1], rs[0])
        )
        return [(r, round(s, 3)) for r, s in ranked[:limit]]


def _ordered_match(phrase: tuple[str, ...], stems_at: list[tuple[int, str]]) -> list[int]:
    """Positions of the phrase's stems found in order, each within 3 content words of the previous one."""
    if not phrase:
        return []
    for i, (p, s) in enumerate(stems_at):
        if s != phrase[0]:
            continue
        used, j = [p], i
        for wanted in phrase[1:]:
            nxt = next((k for k in range(j + 1, min(j + 5, len(stems_at))) if stems_at[k][1] == wanted), None)
            if nxt is None:
                break
            used.append(stems_at[nxt][0])
            j = nxt
        else:
            return used
    return []
