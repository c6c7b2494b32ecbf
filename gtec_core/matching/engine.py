"""The French text engine: job titles → ROME fiches, free text (job ads, life stories) → ROME skills, and the
occupation a whole text describes. Learnt from the referential (referential.py), never from the evaluation
sets; one normalisation (gtec_core.text.stem) on both sides. Pure Python + scikit-learn, no Django.

Titles. The title is cleaned by rules (gender marks, contract, place, salary: titles.clean_title) and its
abbreviations and English words rewritten (title_aliases.yaml). It is compared with every appellation and
fiche label by two TF-IDF models fitted on those labels: stemmed words (unigrams and bigrams) and
character 3–5-grams of the stemmed text (robust to typos and unknown compounds). A label's score is the
mean of the two cosines (`WORD_WEIGHT`); a fiche's score is its best label's.

Skills. The text is cut into clauses (lines, bullets, sentences, semicolons; long lists at commas). Each
clause is compared by TF-IDF cosine (stemmed words and bigrams, fitted on the skill labels) with every
compétence and macro-compétence label, and with each macro-compétence's centroid (the normalised sum of its
items' vectors: words its items share weigh more than the object of one item). A macro-compétence's score in
a clause is CENTROID_WEIGHT × centroid cosine + the rest × its best item's cosine. When the occupation of
the text is known (title line or whole text: `occupation.skills_prior`), macro-compétences linked to those
fiches get a bonus (`FICHE_BONUS`), the others are scaled by `OUTSIDE_FICHES`. A macro-compétence is then
kept by one calibrated rule over the whole text (`KEEP_WEIGHTS`, `KEEP_THRESHOLD`): its best clause score,
whether it is some clause's best (and that score), and an occupation prior — its cœur-de-métier weight in the
`PRIOR_FICHES` fiches the whole text most likely describes (`occupation.text_scores`: named title, classifier,
whole-text cosine), weighted by (fiche score / best)². The prior lets a skill whose label shares no word with
the text pass with a weaker clause match, when the occupation carries it (« mise en caisse » → « Conditionner
des produits »); a clause's best macro-compétence without that support needs a stronger match. The weights are
a logistic regression over those four values fitted on the three development sets (dev, test 1, test 2; each
set held out in turn gives the same F1 within 0.005), threshold at probability 0.225; its confidence is its
best clause score. A skill is never kept on the prior alone: its best clause score before the bonus must
exceed `MIN_EVIDENCE` (0.2–0.22 give the same F1 on the development sets; 0.22 keeps « prime annuelle » of a
list of benefits out). See tests/data/EVALUATION.md.

Occupation of a whole text (occupation.py): the title it names, a complement naive Bayes classifier with
sparse weights learnt from the referential, the text against each fiche's document (`fiche_vec`, TF-IDF
cosine) and the cœur-de-métier coverage by the skills found (`coverage_m`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, diags
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from gtec_core.matching.clauses import Clause, analyse, clauses, label_core, stemmed
from gtec_core.matching.occupation import OccupationModel, text_scores
from gtec_core.matching.occupation import occupations as whole_text_occupations
from gtec_core.matching.referential import EscoOccupation, Referential
from gtec_core.matching.titles import NOISE_PATTERNS, SEGMENT, clean_title, load_aliases, rewrite
from gtec_core.matching.vectors import _transform, _unit, _with_bigrams
from gtec_core.text import fold, stem

__all__ = [
    "Clause",
    "SkillMatch",
    "TextEngine",
    "TitleHit",
    "analyse",
    "clauses",
    "label_core",
    "stem",
    "stemmed",
]
__all__ += ["_transform", "_unit", "_with_bigrams"]

ENGINE_VERSION = "7"  # bump when the models change, so that disk caches are rebuilt
WORD_WEIGHT = 0.5
ESCO_MIN_SCORE = 0.8
ESCO_PRIOR = 0.8
CENTROID_WEIGHT = 0.5
FICHE_BONUS = 0.1
FICHES_FOR_SKILLS = 3
OUTSIDE_FICHES = 0.6
PRIOR_FICHES = 5
KEEP_WEIGHTS = {"score": 1.0, "clause_best": 0.164, "clause_best_score": 0.053, "prior": 0.356}
KEEP_THRESHOLD = 0.729
MIN_EVIDENCE = 0.22  # never on the prior alone: some clause must match the skill this much
COEUR_WEIGHTS = {"Principale": 1.0, "Émergente": 0.6, "": 0.35}


@dataclass(frozen=True)
class TitleHit:
    code_rome: str
    score: float
    label: str
    code_ogr: int | None = None  # the appellation that matched best (None for a fiche label)


@dataclass(frozen=True)
class SkillMatch:
    code_ogr: int
    start: int
    end: int
    text: str
    confidence: float
    label: str
    evidence: str = ""  # the referential label the passage is closest to


class TextEngine:
    def __init__(self, ref: Referential, esco: list[EscoOccupation] | None = None):
        self.ref = ref
        self._build_titles()
        if esco:
            self._add_esco(esco)
        self._build_skills()
        self._build_fiches()
        self.occupation_model = OccupationModel(self)

    # --- titles ---------------------------------------------------------------------------------------

    def _build_titles(self) -> None:
        labels = [(a.label, a.code_rome, a.code_ogr, a.peu_usite) for a in self.ref.appellations]
        labels += [(label, code, None, False) for code, label in self.ref.fiches.items()]
        principal = {a.code_ogr for a in self.ref.appellations if a.principale}
        self.title_codes = [code for _, code, _, _ in labels]
        self.title_labels = [label for label, _, _, _ in labels]
        self.title_ogr = [ogr for _, _, ogr, _ in labels]
        self.title_prior = [
            (1.02 if ogr is None or ogr in principal else 1.0) * (0.95 if rare else 1.0)
            for _, _, ogr, rare in labels
        ]
        self.principal = {a.code_rome: a for a in self.ref.appellations if a.principale}
        self.esco_labels = 0
        self._fit_titles()
        self.fiche_index = {code: i for i, code in enumerate(sorted(self.ref.fiches))}

    def _fit_titles(self) -> None:
        docs = [stemmed(label) for label in self.title_labels]
        self.title_word = TfidfVectorizer(analyzer=str.split, ngram_range=(1, 1), sublinear_tf=True)
        self.title_word_m = self.title_word.fit_transform(_with_bigrams(docs))
        self.title_char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self.title_char_m = self.title_char.fit_transform(docs)
        self.title_word_mT = self.title_word_m.T.tocsr()
        self.title_char_mT = self.title_char_m.T.tocsr()
        self.prior = np.array(self.title_prior)

    def _add_esco(self, esco: list[EscoOccupation]) -> None:
        """ESCO labels (French alternative, English) become extra labels of the fiche the ESCO preferred
        label matches best, when that match is clear (score ≥ ESCO_MIN_SCORE); then the models are refitted."""
        heads = [re.split(r"/", o.label)[0] for o in esco]
        docs = [stemmed(h) for h in heads]
        word = _transform(self.title_word, _with_bigrams(docs)) @ self.title_word_mT
        char = _transform(self.title_char, docs) @ self.title_char_mT
        scores = (WORD_WEIGHT * word + (1 - WORD_WEIGHT) * char).tocsr()
        added = 0
        for k, occupation in enumerate(esco):
            row = scores.getrow(k)
            if not row.nnz:
                continue
            j = row.indices[row.data.argmax()]
            if row.data.max() < ESCO_MIN_SCORE:
                continue
            code = self.title_codes[j]
            for label in occupation.labels:
                self.title_labels.append(label)
                self.title_codes.append(code)
                self.title_ogr.append(None)
                self.title_prior.append(ESCO_PRIOR)
                added += 1
        self.esco_labels = added
        self._fit_titles()

    def title_scores(self, title: str) -> dict[str, tuple[float, int]]:
        """Fiche → (score, index of its best label) for one title."""
        cleaned = clean_title(title)
        weighted = {}
        dropped = {w for w, v in load_aliases()[0].items() if not v}
        raw = " ".join(w for w in fold(cleaned).split() if w not in dropped and not w.isdigit())
        for query, factor in ((rewrite(cleaned), 1.0), (raw, 0.97), (rewrite(_whole_title(title)), 0.95)):
            if query.strip() and query not in weighted:
                weighted[query] = factor
        if not weighted:
            return {}
        docs = [stemmed(q) for q in weighted]
        word = (_transform(self.title_word, _with_bigrams(docs)) @ self.title_word_mT).toarray()
        char = (_transform(self.title_char, docs) @ self.title_char_mT).toarray()
        scores = (WORD_WEIGHT * word + (1 - WORD_WEIGHT) * char) * self.prior
        scores *= np.array(list(weighted.values()))[
            :, None
        ]  # the raw form counts a little less than the rewritten one
        best = scores.max(axis=0)
        order = np.argsort(-best)[:200]
        out: dict[str, tuple[float, int]] = {}
        for i in order:
            code = self.title_codes[i]
            if best[i] > 0 and code not in out:
                out[code] = (float(best[i]), int(i))
        return out

    def match_titles(self, title: str, limit: int = 5) -> list[TitleHit]:
        ranked = sorted(self.title_scores(title).items(), key=lambda kv: (-kv[1][0], kv[0]))
        return [
            TitleHit(code, round(score, 3), self.title_labels[i], self.title_ogr[i])
            for code, (score, i) in ranked[:limit]
        ]

    # --- skills ---------------------------------------------------------------------------------------

    def _build_skills(self) -> None:
        items = [s for s in self.ref.skills.values() if s.kind in ("macro", "competence")]
        target = {s.code_ogr: (s.code_ogr if s.kind == "macro" else s.macro) for s in items}
        items = [s for s in items if target[s.code_ogr] in self.ref.skills]
        self.macro_codes = sorted({target[s.code_ogr] for s in items})
        self.macro_pos = {code: i for i, code in enumerate(self.macro_codes)}
        # items grouped by macro-compétence, so that a row's best item per macro is one reduceat
        items.sort(key=lambda s: (self.macro_pos[target[s.code_ogr]], s.code_ogr))
        self.skill_target = [target[s.code_ogr] for s in items]
        self.skill_labels = [s.label for s in items]
        self.skill_codes = [s.code_ogr for s in items]
        self.target_pos = np.array([self.macro_pos[t] for t in self.skill_target])
        self.macro_start = np.searchsorted(self.target_pos, np.arange(len(self.macro_codes)))
        docs = [stemmed(label_core(s.label)) for s in items]
        self.skill_vec = TfidfVectorizer(analyzer=str.split, sublinear_tf=True)
        self.skill_m = self.skill_vec.fit_transform(_with_bigrams(docs))
        self.skill_mT = self.skill_m.T.tocsr()
        # each macro-compétence's centroid: the sum of its items' vectors, normalised (words its items share
        # weigh more than the object of one item)
        member = csr_matrix(
            (np.ones(len(items)), (self.target_pos, np.arange(len(items)))),
            shape=(len(self.macro_codes), len(items)),
        )
        self.centroid_mT = normalize(member @ self.skill_m).T.tocsr()

    def skill_scores(self, parts: list[Clause]) -> tuple[np.ndarray, np.ndarray]:
        """Clause × macro-compétence scores (CENTROID_WEIGHT × cosine with the macro's centroid + the rest ×
        best cosine with one of its items), and the clause × item cosines (for the evidence)."""
        query = _transform(self.skill_vec, _with_bigrams([stemmed(c.text) for c in parts]))
        sims = (query @ self.skill_mT).toarray()
        best_item = np.maximum.reduceat(sims, self.macro_start, axis=1)
        centroid = (query @ self.centroid_mT).toarray()
        return CENTROID_WEIGHT * centroid + (1 - CENTROID_WEIGHT) * best_item, sims

    def extract(
        self,
        text: str,
        limit: int = 25,
        fiches: list[str] | None = None,
        with_competences: bool = False,
        fiche_scores: np.ndarray | None = None,
    ) -> list[SkillMatch]:
        """Macro-compétences found in the text (at most `limit`), best first, each with the passage that shows
        it; with `with_competences`, each followed by the compétence that passage is closest to. `fiches`: the
        fiches whose macro-compétences get the clause bonus (default: `occupation.skills_prior`);
        `fiche_scores`: one score per fiche for the occupation prior (default: `occupation.text_scores`)."""
        parts = clauses(text)
        if not parts:
            return []
        if fiches is None:
            fiches = [code for code, _ in self.occupations(text, with_skills=False, limit=FICHES_FOR_SKILLS)]
        if fiche_scores is None:
            fiche_scores = text_scores(self, text)
        bonus: dict[int, float] = {}
        for rank, code in enumerate(fiches[:FICHES_FOR_SKILLS]):
            for macro in self.fiche_macros.get(code, ()):
                bonus[macro] = max(bonus.get(macro, 0.0), FICHE_BONUS / (1 + rank))
        scores, sims = self.skill_scores(parts)
        evidence = scores.max(axis=0)  # each macro-compétence's best clause score before the fiche bonus
        bonus_row = np.full(len(self.macro_codes), -1.0)
        for code, value in bonus.items():
            if code in self.macro_pos:
                bonus_row[self.macro_pos[code]] = value
        scores = np.where(bonus_row >= 0, scores + np.maximum(bonus_row, 0.0), scores * OUTSIDE_FICHES)
        # per macro-compétence: its best clause score, whether (and how much) it is some clause's best, and
        # the occupation prior; kept when their weighted sum reaches KEEP_THRESHOLD
        best_clause = scores.argmax(axis=0)
        best_score = scores[best_clause, np.arange(scores.shape[1])]
        tops = scores.argmax(axis=1)
        clause_best = np.zeros(scores.shape[1])
        np.maximum.at(clause_best, tops, scores[np.arange(len(parts)), tops])
        value = (
            KEEP_WEIGHTS["score"] * best_score
            + KEEP_WEIGHTS["clause_best"] * (clause_best > 0)
            + KEEP_WEIGHTS["clause_best_score"] * clause_best
            + KEEP_WEIGHTS["prior"] * self.occupation_prior(fiche_scores)
        )
        kept = np.flatnonzero((value >= KEEP_THRESHOLD) & (evidence > MIN_EVIDENCE))
        out = []
        for m in kept[np.argsort(-value[kept], kind="stable")][:limit]:
            code = self.macro_codes[m]
            ci = int(best_clause[m])
            start, stop = self.macro_start[m], self._macro_end(m)
            j = int(start + np.argmax(sims[ci, start:stop]))
            c = parts[ci]
            begin = c.start + len(c.text) - len(c.text.lstrip())
            end = c.start + len(c.text.rstrip())
            confidence = round(min(float(best_score[m]), 1.0), 3)
            passage = text[begin:end]
            out.append(
                SkillMatch(
                    code, begin, end, passage, confidence, self.ref.skills[code].label, self.skill_labels[j]
                )
            )
            if with_competences and self.skill_codes[j] != code:
                # the compétence the passage is closest to, right after its macro-compétence
                label = self.ref.skills[self.skill_codes[j]].label
                out.append(SkillMatch(self.skill_codes[j], begin, end, passage, confidence, label, label))
        return out

    def occupation_prior(self, fiche_scores: np.ndarray) -> np.ndarray:
        """One value in [0, 1] per macro-compétence: its weight (cœur de métier × rarity, over the fiche's
        largest) in each of the PRIOR_FICHES best fiches, times (fiche score / best score)², the largest."""
        prior = np.zeros(len(self.macro_codes))
        order = np.argsort(-fiche_scores)[:PRIOR_FICHES]
        top = fiche_scores[order[0]] if len(order) else 0.0
        if top <= 0:
            return prior
        for i in order:
            row = self.coverage_unit.getrow(int(i))
            np.maximum.at(prior, row.indices, (fiche_scores[i] / top) ** 2 * row.data)
        return prior

    def _macro_end(self, m: int) -> int:
        return int(self.macro_start[m + 1]) if m + 1 < len(self.macro_start) else len(self.skill_codes)

    # --- occupations ----------------------------------------------------------------------------------

    def _build_fiches(self) -> None:
        items = self.ref.fiche_items()
        apps = defaultdict(list)
        for a in self.ref.appellations:
            apps[a.code_rome].append(a.label)
        self.fiche_codes = sorted(self.ref.fiches)
        n_fiches = max(len(self.fiche_codes), 1)
        per_skill = defaultdict(int)
        for _fiche, code, _ in self.ref.links:
            per_skill[code] += 1
        self.skill_idf = {code: math.log(1 + n_fiches / n) for code, n in per_skill.items()}
        self.fiche_macros: dict[str, set[int]] = {}
        self.fiche_coeur: dict[str, dict[int, float]] = {}
        docs: list[str] = []
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for code in self.fiche_codes:
            macros: dict[int, float] = {}
            coeur_labels = []
            for skill_code, coeur in items.get(code, []):
                skill = self.ref.skills.get(skill_code)
                if skill is None or skill.kind == "savoir":
                    continue
                macro = skill_code if skill.kind == "macro" else skill.macro
                if macro is None:
                    continue
                weight = COEUR_WEIGHTS.get(coeur, 0.35) * self.skill_idf.get(macro, 1.0)
                macros[macro] = max(macros.get(macro, 0.0), weight)
                if coeur == "Principale":
                    coeur_labels.append(label_core(skill.label))
            self.fiche_macros[code] = set(macros)
            self.fiche_coeur[code] = macros
            total = math.sqrt(sum(macros.values()) or 1.0)
            for macro, weight in macros.items():
                if macro in self.macro_pos:
                    rows.append(len(docs))
                    cols.append(self.macro_pos[macro])
                    vals.append(weight / total)
            docs.append(
                stemmed(
                    " ".join(
                        [self.ref.fiches[code]] * 3
                        + apps.get(code, [])
                        + [self.ref.texts.get(code, "")]
                        + coeur_labels
                    )
                )
            )
        # fiche × macro-compétence weights (cœur de métier × rarity, over the square root of the total)
        self.coverage_m = csr_matrix((vals, (rows, cols)), shape=(len(docs), len(self.macro_codes)))
        # the same weights over each fiche's largest (the skill extractor's occupation prior)
        largest = self.coverage_m.max(axis=1).toarray().ravel()
        self.coverage_unit = csr_matrix(diags(1 / np.where(largest > 0, largest, 1.0)) @ self.coverage_m)
        self.fiche_vec = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, min_df=1)
        self.fiche_m = self.fiche_vec.fit_transform(docs)
        self.fiche_mT = self.fiche_m.T.tocsr()

    def occupations(self, text: str, limit: int = 5, with_skills: bool = True) -> list[tuple[str, float]]:
        """Fiches a whole text describes, best first, with a score in [0, 1] (occupation.py)."""
        return whole_text_occupations(self, text, limit, with_skills)

    def _fiche_pos(self, code: str) -> int:
        return self.fiche_index[code]


def _whole_title(title: str) -> str:
    """Every segment of a title that has letters, noise (gender marks, amounts, places) removed."""
    text = title
    for pattern in NOISE_PATTERNS:
        text = pattern.sub(" ", text)
    return " ".join(s for s in SEGMENT.split(text) if s and re.search(r"[^\W\d_]{2,}", s))


def _title_line(text: str) -> str:
    """The text's first line when it looks like a title (at most 14 words, not a sentence in "je")."""
    first = text.strip().split("\n", 1)[0].strip()
    if not first or len(first.split()) > 14 or re.match(r"(?i)(j'|je |depuis |pendant )", first):
        return ""
    if "\n" not in text.strip():
        # a one-paragraph text: its first clause before a dash or a colon may still be a title
        head = re.split(r"\s[–—-]\s|:|\.", first, maxsplit=1)[0]
        return head if len(head.split()) <= 8 and len(head) < len(first) else ""
    return first
