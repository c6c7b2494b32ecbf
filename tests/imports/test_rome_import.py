"""ROME 4.0 import: counts and content checked against the real v460 files, idempotence, and refusal of
broken files with the database left untouched."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from gtec.imports.models import ImportRun
from gtec.referentials import models as m
from gtec.referentials.services import rome_import
from gtec_core.sources import rome as rome_source

from .helpers import db_snapshot, edit_line, expect_source_error, replace, sha256

pytestmark = pytest.mark.django_db

V = "v460"


def name(table: str) -> str:
    return f"unix_{table}_{V}_utf8.csv"


@pytest.fixture(scope="module")
def release(data_dir) -> rome_source.RomeRelease:
    return rome_source.read_release(data_dir / "rome4")


def raw(data_dir, table: str, encoding: str = "utf-8") -> pl.DataFrame:
    """A ROME file read directly with polars (all strings), independently of the importer's reader."""
    text = (data_dir / "rome4" / name(table)).read_bytes().decode(encoding)
    frame = pl.read_csv(io.BytesIO(text.encode()), infer_schema=False)
    # some files separate records by a blank line: polars reads it as a row of nulls
    return frame.filter(~pl.all_horizontal(pl.all().is_null())).with_columns(pl.all().fill_null(""))


# --- counts and idempotence ----------------------------------------------------------------------------


def test_counts_equal_the_v460_files(data_dir):
    assert m.Fiche.objects.count() == 1584
    assert m.Appellation.objects.count() == 13120
    assert m.Mobilite.objects.count() == 14912
    assert m.Competence.objects.count() == 18317
    assert m.Competence.objects.filter(macro=True).count() == 507
    assert m.Savoir.objects.count() == 15354
    # the same numbers, derived from the files
    assert m.Fiche.objects.count() == raw(data_dir, "referentiel_code_rome").height
    assert m.Appellation.objects.count() == raw(data_dir, "referentiel_appellation").height
    assert m.Mobilite.objects.count() == raw(data_dir, "rubrique_mobilite").height
    competences = raw(data_dir, "referentiel_competence")
    assert m.Competence.objects.count() == competences.height
    assert (
        m.Competence.objects.filter(macro=True).count()
        == competences.filter(pl.col("nature") == "Macro-compétence").height
    )
    assert m.Savoir.objects.count() == raw(data_dir, "referentiel_savoir").height
    assert m.ContexteTravail.objects.count() == raw(data_dir, "referentiel_contexte_travail").height
    assert m.GrandDomaine.objects.count() == raw(data_dir, "grand_domaine").height
    assert m.DomaineProfessionnel.objects.count() == raw(data_dir, "domaine_professionnel").height
    assert m.Fiche.objects.filter(actif=False).count() == 0


def test_link_counts_equal_the_files(data_dir):
    liens = raw(data_dir, "liens_rome_referentiels")
    bloc5 = liens.filter(pl.col("code_compo_bloc") == "5")
    assert m.FicheCompetence.objects.count() == bloc5.filter(pl.col("code_rubrique").is_in(["1", "2"])).height
    assert (
        m.FicheCompetence.objects.filter(savoir_etre=True).count()
        == bloc5.filter(pl.col("code_rubrique") == "2").height
    )
    assert m.FicheSavoir.objects.count() == bloc5.filter(pl.col("code_rubrique") == "3").height
    assert m.FicheContexte.objects.count() == liens.filter(pl.col("code_compo_bloc") == "6").height
    appellations = raw(data_dir, "referentiel_appellation")
    assert (
        m.Appellation.objects.filter(principale=True).count()
        == appellations.filter(pl.col("classification") == "PRINCIPALE").height
    )
    classements = {
        "theme": raw(data_dir, "themes").height,
        "centre_interet": raw(data_dir, "centre_interet").height,
        "secteur": raw(data_dir, "secteur_activite").height,
        "sous_secteur": raw(data_dir, "sous_secteur_activite").height,
        "naf": raw(data_dir, "secteur_naf").height,
    }
    for kind, expected in classements.items():
        assert m.Classement.objects.filter(kind=kind).count() == expected, kind
    assert (
        m.FicheClassement.objects.filter(classement__kind="theme").count()
        == raw(data_dir, "arborescence_thematique").height
    )
    assert (
        m.FicheClassement.objects.filter(classement__kind="naf").count()
        == raw(data_dir, "arborescence_secteur_naf", "iso-8859-15").height
    )


