"""Skill extraction (TextEngine.extract) on the real ROME 4.0 and ESCO files: one hand-written ad per grand
domaine and life stories of unpaid experience, each with the macro-compétences a reader expects (codes read
in unix_referentiel_competence). None of these texts is in tests/data/text_eval; the measured precision and
recall live in bench/eval_text.py, not here."""

from __future__ import annotations

import pytest

from tests.core.text_engine import ROME

pytestmark = pytest.mark.skipif(not ROME.exists(), reason="fichiers du ROME 4.0 absents")


CASES = {
    "A élevage": (
        "Ouvrier agricole H/F\nSoins aux vaches laitières, traite matin et soir, distribution de l'alimentation.",
        {300296},  # Entretenir un élevage animal
    ),
    "A espaces verts": (
        "Jardinier paysagiste\nTonte des pelouses, taille des haies, entretien des espaces verts.",
        {300292},  # Aménager, entretenir un espace vert
    ),
    "B couture": (
        "Couturière retoucheuse H/F\nRetouches de vêtements, ourlets, coupe et couture de pièces sur mesure.",
        {300231},  # Tailler, découper des matériaux
    ),
    "C banque": (
        "Conseiller clientèle en agence bancaire\nAccueil et conseil des clients, vente de produits d'épargne.",
        {300367, 300368},  # Conseiller dans une relation commerciale ; Vendre ou louer des produits
    ),
    "D libre-service": (
        "Employé de libre-service H/F\nMise en rayon des produits, étiquetage des prix, accueil des clients.",
        {300375, 300361},  # Organiser, aménager un espace de vente ; Accueillir, orienter, renseigner
    ),
    "E presse": (
        "Journaliste pigiste\nRédaction d'articles pour la presse locale, réalisation d'interviews.",
        {300115, 300417},  # Rédiger un article ; Mener un entretien, une interview
    ),
    "F maçonnerie": (
        "Maçon H/F\nMontage de murs en parpaings, coulage de dalles en béton, lecture de plans sur le chantier.",
        {300221},  # Réaliser des ouvrages de maçonnerie
    ),
    "G salle": (
        "Serveur H/F – brasserie\nPrise des commandes, service en salle, préparation des boissons au bar.",
        {404524},  # Préparer des boissons
    ),
    "H soudure": (
        "Soudeur H/F\nSoudure de pièces métalliques au poste TIG et MIG, lecture de plans, contrôle des soudures.",
        {300255},  # Contrôler la qualité et la conformité d'un produit
    ),
    "I automobile": (
        "Mécanicien automobile\nDiagnostic des pannes, vidanges, remplacement des freins, entretien des véhicules.",
        {404518, 300185},  # Entretenir un véhicule ; Réaliser un diagnostic technique
    ),
    "J domicile": (
        "Aide à domicile H/F\nAide à la toilette et aux repas des personnes âgées, entretien du logement.",
        {300034, 300282},  # Aider la personne ; Entretenir, nettoyer un espace
    ),
    "K périscolaire": (
        "Animateur périscolaire H/F\nEncadrement des enfants pendant la pause méridienne, jeux et activités.",
        {300031},  # Assurer l'encadrement de l'enfant ou d'un groupe d'enfants
    ),
    "L photo": (
        "Photographe\nPrises de vue en studio et en extérieur, retouche des images, tirage des photos.",
        {300107},  # Filmer, photographier
    ),
    "M secrétariat": (
        "Assistante administrative\nAccueil téléphonique, gestion du courrier, saisie des factures.",
        {300361},  # Accueillir, orienter, renseigner un public
    ),
    "N livraison": (
        "Chauffeur livreur VL\nChargement du véhicule, livraison des colis chez les clients.",
        {300269},  # Effectuer une livraison
    ),
}

