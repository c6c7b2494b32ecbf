"""Sparse TF-IDF helpers of the text engine (engine.py, occupation.py): a fast transform for a few short
documents, word bigrams and the scaling of a score vector to [0, 1]."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer


def _transform(vectorizer: TfidfVectorizer, docs: list[str]) -> csr_matrix:
    """TfidfVectorizer.transform without its input checks (the hot path: a few short documents per call);
    same result for sublinear tf, smooth idf and l2 norm."""
    analyzer = vectorizer.analyzer if callable(vectorizer.analyzer) else vectorizer.build_analyzer()
    vocabulary, idf = vectorizer.vocabulary_, vectorizer.idf_
    indptr, indices, data = [0], [], []
    for doc in docs:
        counts: dict[int, int] = defaultdict(int)
        for token in analyzer(doc):
            j = vocabulary.get(token)
            if j is not None:
                counts[j] += 1
        values = [(1 + math.log(c)) * idf[j] for j, c in counts.items()]
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        indices.extend(counts)
        data.extend(v / norm for v in values)
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(docs), len(vocabulary)))


def _unit(values: np.ndarray) -> np.ndarray:
    top = values.max() if len(values) else 0.0
    return values / top if top > 0 else values


def _with_bigrams(docs: list[str]) -> list[str]:
    """Each stemmed document with its word bigrams appended (joined by "_"), for the word models."""
    out = []
    for doc in docs:
        ws = doc.split()
        out.append(" ".join(ws + [f"{a}_{b}" for a, b in zip(ws, ws[1:], strict=False)]))
    return out
