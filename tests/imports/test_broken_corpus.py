"""The corpus of broken files (tests/data/broken/<importer>/, security review 2026-12-04 §6): each is
refused with a French message naming the file, its line and field, and the database is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from gtec.labour import models as m
from gtec.labour.imports.employment import employment_import
from gtec.labour.imports.establishments import sirene_import
from gtec.labour.imports.jobseekers import stmt_import
from gtec.labour.imports.offers import offers_import
from gtec.training import models as tm
from gtec.training.lheo_import import lheo_import
from gtec_core.errors import SourceError

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).resolve().parents[1] / "data" / "broken"

IMPORTERS = {
    "stmt": stmt_import,
    "offres": lambda p: offers_import([p]),
    "sirene": sirene_import,
    "lheo": lambda p: lheo_import(p, flux="corpus"),
    "emploi": employment_import,
}
# file → (line, field, words of the message); line None only where the file has no line (empty file)
EXPECTED = {
    "stmt/01_integer_25_digits.csv": (3, "stock", "format attendu"),
    "stmt/02_integer_2_63.csv": (3, "stock", "format attendu"),
    "stmt/03_unknown_commune_99999.csv": (2, "code_geo", "inconnue"),
    "stmt/04_missing_column.csv": (1, "sorties", "absente"),
    "stmt/05_binary.csv": (2, None, "encodage"),
    "stmt/06_latin1.csv": (4, None, "UTF-8"),
    "stmt/07_empty.csv": (1, None, "vide"),
    "offres/01_deep_json.jsonl": (2, None, "imbrication"),
    "offres/02_latin1.jsonl": (1, None, "UTF-8"),
    "offres/03_binary.jsonl": (2, None, "encodage"),
    "offres/04_id_object.jsonl": (2, "id", "identifiant"),
    "offres/05_integer_overflow.jsonl": (2, "nombrePostes", ""),
    "offres/06_empty.jsonl": (1, None, "vide"),
    "lheo/01_doctype_behind_comment.xml": (3, None, "DOCTYPE refusé"),
    "lheo/02_doctype_plain.xml": (2, None, "DOCTYPE refusé"),
    "lheo/03_truncated.xml": (3, None, "XML mal formé"),
    "lheo/04_binary.xml": (1, None, "XML mal formé"),
    "lheo/05_empty.xml": (1, None, ""),
    "lheo/06_wrong_root.xml": (1, None, "racine <lheo> absent"),
    "sirene/01_latin1.csv": (3, None, "UTF-8"),
    "sirene/02_binary.csv": (2, None, "encodage"),
    "sirene/03_missing_column.csv": (1, None, "absente"),
    "sirene/04_unknown_commune.csv": (2, "codeCommuneEtablissement", "inconnue"),
    "sirene/05_unclosed_quote.csv": (5, None, "guillemet"),  # lines 3-4 pair their quotes,
    "emploi/01_integer_25_digits.csv": (3, "effectif", "format attendu"),
    "emploi/02_integer_2_63.csv": (3, "effectif", "format attendu"),
    "emploi/03_unknown_commune_99999.csv": (2, "code_geo", "commune « 99999 » inconnue"),
    "emploi/04_missing_column.csv": (1, "effectif", "absente"),
    "emploi/05_binary.csv": (2, None, "encodage"),
    "emploi/06_latin1.csv": (4, "tranche_age", "UTF-8"),
    "emploi/07_empty.csv": (1, None, "vide"),
    "emploi/08_header_only.csv": (2, None, "aucune ligne"),
    "emploi/09_duplicated_key.csv": (4, "annee", "clé en double"),
    "emploi/10_bad_age_band.csv": (3, "tranche_age", "« 65 ans »"),
    "emploi/11_bad_level.csv": (3, "niveau_geo", "« canton »"),
    "emploi/12_bad_fap_code.csv": (2, "code_fap", "« AZ040 »"),
    "emploi/13_negative_count.csv": (2, "effectif", "« -4 »"),
    "emploi/14_missing_code.csv": (3, "code_geo", "manquant"),
    "emploi/15_unknown_departement.csv": (3, "code_geo", "département « 99 » inconnu"),
    "emploi/16_france_with_code.csv": (3, "code_geo", "inattendu"),
    "emploi/17_bad_year.csv": (2, "annee", "« 0024 »"),
    "emploi/18_unclosed_quote.csv": (3, "tranche_age", "guillemet"),
    "emploi/19_short_line.csv": (3, "effectif", "tronquée"),
}


def snapshot() -> tuple:
    models = (
        m.DemandeurEmploi,
        m.Offre,
        m.Etablissement,
        m.Emploi,
        tm.Formation,
        tm.Action,
        tm.Session,
        tm.Organisme,
    )
    return tuple(model.objects.count() for model in models) + (
        sorted(m.DemandeurEmploi.objects.values_list("pk", "stock")),
        sorted(m.Emploi.objects.values_list("pk", "effectif")),
    )


def test_every_file_of_the_corpus_has_an_expectation():
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*") if p.parent.name in IMPORTERS}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_is_refused_with_file_line_and_field(name, tmp_path):
    stmt_import(_seed(tmp_path))  # something stored, that must stay as it is
    employment_import(_seed_employment(tmp_path))
    before = snapshot()
    line, field, words = EXPECTED[name]
    path = CORPUS / name
    with pytest.raises(SourceError) as err:
        IMPORTERS[name.split("/")[0]](path)
    message = str(err.value)
    assert path.name in message and err.value.line == line, message
    if field:
        assert err.value.column == field, message
    assert words.lower() in message.lower(), message
    assert snapshot() == before


def _seed(tmp_path) -> Path:
    path = tmp_path / "seed.csv"
    path.write_text(
        "periode;categorie;niveau_geo;code_geo;code_rome;stock;entrees;sorties\n"
        "2024-01;A;commune;56260;J1501;40;6;4\n2024-01;A;commune;56003;J1501;7;1;1\n",
        encoding="utf-8",
    )
    return path


def test_a_one_commune_file_replaces_that_commune_only(tmp_path):
    """Review §6.1: a one-row file for commune 99999 deleted 9,932 rows of that month. The replace scope is
    what the file covers: here commune 56260 for January; commune 56003 stays."""
    stmt_import(_seed(tmp_path))
    one = tmp_path / "one.csv"
    one.write_text(
        "periode;categorie;niveau_geo;code_geo;code_rome;stock;entrees;sorties\n2024-01;A;commune;56260;J1501;41;6;4\n",
        encoding="utf-8",
    )
    _, counts = stmt_import(one)
    assert (counts["demandeurs"].updated, counts["demandeurs"].deleted) == (1, 0)
    assert sorted(m.DemandeurEmploi.objects.values_list("code_geo", "stock")) == [("56003", 7), ("56260", 41)]


EMPLOYMENT_HEADER = "annee;niveau_geo;code_geo;code_fap;tranche_age;effectif\n"


def _seed_employment(tmp_path) -> Path:
    path = tmp_path / "emploi_seed.csv"
    path.write_text(
        EMPLOYMENT_HEADER + "2024;commune;56260;A0Z40;15-24 ans;12\n2024;commune;56260;A0Z40;25-29 ans;9\n"
        "2024;commune;56003;A0Z40;15-24 ans;3\n2023;commune;56260;A0Z40;15-24 ans;11\n"
        "2024;ze;5318;A0Z40;15-24 ans;118\n2024;france;;A0Z40;15-24 ans;41000\n",
        encoding="utf-8",
    )
    return path


def _employment() -> list[tuple]:
    return sorted(m.Emploi.objects.values_list("annee", "niveau_geo", "code_geo", "tranche_age", "effectif"))


def test_a_one_commune_employment_file_replaces_that_commune_and_year_only(tmp_path):
    """The employment twin of the STMT finding: a one-row file for commune 56260 in 2024 replaces that
    commune's 2024 rows (its 25-29 band goes), never another commune, level or year of the file's years."""
    employment_import(_seed_employment(tmp_path))
    one = tmp_path / "emploi_one.csv"
    one.write_text(EMPLOYMENT_HEADER + "2024;commune;56260;A0Z40;15-24 ans;13\n", encoding="utf-8")
    _, counts = employment_import(one)
    assert (counts["emploi"].updated, counts["emploi"].deleted, counts["emploi"].created) == (1, 1, 0)
    assert _employment() == [
        (2023, "commune", "56260", "15-24 ans", 11),
        (2024, "commune", "56003", "15-24 ans", 3),
        (2024, "commune", "56260", "15-24 ans", 13),
        (2024, "france", "", "15-24 ans", 41000),
        (2024, "ze", "5318", "15-24 ans", 118),
    ]


def test_an_unknown_commune_employment_file_deletes_nothing(tmp_path):
    """Review §6.1 on the employment importer: one row for commune 99999 is refused, and the year's rows stay."""
    employment_import(_seed_employment(tmp_path))
    before = _employment()
    with pytest.raises(SourceError, match="99999"):
        employment_import(CORPUS / "emploi" / "03_unknown_commune_99999.csv")
    assert _employment() == before and len(before) == 6


def test_the_same_employment_file_twice_changes_nothing(tmp_path):
    path = _seed_employment(tmp_path)
    employment_import(path)
    _, counts = employment_import(path)
    assert counts["emploi"].as_dict() == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 6}