def test_second_import_changes_nothing(data_dir):
    before = db_snapshot()
    version, counts = rome_import(data_dir / "rome4")
    assert version == "460"
    assert {t: (c.created, c.updated, c.deleted) for t, c in counts.items() if c.changed} == {}
    assert counts["fiches"].unchanged == 1584
    assert counts["mobilites"].unchanged == 14912
    after = db_snapshot()
    assert after.pop("imports.ImportRun.count") == before.pop("imports.ImportRun.count") + 1
    assert after == before
    run = ImportRun.objects.filter(source="rome").order_by("-pk").first()
    assert not run.changed
    assert run.version == "v460 (ROME 4.0 version 60 - 25M09)"


def test_import_run_provenance(data_dir):
    run = ImportRun.objects.filter(source="rome").order_by("-pk").first()
    assert run is not None and run.finished_at is not None
    assert run.version.startswith("v460")
    files = sorted(p for p in (data_dir / "rome4").glob("unix_*_v460_utf8.csv"))
    assert sorted(run.files) == [p.name for p in files]
    for path in files:
        assert run.files[path.name] == sha256(path), path.name
    assert run.counts["fiches"]["created"] + run.counts["fiches"]["unchanged"] == 1584


# --- content --------------------------------------------------------------------------------------------


def test_fiche_m1805_texts(data_dir):
    fiche = m.Fiche.objects.get(code_rome="M1805")
    texte = raw(data_dir, "texte").filter(pl.col("code_rome") == "M1805")
    for kind, field in (("definition", "definition"), ("acces_metier", "acces_metier")):
        sentences = (
            texte.filter(pl.col("libelle_type_texte") == kind)
            .with_columns(pl.col("position_phrase").cast(pl.Int64))
            .sort("position_phrase")["libelle_texte"]
            .str.replace_all("''", "'", literal=True)
            .str.strip_chars()
            .to_list()
        )
        assert len(sentences) > 0
        assert getattr(fiche, field).split("\n") == sentences
    assert fiche.definition.startswith("Le / La Développeur(se) informatique conçoit")
    assert "Participe à l'analyse des besoins" in fiche.definition
    assert "''" not in fiche.definition + fiche.acces_metier


def test_no_text_keeps_sql_escaped_quotes():
    assert m.Fiche.objects.filter(definition__contains="''").count() == 0
    assert m.Fiche.objects.filter(acces_metier__contains="''").count() == 0
    assert m.Fiche.objects.filter(definition__contains="'").count() > 100


def test_fiche_m1805_attributes(data_dir):
    fiche = m.Fiche.objects.select_related("domaine__grand_domaine").get(code_rome="M1805")
    row = raw(data_dir, "referentiel_code_rome").filter(pl.col("code_rome") == "M1805").row(0, named=True)
    riasec = (
        raw(data_dir, "referentiel_code_rome_riasec")
        .filter(pl.col("code_rome") == "M1805")
        .row(0, named=True)
    )
    assert fiche.libelle == row["libelle_rome"] == "Développeur / Développeuse informatique"
    assert fiche.code_ogr == int(row["code_ogr"])
    assert fiche.code_rome_parent == row["code_rome_parent"]
    assert (
        (fiche.riasec_majeur, fiche.riasec_mineur)
        == (riasec["riasec_majeur"], riasec["riasec_mineur"])
        == ("I", "C")
    )
    assert fiche.transition_eco == row["transition_eco"]
    for flag in ("transition_num", "transition_demo", "emploi_reglemente", "emploi_cadre"):
        assert getattr(fiche, flag) is (row[flag] == "O"), flag
    assert (fiche.transition_num, fiche.emploi_cadre, fiche.emploi_reglemente) == (True, True, False)
    assert fiche.domaine_id == "M18"
    assert fiche.domaine.grand_domaine_id == "M"
    tree = raw(data_dir, "cr_gd_dp").filter(pl.col("code_rome") == "M1805").row(0, named=True)
    assert fiche.domaine.libelle == tree["libelle_domaine_professionel"]
    assert fiche.domaine.grand_domaine.libelle == tree["libelle_grand_domaine"]


