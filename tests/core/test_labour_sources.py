"""Readers of the labour-market sources (BMO, STMT/DEFM, job offers, SIRENE): real files of the shared data
directory, and small hand-written files for each layout, broken ones included. Pure: no database."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import polars as pl
import pytest

from gtec_core.errors import SourceError
from gtec_core.sources import bmo, offers, sirene, stmt

SHARED = Path(os.environ.get("GTEC_DATA_DIR") or Path(__file__).resolve().parents[3] / "shared" / "data")
BMO_XLSX = SHARED / "bmo" / "Base_open_data_BMO_2024.xlsx"
BMO_CSV = SHARED / "bmo" / "BMO_2024_Bretagne_extract.csv"
ODIS = SHARED / "stmt_defm" / "emploi_demandeur_par_commune_odis.csv"
BMO_HEADER = "annee,Code métier BMO,Nom métier BMO,Famille_met,Lbl_fam_met,REG,NOM_REG,Dept,NomDept,BE24,NOMBE24,met,xmet,smet"


def error_of(call, *args, **kwargs) -> SourceError:
    with pytest.raises(SourceError) as info:
        call(*args, **kwargs)
    return info.value


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- BMO, real files -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bmo_national() -> pl.DataFrame:
    if not BMO_XLSX.is_file():
        pytest.skip(f"{BMO_XLSX} absent")
    return bmo.read_bmo_xlsx(BMO_XLSX)


def test_bmo_workbook_rows_and_vannes_totals_match_the_csv_extract(bmo_national):
    with open(BMO_CSV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    vannes = [r for r in rows if r["BE24"] == "5310"]
    morbihan = [r for r in rows if r["Dept"] == "56"]
    frame = bmo_national
    assert frame.filter(pl.col("bassin") == 5310).height == len(vannes) > 0
    assert frame.filter(pl.col("departement") == "56").height == len(morbihan)
    assert set(frame.filter(pl.col("bassin") == 5310)["bassin_label"]) == {"VANNES"}
    for column, alias in bmo.COUNTS.items():
        expected = sum(int(r[column]) for r in vannes if r[column] != "*")
        assert frame.filter(pl.col("bassin") == 5310)[alias].sum() == expected
    # the Bretagne extract is the REG = 53 slice of the workbook, read identically
    extract = bmo.read_bmo_csv(BMO_CSV)
    assert extract.height == len(rows)
    assert frame.filter(pl.col("region") == "53").drop("_line").equals(extract.drop("_line"))
    assert frame["bassin"].dtype == pl.Int32 and frame["_line"].min() == 2


def test_bmo_secret_cells_are_null_and_flagged_never_zero(bmo_national):
    with open(BMO_CSV, encoding="utf-8", newline="") as handle:
        secret_met = sum(1 for r in csv.DictReader(handle) if r["met"] == "*")
    extract = bmo.read_bmo_csv(BMO_CSV)
    assert extract["projects"].null_count() == extract["projects_secret"].sum() == secret_met > 0
    for alias in bmo.COUNTS.values():
        flagged = bmo_national.filter(pl.col(f"{alias}_secret"))
        assert flagged.height > 0 and flagged[alias].null_count() == flagged.height
        assert bmo_national.filter(~pl.col(f"{alias}_secret"))[alias].null_count() == 0
    assert (
        bmo_national.filter(pl.col("secret")).height
        == bmo_national.filter(pl.any_horizontal(pl.col(f"{a}_secret") for a in bmo.COUNTS.values())).height
    )


# --- BMO, hand-written ---------------------------------------------------------------------------------


def test_bmo_csv_small_file(tmp_path):
    path = write(
        tmp_path,
        "bmo.csv",
        BMO_HEADER.replace("BE24", "BE25").replace("NOMBE24", "NOMBE25") + "\n"
        "2025,S2X61,Serveurs,V,Vente,53,Bretagne,56,Morbihan,5310,VANNES,935,688,782\n"
        "2025,T2A60,Aides à domicile,V,Vente,53,Bretagne,56,Morbihan,5310,VANNES,12,*,0\n",
    )
    frame = bmo.read_bmo(path)
    assert frame["projects"].to_list() == [935, 12]
    assert frame["difficult_projects"].to_list() == [688, None]
    assert frame["seasonal_projects"].to_list() == [782, 0]
    assert frame["secret"].to_list() == [False, True]
    assert frame["bassin"].to_list() == [5310, 5310]


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("2024,S2X6,Serveurs,V,Vente,53,Bretagne,56,Morbihan,5310,VANNES,1,1,1", "Code métier BMO"),
        ("2024,S2X61,Serveurs,V,Vente,53,Bretagne,56,Morbihan,53X0,VANNES,1,1,1", "BE24"),
        ("2024,S2X61,Serveurs,V,Vente,53,Bretagne,56,Morbihan,5310,VANNES,-,1,1", "met"),
    ],
)
def test_bmo_csv_bad_values_name_line_and_column(tmp_path, row, column):
    ok = "2024,A0X40,Agriculteurs,Z,Autres,53,Bretagne,56,Morbihan,5310,VANNES,3,2,1"
    path = write(tmp_path, "bmo.csv", f"{BMO_HEADER}\n{ok}\n{row}\n")
    error = error_of(bmo.read_bmo_csv, path)
    assert (error.line, error.column) == (3, column)
    assert "bmo.csv, ligne 3" in str(error)


def test_bmo_csv_missing_column(tmp_path):
    path = write(
        tmp_path, "bmo.csv", BMO_HEADER.replace(",xmet", "") + "\n2024,A0X40,A,Z,B,53,Br,56,Mo,5310,V,3,1\n"
    )
    error = error_of(bmo.read_bmo_csv, path)
    assert (error.line, error.column) == (1, "xmet")
    path = write(tmp_path, "bmo2.csv", BMO_HEADER.replace("BE24,", "") + "\n")
    assert error_of(bmo.read_bmo_csv, path).column == "BE24"


def test_bmo_xlsx_finds_sheet_and_header_row_and_reports_xlsx_row(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Description des variables"
    book.active.append(["Variables", "Description"])
    sheet = book.create_sheet("BMO_2024_open_data")
    sheet.append(["Enquête BMO 2024"])
    sheet.append([])
    sheet.append(BMO_HEADER.split(","))
    sheet.append(
        [
            2024,
            "S2X61",
            "Serveurs",
            "V",
            "Vente",
            "53",
            "Bretagne",
            "56",
            "Morbihan",
            5310,
            "VANNES",
            935,
            "*",
            782.0,
        ]
    )
    sheet.append(
        [
            2024,
            "T2A60",
            "Aides",
            "V",
            "Vente",
            "53",
            "Bretagne",
            "56",
            "Morbihan",
            5310,
            "VANNES",
            "x",
            "1",
            "1",
        ]
    )
    path = tmp_path / "bmo.xlsx"
    book.save(path)
    error = error_of(bmo.read_bmo_xlsx, path)
    assert (error.line, error.column) == (5, "met")
    sheet.delete_rows(5)
    book.save(path)
    frame = bmo.read_bmo(path)
    assert frame.select("projects", "difficult_projects", "seasonal_projects", "secret", "_line").row(0) == (
        935,
        None,
        782,
        True,
        4,
    )


# --- STMT / DEFM -----------------------------------------------------------------------------------------


def test_commune_series_real_file():
    if not ODIS.is_file():
        pytest.skip(f"{ODIS} absent")
    with open(ODIS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    vannes = {r["YEAR"]: int(r["Demandeurs_Emploi"]) for r in rows if r["codgeo"] == "56260"}
    frame = stmt.read_commune_series(ODIS)
    series = frame.filter((pl.col("level") == "commune") & (pl.col("code") == "56260")).sort("month")
    assert series.height == len(vannes) > 0
    assert series["job_seekers"][0] == vannes["janvier_2020"]
    assert series["job_seekers"].sum() == sum(vannes.values())
    assert series["month"][0].isoformat() == "2020-01-01"
    assert frame["source_rows"].sum() == len(rows)
    pairs = {(r["codgeo"], r["YEAR"]) for r in rows}
    assert frame.height == len(pairs)
    assert set(frame["level"]) == {"commune", "departement", "region"}


def test_commune_series_duplicates_and_bad_month(tmp_path):
    path = write(
        tmp_path,
        "de.csv",
        "codgeo,YEAR,Demandeurs_Emploi\n56260,janvier_2020,10\n56260,janvier_2020,10\n85194,aout_2021,40\n"
        "85194,aout_2021,5\n56,janvier_2020,100\nreg53,janvier_2020,900\n",
    )
    frame = stmt.read_commune_series(path)
    got = {
        (r["code"], r["month"].month): (r["job_seekers"], r["source_rows"])
        for r in frame.iter_rows(named=True)
    }
    assert got == {("56260", 1): (10, 2), ("85194", 8): (45, 2), ("56", 1): (100, 1), ("53", 1): (900, 1)}
    path = write(
        tmp_path, "de2.csv", "codgeo,YEAR,Demandeurs_Emploi\n56260,janvier_2020,10\n56260,jan_2020,10\n"
    )
    error = error_of(stmt.read_commune_series, path)
    assert (error.line, error.column) == (3, "YEAR")


STMT_HEADER = "periode;categorie;niveau_geo;code_geo;code_rome;stock;entrees;sorties\n"


def test_stmt_long_layout(tmp_path):
    path = write(
        tmp_path,
        "stmt.csv",
        STMT_HEADER + "2024-03;ABC;commune;56260;J1501;120;15;12\n2024-03;A;ze;5318;;*;3;4\n",
    )
    frame = stmt.read_stmt(path)
    assert frame["stock"].to_list() == [120, None]
    assert frame["secret"].to_list() == [False, True]
    assert frame["rome"].to_list() == ["J1501", None]
    assert frame["month"][0].isoformat() == "2024-03-01"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("2024-13;ABC;commune;56260;J1501;1;1;1", "periode"),
        ("2024-03;F;commune;56260;J1501;1;1;1", "categorie"),
        ("2024-03;ABC;commune;5626;J1501;1;1;1", "code_geo"),
        ("2024-03;ABC;commune;56260;J15011;1;1;1", "code_rome"),
        ("2024-03;ABC;commune;56260;J1501;1;1;x", "sorties"),
    ],
)
def test_stmt_bad_values(tmp_path, row, column):
    path = write(tmp_path, "stmt.csv", STMT_HEADER + "2024-03;ABC;commune;56260;J1502;1;1;1\n" + row + "\n")
    error = error_of(stmt.read_stmt, path)
    assert (error.line, error.column) == (3, column)


def test_stmt_missing_column(tmp_path):
    path = write(
        tmp_path, "stmt.csv", STMT_HEADER.replace(";entrees", "") + "2024-03;ABC;commune;56260;J1501;1;1\n"
    )
    assert error_of(stmt.read_stmt, path).column == "entrees"


# --- job offers --------------------------------------------------------------------------------------------


def offer(ident: str, updated: str = "2024-03-02T09:00:00.000Z", **extra) -> dict:
    return {
        "id": ident,
        "intitule": f"Offre {ident}",
        "dateCreation": "2024-03-01T10:15:00.000Z",
        "dateActualisation": updated,
        "lieuTravail": {"libelle": "56 - VANNES", "commune": "56260"},
        "romeCode": "J1501",
        "appellationlibelle": "Aide-soignant / Aide-soignante",
        "typeContrat": "CDI",
        "nombrePostes": 1,
        "offresManqueCandidats": True,
        "competences": [{"code": "100345", "libelle": "x"}, {"code": "120779"}],
    } | extra


@pytest.mark.parametrize("layout", ["array", "page", "lines"])
def test_offers_layouts_flatten_and_deduplicate(tmp_path, layout):
    records = [
        offer("A1"),
        offer("B2", codeNAF="86.10Z"),
        offer("A1", "2024-03-05T08:00:00Z", intitule="récente"),
    ]
    if layout == "array":
        text = json.dumps(records, indent=2)
    elif layout == "page":
        text = json.dumps({"resultats": records, "filtresPossibles": []})
    else:
        text = "\n".join(json.dumps(r) for r in records) + "\n"
    frame = offers.read_offers(write(tmp_path, "offres.json", text))
    assert frame["id"].to_list() == ["B2", "A1"]
    assert frame.filter(pl.col("id") == "A1")["title"][0] == "récente"
    row = frame.row(0, named=True)
    assert (
        row["date"].isoformat() == "2024-03-01" and row["commune"] == "56260" and row["naf_code"] == "86.10Z"
    )
    assert row["skills"] == ["100345", "120779"] and row["lacks_candidates"] is True and row["positions"] == 1


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"id": None}, "id"),
        ({"romeCode": None}, "romeCode"),
        ({"romeCode": "J15"}, "romeCode"),
        ({"dateCreation": "hier"}, "dateCreation"),
        ({"nombrePostes": "deux"}, "nombrePostes"),
    ],
)
def test_offers_rejected_with_record_number_and_field(tmp_path, bad, field):
    records = [offer("A1"), offer("B2") | bad, offer("C3")]
    path = write(tmp_path, "offres.jsonl", "\n".join(json.dumps(r) for r in records))
    error = error_of(offers.read_offers, path)
    assert (error.line, error.column) == (2, field)
    assert "enregistrement n° 2" in str(error)
    array = write(tmp_path, "offres.json", json.dumps(records))
    rejected: list[SourceError] = []
    frame = offers.read_offers(array, rejected=rejected)
    assert frame["id"].to_list() == ["A1", "C3"]
    assert len(rejected) == 1 and rejected[0].column == field and "n° 2" in rejected[0].message


def test_offers_truncated_json_line(tmp_path):
    lines = [json.dumps(offer("A1")), json.dumps(offer("B2"))[:40]]
    path = write(tmp_path, "offres.jsonl", "\n".join(lines) + "\n")
    error = error_of(offers.read_offers, path)
    assert error.line == 2 and "tronqué" in error.message
    rejected: list[SourceError] = []
    assert offers.read_offers(path, rejected=rejected)["id"].to_list() == ["A1"]
    assert [e.line for e in rejected] == [2]
    broken = write(tmp_path, "page.json", json.dumps({"resultats": [offer("A1")]})[:-10])
    assert "tronqué" in error_of(offers.read_offers, broken).message


# --- SIRENE ------------------------------------------------------------------------------------------------


def luhn(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def make_siret(siren: str, start: int = 1) -> str:
    return next(siren + f"{n:05d}" for n in range(start, 100000) if luhn(siren + f"{n:05d}"))


SIRENE_HEADER = (
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,trancheEffectifsEtablissement,"
    "codeCommuneEtablissement,etatAdministratifEtablissement,activitePrincipaleEtablissement\n"
)


def sirene_row(
    siret: str, commune: str = "56260", naf: str = "62.01Z", band: str = "11", state: str = "A"
) -> str:
    return f"{siret[:9]},{siret[9:]},{siret},O,2015-06-01,{band},{commune},{state},{naf}\n"


def test_sirene_reads_filters_and_accepts_la_poste(tmp_path):
    siren = next(f"{n:09d}" for n in range(732829320, 732829400) if luhn(f"{n:09d}"))
    la_poste = next(
        "356000000" + f"{n:05d}"
        for n in range(1, 100000)
        if sum(map(int, "356000000" + f"{n:05d}")) % 5 == 0 and not luhn("356000000" + f"{n:05d}")
    )
    path = write(
        tmp_path,
        "StockEtablissement_utf8.csv",
        SIRENE_HEADER
        + sirene_row(make_siret(siren), band="NN")
        + sirene_row(make_siret(siren, 20), commune="35238")
        + sirene_row(la_poste, naf="53.10Z", band="21", state="F"),
    )
    frame = sirene.read_establishments(path, communes={"56260"})
    assert frame["siret"].to_list() == [make_siret(siren), la_poste]
    assert frame["headcount_band"].to_list() == [None, "21"]
    assert frame["headcount_min"].to_list() == [None, 50]
    assert frame["active"].to_list() == [True, False]
    assert frame["_line"].to_list() == [2, 4]
    assert sirene.read_establishments(path).height == 3


@pytest.mark.parametrize(
    ("kind", "column"),
    [
        ("luhn", "siret"),
        ("naf", "activitePrincipaleEtablissement"),
        ("band", "trancheEffectifsEtablissement"),
        ("state", "etatAdministratifEtablissement"),
    ],
)
def test_sirene_bad_rows_name_line_and_column(tmp_path, kind, column):
    good = make_siret("732829320")
    bad_siret = good[:-1] + str((int(good[-1]) + 1) % 10)
    row = {
        "luhn": sirene_row(bad_siret),
        "naf": sirene_row(good, naf="6201Z"),
        "band": sirene_row(good, band="99"),
        "state": sirene_row(good, state="X"),
    }[kind]
    path = write(tmp_path, "etab.csv", SIRENE_HEADER + sirene_row(make_siret("732829320", 50)) + row)
    error = error_of(sirene.read_establishments, path, ["56260"])
    assert (error.line, error.column) == (3, column)
    assert "etab.csv, ligne 3" in str(error)


def test_sirene_missing_column(tmp_path):
    path = write(
        tmp_path, "etab.csv", SIRENE_HEADER.replace(",codeCommuneEtablissement", "") + "1,2,3,O,,,A,\n"
    )
    error = error_of(sirene.read_establishments, path)
    assert (error.line, error.column) == (1, "codeCommuneEtablissement")
