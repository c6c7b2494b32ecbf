"""FAP import: FAP-2009 tree and its ROME v3 crosswalk (DARES xls), FAP-2021 labels; idempotence; broken files."""

from __future__ import annotations

import re

import polars as pl
import pytest
import xlrd

from gtec.imports.models import ImportRun
from gtec.referentials.models import Fap, Fiche, RomeV3Fap
from gtec.referentials.services import fap_import
from gtec_core.sources import fap as fap_source

from .helpers import db_snapshot, edit_line, expect_source_error, mirror, replace, sha256

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def sheet(data_dir):
    return xlrd.open_workbook(str(data_dir / "fap_rome" / fap_source.FAP2009_FILE)).sheet_by_name("Table")


@pytest.fixture(scope="module")
def fap2021(data_dir) -> pl.DataFrame:
    return pl.read_csv(data_dir / "fap_rome" / fap_source.FAP2021_FILE, separator=";", infer_schema=False)


@pytest.fixture
def fap_copy(tmp_path, data_dir):
    return mirror(data_dir / "fap_rome", tmp_path / "fap_rome")


def families_in_sheet(sheet) -> dict[str, str]:
    """code → label of every FAP-2009 family in the DARES table (codes of 1, 3 or 5 characters)."""
    out = {}
    for r in range(1, sheet.nrows):
        code, label = str(sheet.cell_value(r, 0)).strip(), str(sheet.cell_value(r, 1)).strip()
        if re.fullmatch(r"[A-Z]|[A-Z]\d[A-Z]|[A-Z]\d[A-Z]\d{2}", code):
            out[code] = label
    return out


def test_fap2009_levels(sheet):
    assert Fap.objects.filter(nomenclature=2009, niveau=225).count() == 225
    assert Fap.objects.filter(nomenclature=2009, niveau=87).count() == 87
    assert Fap.objects.filter(nomenclature=2009, niveau=22).count() == 22
    families = families_in_sheet(sheet)
    for length, level in ((1, 22), (3, 87), (5, 225)):
        expected = {c: label for c, label in families.items() if len(c) == length}
        assert (
            dict(Fap.objects.filter(nomenclature=2009, niveau=level).values_list("code", "libelle"))
            == expected
        )


def test_fap2009_parents():
    for fap in Fap.objects.filter(nomenclature=2009).exclude(niveau=22):
        assert fap.parent_code == fap.code[: 1 if fap.niveau == 87 else 3], fap.code
    assert not Fap.objects.filter(nomenclature=2009, niveau=22).exclude(parent_code="").exists()


def test_rome_v3_crosswalk_equals_the_sheet(sheet):
    expected = set()
    current = None
    for r in range(1, sheet.nrows):
        code = str(sheet.cell_value(r, 0)).strip()
        if re.fullmatch(r"[A-Z]\d[A-Z]\d{2}", code):
            current = code
        elif re.fullmatch(r"[A-Z]|[A-Z]\d[A-Z]", code):
            current = None
        rome = str(sheet.cell_value(r, 4)).strip()
        if rome:
            expected.add((rome, current, str(sheet.cell_value(r, 5)).strip()))
    stored = set(RomeV3Fap.objects.values_list("rome_v3", "fap__code", "qualification"))
    assert stored == expected
    assert len({rome for rome, _, _ in stored}) == 531


def test_fiche_reaches_fap_through_its_rome_v3_parent(sheet):
    families = families_in_sheet(sheet)
    fiche = Fiche.objects.get(code_rome="M1844")
    assert fiche.code_rome_parent == "M1805"
    links = RomeV3Fap.objects.filter(rome_v3=fiche.code_rome_parent).select_related("fap")
    by_code = {link.fap.code: link for link in links}
    assert set(by_code) == {"M0Z60", "M1Z80", "M2Z90"}
    assert by_code["M2Z90"].qualification == "Q_9"
    engineers = by_code["M2Z90"].fap
    assert engineers.libelle == families["M2Z90"]
    # « Ingénieurs de l'informatique » is the FAP-87 family above M2Z90, not M2Z90 itself
    parent = Fap.objects.get(nomenclature=2009, code=engineers.parent_code)
    assert (parent.code, parent.libelle) == ("M2Z", "Ingénieurs de l'informatique")
    assert Fap.objects.get(nomenclature=2009, code=parent.parent_code).niveau == 22


def test_every_historic_parent_reaches_the_crosswalk_when_the_sheet_lists_it(sheet):
    parents = set(Fiche.objects.values_list("code_rome_parent", flat=True))
    in_sheet = {str(sheet.cell_value(r, 4)).strip() for r in range(1, sheet.nrows)} - {""}
    mapped = set(RomeV3Fap.objects.values_list("rome_v3", flat=True))
    assert len(parents) == 532
    assert parents & mapped == parents & in_sheet
    assert len(parents & mapped) >= 531


