"""The XLSX questionnaire: template, errors by sheet/row/column, all-or-nothing import, demo round trip."""

from pathlib import Path

import openpyxl
import pytest

from gtec.organisations.models import Organisation
from gtec.surveys import services
from gtec.surveys.models import Response, ResponseVersion
from gtec_core.demo import survey as demo
from gtec_core.surveys.columns import header
from gtec_core.surveys.template import write_workbook
from gtec_core.surveys.workbook import OCC_COLS, SHEET_OCC, SHEET_ORG
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
    names = [c.value for c in ws[1]]
    ws.cell(row=row, column=names.index(header(column)) + 1, value=value)
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
        e.sheet == sheet and e.row == 4 and e.column == header(column) and message in e.message
        for e in errors
    ), errors
    assert Organisation.objects.count() == orgs
    assert not Response.objects.filter(campaign=camp).exists()


def test_missing_column_and_orphan_rows(tmp_path, demo_rows):
    camp = h.campaign()
    path = write_workbook(tmp_path / "t.xlsx", demo_rows[:2])
    wb = openpyxl.load_workbook(path)
    wb[SHEET_OCC].cell(row=2, column=2, value=demo_rows[3].siret)  # an establishment not described
    wb[SHEET_ORG].cell(row=1, column=3, value="nom")  # instead of « Raison sociale »
    wb.save(path)
    _, errors = services.workbook_import(campaign=camp, path=path)
    assert ("Etablissements", 1, "Raison sociale") in {(e.sheet, e.row, e.column) for e in errors}
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


def _existing(row, name="Nom d'origine", member=False, web_answer=False, camp=None):
    org = Organisation.objects.create(
        name=name, kind="entreprise", siret=row.siret, naf="56.10A", commune=h.commune(row.code_insee)
    )
    if member:
        h.user(f"membre-{org.pk}@example.org", org, "administrateur")
    if web_answer:
        h.submit(camp, org)
    return org


def test_import_never_renames_or_answers_for_an_organisation_with_members(tmp_path, demo_rows):
    """Review §6.3: a valid row with the SIRET of org 1 renamed it and superseded its own submission."""
    camp = h.campaign()
    coord = h.user("coord@example.org", role="coordinateur", terr=camp.territory)
    org = _existing(demo_rows[0], member=True, web_answer=True, camp=camp)
    versions = ResponseVersion.objects.count()
    count, errors = services.workbook_import(
        campaign=camp, path=demo.write(tmp_path / "d.xlsx", demo_rows), user=coord
    )
    assert count == 0
    assert [(e.sheet, e.row, e.column) for e in errors] == [(SHEET_ORG, 2, "SIRET")]
    assert demo_rows[0].siret in errors[0].message and "répond elle-même" in errors[0].message
    org.refresh_from_db()
    assert org.name == "Nom d'origine" and ResponseVersion.objects.count() == versions
    assert Organisation.objects.filter(siret__in=[r.siret for r in demo_rows]).count() == 1


def test_import_never_supersedes_an_answer_entered_online(tmp_path, demo_rows):
    """The version rule: an answer the organisation entered itself is not replaced by a workbook."""
    camp = h.campaign()
    coord = h.user("coord@example.org", role="coordinateur", terr=camp.territory)
    _existing(demo_rows[1], web_answer=True, camp=camp)
    count, errors = services.workbook_import(
        campaign=camp, path=demo.write(tmp_path / "d.xlsx", demo_rows), user=coord
    )
    assert count == 0 and [(e.row, e.column) for e in errors] == [(3, "SIRET")]
    assert "n'est pas remplacée" in errors[0].message


def test_import_refuses_an_organisation_outside_the_territory(tmp_path, demo_rows):
    camp = h.campaign()
    coord = h.user("coord@example.org", role="coordinateur", terr=camp.territory)
    org = _existing(demo_rows[2])
    org.commune = h.commune("29232")
    org.save()
    count, errors = services.workbook_import(
        campaign=camp, path=demo.write(tmp_path / "d.xlsx", demo_rows), user=coord
    )
    assert count == 0 and [(e.row, e.column) for e in errors] == [(4, "SIRET")]
    org.refresh_from_db()
    assert org.commune.code == "29232"


def test_import_updates_an_unmanaged_organisation_of_the_territory(tmp_path, demo_rows):
    camp = h.campaign()
    coord = h.user("coord@example.org", role="coordinateur", terr=camp.territory)
    org = _existing(demo_rows[0])
    count, errors = services.workbook_import(
        campaign=camp, path=demo.write(tmp_path / "d.xlsx", demo_rows), user=coord
    )
    assert errors == [] and count == 6
    org.refresh_from_db()
    assert org.name == demo_rows[0].raison_sociale


def test_stale_import_is_refused_with_nothing_written(tmp_path, demo_rows, monkeypatch):
    """Someone saves between the rights check and the write: the version rule refuses the whole file."""
    camp = h.campaign()
    path = demo.write(tmp_path / "d.xlsx", demo_rows)
    services.workbook_import(campaign=camp, path=path)
    org = Organisation.objects.get(siret=demo_rows[0].siret)
    real = services._import_rights

    def racing(*args, **kw):
        bases = real(*args, **kw)
        ResponseVersion.objects.filter(response__organisation=org).update(number=99)
        return bases

    monkeypatch.setattr(services, "_import_rights", racing)
    demo_rows[0].answer["effectif"] += 1
    try:
        count, errors = services.workbook_import(
            campaign=camp, path=demo.write(tmp_path / "e.xlsx", demo_rows)
        )
    finally:
        demo_rows[0].answer["effectif"] -= 1
    assert count == 0 and "modifiée entre-temps" in errors[0].message


def test_coordinator_cannot_invite_outside_the_territory(client):
    """Review §1.3: coord of dep:29 invited three Morbihan organisations."""
    camp = h.campaign()
    coord = h.user("coord@example.org", role="coordinateur", terr=camp.territory)
    inside, outside = h.company("Dedans"), h.company("Dehors", commune=h.commune("29232"))
    client.force_login(coord)
    url = __import__("django.urls", fromlist=["reverse"]).reverse("campaign_action", args=[camp.pk])
    r = client.post(url, {"action": "inviter", "organisations": [inside.pk, outside.pk]})
    assert r.status_code == 403 and not camp.participations.exists()
    r = client.post(url, {"action": "inviter", "organisations": [inside.pk]})
    assert r.status_code == 302 and list(camp.participations.values_list("organisation", flat=True)) == [
        inside.pk
    ]


@pytest.mark.parametrize("written", ["5610C", "56.10C", "56 10 c", " 56.10c "])
def test_naf_accepted_in_its_usual_forms(written):
    from gtec_core.surveys.schema import normalise_naf

    assert normalise_naf(written) == "56.10C"
    assert normalise_naf("cuisine") == "CUISINE"