def test_every_fiche_flag_matches_the_file(data_dir):
    fiches = raw(data_dir, "referentiel_code_rome")
    for flag in ("transition_num", "transition_demo", "emploi_reglemente", "emploi_cadre"):
        assert m.Fiche.objects.filter(**{flag: True}).count() == fiches.filter(pl.col(flag) == "O").height, (
            flag
        )
    domaines = raw(data_dir, "cr_gd_dp")
    stored = dict(m.Fiche.objects.values_list("code_rome", "domaine_id"))
    assert stored == dict(zip(domaines["code_rome"], domaines["code_domaine_professionel"], strict=True))


def test_coeur_de_metier_flags(data_dir):
    coherence = raw(data_dir, "coherence_item")
    # the whole coherence table, as the issue states it
    totals = dict(coherence.group_by("coeur_metier").len().iter_rows())
    assert (totals["Principale"], totals["Émergente"]) == (18900, 1731)
    # our link tables hold only the bloc 5 links: expected flags are those of the coherence rows they match
    liens = raw(data_dir, "liens_rome_referentiels").filter(pl.col("code_compo_bloc") == "5")
    flagged = liens.join(coherence, on=["code_rome", "code_ogr"], how="left").with_columns(
        pl.col("coeur_metier").fill_null("")
    )
    expected: dict[tuple[bool, str], int] = {}
    for rubrique, coeur, n in flagged.group_by("code_rubrique", "coeur_metier").len().iter_rows():
        expected[(rubrique == "3", coeur)] = expected.get((rubrique == "3", coeur), 0) + n
    for coeur in ("Principale", "Émergente", ""):
        assert m.FicheCompetence.objects.filter(coeur_metier=coeur).count() == sum(
            n for (savoir, c), n in expected.items() if not savoir and c == coeur
        )
        assert m.FicheSavoir.objects.filter(coeur_metier=coeur).count() == sum(
            n for (savoir, c), n in expected.items() if savoir and c == coeur
        )
    assert m.FicheCompetence.objects.filter(coeur_metier="Principale").count() > 0
    assert m.FicheSavoir.objects.filter(coeur_metier="Émergente").count() > 0
    # and one link checked through and through
    sample = flagged.filter((pl.col("coeur_metier") == "Principale") & (pl.col("code_rubrique") == "1")).row(
        0, named=True
    )
    link = m.FicheCompetence.objects.get(fiche_id=sample["code_rome"], competence_id=int(sample["code_ogr"]))
    assert link.coeur_metier == "Principale"


def test_mobilities_are_ordered(data_dir):
    mobilites = raw(data_dir, "rubrique_mobilite").with_columns(pl.col("numero_ordre").cast(pl.Int64))
    expected = mobilites.filter(pl.col("code_rome") == "M1805").sort("numero_ordre")
    stored = list(m.Fiche.objects.get(code_rome="M1805").mobilites.values_list("cible_id", "rang"))
    assert stored == list(zip(expected["code_rome_cible"], expected["numero_ordre"], strict=True))
    assert [rang for _, rang in stored] == list(range(1, len(stored) + 1))
    # the file is not sorted: the order comes from numero_ordre, not from the line order
    in_file_order = mobilites.filter(pl.col("code_rome") == "A1101")["code_rome_cible"].to_list()
    stored_a1101 = list(m.Mobilite.objects.filter(source_id="A1101").values_list("cible_id", flat=True))
    assert sorted(in_file_order) == sorted(stored_a1101)
    assert (
        stored_a1101
        == mobilites.filter(pl.col("code_rome") == "A1101").sort("numero_ordre")["code_rome_cible"].to_list()
    )


