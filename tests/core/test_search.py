"""Search quality on the real ROME v460 appellations, with queries written as people type them (typos,
no accents, feminine forms, plurals, abbreviations, unfinished words). None is copied from the file."""

from functools import cache

import pytest

from gtec_core.search import AppellationIndex, Entry
from gtec_core.sources import rome

# query -> expected ROME fiche (checked by hand against the fiche's appellations)
CASES = {
    "developpeuse informatique": "M1805",
    "devloppeur web": "M1855",
    "conductrice engins agricoles": "A1101",
    "aide soignante": "J1501",
    "aides-soignants": "J1501",
    "boulangere": "D1102",
    "plombier chauffagiste": "F1620",
    "vendeuse en boulangerie": "D1106",
    "serveuse": "G1803",
    "cuisiniere": "G1609",
    "macon": "F1703",
    "maçonne": "F1703",
    "chauffeur poids lourd": "N4101",
    "secretaire medicale": "M1609",
    "assistante maternelle": "K1310",
    "auxiliaire de vie": "K1302",
    "ostreicultrice": "A1404",
    "mecanicien automobile": "I1604",
    "mécanicienne auto": "I1604",
    "electricienne du batiment": "F1602",
    "peintre batiment": "F1606",
    "soudeuse": "H2913",
    "jardiniere paysagiste": "A1208",
    "conducteur de bus": "N4103",
    "infirmiere": "J15",
    "comptable": "M12",
    "data scientist": "M1405",
    "agent de service hospitalier": "J1301",
    "ASH": "J1301",
    "chef de rang": "G1810",
    "aide a domicile": "K1304",
    "menuisiere": "H2206",
    "carreleur": "F1608",
    "couvreuse": "F1610",
    "educatrice specialisee": "K1207",
    "technicienne de maintenance": "I13",
    "preparateur de commandes": "N1103",
    "cariste": "N1101",
    "coiffeuse": "D1202",
    "esthéticienne": "D1208",
}


@cache
def index() -> AppellationIndex:
    from django.conf import settings

    release = rome.read_release(
        settings.GTEC_DATA_DIR / "rome4", ["referentiel_code_rome", "referentiel_appellation"]
    )
    fiche = {
        r["code_rome"]: r["libelle_rome"] for r in release["referentiel_code_rome"].iter_rows(named=True)
    }
    return AppellationIndex(
        Entry(
            int(r["code_ogr"]),
            r["libelle_appellation_long"],
            r["code_rome"],
            fiche[r["code_rome"]],
            r["classification"] == "PRINCIPALE",
            r["peu_usite"] == "O",
        )
        for r in release["referentiel_appellation"].iter_rows(named=True)
    )


def test_index_holds_every_appellation():
    assert len(index()) == 13120


def test_accuracy_on_people_typed_queries():
    at1 = at5 = 0
    misses = []
    for query, expected in CASES.items():
        codes = [h.entry.code_rome for h in index().search(query, limit=5)]
        if codes and codes[0].startswith(expected):
            at1 += 1
        if any(c.startswith(expected) for c in codes):
            at5 += 1
        else:
            misses.append((query, expected, codes))
    n = len(CASES)
    assert at5 / n >= 0.95, misses
    assert at1 / n >= 0.85, (at1, n)


@pytest.mark.parametrize(
    "query",
    ["conductrice d'engins agricoles", "CONDUCTEUR D ENGINS AGRICOLES", "conducteurs engins agricole"],
)
def test_case_accents_gender_number_do_not_change_the_top_hit(query):
    assert index().search(query, limit=1)[0].entry.code_rome == "A1101"


def test_unfinished_last_word_autocompletes():
    assert index().search("ostréic", limit=1)[0].entry.code_rome == "A1404"


def test_rome_code_lists_the_fiche_principal_first():
    hits = index().search("m1805", limit=50)
    assert {h.entry.code_rome for h in hits} == {"M1805"}
    assert hits[0].entry.principale


def test_nonsense_finds_nothing_relevant():
    assert index().search("zzzqqq") == []
    assert index().search("   ") == []
