"""The occupation (ROME fiche) a whole text describes: a job ad or a life story. Pure Python + scikit-learn,
no Django; used by TextEngine.occupations (engine.py), learnt from the referential only.

Four signals, each scaled to [0, 1], summed with `WEIGHTS`:
- the title: the text's first line when it looks like a title, else the job named in its first sentence
  (« … H/F », « X recrute un(e) … », « Vendeur – boutique », « Aidante familiale : … », « comme … »),
  matched by the engine's title matcher;
- a classifier learnt from the referential: complement naive Bayes over stemmed words and bigrams (TF-IDF),
  trained on ≈ 120,000 short documents (appellations and fiche labels, ESCO labels the engine attached to a
  fiche, definition and access sentences, the labels of every compétence and savoir linked to the fiche);
  its weights are kept sparse (see `SparseComplementNB`), its score turned into exp((s − best) / T);
- the text as a whole against each fiche's document (the engine's TF-IDF cosine);
- the cœur de métier the skills found in the text cover (the engine's coverage).
Weights, temperature and training documents were chosen on the development split only
(tests/data/EVALUATION.md).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

if TYPE_CHECKING:
    from gtec_core.matching.engine import TextEngine

WEIGHTS = {"title": 0.7, "classifier": 0.7, "whole": 0.2, "coverage": 0.1}
TEMPERATURE = 1.0
ALPHA = 1.0  # additive smoothing of the complement counts

# --- the job a text names -------------------------------------------------------------------------------

GENDER = re.compile(r"\((?:e|ère|ere|euse|se|trice|ne|le|ive|fe)\)|·(?:e|ère|euse|se|trice)\b", re.I)
HIRE = re.compile(
    r"\b(?:cherche|recherche|recrute|recrutons|recherchons|embauche)\s+"
    r"(?:(?:un|une|des|son|sa|ses|notre|nos|d'un|d'une|plusieurs|\d+)\s+)?"
    r"(?:(?:futur|futurs|futures?|nouveau|nouvelle|nouvel)\s+)?([^.,:;\n!?()]{3,80})",
    re.I,
)
AS_A = re.compile(r"\b(?:comme|en tant que)\s+(?:(?:un|une)\s+)?([^.,:;\n!?()]{3,60})", re.I)
TAIL = re.compile(
    r"\s(?:pour|en|dans|sur|à|au|aux|afin|qui|avec|chez|de nuit|de jour|h/f|f/h|\(h/f\))\b.*$|\s[–—-]\s.*$",
    re.I,
)
HF = re.compile(r"\b[HF]\s*/\s*[HF]\b")
FIRST_PERSON = re.compile(r"(?i)(j'|je |depuis |pendant |dans |au |à )")
SENTENCE_END = re.compile(r"(?<!\b[A-Z])[.\n!?]")


def tidy(job: str) -> str:
    """A job name without gender marks, « H/F » and surrounding punctuation."""
    return " ".join(HF.sub(" ", GENDER.sub("", job)).replace("()", " ").split()).strip(" -–—(:")


LEADING_WORD = re.compile(r"(?i)(?:à|au|aux|de|du|des|d'|dans|en|pour|avec|chez|la|le|les|l')(?:\s|$)")


def _job(words: str, max_words: int, cut: bool = True) -> str:
    """`words` as a job name (tidied, cut before « pour / en / dans… » when `cut`), or "" when it is empty,
    longer than `max_words` or starts with a function word (« à la banque alimentaire »)."""
    job = tidy(TAIL.sub("", words) if cut else words)
    if not job or len(job.split()) > max_words or LEADING_WORD.match(job):
        return ""
    return job


def guess_title(text: str) -> str:
    """The job a whole text names, or "": its title line, else in its first sentence the words before
    « H/F », after « recrute / cherche », before a dash or a colon, else the words after « comme »."""
    from gtec_core.matching.engine import _title_line

    line = _title_line(text)
    if line and (job := _job(line, 14, cut=False)):
        return job
    first = GENDER.sub("", SENTENCE_END.split(text.strip(), maxsplit=1)[0])
    found = HF.search(first)
    if found:
        head = re.split(r"[:–—]|\s-\s", first[: found.start()])[-1].strip(" (")
        hire = HIRE.search(head)
        if job := _job(hire.group(1) if hire else head, 7, cut=False):
            return job
    hire = HIRE.search(first)
    if hire and not hire.group(1).lower().startswith("d'") and (job := _job(hire.group(1), 6)):
        return job
    head = re.split(r"\s[–—-]\s", first, maxsplit=1)
    if len(head) == 2 and not FIRST_PERSON.match(head[0]) and (job := _job(head[0], 6, cut=False)):
        return job
    head = re.split(r"\s:\s|\s[–—-]\s", first, maxsplit=1)
    if len(head) == 2 and not FIRST_PERSON.match(head[0]) and (job := _job(head[0], 5)):
        return job
    found = AS_A.search(text)
    if found and (job := _job(found.group(1), 5)):
        return job
    return ""


# --- the classifier -------------------------------------------------------------------------------------


def training_documents(engine: TextEngine) -> tuple[list[str], list[int]]:
    """Short documents labelled by the position of their fiche in `engine.fiche_codes`: every title label
    of the engine (appellations, fiche labels, ESCO labels), the fiches' definition and access sentences,
    and the label of every item linked to the fiche (compétences without their examples, savoirs)."""
    from gtec_core.matching.engine import label_core

    pos = {code: i for i, code in enumerate(engine.fiche_codes)}
    docs: list[str] = []
    labels: list[int] = []
    for label, code in zip(engine.title_labels, engine.title_codes, strict=True):
        if code in pos:
            docs.append(label)
            labels.append(pos[code])
    for code, text in engine.ref.texts.items():
        if code in pos:
            for sentence in re.split(r"(?<=[.;])\s+", text):
                if sentence.strip():
                    docs.append(sentence)
                    labels.append(pos[code])
    for code, links in engine.ref.fiche_items().items():
        if code not in pos:
            continue
        for skill_code, _coeur in links:
            skill = engine.ref.skills.get(skill_code)
            if skill is not None:
                docs.append(skill.label if skill.kind == "savoir" else label_core(skill.label))
                labels.append(pos[code])
    return docs, labels


class SparseComplementNB:
    """Complement naive Bayes (scikit-learn's ComplementNB, norm=False) with a sparse weight table.

    ComplementNB scores class c by −Σ_f x_f log((A_f − N_cf) / S_c), where N_cf is the class's TF-IDF mass
    on feature f, A_f = Σ_c N_cf + α and S_c = Σ_f (A_f − N_cf). Written as
    −Σ_f x_f log A_f − Σ_f x_f log(1 − N_cf / A_f) + |x|₁ log S_c, the first term is the same for every class
    and the second is zero wherever N_cf = 0: the model keeps only log(1 − N_cf / A_f) on the features a
    class was seen with (a scipy sparse matrix) and log S_c, and ranks classes exactly as ComplementNB."""

    def __init__(self, X: csr_matrix, labels: list[int], n_classes: int, alpha: float = ALPHA):
        y = np.asarray(labels)
        one_hot = csr_matrix((np.ones(len(y)), (y, np.arange(len(y)))), shape=(n_classes, len(y)))
        counts = (one_hot @ X).tocoo()  # classes × features
        totals = np.asarray(X.sum(axis=0)).ravel() + alpha
        per_class = totals.sum() - np.asarray(counts.tocsr().sum(axis=1)).ravel()
        values = np.log1p(-counts.data / totals[counts.col]).astype(np.float32)
        self.weights = csr_matrix((values, (counts.col, counts.row)), shape=(X.shape[1], n_classes))
        self.log_norm = np.log(per_class)

    def decision(self, x: csr_matrix) -> np.ndarray:
        """One score per class for each row of x, higher is better (ComplementNB's joint log-likelihood
        up to a per-row constant)."""
        return -(x @ self.weights).toarray() + np.asarray(x.sum(axis=1)) * self.log_norm


class OccupationModel:
    """The classifier of whole texts, fitted on the referential the engine was built from."""

    def __init__(self, engine: TextEngine):
        from gtec_core.matching.engine import _with_bigrams, stemmed

        docs, labels = training_documents(engine)
        self.vectorizer = TfidfVectorizer(analyzer=str.split, sublinear_tf=True)
        X = self.vectorizer.fit_transform(_with_bigrams([stemmed(d) for d in docs]))
        self.classifier = SparseComplementNB(X, labels, len(engine.fiche_codes))
        self.n_documents = len(docs)

    def scores(self, text: str) -> np.ndarray:
        """One value in [0, 1] per fiche (the engine's order): exp((score − best score) / TEMPERATURE)."""
        from gtec_core.matching.engine import _transform, _with_bigrams, stemmed

        x = _transform(self.vectorizer, _with_bigrams([stemmed(text)]))
        if not x.nnz:
            return np.zeros(self.classifier.weights.shape[1])
        raw = self.classifier.decision(x)[0]
        return np.exp((raw - raw.max()) / TEMPERATURE)


# --- the combination ------------------------------------------------------------------------------------


def occupations(
    engine: TextEngine, text: str, limit: int = 5, with_skills: bool = True
) -> list[tuple[str, float]]:
    """Fiches a whole text describes, best first, with a score in [0, 1]. Without `with_skills` (the skill
    extractor's own guess of the fiche, engine.extract), the engine's former ranking: the title line and
    the whole-text cosine, so that this module leaves the skills figures where they were."""
    from gtec_core.matching.engine import FICHES_FOR_SKILLS, _unit

    if not with_skills:
        return skills_prior(engine, text, limit)
    score = text_scores(engine, text)
    if score.max() > 0:
        first = [engine.fiche_codes[i] for i in np.argsort(-score)[:FICHES_FOR_SKILLS]]
        found = np.zeros(len(engine.macro_codes))
        for match in engine.extract(text, fiches=first, fiche_scores=score):
            if match.code_ogr in engine.macro_pos:
                found[engine.macro_pos[match.code_ogr]] = match.confidence
        score = score + WEIGHTS["coverage"] * _unit(engine.coverage_m @ found)
    score = score / sum(WEIGHTS.values())
    order = np.argsort(-score)[:limit]
    return [(engine.fiche_codes[i], round(float(score[i]), 3)) for i in order if score[i] > 0]


def text_scores(engine: TextEngine, text: str) -> np.ndarray:
    """One score per fiche (the engine's order) before the coverage of the skills found: the title the text
    names, the classifier and the whole-text cosine, with `WEIGHTS`. The skill extractor's prior too."""
    from gtec_core.matching.engine import _transform, _unit, stemmed

    title = np.zeros(len(engine.fiche_codes))
    job = guess_title(text)
    if job:
        for code, (score, _) in engine.title_scores(job).items():
            title[engine.fiche_index[code]] = score
    learnt = occupation_model(engine).scores(text)
    whole = _unit((_transform(engine.fiche_vec, [stemmed(text)]) @ engine.fiche_mT).toarray()[0])
    return WEIGHTS["title"] * _unit(title) + WEIGHTS["classifier"] * learnt + WEIGHTS["whole"] * whole


def occupation_model(engine: TextEngine) -> OccupationModel:
    """The engine's classifier, fitted once (with the engine, so it is in the engine's disk cache)."""
    model = getattr(engine, "occupation_model", None)
    if model is None:
        model = engine.occupation_model = OccupationModel(engine)
    return model


SKILLS_PRIOR_WEIGHTS = (0.45, 0.35)  # title line, whole text: the engine's weights before this module


def skills_prior(engine: TextEngine, text: str, limit: int) -> list[tuple[str, float]]:
    """The fiches the skill extractor favours (engine.extract): the text's title line and its cosine with
    each fiche's document, as the engine ranked them before this module (tuned with the skills)."""
    from gtec_core.matching.engine import _title_line, _transform, _unit, stemmed

    title = np.zeros(len(engine.fiche_codes))
    line = _title_line(text)
    if line:
        for code, (value, _) in engine.title_scores(line).items():
            title[engine.fiche_index[code]] = value
    whole = (_transform(engine.fiche_vec, [stemmed(text)]) @ engine.fiche_mT).toarray()[0]
    score = SKILLS_PRIOR_WEIGHTS[0] * _unit(title) + SKILLS_PRIOR_WEIGHTS[1] * _unit(whole)
    order = np.argsort(-score)[:limit]
    return [(engine.fiche_codes[i], round(float(score[i]), 3)) for i in order if score[i] > 0]