def test_naf_tree_is_decoded_as_latin9(data_dir, release):
    naf = release["arborescence_secteur_naf"]
    labels = dict(
        zip(
            release["referentiel_code_rome"]["code_rome"],
            release["referentiel_code_rome"]["libelle_rome"],
            strict=True,
        )
    )
    # every fiche label repeated in the Latin-9 file equals the label of the UTF-8 fiches file
    mismatched = naf.filter(pl.col("libelle_rome") != pl.col("code_rome").replace_strict(labels))
    assert mismatched.is_empty(), mismatched.head(3)
    assert naf.filter(pl.col("libelle_rome").str.contains("è")).height > 0
    assert "Manœuvre bâtiment" in naf["libelle_rome"].to_list()
    assert not naf["libelle_rome"].str.contains("[½¼\ufffd]").any()
    codes = set(naf.filter(pl.col("code_rome") == "F1704")["code_secteur_naf"].to_list())
    stored = set(
        m.FicheClassement.objects.filter(fiche_id="F1704", classement__kind="naf").values_list(
            "classement__code", flat=True
        )
    )
    assert stored == codes and codes


def test_competence_tree_and_riasec(data_dir):
    competences = raw(data_dir, "referentiel_competence")
    with_parent = competences.filter(pl.col("code_ogr_macro_comp") != "")
    assert m.Competence.objects.filter(parent__isnull=False).count() == with_parent.height
    sample = with_parent.row(0, named=True)
    assert m.Competence.objects.get(code_ogr=int(sample["code_ogr"])).parent_id == int(
        sample["code_ogr_macro_comp"]
    )
    riasec = raw(data_dir, "referentiel_macro_competence_riasec").filter(pl.col("riasec_majeur") != "")
    assert m.Competence.objects.exclude(riasec_majeur="").count() == riasec.height


# --- broken files ---------------------------------------------------------------------------------------


