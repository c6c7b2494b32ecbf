"""Files of the needs area (#13): the template a company fills and imports as its answer, the
coordinator's additions of organisations (one by one and from a CSV list), the CSV/XLSX export of the
published results — which hides every cell the page hides."""

import csv
import io

import lxml.html
import openpyxl
import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gtec.organisations.models import ADMIN, COORDINATOR, READER, Invitation, Organisation
from gtec.surveys import services
from gtec.surveys.models import Participation, Response
from gtec_core.surveys.columns import header
from gtec_core.surveys.workbook import EXAMPLE_SIRET, SHEET_OCC, SHEET_ORG, SHEET_SKILL
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def company_world():
    camp, org = h.campaign(), h.company("Crêperie du classeur", naf="56.10C")
    services.campaign_invite(camp, [org])
    client = Client()
    client.force_login(h.user("rh@classeur.test", org, ADMIN))
    return camp, org, client


def _template(client, camp, org) -> openpyxl.Workbook:
    page = client.get(reverse("questionnaire", args=[camp.pk, org.pk])).content.decode()
    link = reverse("workbook_template", args=[camp.pk])
    assert f'href="{link}"' in page and "Répondre avec un classeur Excel" in page
    r = client.get(link)
    assert r.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(r.content))


def _set(ws, row: int, values: dict) -> None:
    names = [c.value for c in ws[1]]
    for code, value in values.items():
        ws.cell(row=row, column=names.index(header(code)) + 1, value=value)


def _fill(wb, org, label: str, *, keep_example: bool = False, naf: str = "5610C", commune="vannes") -> bytes:
    """What a company does: delete the example rows, write its establishment and one occupation by label."""
    for title in (SHEET_ORG, SHEET_OCC, SHEET_SKILL):
        ws = wb[title]
        assert ws.cell(row=2, column=1).value.startswith("EXEMPLE")
        if not keep_example:
            ws.delete_rows(2)
    row = 3 if keep_example else 2
    _set(wb[SHEET_ORG], row, {"siret": org.siret, "raison_sociale": org.name, "code_insee": commune, "naf": naf,
                              "tranche_effectif": "10-49", "effectif": 14, "consentement": "agregats",
                              "moteur_numerique": "oui", "format_afest": "oui"})  # fmt: skip
    _set(wb[SHEET_OCC], row, {"siret": org.siret, "appellation": label, "eff_moins_30": 3, "eff_55_plus": 2,
                              "departs_5ans": 1, "recrutements_12m": 2, "contrat": "cdi", "difficulte": "oui",
                              "raison_penurie": "oui"})  # fmt: skip
    _set(wb[SHEET_SKILL], row, {"siret": org.siret, "appellation": label, "competence_libre": "Galettes"})
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, camp, org, body: bytes, action: str = "brouillon", base: int = 0, name="reponse.xlsx"):
    return client.post(
        reverse("questionnaire_workbook", args=[camp.pk, org.pk]),
        {"fichier": SimpleUploadedFile(name, body), "action": action, "base_version": base},
    )


def test_template_has_french_headers_and_a_marked_example_row(company_world):
    camp, org, client = company_world
    wb = _template(client, camp, org)
    names = [c.value for c in wb[SHEET_ORG][1]]
    assert names[:5] == ["Ligne d'exemple", "SIRET", "Raison sociale", "Commune", "Code NAF"]
    assert "Appellation ROME (libellé)" in [c.value for c in wb[SHEET_OCC][1]]
    example = [c.value for c in wb[SHEET_ORG][2]]
    assert example[0].startswith("EXEMPLE") and example[1] == EXAMPLE_SIRET and example[3] == "Vannes"
    help_text = " ".join(str(c.value) for c in wb["Lisez-moi"]["A"])
    assert "Commune : son nom" in help_text and "Saint-Pierre (15)" in help_text and "code INSEE" in help_text
    assert wb[SHEET_ORG].cell(row=2, column=2).font.italic
    label = [c.value for c in wb[SHEET_OCC][2]][names.index("SIRET") + 2]
    assert label.startswith("Boulanger")  # the example names its occupation by the ROME label


