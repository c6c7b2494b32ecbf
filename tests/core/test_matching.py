"""The French text engine (gtec_core.matching) on the real ROME 4.0 and ESCO files (no database): hand-written
cases in every grand domaine, unpaid experience, and the two commands. The measured accuracy lives in
bench/eval_text.py, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gtec_core.matching.engine import analyse, clauses
from gtec_core.matching.titles import clean_title, rewrite
from gtec_core.text import stem
from tests.core.text_engine import ROME, ROOT

pytestmark = pytest.mark.skipif(not ROME.exists(), reason="fichiers du ROME 4.0 absents")


def first(engine, title: str) -> str:
    return engine.match_titles(title)[0].code_rome


def test_clean_title_drops_noise():
    assert clean_title("Développeur Full Stack H/F - CDI - Vannes (56)") == "Développeur Full Stack"
    assert "€" not in clean_title("Aide-soignant(e) 2 100 € brut/mois")
    assert rewrite("Commercial(e) terrain") == "commercial terrain"


def test_one_normalisation_for_titles_and_skills():
    # the engine's analyser is the project's stem(): genders, plurals, verb forms and noun/verb families meet
    assert analyse("Conductrices") == [stem("conducteur")]
    assert analyse("gestion des stocks") == analyse("gérer les stocks")
    assert analyse("nettoyage") == analyse("nettoyer")


# One title per grand domaine (A–N), written for this test, with abbreviations, English and gender forms.
@pytest.mark.parametrize(
    "title, expected",
    [
        ("Ouvrière maraîchère H/F – CDD 6 mois", {"A1433", "A1402"}),
        ("Luthière – atelier de violons", {"B1505"}),
        ("Conseillère clientèle bancaire – agence de Lorient", {"C1206"}),
        ("Hôtesse de caisse (H/F) – 28h", {"D1505"}),
        ("Community manager – CDD", {"E1101"}),
        ("Maçonne qualifiée N3P2", {"F1703"}),
        ("Serveuse en restauration – saison 2026", {"G1803"}),
        ("Soudeuse MIG-MAG – 2x8", {"H2917", "H2913"}),
        ("Mécanicienne automobile – garage", {"I1604"}),
        ("Aide-soignante H/F – EHPAD – nuit", {"J1501"}),
        ("Auxiliaire de vie sociale – SAAD", {"K1306", "K1314", "K1302"}),  # AVS is under K1306 in v460
        ("Machiniste spectacle – théâtre municipal", {"L1506"}),
        ("Gestionnaire de paie H/F", {"M1507"}),
        ("Chauffeur PL – FIMO/FCO", {"N4101"}),
    ],
)
def test_titles_every_grand_domaine(engine, title, expected):
    assert first(engine, title) in expected


@pytest.mark.parametrize(
    "title, expected",
    [
        ("IDE de nuit H/F - 2 300 € brut", "J1506"),
        ("Cariste CACES 3 - intérim", "N1101"),
        ("Warehouse operator - CDI", "N1115"),
        ("Payroll officer (H/F)", "M1507"),
    ],
)
def test_titles_abbreviations_and_english_in_top5(engine, title, expected):
    assert expected in [h.code_rome for h in engine.match_titles(title)]


AIDE_SOIGNANTE = """Aide-soignante (H/F) – EHPAD de Pontivy, CDI
Au sein d'une équipe pluridisciplinaire, vous assurez la toilette et l'habillage des résidents, l'aide aux
repas et aux déplacements. Vous surveillez leur état de santé et faites les transmissions à l'infirmière.
Diplôme d'État d'aide-soignant exigé."""


def test_aide_soignante_ad_is_j1501_not_k1302(engine):
    ranked = [code for code, _ in engine.occupations(AIDE_SOIGNANTE)]
    assert ranked[0] == "J1501"
    skills = {m.code_ogr for m in engine.extract(AIDE_SOIGNANTE)}
    assert 300034 in skills  # Aider la personne


# One whole ad or life story per grand domaine; the expected fiche must come first or second.
@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Ouvrier viticole H/F\nTaille de la vigne, palissage, vendanges et entretien des rangs au tracteur.",
            {"A1418", "A1419", "A1401"},
        ),
        (
            "Ébéniste – atelier\nFabrication de meubles en bois massif sur mesure, assemblage, ponçage, vernis.",
            {"H2207", "B1402"},
        ),
        (
            "Agent immobilier H/F\nProspection de biens, estimation, visites avec les acquéreurs et négociation.",
            {"C1504", "C1503"},
        ),
        (
            "Vendeuse en boulangerie\nAccueil des clients, vente des pains et viennoiseries, encaissement.",
            {"D1106", "D1102"},
        ),
        (
            "Graphiste H/F\nCréation de logos et de plaquettes, mise en page sur InDesign, préparation des fichiers.",
            {"E1205", "E1305"},
        ),
        (
            "Plombier chauffagiste\nInstallation de sanitaires, pose et dépannage de chaudières chez les particuliers.",
            {"F1620", "F1603", "I1308"},
        ),
        (
            "Commis de cuisine H/F\nÉpluchage des légumes, mise en place, dressage des entrées, plonge du soir.",
            {"G1602"},
        ),
        (
            "Conducteur de ligne de conditionnement\nRéglage de l'ensacheuse et de l'étiqueteuse, changements de format.",
            {"H3301"},
        ),
        (
            "Technicien de maintenance industrielle\nDépannage mécanique et électrique des machines de production, GMAO.",
            {"I1304"},
        ),
        (
            "Infirmier H/F – service de chirurgie\nPansements, perfusions, prises de sang, surveillance des patients.",
            {"J1506"},
        ),
        (
            "Agent de propreté H/F\nNettoyage des bureaux et des sanitaires, lavage des sols à l'autolaveuse.",
            {"K2205", "K2204"},
        ),
        (
            "Régisseur son H/F\nInstallation de la sonorisation, balances, mixage façade pendant les concerts.",
            {"L1508", "L1504"},
        ),
        (
            "Comptable H/F\nSaisie des écritures, rapprochements bancaires, déclarations de TVA, bilans.",
            {"M1203", "M1213"},
        ),
        (
            "Préparateur de commandes H/F\nPréparation des colis au scanner, filmage des palettes, chargement des camions.",
            {"N1103", "N1105"},
        ),
    ],
)
def test_whole_texts_every_grand_domaine(engine, text, expected):
    ranked = [code for code, _ in engine.occupations(text)]
    assert expected & set(ranked[:2]), ranked


# Unpaid experience: caring for a relative, volunteering, association, seasonal work.
@pytest.mark.parametrize(
    "text, skill, fiches",
    [
        (
            "J'ai aidé ma grand-mère au quotidien pendant trois ans : toilette, repas, rendez-vous médicaux.",
            300034,  # Aider la personne
            {"K1304", "K1302", "J1501"},
        ),
        (
            "Trésorier de l'association sportive : je tenais la comptabilité et le budget annuel.",
            300323,  # Elaborer, suivre et piloter un budget
            {"M1203", "M1225", "M1213", "M1608", "K1206"},
        ),
        (
            "Animateur bénévole en colonie : j'encadrais un groupe d'enfants et j'organisais des jeux.",
            300031,  # Assurer l'encadrement de l'enfant ou d'un groupe d'enfants
            {"G1203", "G1235", "G1236"},
        ),
        ("Saisonnière aux vendanges et à la cueillette des pommes chaque automne.", None, {"A1401", "A1418"}),
        (
            "Bénévole à la banque alimentaire : accueil des familles et distribution des colis.",
            None,
            {"K1206", "K1201"},
        ),
    ],
)
def test_unpaid_experience(engine, text, skill, fiches):
    if skill:
        assert skill in {m.code_ogr for m in engine.extract(text)}
    ranked = [code for code, _ in engine.occupations(text)]
    assert fiches & set(ranked[:3]), ranked


def test_spans_point_into_the_text(engine):
    found = engine.extract(AIDE_SOIGNANTE, with_competences=True)
    assert found and any(m.code_ogr < 300000 or m.code_ogr > 400000 for m in found)  # a compétence follows
    for m in found:
        assert AIDE_SOIGNANTE[m.start : m.end] == m.text and m.text.strip()
        assert 0 < m.confidence <= 1 and m.label


def test_nothing_from_empty_or_unrelated_text(engine):
    assert engine.extract("") == []
    assert engine.extract("le la les 2024 !!") == []
    assert engine.match_titles("H/F - CDI - 35h") == []


def test_clauses_cut_lines_bullets_and_sentences():
    parts = [
        c.text.strip()
        for c in clauses("Missions :\n- accueil des clients\n- encaissement. Profil : autonome")
    ]
    assert "accueil des clients" in parts and "encaissement" in parts and "autonome" in parts


def _run(args: list[str], stdin: bytes) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "",
        "GTEC_DATA_DIR": str(ROME.parent),
    }
    gtec = Path(sys.executable).with_name("gtec")
    return subprocess.run(
        [str(gtec), *args], input=stdin, capture_output=True, env=env, cwd=ROOT, timeout=300
    )


def test_cli_match_titles_round_trip():
    done = _run(["match-titles"], b"Chauffeur PL H/F\nAide-soignant(e) - EHPAD - nuit\n")
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode("utf-8").splitlines()
    assert lines[0].split("\t")[0] == "Chauffeur PL H/F"
    assert lines[0].split("\t")[1].split(",")[0] == "N4101"
    assert lines[1].split("\t")[1].split(",")[0] == "J1501"
    assert len(lines[1].split("\t")[1].split(",")) <= 5


def test_cli_extract_skills_round_trip():
    line = json.dumps({"id": "a", "text": AIDE_SOIGNANTE}, ensure_ascii=False)
    done = _run(["extract-skills", "--details"], (line + "\n").encode())
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout.decode("utf-8").splitlines()[0])
    assert result["id"] == "a" and result["rome_codes"][0] == "J1501"
    assert 300034 in result["skills"]
    assert all(AIDE_SOIGNANTE[d["start"] : d["end"]] == d["text"] for d in result["details"])


def test_cli_extract_skills_bad_json_names_the_line():
    done = _run(["extract-skills"], b'{"id": 1, "text": "ok"}\n{pas du json\n')
    assert done.returncode != 0
    assert "ligne 2" in done.stderr.decode("utf-8")
