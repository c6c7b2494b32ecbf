"""Pages, exports and CLI of the prospective area."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gtec.prospective.models import StaffingCell, StressTest

pytestmark = pytest.mark.django_db
PAGE = "/territoires/custom:pays-de-vannes/prospective/"


def test_prospective_page_with_comparison_chart_and_classes(client):
    response = client.get(PAGE + "?scenario=reference&comparer=covid&horizon=2035")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "seg-remplacement" in html and "seg-expansion" in html
    assert "Tensions qui pourraient s&#x27;accentuer" in html or "Tensions qui pourraient s'accentuer" in html
    assert "Variante crise de type Covid" in html and "Écart" in html
    assert "Les métiers en 2030" in html
    for command in ("gtec import", "gtec project", "gtec stress", "manage.py"):
        assert command not in html  # no developer command on a public page


@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        (PAGE + "?scenario=lune", 400, "scénario inconnu"),
        (PAGE + "?horizon=2010", 400, "année de base"),
        ("/territoires/reg:01/prospective/", 400, "hors du champ"),
        ("/territoires/zz:1/prospective/", 404, ""),
    ],
)
def test_bad_input_pages(client, url, status, text):
    response = client.get(url)
    assert response.status_code == status
    assert text in response.content.decode()


def test_local_scenario_posted(client):
    response = client.post(
        PAGE, {"local": "nom: Usine\nemployeurs: [{secteur: CA, emplois: 400}]", "horizon": "2030"}
    )
    assert response.status_code == 200 and "Usine" in response.content.decode()
    bad = client.post(PAGE, {"local": "employeurs: [{secteur: XX, emplois: 4}]"})
    assert bad.status_code == 400 and "NAF A38 inconnu" in bad.content.decode()


def test_exports(client):
    csv = client.get(PAGE.replace("prospective/", "prospective/export.csv") + "?scenario=bas-carbone")
    text = csv.content.decode("utf-8-sig")
    assert csv.status_code == 200 and text.startswith("territoire;scenario;horizon;fap")
    assert "bas-carbone" in text
    xlsx = client.get(PAGE + "export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(PAGE + "export.csv?scenario=lune").status_code == 400


def test_stress_form_saves_a_permalink(client):
    page = client.get("/territoires/custom:pays-de-vannes/stress/")
    assert page.status_code == 200 and "Confinement de mars 2020" in page.content.decode()
    bad = client.post("/territoires/custom:pays-de-vannes/stress/", {"pertes": "IZ=2"})
    assert bad.status_code == 400 and "taux entre 0 et 1" in bad.content.decode()
    posted = client.post(
        "/territoires/custom:pays-de-vannes/stress/",
        {"nom": "Saison ratée", "preset": "tourisme", "duree_mois": "4"},
    )
    assert posted.status_code == 302
    saved = StressTest.objects.get(name="Saison ratée")
    assert posted["Location"].endswith(f"/stress/{saved.token}/")
    result = client.get(posted["Location"])
    html = result.content.decode()
    assert (
        result.status_code == 200 and "Actifs déplacés par métier" in html and "Où peuvent-ils aller" in html
    )
    export = client.get(posted["Location"] + "export.csv")
    assert export.status_code == 200 and "actifs_deplaces" in export.content.decode("utf-8-sig")
    assert client.get("/territoires/dep:56/stress/" + saved.token + "/").status_code == 404


def test_cli_project_and_stress(tmp_path):
    out = io.StringIO()
    target = tmp_path / "p.csv"
    call_command(
        "project",
        "--territory",
        "dep:56",
        "--scenario",
        "covid",
        "--horizon",
        "2035",
        "--out",
        str(target),
        stdout=out,
    )
    assert "familles écrites" in out.getvalue() and target.read_text("utf-8-sig").count("\n") > 50
    xlsx = tmp_path / "p.xlsx"
    call_command("project", "--territory", "dep:56", "--format", "xlsx", "--out", str(xlsx), stdout=out)
    assert xlsx.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError, match="scénario inconnu"):
        call_command("project", "--territory", "dep:56", "--scenario", "lune")
    with pytest.raises(CommandError, match="avant|suivre"):
        call_command("project", "--territory", "dep:56", "--horizon", "2018")
    shock = tmp_path / "choc.yaml"
    shock.write_text("nom: BTP\npertes: {FZ: 0.3}\n", encoding="utf-8")
    result = tmp_path / "r.json"
    call_command(
        "stress",
        "--territory",
        "dep:56",
        "--shock",
        str(shock),
        "--format",
        "json",
        "--out",
        str(result),
        stdout=out,
    )
    data = json.loads(result.read_text("utf-8"))
    assert data["choc"] == "BTP" and data["deplaces_par_metier"]
    shock.write_text("nom: x\npertes: {FZ: 0.3}\nfermetures: [abc]\n", encoding="utf-8")
    with pytest.raises(CommandError, match="choc.yaml, ligne 3, champ « fermetures »"):
        call_command("stress", "--territory", "dep:56", "--shock", str(shock))
    with pytest.raises(CommandError, match="introuvable"):
        call_command("stress", "--territory", "dep:56", "--shock", str(tmp_path / "none.yaml"))


def test_staffing_import_replaces_the_default_matrix(tmp_path):
    path = tmp_path / "matrice.csv"
    path.write_text("secteur;fap;effectif\nIZ;S1Z;100\nIZ;S2Z;300\nFZ;B4Z;50\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_data", "staffing", str(path), stdout=out)
    call_command("import_data", "staffing", str(path), stdout=out)
    assert "3 inchangés" in out.getvalue()
    assert StaffingCell.objects.filter(source="import").count() == 3
    path.write_text("secteur;fap;effectif\nIZ;S1Z;cent\n", encoding="utf-8")
    with pytest.raises(CommandError, match="ligne 2.*effectif"):
        call_command("import_data", "staffing", str(path), stdout=out)
    assert StaffingCell.objects.filter(source="import").count() == 3


def test_occupation_page_gains_its_projection(client):
    html = client.get("/territoires/custom:pays-de-vannes/metiers/J1501/").content.decode()
    assert "Postes à pourvoir d&#x27;ici 2030" in html or "Postes à pourvoir d'ici 2030" in html
    assert 'Aides-soignants <small class="muted">V0Z</small>' in html