def test_company_fills_the_template_and_imports_it_as_its_answer(company_world):
    camp, org, client = company_world
    app = h.appellation("J1501")
    body = _fill(_template(client, camp, org), org, app.libelle.upper())  # case aside
    r = _upload(client, camp, org, body)
    assert r.status_code == 302 and r["Location"] == reverse("questionnaire", args=[camp.pk, org.pk])
    response = Response.objects.get(campaign=camp, organisation=org)
    data, version = response.latest.data, response.latest
    assert version.number == 1 and version.source == services.OWN_WORKBOOK and response.submitted is None
    m = data["metiers"][0]
    assert (m["code_ogr"], m["code_rome"], m["libelle"]) == (app.code_ogr, "J1501", app.libelle)
    assert (
        m["recrutements_12m"] == 2 and m["raisons"] == ["penurie"] and m["competences_libres"] == "Galettes"
    )
    assert data["moteurs"] == ["numerique"] and data["formats"] == ["afest"] and data["effectif"] == 14
    # a stale page (base version 0) is refused by the version rule, as the form is
    r = _upload(client, camp, org, body, action="envoyer", base=0)
    assert r.status_code == 302 and Response.objects.get(pk=response.pk).submitted is None
    r = _upload(client, camp, org, body, action="envoyer", base=1)
    assert r["Location"] == reverse("give_to_get", args=[camp.pk, org.pk])
    response.refresh_from_db()
    assert (
        response.submitted.number == 2 and response.submitted.data["metiers"][0]["code_ogr"] == app.code_ogr
    )


def test_naf_in_both_forms_and_occupation_by_code(company_world):
    camp, org, client = company_world
    app = h.appellation("J1501")
    wb = _template(client, camp, org)
    body = _fill(wb, org, "", naf="56.10C")
    wb = openpyxl.load_workbook(io.BytesIO(body))
    _set(wb[SHEET_OCC], 2, {"code_ogr_appellation": app.code_ogr})
    _set(wb[SHEET_SKILL], 2, {"code_ogr_appellation": app.code_ogr})
    out = io.BytesIO()
    wb.save(out)
    assert _upload(client, camp, org, out.getvalue()).status_code == 302
    assert Response.objects.get(organisation=org).latest.data["metiers"][0]["code_ogr"] == app.code_ogr


def test_example_row_left_in_is_refused_with_its_line(company_world):
    camp, org, client = company_world
    body = _fill(_template(client, camp, org), org, h.appellation("J1501").libelle, keep_example=True)
    r = _upload(client, camp, org, body, name="mon-classeur.xlsx")
    page = r.content.decode()
    assert r.status_code == 400 and not Response.objects.filter(organisation=org).exists()
    assert (
        "fichier « mon-classeur.xlsx », feuille « Etablissements », ligne 2, colonne « Ligne d&#x27;exemple »"
        in page
    )
    assert "ligne d&#x27;exemple du modèle : supprimez-la" in page


def test_unknown_label_names_file_line_and_field(company_world):
    camp, org, client = company_world
    body = _fill(_template(client, camp, org), org, "Dompteur de nuages")
    r = _upload(client, camp, org, body, name="nuages.xlsx")
    page = r.content.decode()
    assert r.status_code == 400 and not Response.objects.filter(organisation=org).exists()
    assert (
        "fichier « nuages.xlsx », feuille « Metiers », ligne 2, colonne « Appellation ROME (libellé) »"
        in page
    )
    assert "appellation « Dompteur de nuages » inconnue du ROME" in page