UNPAID = {
    "aidant d'un parent": (
        "Pendant deux ans je me suis occupé de mon père malade : toilette, préparation des repas, "
        "accompagnement aux rendez-vous médicaux.",
        {300034},  # Aider la personne
    ),
    "bénévolat": (
        "Bénévole à la Croix-Rouge, j'ai accueilli et orienté les personnes sans abri et servi les repas.",
        {300361},  # Accueillir, orienter, renseigner un public
    ),
    "saisonnier": (
        "J'ai fait les vendanges chaque automne et la récolte des fraises l'été.",
        {300294},  # Cultiver et récolter des végétaux / minéraux
    ),
    "association": (
        "Trésorière de l'association des parents d'élèves : je préparais le budget et je suivais les dépenses.",
        {300323},  # Elaborer, suivre et piloter un budget
    ),
}


# kept by the former rule (a clause's best at 0.35), missed by the calibrated one: both are a clause's best
# with a weak match (≈ 0.3) and a common macro-compétence, so the occupation prior does not lift them
MISSED = {
    "E presse": "« réalisation d'interviews » → Mener un entretien : correspondance faible, hors cœur de E1106",
    "J domicile": "« aide à la toilette et aux repas » → Aider la personne : correspondance faible, compétence commune",
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=MISSED[name], strict=True))
        if name in MISSED
        else name
        for name in sorted(CASES)
    ],
)
def test_an_ad_in_every_grand_domaine(engine, name):
    text, expected = CASES[name]
    found = engine.extract(text)
    assert expected <= {m.code_ogr for m in found}, [(m.code_ogr, m.label) for m in found]
    for m in found:
        assert text[m.start : m.end] == m.text and m.text.strip()


@pytest.mark.parametrize("name", sorted(UNPAID))
def test_unpaid_experience(engine, name):
    text, expected = UNPAID[name]
    found = {m.code_ogr for m in engine.extract(text)}
    assert expected <= found, found


def test_every_grand_domaine_has_a_case():
    assert {name[0] for name in CASES} == set("ABCDEFGHIJKLMN")


def test_an_offer_of_benefits_yields_no_skill(engine):
    text = "Nous offrons : CDI, 35 h, mutuelle, tickets restaurant, prime annuelle."
    assert engine.extract(text) == []


def test_keeping_the_accounts_is_not_taking_into_account(engine):
    # « tenir compte de » (take into account) says nothing of the activity; it used to pull « tenir les
    # comptes » towards « Tenir compte des compétences des collaborateurs » (Organiser le travail d'une équipe).
    found = engine.extract(
        "Trésorier du club de foot : je tenais les comptes et je préparais le budget annuel.",
        with_competences=True,
    )
    assert not {m.code_ogr for m in found} & {300436, 400887}, [(m.code_ogr, m.label) for m in found]


def test_the_occupation_lifts_a_skill_that_shares_no_word_with_the_text(engine):
    # « filmage des palettes » says « Conditionner des produits » without one of its words: the clause match
    # is weak, the order picker's fiches carry the skill, and the occupation prior keeps it
    import numpy as np

    text = "Préparateur de commandes H/F\nPicking avec scanner, filmage des palettes, chargement des camions."
    assert 300268 in {m.code_ogr for m in engine.extract(text)}
    without_prior = engine.extract(text, fiche_scores=np.zeros(len(engine.fiche_codes)))
    assert 300268 not in {m.code_ogr for m in without_prior}


def test_the_occupation_prior_follows_the_best_fiches(engine):
    import numpy as np

    scores = np.zeros(len(engine.fiche_codes))
    assert not engine.occupation_prior(scores).any()
    first, second = engine.fiche_index["N1103"], engine.fiche_index["A1203"]
    scores[first], scores[second] = 1.0, 0.5
    prior = engine.occupation_prior(scores)
    assert prior.max() == pytest.approx(1.0)  # the best fiche's heaviest macro-compétence
    row = engine.coverage_unit.getrow(second)
    for m, w in zip(row.indices, row.data, strict=True):
        assert prior[m] >= 0.25 * w - 1e-9  # the second fiche counts (0.5 / 1)²
    outside = (
        set(range(len(engine.macro_codes)))
        - set(row.indices)
        - set(engine.coverage_unit.getrow(first).indices)
    )
    assert not prior[sorted(outside)].any()
