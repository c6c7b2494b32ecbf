import pytest

from gtec_core.text import fold, stem, stems, words


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Développeur / Développeuse", "developpeur developpeuse"),
        ("Œnologue", "oenologue"),
        ("Aide-soignant(e)", "aide soignant e"),
        ("  MAÇON  ", "macon"),
        ("l'entretien", "l entretien"),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("feminine", "masculine"),
    [
        ("conductrice", "conducteur"),
        ("vendeuse", "vendeur"),
        ("infirmiere", "infirmier"),
        ("technicienne", "technicien"),
        ("boulangere", "boulanger"),
        ("conducteurs", "conducteur"),
        ("educatrices", "educateur"),
    ],
)
def test_gender_and_number_share_a_stem(feminine, masculine):
    assert stem(feminine) == stem(masculine)


def test_stopwords_are_dropped_and_order_kept():
    assert words("Agent / Agente d'entretien des espaces verts") == [
        "agent",
        "agente",
        "entretien",
        "espaces",
        "verts",
    ]
    assert stems("Agent d'entretien")[-1] == stem("entretiens")