def test_another_siret_or_a_reader_is_refused(company_world):
    camp, org, client = company_world
    other = h.company("Autre")
    body = _fill(_template(client, camp, org), other, h.appellation("J1501").libelle)
    r = _upload(client, camp, org, body)
    assert r.status_code == 400 and "ce n&#x27;est pas celui de" in r.content.decode()
    reader = Client()
    reader.force_login(h.user("lecteur@classeur.test", org, READER))
    assert _upload(reader, camp, org, body).status_code == 403
    page = reader.get(reverse("questionnaire", args=[camp.pk, org.pk])).content.decode()
    assert "questionnaire_workbook" not in page and 'type="file"' not in page
    assert not Response.objects.filter(organisation=org).exists()


# ---- coordinators add organisations ---------------------------------------------------------------------


@pytest.fixture
def coord_world():
    camp = h.campaign()
    coord = h.user("coord@liste.test", role=COORDINATOR, terr=camp.territory)
    client = Client()
    client.force_login(coord)
    return camp, coord, client


def _siret(n: int) -> str:
    from gtec_core.siret import make_siret

    return make_siret(f"7{n:07d}", "0011")


def test_coordinator_creates_and_invites_one_organisation(coord_world):
    camp, coord, client = coord_world
    url = reverse("organisation_add", args=[camp.pk])
    assert "Créer et inviter" in client.get(url).content.decode()
    r = client.post(url, {"raison_sociale": "Garage du Lac", "siret": _siret(1), "naf": "4520A",
                          "commune": "56260", "courriel": "Patron@Garage.example"})  # fmt: skip
    assert r.status_code == 302
    org = Organisation.objects.get(siret=_siret(1))
    assert (org.name, org.naf, org.commune.code) == ("Garage du Lac", "45.20A", "56260")
    assert Participation.objects.filter(campaign=camp, organisation=org).exists()
    inv = Invitation.objects.get(organisation=org)
    assert (inv.email, inv.role) == ("patron@garage.example", ADMIN)
    assert mail.outbox[-1].to == ["patron@garage.example"] and inv.token in mail.outbox[-1].body
    # a bad SIRET (Luhn) and a commune outside the territory: nothing created
    before = Organisation.objects.count()
    r = client.post(url, {"raison_sociale": "X", "siret": "73282932000075", "commune": "56260",
                          "courriel": "a@b.example"})  # fmt: skip
    assert r.status_code == 400 and "clé de Luhn" in r.content.decode()
    r = client.post(
        url, {"raison_sociale": "X", "siret": _siret(2), "commune": "29232", "courriel": "a@b.fr"}
    )
    assert r.status_code == 400 and Organisation.objects.count() == before


def _csv(rows, sep=";") -> bytes:
    out = io.StringIO()
    w = csv.writer(out, delimiter=sep)
    w.writerow(["raison sociale", "SIRET", "courriel", "commune", "code NAF"])
    w.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _post_list(client, camp, body: bytes, name="liste.csv"):
    return client.post(
        reverse("organisation_roster", args=[camp.pk]), {"fichier": SimpleUploadedFile(name, body)}
    )


def test_csv_list_is_all_or_nothing_with_line_and_column(coord_world):
    camp, coord, client = coord_world
    good = [["Boulangerie A", _siret(3), "a@a.example", "Vannes", "10.71C"],
            ["Hôtel B", _siret(4), "b@b.example", "56260", "5510Z"]]  # fmt: skip
    bad = good + [["Café C", "12345678901234", "c@c.example", "Vannes", ""],
                  ["Ferme D", _siret(5), "pas-un-courriel", "Quimper", "0111Z"]]  # fmt: skip
    sent = len(mail.outbox)
    r = _post_list(client, camp, _csv(bad), name="entreprises.csv")
    page = r.content.decode()
    assert r.status_code == 400
    assert "fichier « entreprises.csv », ligne 4, colonne « SIRET »" in page
    assert "fichier « entreprises.csv », ligne 5, colonne « courriel »" in page
    assert not Organisation.objects.filter(siret__in=[_siret(3), _siret(4)]).exists()
    assert len(mail.outbox) == sent and not Invitation.objects.exists()
    r = _post_list(client, camp, _csv([*good, ["Ferme D", _siret(5), "d@d.example", "Quimper", ""]]))
    assert r.status_code == 400 and "ligne 4, colonne « commune »" in r.content.decode()
    assert not Organisation.objects.filter(siret=_siret(3)).exists()
    r = _post_list(client, camp, _csv(good, sep=","))
    assert r.status_code == 302
    assert camp.participations.count() == 2 and Invitation.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox[sent:]) == ["a@a.example", "b@b.example"]
    assert "questionnaire « Campagne test »" in mail.outbox[-1].body
    # the same list again: idempotent, no second mail
    assert _post_list(client, camp, _csv(good)).status_code == 302
    assert Invitation.objects.count() == 2 and len(mail.outbox) == sent + 2


