"""The diagnostic's « passerelles » rank on a matrix built from the fiches involved only: the coverage and
order must be those of the whole careers engine."""

from __future__ import annotations

import pytest

from gtec.careers.queries import transitions
from gtec.careers.services import engine
from gtec_core.paths.ranker import rank_paths

pytestmark = pytest.mark.django_db


def test_transitions_agree_with_the_whole_engine():
    origin = "H2101"  # ouvrier d'abattoir
    targets = {"H2102", "D1103", "K2204", "J1501", "A1416", "N1103"}
    found = transitions([origin], targets, limit=6)[origin]
    eng = engine()
    ranked = rank_paths(
        eng.matrix,
        eng.matrix.fiche_skills(origin),
        eng.params,
        origins=[origin],
        mobility=eng.mobilities,
        limit=len(eng.matrix),
    )
    expected = [p for p in ranked if p.code_rome in targets][:6]
    assert [t["code_rome"] for t in found] == [p.code_rome for p in expected]
    assert [t["coverage"] for t in found] == pytest.approx([p.coverage for p in expected])
    assert len(found) >= 3
