"""The nine kinds of 500 of the security review (2026-12-04, §2, §3, §6.3, §8): each request now gets a
4xx (or its normal page) with a French message, never a server error."""

from __future__ import annotations

import io
import json
import threading
import zipfile

import pytest
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from gtec.organisations.models import ADMIN
from gtec.surveys import services
from gtec.surveys.models import ResponseVersion
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_bad_limit_on_appellations_api(client):
    for limit in ("x", "-1", "1e9", "99999999999999999999"):
        r = client.get("/api/appellations", {"q": "cuisinier", "limit": limit})
        assert r.status_code == 200, limit
        assert 1 <= len(r.json()["results"]) <= 50, limit


def test_territory_key_with_a_slash(client):
    for key in ("a/b", "<script>alert(1)</script>/x", "commune:56260/../x"):
        assert client.get("/", {"territoire": key}).status_code == 404


def test_line_break_in_periode_on_exports(client):
    url = reverse("labour_export", args=["custom:pays-de-vannes", "offers_demand_ratio", "csv"])
    r = client.get(url, {"periode": "a\r\nSet-Cookie: x=1"})
    assert r.status_code == 400 and "Période invalide" in r.content.decode()
    assert "Set-Cookie" not in r.headers
    r = client.get(url, {"periode": 'a"b'})
    assert r.status_code == 400
    r = client.get("/api/indicateurs/offers_demand_ratio", {"periode": "2024\n"})
    assert r.status_code == 400


def test_long_territory_search(client):
    r = client.get(reverse("territory_search"), {"q": "a" * 60_000})
    assert r.status_code == 200


def _answering_client():
    camp, org = h.campaign(), h.company()
    services.campaign_invite(camp, [org])
    h.user("boss@example.org", org, ADMIN)
    c = Client(raise_request_exception=False)
    c.login(username="boss@example.org", password="mot-de-passe-test")
    return c, camp, org


@pytest.mark.parametrize("depth", [50_000, 200])
def test_deeply_nested_json_in_questionnaire_and_autosave(depth):
    c, camp, org = _answering_client()
    deep = "[" * depth + "]" * depth
    r = c.post(reverse("questionnaire", args=[camp.pk, org.pk]), {"data": deep, "base_version": 0})
    assert r.status_code == 400
    body = json.dumps({"data": {"metiers": json.loads("[" * 100 + "]" * 100)}, "base_version": 0})
    if depth > 1000:
        body = '{"data": ' + deep + ', "base_version": 0}'
    r = c.post(
        reverse("questionnaire_autosave", args=[camp.pk, org.pk]), body, content_type="application/json"
    )
    assert r.status_code == 400 and "imbrication" in r.json()["error"]


def test_oversized_autosave_is_refused_before_any_work():
    """Review §2.1: 40,000 occupations (≈2 MB) cost 2 s of CPU before the 409."""
    c, camp, org = _answering_client()
    data = h.answer()
    data["metiers"] = data["metiers"] * 40_000
    body = json.dumps({"data": data, "base_version": 5})
    r = c.post(
        reverse("questionnaire_autosave", args=[camp.pk, org.pk]), body, content_type="application/json"
    )
    assert r.status_code == 400 and "trop volumineuses" in r.json()["error"]


def test_nul_character_in_answers():
    """A NUL in a free-text answer: PostgreSQL refused it with a 500; now a 400 on both databases."""
    c, camp, org = _answering_client()
    data = h.answer(besoins_formation="avant\u0000après")
    r = c.post(
        reverse("questionnaire_autosave", args=[camp.pk, org.pk]),
        json.dumps({"data": data, "base_version": 0}),
        content_type="application/json",
    )
    assert r.status_code == 400 and "caractère nul" in r.json()["error"]
    r = c.post(
        reverse("questionnaire", args=[camp.pk, org.pk]), {"data": json.dumps(data), "base_version": 0}
    )
    assert r.status_code == 400
    assert not ResponseVersion.objects.filter(response__organisation=org).exists()


def _xlsx_with(sheet_xml_prefix: str, tmp_path, row: str = ""):
    """The empty template with `sheet_xml_prefix` (a DOCTYPE…) put in front of the Etablissements sheet, and
    `row` (XML of a row) added to its data."""
    from gtec_core.surveys.template import write_workbook

    path = write_workbook(tmp_path / "base.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet3.xml":
                text = data.decode()
                head, rest = text.split("?>", 1) if text.startswith("<?xml") else ("", text)
                if row:
                    rest = rest.replace("</sheetData>", row + "</sheetData>").replace(
                        "<sheetData/>", f"<sheetData>{row}</sheetData>"
                    )
                    assert row in rest
                data = ((head + "?>") if head else "").encode() + sheet_xml_prefix.encode() + rest.encode()
            dst.writestr(info, data)
    return out.getvalue()


# The review's file: a billion laughs (10^9 « lol ») and an external entity, both referenced in a row.
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    + '<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
)
ENTITY_ROW = (
    '<row r="9"><c r="B9" t="inlineStr"><is><t>&xxe;</t></is></c>'
    '<c r="C9" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
)