def test_csv_list_bounds_and_other_territory(coord_world):
    camp, coord, client = coord_world
    from gtec_core.surveys.roster import MAX_ROWS

    rows = [[f"Org {i}", _siret(100 + i), f"o{i}@x.example", "Vannes", ""] for i in range(MAX_ROWS + 1)]
    r = _post_list(client, camp, _csv(rows))
    assert r.status_code == 400 and f"plus de {MAX_ROWS} organisations" in r.content.decode()
    assert Organisation.objects.filter(name__startswith="Org ").count() == 0
    assert _post_list(client, camp, b"raison sociale;SIRET\nA;1\n").status_code == 400
    # a coordinator of another territory is refused, and so is a member of a company
    from gtec.territories.models import Territory

    other = Client()
    other.force_login(
        h.user("coord29@liste.test", role=COORDINATOR, terr=Territory.objects.get(key="dep:29"))
    )
    assert _post_list(other, camp, _csv(rows[:1])).status_code == 403
    assert other.get(reverse("organisation_add", args=[camp.pk])).status_code == 403


def test_csv_list_reads_the_commune_as_the_forms_do(coord_world):
    """The list reads a commune the way the forms and the workbook do (`gtec_core.communes`): the name
    with its département, case and accents ignored."""
    camp, coord, client = coord_world
    rows = [["Boulangerie E", _siret(6), "e@e.example", "VANNES (56)", ""],
            ["Hôtel F", _siret(7), "f@f.example", "vannes - 56", ""]]  # fmt: skip
    assert _post_list(client, camp, _csv(rows)).status_code == 302
    assert set(
        Organisation.objects.filter(siret__in=[_siret(6), _siret(7)]).values_list("commune__code", flat=True)
    ) == {"56260"}


def test_an_organisation_with_its_own_accounts_is_not_handed_to_a_new_admin(coord_world):
    camp, coord, client = coord_world
    org = h.company("Déjà servie")
    h.user("boss@servie.test", org, ADMIN)
    r = _post_list(client, camp, _csv([["Déjà servie", org.siret, "intrus@x.example", "Vannes", ""]]))
    assert r.status_code == 400 and "a déjà ses propres comptes" in r.content.decode()
    assert not Invitation.objects.filter(organisation=org).exists()


# ---- exports of the published results -------------------------------------------------------------------


def _page_secrets(html: str) -> tuple[set, int]:
    """The « s » cells of the results page: (table title, row code, zone), and how many cells it shows."""
    doc = lxml.html.fromstring(html)
    found, cells = set(), 0
    for table in doc.xpath("//table[starts-with(@data-table, 'needs-')]"):
        title = table.xpath("ancestor::section[1]//h2")[0].text_content().split(",")[0].strip()
        zones = [th.text_content().strip() for th in table.xpath(".//thead//th")][1:]
        for tr in table.xpath(".//tbody/tr"):
            tds = tr.xpath("./td")
            tag = tds[0].xpath(".//span[@class='tag']")
            code = tag[0].text_content().strip() if tag else "Total"
            for zone, td in zip(zones, tds[1:], strict=True):
                cells += 1
                if td.text_content().strip() == "s":
                    found.add((title, code, zone))
    return found, cells


