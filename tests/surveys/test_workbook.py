"""The XLSX questionnaire: template, errors by sheet/row/column, all-or-nothing import, demo round trip."""

from pathlib import Path

import openpyxl
import pytest

from gtec.organisations.models import Organisation
from gtec.surveys import services
from gtec.surveys.models import Response, ResponseVersion
from gtec_core.demo import survey as demo
from gtec_core.surveys.workbook import OCC_COLS, ORG_COLS, SHEET_OCC, SHEET_ORG, write_workbook
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_rows(data_dir):
    return demo.generate(data_dir, n=6, seed=7)


def test_demo_is_deterministic_and_uses_real_codes(data_dir, demo_rows):
    again = demo.generate(data_dir, n=6, seed=7)
    assert [e.answer for e in again] == [e.answer for e in demo_rows]
    assert demo.generate(data_dir, n=6, seed=8)[0].answer != demo_rows[0].answer
    from gtec.referentials.models import Appellation

    for e in demo_rows:
        assert h.commune(e.code_insee) in h.territory().communes()
        for m in e.answer["metiers"]:
            assert Appellation.objects.get(code_ogr=m["code_ogr"]).fiche_id == m["code_rome"]


def test_demo_workbook_imports_all_answers(tmp_path, demo_rows):
    camp = h.campaign()
    path = demo.write(tmp_path / "demo.xlsx", demo_rows)
    count, errors = services.workbook_import(campaign=camp, path=path)
    assert errors == [] and count == 6
    assert Response.objects.filter(campaign=camp, submitted__isnull=False).count() == 6
    got = Response.objects.get(campaign=camp, organisation__siret=demo_rows[0].siret).submitted.data
    assert got["metiers"][0]["code_ogr"] == demo_rows[0].answer["metiers"][0]["code_ogr"]
    # idempotent: the same file again adds no version
    before = ResponseVersion.objects.count()
    services.workbook_import(campaign=camp, path=path)
    assert ResponseVersion.objects.count() == before


def _break(path: Path, sheet: str, row: int, column: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    ws.cell(row=row, column=header.index(column) + 1, value=value)
    wb.save(path)


@pytest.mark.parametrize(
    "sheet, column, value, message",
    [
        (SHEET_ORG, "siret", "12345678901234", "invalide"),
        (SHEET_ORG, "code_insee", "29019", "hors du territoire"),
        (SHEET_ORG, "consentement", "tout", "hors de la liste"),
        (SHEET_ORG, "naf", "5610", "NAF"),
        (SHEET_OCC, "code_ogr_appellation", 9999999, "inconnue"),
        (SHEET_OCC, "recrutements_12m", "beaucoup", "nombre entier"),
        (SHEET_OCC, "contrat", "CDI à vie", "hors de la liste"),
        (SHEET_OCC, "difficulte", "peut-être", "« oui » ou « non »"),
    ],
)
def test_one_bad_cell_is_reported_by_sheet_row_column_and_nothing_is_imported(
    tmp_path, demo_rows, sheet, column, value, message
):
    camp = h.campaign()
    path = demo.write(tmp_path / "demo.xlsx", demo_rows)
    _break(path, sheet, 4, column, value)
    orgs = Organisation.objects.count()
    count, errors = services.workbook_import(campaign=camp, path=path)
    assert count == 0
    assert any(
        e.sheet == sheet and e.row == 4 and e.column == column and message in e.message for e in errors
    ), errors
    assert Organisation.objects.count() == orgs
    assert not Response.objects.filter(campaign=camp).exists()


def test_missing_column_and_orphan_rows(tmp_path, demo_rows):
    camp = h.campaign()
    path = write_workbook(tmp_path / "t.xlsx", demo_rows[:2])
    wb = openpyxl.load_workbook(path)
    wb[SHEET_OCC].cell(row=2, column=1, value=demo_rows[3].siret)  # an establishment not described
    wb[SHEET_ORG].cell(row=1, column=ORG_COLS.index("raison_sociale") + 1, value="nom")
    wb.save(path)
    _, errors = services.workbook_import(campaign=camp, path=path)
    assert ("Etablissements", 1, "raison_sociale") in {(e.sheet, e.row, e.column) for e in errors}
    assert OCC_COLS[0] == "siret"


def test_template_has_drop_down_lists(tmp_path):
    path = write_workbook(tmp_path / "modele.xlsx", [], [(10200, "Abatteur", "F1402")])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:4] == ["Lisez-moi", "Listes", "Etablissements", "Metiers"]
    validations = wb[SHEET_OCC].data_validations.dataValidation
    assert any("Listes" in v.formula1 for v in validations)
    assert [c.value for c in wb["Appellations"][2]] == [10200, "Abatteur", "F1402"]


def test_empty_file_is_an_error(tmp_path):
    camp = h.campaign()
    count, errors = services.workbook_import(campaign=camp, path=write_workbook(tmp_path / "vide.xlsx"))
    assert count == 0 and errors and errors[0].sheet == "Etablissements"


@pytest.mark.parametrize("written", ["5610C", "56.10C", "56 10 c", " 56.10c "])
def test_naf_accepted_in_its_usual_forms(written):
    from gtec_core.surveys.schema import normalise_naf

    assert normalise_naf(written) == "56.10C"
    assert normalise_naf("cuisine") == "CUISINE"