def _coordinator_client():
    camp = h.campaign()
    coord = h.user("coord@example.org", role="coordinateur", terr=camp.territory)
    c = Client(raise_request_exception=False)
    c.force_login(coord)
    return c, camp


def _upload(c, camp, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return c.post(
        reverse("campaign_import", args=[camp.pk]),
        {"fichier": SimpleUploadedFile("reponses.xlsx", content)},
    )


@pytest.mark.parametrize("parser", ["defusedxml", "expat"])
def test_doctype_inside_an_uploaded_workbook(tmp_path, monkeypatch, parser):
    """Review §6.3: DOCTYPE + XXE + billion laughs in sheet3.xml gave a 500 ParseError (expat). The review's
    install had no defusedxml, so openpyxl read the sheets with the standard library's expat, which accepts
    the DOCTYPE and fails only on the first entity reference, inside the rows. Both parsers are tried: the
    one openpyxl picks with defusedxml installed (refused on opening) and expat (refused while reading)."""
    if parser == "expat":
        import xml.etree.ElementTree as ET

        from openpyxl.worksheet import _reader

        monkeypatch.setattr(_reader, "iterparse", ET.iterparse)
    c, camp = _coordinator_client()
    r = _upload(c, camp, _xlsx_with(BILLION_LAUGHS, tmp_path, row=ENTITY_ROW))
    page = r.content.decode()
    assert r.status_code == 400 and "illisible" in page
    assert "lollol" not in page and not ResponseVersion.objects.exists()


def test_workbook_zip_bomb_is_refused_before_reading(tmp_path):
    """Review §6.3: 1.5 M empty rows (7.4 MB → 60 MB) cost 25 s of CPU."""
    c, camp = _coordinator_client()
    from gtec_core.surveys.workbook import MAX_UNCOMPRESSED_BYTES

    rows = "<row/>" * (MAX_UNCOMPRESSED_BYTES // 6 + 1)  # compresses about 1000 to 1
    content = _xlsx_with("", tmp_path)  # the base workbook
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet3.xml":
                data = data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            dst.writestr(info.filename, data)
    r = _upload(c, camp, out.getvalue())
    assert r.status_code == 400 and "décompressé" in r.content.decode()


def test_workbook_rows_and_error_list_are_capped(tmp_path):
    """Review §6.3: 300 k filled rows gave 600,003 errors in a 66 MB page. The rows per sheet and the
    listed errors are capped (the first 100, then their count)."""
    import openpyxl

    from gtec_core.surveys.template import write_workbook
    from gtec_core.surveys.workbook import MAX_ERRORS, MAX_ROWS, SHEET_ORG

    path = write_workbook(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    for title in ("Etablissements", "Metiers", "Competences"):
        wb[title].delete_rows(2)  # the template's example rows, as a person deletes them
    ws = wb[SHEET_ORG]
    for i in range(MAX_ROWS + 50):
        ws.append([None, "123", f"x{i}", "00000"])  # after the « Ligne d'exemple » column
    wb.save(path)
    c, camp = _coordinator_client()
    r = _upload(c, camp, path.read_bytes())
    page = r.content.decode()
    assert r.status_code == 400 and page.count("feuille « Etablissements »") == MAX_ERRORS
    assert "autre(s) erreur(s) non listée(s)" in page and len(page) < 200_000
    assert f"plus de {MAX_ROWS} lignes" in page  # the reading stopped at the cap


def test_template_download_is_cached_and_hidden_for_drafts(client):
    from django.core.cache import cache

    camp = h.campaign()
    r = client.get(reverse("workbook_template", args=[camp.pk]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert any(k for k in cache._cache if "gtec-survey-template" in str(k))  # noqa: SLF001 (LocMemCache)
    draft = h.campaign(open_=False)
    assert client.get(reverse("workbook_template", args=[draft.pk])).status_code == 404


def _in_thread(fn):
    out: list = []

    def run():
        try:
            out.append(fn())
        finally:
            close_old_connections()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return out[0] if out else None


def test_simultaneous_autosaves_give_409_not_database_locked():
    """Review §8: two autosaves of one draft at the same instant gave « database is locked » (500) in 32 of
    40 rounds on SQLite. Committed data and real threads: one save wins, the other gets the Conflict."""

    def setup():
        camp, org = h.campaign(), h.company("Concurrence")
        services.campaign_invite(camp, [org])
        return camp, org

    camp, org = _in_thread(setup)
    try:
        outcomes = []
        for round_ in range(8):
            barrier = threading.Barrier(2)
            got: list = []

            def save(i, base=round_, barrier=barrier, got=got):
                try:
                    barrier.wait()
                    services.response_save(
                        campaign=camp,
                        organisation=org,
                        data=h.answer(effectif=100 * base + i + 1),
                        base_version=base,
                    )
                    got.append("ok")
                except services.Conflict:
                    got.append("409")
                except Exception as exc:  # noqa: BLE001 — the failure this test is about
                    got.append(type(exc).__name__ + ": " + str(exc))
                finally:
                    close_old_connections()

            threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            outcomes.append(sorted(got))
        assert outcomes == [["409", "ok"]] * 8
    finally:

        def cleanup():
            camp.delete()
            org.delete()

        _in_thread(cleanup)
