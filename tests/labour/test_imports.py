"""Labour-market importers on the real files (BMO 2024, Dares tensions and portraits) and on small hand-written
files (STMT, offers, SIRENE): content, `*` kept as null, idempotence, scopes, all-or-nothing on bad input."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from gtec.imports.models import ImportRun
from gtec.labour import models as m
from gtec.labour.imports.bmo import bmo_import
from gtec.labour.imports.dares import dares_import
from gtec.labour.imports.establishments import sirene_import
from gtec.labour.imports.jobseekers import stmt_import
from gtec.labour.imports.offers import offers_import
from gtec_core.errors import SourceError
from gtec_core.sources import bmo as bmo_source

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def bmo_frame(data_dir) -> pl.DataFrame:
    return bmo_source.read_bmo(data_dir / "bmo" / "Base_open_data_BMO_2024.xlsx")


def test_bmo_real_file_is_stored_cell_by_cell(bmo_frame):
    assert m.BmoProjet.objects.count() == bmo_frame.height
    vannes = m.BmoProjet.objects.filter(annee=2024, code_bassin="5310")
    expected = bmo_frame.filter(pl.col("bassin") == 5310)
    assert vannes.count() == expected.height
    assert vannes.aggregate(n=Sum("projets"))["n"] == expected["projects"].sum()


def test_bmo_secret_cells_stay_null_never_zero(bmo_frame):
    secret = bmo_frame.filter(pl.col("difficult_projects_secret"))
    assert secret.height > 0
    row = secret.row(0, named=True)
    stored = m.BmoProjet.objects.get(
        annee=2024,
        code_bassin=str(row["bassin"]),
        code_departement=row["departement"],
        code_metier=row["metier_code"],
    )
    assert stored.difficiles is None
    assert m.BmoProjet.objects.filter(difficiles__isnull=True).count() == secret.height


def test_bmo_reimport_changes_nothing(data_dir):
    before = ImportRun.objects.filter(source="bmo").count()
    _, counts = bmo_import(data_dir / "bmo")
    c = counts["bmo"]
    assert (c.created, c.updated, c.deleted) == (0, 0, 0)
    assert c.unchanged == m.BmoProjet.objects.count()
    assert ImportRun.objects.filter(source="bmo").count() == before + 1


def test_bmo_broken_csv_names_line_and_column_and_stores_nothing(tmp_path, data_dir):
    source = (data_dir / "bmo" / "BMO_2024_Bretagne_extract.csv").read_text(encoding="utf-8").splitlines()
    source[3] = source[3].rsplit(",", 1)[0] + ",douze"
    bad = tmp_path / "bmo.csv"
    bad.write_text("\n".join(source) + "\n", encoding="utf-8")
    before = m.BmoProjet.objects.count()
    with pytest.raises(SourceError) as err:
        bmo_import(bad)
    assert err.value.line == 4 and err.value.column == "smet"
    assert m.BmoProjet.objects.count() == before


def test_dares_published_tension_and_portraits():
    row = m.DaresTension.objects.get(annee=2019, code_fap="A0Z40", niveau_geo="nat", code_geo="FR")
    assert row.tension == pytest.approx(-0.006062928049646171)
    assert row.categorie == 3 and row.emploi_moyen == 63100
    assert m.DaresTension.objects.filter(niveau_geo="dep", code_geo="56").exists()
    assert m.DaresSerie.objects.filter(
        tableau="effectifs", code_fap="ZZZZZ", periode="2018"
    ).get().valeur == pytest.approx(104.91581)
    assert m.DaresSerie.objects.filter(tableau="demandeurs", modalite="ABC").count() == 7128
    # imputed rows keep their value and have no category
    assert m.DaresTension.objects.filter(categorie__isnull=True, tension__isnull=False).exists()


def test_dares_reimport_changes_nothing(data_dir):
    _, counts = dares_import(data_dir)
    assert all(not c.changed for c in counts.values())


STMT = """periode;categorie;niveau_geo;code_geo;code_rome;stock;entrees;sorties
2024-01;A;commune;56260;J1501;40;6;4
2024-01;ABC;commune;56260;J1501;55;8;5
2024-02;A;commune;56260;J1501;42;5;3
2024-02;ABC;commune;56260;J1501;57;7;*
"""


def test_stmt_import_scope_and_secret(tmp_path):
    path = tmp_path / "stmt.csv"
    path.write_text(STMT, encoding="utf-8")
    stmt_import(path)
    assert m.DemandeurEmploi.objects.count() == 4
    secret = m.DemandeurEmploi.objects.get(mois=date(2024, 2, 1), categorie="ABC")
    assert secret.sorties is None and secret.stock == 57
    _, counts = stmt_import(path)
    assert counts["demandeurs"].unchanged == 4 and not counts["demandeurs"].changed
    # a file for February only replaces February, January is kept
    february = tmp_path / "stmt-02.csv"
    february.write_text(STMT.splitlines()[0] + "\n2024-02;A;commune;56260;J1501;43;5;3\n", encoding="utf-8")
    _, counts = stmt_import(february)
    assert (counts["demandeurs"].updated, counts["demandeurs"].deleted) == (1, 1)
    assert m.DemandeurEmploi.objects.filter(mois=date(2024, 1, 1)).count() == 2


def test_stmt_bad_count_is_refused_with_line(tmp_path):
    path = tmp_path / "stmt.csv"
    path.write_text(
        STMT.replace("2024-02;A;commune;56260;J1501;42", "2024-02;A;commune;56260;J1501;-42"),
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as err:
        stmt_import(path)
    assert err.value.line == 4 and err.value.column == "stock"
    assert not m.DemandeurEmploi.objects.exists()


def offer(
    ident: str,
    rome: str = "J1501",
    contract: str = "CDI",
    label: str = "Contrat à durée indéterminée",
    **extra,
) -> dict:
    return {
        "id": ident,
        "intitule": "Aide-soignant / Aide-soignante (H/F)",
        "dateCreation": "2024-03-04T10:00:00.000Z",
        "dateActualisation": "2024-03-05T10:00:00.000Z",
        "lieuTravail": {"libelle": "56 - VANNES", "commune": "56260"},
        "romeCode": rome,
        "appellationlibelle": "Aide-soignant / Aide-soignante",
        "typeContrat": contract,
        "typeContratLibelle": label,
        "dureeTravailLibelleConverti": "Temps plein",
        "qualificationCode": "6",
        "nombrePostes": 1,
        "offresManqueCandidats": True,
        "competences": [{"code": "123456", "libelle": "Réaliser des soins d'hygiène", "exigence": "S"}],
        **extra,
    }


def write_jsonl(path, offers) -> None:
    path.write_text("\n".join(json.dumps(o, ensure_ascii=False) for o in offers) + "\n", encoding="utf-8")


def test_offers_import_fields_durability_and_idempotence(tmp_path):
    path = tmp_path / "offres.jsonl"
    write_jsonl(
        path,
        [
            offer("100AAA"),
            offer("100AAB", contract="CDD", label="CDD - 12 Mois"),
            offer(
                "100AAC", contract="CDD", label="CDD - 3 Mois", dureeTravailLibelleConverti="Temps partiel"
            ),
        ],
    )
    offers_import([path])
    stored = {o.identifiant: o for o in m.Offre.objects.all()}
    assert [stored[k].durable for k in ("100AAA", "100AAB", "100AAC")] == [True, True, False]
    assert [stored[k].temps_plein for k in ("100AAA", "100AAC")] == [True, False]
    assert stored["100AAA"].competences == ["123456"] and stored["100AAA"].manque_candidats is True
    _, counts = offers_import([path])
    assert counts["offres"].unchanged == 3 and not counts["offres"].changed
    # a later window without these offers deletes none of them
    later = tmp_path / "later.jsonl"
    write_jsonl(later, [offer("200BBB", dateCreation="2024-04-01T08:00:00Z")])
    offers_import([later])
    assert m.Offre.objects.count() == 4


def test_offers_bad_record_refuses_the_whole_import(tmp_path):
    path = tmp_path / "offres.jsonl"
    write_jsonl(path, [offer("1"), offer("2", rome="Z9999")])
    with pytest.raises(SourceError) as err:
        offers_import([path])
    assert err.value.line == 2 and err.value.column == "romeCode"
    assert not m.Offre.objects.exists()


SIRENE_HEADER = (
    "siren,nic,siret,activitePrincipaleEtablissement,trancheEffectifsEtablissement,codeCommuneEtablissement,"
    "etatAdministratifEtablissement,dateCreationEtablissement\n"
)


def test_sirene_import_and_luhn_check(tmp_path):
    good = tmp_path / "sirene.csv"
    # 73282932000074: a valid SIRET (Luhn); 35600000000048: La Poste, valid by the digit-sum rule
    good.write_text(
        SIRENE_HEADER
        + "732829320,00074,73282932000074,10.71C,11,56260,A,2001-05-01\n"
        + "356000000,00048,35600000000048,53.10Z,21,56260,A,1991-01-01\n",
        encoding="utf-8",
    )
    sirene_import(good)
    assert m.Etablissement.objects.filter(code_insee="56260", actif=True).count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(
        SIRENE_HEADER + "732829320,00075,73282932000075,10.71C,11,56260,A,2001-05-01\n", encoding="utf-8"
    )
    with pytest.raises(SourceError) as err:
        sirene_import(bad)
    assert err.value.line == 2 and err.value.column == "siret"
    assert m.Etablissement.objects.count() == 2


def test_import_command_routes_files_and_reports_errors(tmp_path):
    path = tmp_path / "stmt.csv"
    path.write_text(STMT, encoding="utf-8")
    call_command("import_data", "stmt", str(path), stdout=open("/dev/null", "w"))
    assert m.DemandeurEmploi.objects.count() == 4
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_data", "stmt", str(tmp_path / "absent.csv"))
    with pytest.raises(CommandError, match="manifeste absent"):
        call_command("import_data", "demo", str(tmp_path))


def test_the_occupation_bridge_is_stored_and_read_back(data_dir):
    """`gtec import all` stores the FAP-2021 ↔ ROME bridge; the computation reads it from the database, equal
    to the one built from the files; re-importing changes nothing."""
    from gtec.labour.observations.inputs import bridge
    from gtec.referentials.services import bridge_import
    from gtec_core.occupations import fap2021_rome_bridge

    stored = m.PasserelleFapRome.objects.count()
    built = fap2021_rome_bridge(data_dir)
    assert stored == built.height > 2000
    bridge.cache_clear()
    read = bridge()
    assert read.height == built.height
    assert set(zip(read["code_fap2021"], read["code_rome"], strict=True)) == set(
        zip(built["code_fap2021"], built["code_rome"], strict=True)
    )
    per_fap = read.group_by("code_fap2021").agg(pl.col("weight").sum())
    assert per_fap["weight"].to_list() == pytest.approx([1.0] * per_fap.height)
    _, counts = bridge_import(data_dir)
    assert not counts["passerelle"].changed


def test_national_portrait_of_a_fiche_from_the_real_dares_series(client):
    """The occupation page shows the Dares portrait of the fiche's FAP-2009 family beside the local figures."""
    from gtec.labour.read import national_portrait

    (row,) = national_portrait(["V0Z60"])  # aides-soignants, the family of fiche J1501
    assert row["employment"] == "726\u202f952" and row["employment_year"] == "2018"
    assert row["seekers_a"] == "44\u202f300" and row["seekers_year"] == "2020"
    ages = dict(
        m.DaresSerie.objects.filter(tableau="age", code_fap="V0Z60").values_list("modalite", "valeur")
    )
    senior = sum(v for k, v in ages.items() if k[:2] in {"50", "55", "60"}) / sum(ages.values())
    assert row["senior_share"] == f"{100 * senior:.1f} %".replace(".", ",")
    html = client.get("/territoires/custom:pays-de-vannes/metiers/J1501/").content.decode()
    assert "Portrait national du métier" in html and "726\u202f952" in html
