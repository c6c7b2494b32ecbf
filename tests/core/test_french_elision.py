"""« de » before any territory name, the ones users create included: articles of common nouns (Pays → du,
Communauté → de la, Îles → des), the COG article of départements and régions, elision before a vowel."""

from __future__ import annotations

import pytest

from gtec_core.french import de

AREAS = [
    ("Pays de Vannes", "du Pays de Vannes"),
    ("Pays d'Auray", "du Pays d'Auray"),
    ("Pays de la Loire", "des Pays de la Loire"),
    ("Golfe du Morbihan - Vannes agglomération", "du Golfe du Morbihan - Vannes agglomération"),
    ("Communauté de communes de Questembert", "de la Communauté de communes de Questembert"),
    ("CC Arc Sud Bretagne", "de la CC Arc Sud Bretagne"),
    ("Agglomération du Pays de Lorient", "de l'Agglomération du Pays de Lorient"),
    ("Îles du Ponant", "des Îles du Ponant"),
    ("Île de Groix", "de l'Île de Groix"),
    ("Presqu'île de Rhuys", "de la Presqu'île de Rhuys"),
    ("Monts d'Arrée", "des Monts d'Arrée"),
    ("Vallée du Blavet", "de la Vallée du Blavet"),
    ("Est Morbihan", "de l'Est Morbihan"),
    ("Centre Bretagne", "du Centre Bretagne"),
    ("Auray Quiberon Terre Atlantique", "d'Auray Quiberon Terre Atlantique"),
    ("Arc Sud Bretagne", "d'Arc Sud Bretagne"),
    ("Questembert Communauté", "de Questembert Communauté"),
    ("Les Landes de Lanvaux", "des Landes de Lanvaux"),
    ("Le Grand Ouest", "du Grand Ouest"),
    # départements and régions: the COG article
    ("Morbihan", "du Morbihan"),
    ("Finistère", "du Finistère"),
    ("Côtes-d'Armor", "des Côtes-d'Armor"),
    ("Ille-et-Vilaine", "d'Ille-et-Vilaine"),
    ("Loire-Atlantique", "de la Loire-Atlantique"),
    ("Ain", "de l'Ain"),
    ("Bretagne", "de Bretagne"),
    ("Normandie", "de Normandie"),
    ("Grand Est", "du Grand Est"),
    ("Hauts-de-France", "des Hauts-de-France"),
    ("Nouvelle-Aquitaine", "de la Nouvelle-Aquitaine"),
    ("Île-de-France", "d'Île-de-France"),
    ("Territoire de Belfort", "du Territoire de Belfort"),
]


@pytest.mark.parametrize("name, expected", AREAS)
def test_area_names(name, expected):
    assert de(name, area=True) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        # commune names carry their article in the COG: no article is added, a département's name is not
        # taken for the commune of the same name
        ("Vienne", "de Vienne"),
        ("Pays de Vannes", "de Pays de Vannes"),
        ("Île-aux-Moines", "d'Île-aux-Moines"),
        ("Le Hézo", "du Hézo"),
        ("La Trinité-sur-Mer", "de La Trinité-sur-Mer"),
        ("Auray", "d'Auray"),
    ],
)
def test_commune_names_keep_the_plain_rule(name, expected):
    assert de(name) == expected


def test_a_hyphenated_first_word_is_a_name_not_a_noun():
    assert de("Val-d'Izé", area=True) == "de Val-d'Izé"
    assert de("Grand-Champ", area=True) == "de Grand-Champ"
