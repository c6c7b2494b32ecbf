"""LHEO import scope and codes (security review 2026-12-04 §6.2): importing a second catalogue never
deletes the formations of the first; codes that must exist (ROME, commune INSEE against the COG) do."""

from __future__ import annotations

import pytest

from gtec.training import models as m
from gtec.training.lheo_import import lheo_import
from tests.training.test_offer_edit import write_lheo

pytestmark = pytest.mark.django_db


def catalogue(tmp_path, name, siret, numero, **replace):
    path = write_lheo(tmp_path / f"{name}.xml", siret=siret)
    text = path.read_text(encoding="utf-8").replace('numero="F-1"', f'numero="{numero}"')
    for old, new in replace.items():
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_second_catalogue_keeps_the_first(tmp_path):
    """Both imported into the default feed: the second (another training body) deleted the first's."""
    lheo_import(catalogue(tmp_path, "a", "73282932000074", "A-1"))
    result = lheo_import(catalogue(tmp_path, "b", "35600000000048", "B-1"))
    assert result.counts["formations"].deleted == 0
    assert sorted(m.Formation.objects.filter(flux="lheo").values_list("numero", flat=True)) == ["A-1", "B-1"]
    # the first body's next export without A-1 (it has A-2 now) does delete A-1: its own formation
    lheo_import(catalogue(tmp_path, "a2", "73282932000074", "A-2"))
    assert sorted(m.Formation.objects.filter(flux="lheo").values_list("numero", flat=True)) == ["A-2", "B-1"]


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        (
            "<code-ROME>J1501</code-ROME>",
            "<code-ROME>N9999</code-ROME>",
            "code-ROME",
            "inconnu du référentiel",
        ),
        (
            "<code-INSEE-commune>56260</code-INSEE-commune>",
            "<code-INSEE-commune>99999</code-INSEE-commune>",
            "lieu-de-formation/code-INSEE-commune",
            "inconnue du code officiel géographique",
        ),
    ],
)
def test_codes_must_exist(tmp_path, old, new, field, words):
    result = lheo_import(catalogue(tmp_path, "c", "73282932000074", "C-1", **{old: new}))
    assert not m.Formation.objects.filter(numero="C-1").exists()
    first = result.problems.items[0]
    assert first.field == field and words in first.message and first.line