def line_of(path, predicate) -> int:
    """1-based physical line number of the first line matching predicate."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if predicate(line):
            return number
    raise AssertionError("ligne introuvable")


def missing_column(folder):
    path = folder / name("referentiel_code_rome")
    edit_line(path, 1, lambda line: line.replace('"libelle_rome"', '"libelle"'))
    return path.name, 1, "libelle_rome", "colonne obligatoire absente"


def wrong_encoding(folder):
    path = folder / name("referentiel_appellation")
    text = path.read_text(encoding="utf-8")
    replace(path, text.encode("cp1252"))
    lines = text.split("\n")
    number = next(i for i, line in enumerate(lines, start=1) if not line.isascii())
    header = next(csv.reader([lines[0]]))
    fields = next(csv.reader([lines[number - 1]]))
    column = header[next(i for i, f in enumerate(fields) if not f.isascii())]
    return path.name, number, column, "encodage invalide"


def truncated_row(folder):
    path = folder / name("liens_rome_referentiels")
    edit_line(path, 1000, lambda line: ",".join(line.split(",")[:2]))
    return path.name, 1000, "code_rubrique", "ligne tronquée"


def file_cut_in_a_field(folder):
    path = folder / name("rubrique_mobilite")  # no multi-line field: every line starts a record
    content = path.read_bytes()
    cut = content.index(b"\n", len(content) // 2) + 4  # `"M1` : inside the first field of a record
    replace(path, content[:cut])
    number = content[:cut].count(b"\n") + 1
    return path.name, number, "code_rome", "tronqué"


def duplicate_key(folder):
    path = folder / name("referentiel_appellation")
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    lines.append(lines[5])
    replace(path, ("\n".join(lines) + "\n").encode())
    code = next(csv.reader([lines[5]]))[0]
    return path.name, len(lines), "code_ogr", f"clé en double (code_ogr={code})"


def unknown_rome_code(folder):
    path = folder / name("rubrique_mobilite")
    edit_line(path, 100, lambda line: line.split(",")[0] + ',"N9999",' + line.split(",")[2])
    return path.name, 100, "code_rome_cible", "code ROME « N9999 » absent du référentiel des fiches"


def unknown_competence(folder):
    path = folder / name("liens_rome_referentiels")
    number = line_of(path, lambda line: ',"5","1",' in line)
    edit_line(path, number, lambda line: line.rsplit(",", 1)[0] + ',"999999999"')
    return path.name, number, "code_ogr", "absent du référentiel des compétences"


def bad_integer(folder):
    path = folder / name("rubrique_mobilite")
    edit_line(path, 50, lambda line: line.rsplit(",", 1)[0] + ',"deux"')
    return path.name, 50, "numero_ordre", "entier attendu, lu « deux »"


def header_only(folder):
    path = folder / name("referentiel_code_rome")
    header = path.read_text(encoding="utf-8").split("\n")[0]
    replace(path, (header + "\n").encode())
    return path.name, 2, None, "fichier vide"


def zero_bytes(folder):
    path = folder / name("texte")
    replace(path, b"")
    return path.name, 1, None, "fichier vide"


def missing_file(folder):
    path = folder / name("rubrique_mobilite")
    path.unlink()
    return path.name, None, None, "fichier du ROME manquant"


CORRUPTIONS = [
    missing_column,
    wrong_encoding,
    truncated_row,
    file_cut_in_a_field,
    duplicate_key,
    unknown_rome_code,
    unknown_competence,
    bad_integer,
    header_only,
    zero_bytes,
    missing_file,
]


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=[c.__name__ for c in CORRUPTIONS])
def test_broken_file_is_refused_and_database_unchanged(rome_copy, corrupt):
    before = db_snapshot()
    filename, line, column, message = corrupt(rome_copy)
    error = expect_source_error(lambda: rome_import(rome_copy))
    text = str(error)
    assert text.startswith(filename), text
    assert message in text
    assert error.line == line
    if line is not None:
        assert f"ligne {line}" in text
    assert error.column == column
    if column is not None:
        assert f"colonne « {column} »" in text
    assert db_snapshot() == before


def test_command_reports_the_broken_file(rome_copy):
    before = db_snapshot()
    filename, line, column, _ = bad_integer(rome_copy)
    with pytest.raises(CommandError) as info:
        call_command("import_data", "rome", "--data-dir", str(rome_copy.parent), stdout=io.StringIO())
    text = str(info.value)
    assert "rien n'a été modifié" in text
    assert f"{filename}, ligne {line}, colonne « {column} »" in text
    assert db_snapshot() == before


def test_failure_while_writing_rolls_everything_back(rome_copy):
    """A valid release that changes data, interrupted after several tables were written: nothing stays."""
    edit_line(
        rome_copy / name("referentiel_code_rome"),
        2,
        lambda line: line.replace("Conducteur / Conductrice d'engins agricoles", "Libellé modifié"),
    )
    before = db_snapshot()
    seen = []

    def progress(table, n):
        seen.append(table)
        if table == "mobilites":
            assert (
                m.Fiche.objects.get(code_rome="A1101").libelle == "Libellé modifié"
            )  # written, not yet committed
            raise RuntimeError("coupure")

    with pytest.raises(RuntimeError):
        rome_import(rome_copy, progress=progress)
    assert "fiches" in seen and "appellations" in seen
    assert m.Fiche.objects.get(code_rome="A1101").libelle != "Libellé modifié"
    assert db_snapshot() == before