def test_every_cell_the_page_hides_is_hidden_in_both_exports():
    camp = h.campaign()
    for i in range(4):
        h.submit(camp, h.company(f"Vannes {i}"), h.answer("J1501", hires=2 + i))
    h.submit(camp, h.company("Seule", commune=h.commune("56184")), h.answer("J1501", hires=7))
    h.submit(camp, h.company("Rare"), h.answer("D1106", hires=1))
    page = Client().get(reverse("campaign_results", args=[camp.pk])).content.decode()
    secrets, shown = _page_secrets(page)
    assert len(secrets) >= 2 and shown > len(secrets)
    for fmt in ("csv", "xlsx"):
        assert reverse("campaign_export", args=[camp.pk, fmt]) in page
    r = Client().get(reverse("campaign_export", args=[camp.pk, "csv"]))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    wb = openpyxl.load_workbook(
        io.BytesIO(Client().get(reverse("campaign_export", args=[camp.pk, "xlsx"])).content)
    )
    sheet = list(wb.active.iter_rows(values_only=True))
    head = sheet.index(
        ("tableau", "code", "libelle", "zone", "valeur", "unite", "part_pourcentage", "secret")
    )
    xrows = [dict(zip(sheet[head], row, strict=True)) for row in sheet[head + 1 :]]
    for label, table in (("csv", rows), ("xlsx", xrows)):
        by_cell = {(x["tableau"], x["code"], x["zone"]): x for x in table}
        for cell in secrets:
            assert by_cell[cell]["secret"] == "s" and by_cell[cell]["valeur"] in ("", None), (label, cell)
        exported = {
            k for k, x in by_cell.items() if x["secret"] == "s" and k[0].startswith(("Recrut", "Départ"))
        }
        assert exported == secrets, label
        for x in table:  # a secret cell never carries its value (an empty XLSX cell reads None)
            status = x["secret"] or ""
            assert status in ("s", "") and (status == "" or x["valeur"] in ("", None))
    published = [x for x in xrows if not x["secret"] and x["unite"] == "postes"]
    assert published and all(isinstance(x["valeur"], int) for x in published)  # numbers as numbers
    total = next(
        x for x in xrows if x["code"] == "J1501" and x["zone"] == "Territoire" and x["unite"] == "postes"
    )
    assert total["valeur"] == sum(2 + i for i in range(4)) + 7 or total["secret"] == "s"


def test_export_of_a_draft_campaign_is_not_public_and_formula_text_is_inert():
    camp = h.campaign(open_=False)
    assert Client().get(reverse("campaign_export", args=[camp.pk, "csv"])).status_code == 404
    camp = h.campaign()
    camp.name = '=HYPERLINK("http://evil.example")'
    camp.save()
    body = Client().get(reverse("campaign_export", args=[camp.pk, "xlsx"])).content
    first = openpyxl.load_workbook(io.BytesIO(body)).active["A1"].value
    assert first.startswith("'=")
    assert Client().get(reverse("campaign_export", args=[camp.pk, "pdf"])).status_code == 404


def test_a_damaged_file_is_a_french_400(company_world):
    camp, org, client = company_world
    r = _upload(client, camp, org, b"ceci n'est pas un classeur", name="casse.xlsx")
    assert r.status_code == 400 and "casse.xlsx" in r.content.decode() and "illisible" in r.content.decode()


