"""The entry level read from real ROME 4.0 access texts (hand-checked cases)."""

import pytest

from gtec_core.qualification import EntryLevel, entry_level, is_long_path


@pytest.mark.parametrize(
    "text, level, mandatory",
    [
        (
            "Cet emploi est accessible avec un Diplôme d'Etat d'Aide-Soignant, obligatoire pour exercer.",
            4,
            True,
        ),
        ("Cet emploi est accessible avec un Diplôme d'Etat d'Infirmier, obligatoire pour exercer.", 6, True),
        (
            "Cet emploi est accessible avec un Diplôme d'État de docteur en médecine ou un Doctorat en médecine.",
            8,
            False,
        ),
        (
            "Cet emploi est accessible avec un niveau Bac+2 à Bac+5  dans le domaine de l'informatique.",
            5,
            False,
        ),
        (
            "Cet emploi est accessible avec une formation de niveau CAP ou BEP (niveau 3 CEC) qui permet…",
            3,
            False,
        ),
        (
            "Cet emploi est accessible sans diplôme particulier. Un CAPA ou un Bac pro sont appréciés.",
            0,
            False,
        ),
        ("Cet emploi est accessible avec une Licence ou un Master dans le domaine d'intervention.", 6, False),
        ("Cet emploi est accessible avec un Doctorat en astrophysique (Bac + 8).", 8, False),
        ("Cet emploi est accessible avec un Bac Pro Commerce ou un  BTS MCO.", 4, False),
        ("Cet emploi est accessible avec un Diplôme d'Etat de Cadre de Santé.", 7, False),
        ("", None, False),
    ],
)
def test_entry_level(text, level, mandatory):
    found = entry_level(text)
    assert (found.level, found.mandatory) == (level, mandatory)


def test_long_path():
    assert is_long_path(EntryLevel(7, False), 4)  # a master's-level job for an aide-soignante
    assert is_long_path(EntryLevel(6, True), 4)  # nursing needs the State diploma
    assert not is_long_path(EntryLevel(4, True), 4)
    assert not is_long_path(EntryLevel(5, False), 4)
    assert is_long_path(EntryLevel(6, False), None)  # nothing known of the person: bac + 3 is long
    assert not is_long_path(EntryLevel(None, False), 3)