def test_fap2021_labels(fap2021):
    stored = {
        code: (niveau, libelle, parent)
        for code, niveau, libelle, parent in Fap.objects.filter(nomenclature=2021).values_list(
            "code", "niveau", "libelle", "parent_code"
        )
    }
    levels = [
        (22, "Code_FAP22", "Intitulé_FAP22"),
        (86, "Code_FAP86", "Intitulé_FAP86"),
        (228, "Code_FAP228", "Intitulé_FAP228"),
        (341, "Code_FAP341", "Intitulé_FAP341"),
    ]
    codes = set()
    for _, code, label in levels:
        pairs = set(fap2021.select(code, label).unique().iter_rows())
        codes |= {c for c, _ in pairs}
        for c, text in pairs:
            assert stored[c][1] == text, c
    assert set(stored) == codes
    assert len(set(fap2021["Code_FAP341"])) == 341
    assert sum(1 for v in stored.values() if v[0] == 341) == 341
    assert sum(1 for v in stored.values() if v[0] == 22) == 22
    assert sum(1 for v in stored.values() if v[0] == 86) == 86
    shared = fap2021.filter(pl.col("Code_FAP341") == pl.col("Code_FAP228")).height
    assert sum(1 for v in stored.values() if v[0] == 228) == 228 - shared
    assert Fap.objects.get(nomenclature=2021, code="A0X41a").libelle == "Eleveurs de bovins ou d'équins"


def test_fap2021_tree_has_no_cycle():
    stored = dict(Fap.objects.filter(nomenclature=2021).values_list("code", "parent_code"))
    assert all(code != parent for code, parent in stored.items())
    for code in stored:
        chain = [code]
        while stored[chain[-1]]:
            chain.append(stored[chain[-1]])
            assert len(chain) <= 4, chain
        assert len(chain[-1]) == 1
    assert stored["A0X40"] == "A0X"  # a FAP-228 family without subdivision sits under its FAP-86 family
    assert stored["A0X41a"] == "A0X41"


def test_second_import_changes_nothing(data_dir):
    before = db_snapshot()
    _, counts = fap_import(data_dir / "fap_rome")
    assert {t: (c.created, c.updated, c.deleted) for t, c in counts.items()} == {
        "fap": (0, 0, 0),
        "rome_v3_fap": (0, 0, 0),
    }
    after = db_snapshot()
    assert after.pop("imports.ImportRun.count") == before.pop("imports.ImportRun.count") + 1
    assert after == before
    run = ImportRun.objects.filter(source="fap").order_by("-pk").first()
    for filename in (fap_source.FAP2009_FILE, fap_source.FAP2021_FILE):
        assert run.files[filename] == sha256(data_dir / "fap_rome" / filename)


def test_unreadable_xls_is_refused(fap_copy):
    before = db_snapshot()
    replace(fap_copy / fap_source.FAP2009_FILE, b"PK\x03\x04 ceci n'est pas un classeur")
    error = expect_source_error(lambda: fap_import(fap_copy))
    assert str(error).startswith(fap_source.FAP2009_FILE)
    assert "classeur Excel illisible" in str(error)
    assert db_snapshot() == before


def test_fap2021_missing_column(fap_copy):
    before = db_snapshot()
    edit_line(
        fap_copy / fap_source.FAP2021_FILE, 1, lambda line: line.replace("Intitulé_FAP86", "Libellé_FAP86")
    )
    error = expect_source_error(lambda: fap_import(fap_copy))
    assert (
        str(error)
        == f"{fap_source.FAP2021_FILE}, ligne 1, colonne « Intitulé_FAP86 » : colonne obligatoire absente de l'en-tête"
    )
    assert db_snapshot() == before


def test_fap2021_duplicate_key_and_bad_code(fap_copy):
    path = fap_copy / fap_source.FAP2021_FILE
    lines = path.read_text(encoding="utf-8-sig").rstrip("\n").split("\n")
    replace(path, ("\n".join([*lines, lines[3]]) + "\n").encode("utf-8"))
    error = expect_source_error(lambda: fap_import(fap_copy))
    assert (error.line, error.column) == (len(lines) + 1, "Code_FAP341")
    assert f"ligne {len(lines) + 1}" in str(error) and "clé en double" in str(error)
    edit_line(path, len(lines) + 1, lambda line: "")
    edit_line(path, 10, lambda line: line.rsplit(";", 2)[0] + ";9;" + line.rsplit(";", 1)[1])
    error = expect_source_error(lambda: fap_import(fap_copy))
    assert (error.line, error.column) == (10, "Code_FAP22")
    assert "« 9 » ne respecte pas le format attendu" in str(error)