def test_workbooks_of_the_older_template_with_coded_headers_still_import(tmp_path, data_dir):
    from gtec_core.demo import survey as demo
    from gtec_core.surveys.columns import code_of

    rows = demo.generate(data_dir, n=2, seed=3)
    path = demo.write(tmp_path / "ancien.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    for title in (SHEET_ORG, SHEET_OCC, SHEET_SKILL):
        ws = wb[title]
        ws.delete_cols(1)  # no example column, and the codes as headers, as before
        for cell in ws[1]:
            cell.value = code_of(cell.value)
        if title == SHEET_SKILL:
            ws.delete_cols([c.value for c in ws[1]].index("appellation") + 1)
    wb.save(path)
    assert [c.value for c in wb[SHEET_ORG][1]][:2] == ["siret", "raison_sociale"]
    count, errors = services.workbook_import(campaign=h.campaign(), path=path)
    assert errors == [] and count == 2


@pytest.mark.parametrize("typed", ["Vannes", "VANNES", "vannes", "Vannes (56)", "56260", 56260])
def test_commune_by_name_case_and_accents_aside_or_by_code(company_world, typed):
    camp, org, client = company_world
    body = _fill(_template(client, camp, org), org, h.appellation("J1501").libelle, commune=typed)
    assert _upload(client, camp, org, body).status_code == 302
    assert Response.objects.filter(organisation=org).exists()


def test_commune_with_accents_typed_without_them(tmp_path, data_dir):
    """« sene » is Séné, « SAINT AVE » is Saint-Avé: the name as a person types it."""
    from gtec_core.demo import survey as demo

    rows = demo.generate(data_dir, n=2, seed=3)
    path = demo.write(tmp_path / "noms.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    _set(wb[SHEET_ORG], 2, {"code_insee": "sene"})
    _set(wb[SHEET_ORG], 3, {"code_insee": "SAINT AVE"})
    wb.save(path)
    count, errors = services.workbook_import(campaign=h.campaign(), path=path)
    assert errors == [] and count == 2
    got = {o.siret: o.commune.code for o in Organisation.objects.filter(siret__in=[e.siret for e in rows])}
    assert got == {rows[0].siret: "56243", rows[1].siret: "56206"}


def test_unknown_commune_names_file_sheet_line_column_and_the_closest_name(company_world):
    camp, org, client = company_world
    body = _fill(_template(client, camp, org), org, h.appellation("J1501").libelle, commune="Vanes")
    r = _upload(client, camp, org, body, name="communes.xlsx")
    page = r.content.decode()
    assert r.status_code == 400 and not Response.objects.filter(organisation=org).exists()
    assert "fichier « communes.xlsx », feuille « Etablissements », ligne 2, colonne « Commune »" in page
    assert "commune « Vanes » inconnue ou hors du territoire (la plus proche : « Vannes »)" in page


def test_homonyms_in_the_territory_are_told_apart_by_departement():
    from gtec_core.communes import Commune
    from gtec_core.surveys.workbook import Referential, _Reader

    ref = Referential({}, set(), {"15187": "Saint-Pierre", "97416": "Saint-Pierre", "56260": "Vannes"})
    reader = _Reader(ref, "dom.xlsx")
    assert reader.commune(SHEET_ORG, 2, {"code_insee": "saint-pierre (974)"}) == "97416"
    assert reader.commune(SHEET_ORG, 3, {"code_insee": "Saint-Pierre (15)"}) == "15187"
    assert reader.errors == []
    assert reader.commune(SHEET_ORG, 4, {"code_insee": "Saint-Pierre"}) == ""
    assert reader.commune(SHEET_ORG, 5, {"code_insee": "Saint-Piere"}) == ""
    first, second = (str(e) for e in reader.errors)
    assert first == (
        "fichier « dom.xlsx », feuille « Etablissements », ligne 4, colonne « Commune » : Plusieurs communes "
        "s'appellent « Saint-Pierre » : précisez le département, par exemple « Saint-Pierre (15) » ou "
        "« Saint-Pierre (974) »."
    )
    assert (
        "ligne 5" in second and "(la plus proche : « Saint-Pierre (" in second
    )  # named with its département
    assert Commune("97416", "Saint-Pierre").label == "Saint-Pierre (974)"


def test_older_header_commune_code_insee_is_still_read():
    from gtec_core.surveys.columns import code_of

    assert code_of("Commune (code INSEE)") == code_of("commune") == "code_insee"
