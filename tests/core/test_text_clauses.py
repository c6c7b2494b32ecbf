"""The pieces of the text engine that need no referential (gtec_core.matching.clauses and .vectors, split out of
engine.py): clause cutting, the core of a skill label and the fast TF-IDF transform. Hand-written cases."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from gtec_core.matching import engine
from gtec_core.matching.clauses import analyse, clauses, label_core, stemmed
from gtec_core.matching.vectors import _transform, _unit, _with_bigrams


def test_engine_still_exposes_the_moved_names():
    # callers import them from engine.py (careers services, bench, tests): the split changed no import
    assert engine.clauses is clauses
    assert engine.label_core is label_core
    assert engine._transform is _transform


def test_clauses_cut_an_ad_at_lines_bullets_and_sentences():
    text = "Serveuse H/F\n- prise de commandes ; service en salle.\n• encaissement"
    found = [c.text.strip() for c in clauses(text)]
    assert found == ["Serveuse H/F", "prise de commandes", "service en salle", "encaissement"]
    for c in clauses(text):
        assert text[c.start : c.end] == c.text  # offsets point back into the text


def test_clauses_read_enumerations_piece_by_piece():
    text = "Je faisais les courses, la cuisine et le ménage pour ma grand-mère"
    found = [c.text.strip() for c in clauses(text)]
    assert found[0] == text  # the whole sentence (short enough)
    assert "la cuisine" in found and "le ménage pour ma grand-mère" in found


def test_clauses_drop_pieces_without_content_words():
    assert clauses("… ; et ; 35 .") == []


def test_label_core_keeps_what_not_how():
    assert label_core("Réaliser des soins (pansements, injections)").split() == ["Réaliser", "des", "soins"]
    assert label_core("Préparer les commandes selon les consignes") == "Préparer les commandes"
    assert "compte" not in label_core("Tenir compte des contraintes du client")


def test_transform_equals_scikit_learn():
    docs = [stemmed(d) for d in ("gérer la caisse", "accueillir la clientèle", "gérer les stocks")]
    vectorizer = TfidfVectorizer(analyzer=str.split, sublinear_tf=True).fit(_with_bigrams(docs))
    query = _with_bigrams([stemmed("gestion de la caisse et des stocks, caisse")])
    ours = _transform(vectorizer, query).toarray()
    assert np.allclose(ours, vectorizer.transform(query).toarray())
    assert _with_bigrams(["ger caiss"]) == ["ger caiss ger_caiss"]
    assert analyse("la caisse") == ["caiss"]


def test_unit_scales_to_one():
    assert np.allclose(_unit(np.array([0.0, 2.0, 1.0])), [0.0, 1.0, 0.5])
    assert np.allclose(_unit(np.zeros(3)), np.zeros(3))
