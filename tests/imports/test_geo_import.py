"""Geography import: territories at every scale checked against the COG, ZE, DGCL and GeoJSON files;
merged communes; idempotence; user territories kept; broken files refused."""

from __future__ import annotations

import io
import json

import openpyxl
import polars as pl
import pytest
from django.core.management import CommandError, call_command

from gtec.imports.models import ImportRun
from gtec.territories.models import Membership, Territory
from gtec.territories.services import geo_import
from gtec_core.sources import geo as geo_source

from .helpers import db_snapshot, edit_line, expect_source_error, mirror, replace, sha256

pytestmark = pytest.mark.django_db

COG = "cog_ze/decoupage-administratif"
PAYS_DE_VANNES_EPCI = {"200067932", "200027027", "245614383"}


def csv_file(data_dir, relative: str, separator: str = ",") -> pl.DataFrame:
    return pl.read_csv(data_dir / relative, separator=separator, infer_schema=False).with_columns(
        pl.all().fill_null("")
    )


@pytest.fixture(scope="module")
def communes(data_dir) -> pl.DataFrame:
    return csv_file(data_dir, f"{COG}/communes.csv")


@pytest.fixture(scope="module")
def current(communes) -> set[str]:
    return set(communes.filter(pl.col("TYPECOM") == "COM")["COM"])


@pytest.fixture(scope="module")
def merged_into(data_dir, current) -> dict[str, str]:
    """Old commune → current commune, from the merger rows of the COG movements file (one step or more)."""
    moves = csv_file(data_dir, f"{COG}/mouvements-communes.csv")
    step = {}
    for old, new in (
        moves.filter((pl.col("TYPECOM_AP") == "COM") & (pl.col("COM_AV") != pl.col("COM_AP")))
        .sort("DATE_EFF")
        .select("COM_AV", "COM_AP")
        .iter_rows()
    ):
        step[old] = new
    out = {}
    for code in step:
        target, hops = code, 0
        while target not in current and target in step and hops < 10:
            target, hops = step[target], hops + 1
        if target in current and code not in current:
            out[code] = target
    return out


@pytest.fixture(scope="module")
def pmun(data_dir) -> dict[str, int]:
    frame = csv_file(data_dir, f"{COG}/donnees_communes.csv", ";")
    return {code: int(value) for code, value in frame.select("COM", "PMUN").iter_rows()}


def members(key: str) -> set[str]:
    return set(Territory.objects.get(key=key).communes().values_list("code", flat=True))


def test_zone_d_emploi_de_vannes(data_dir, pmun):
    ze = csv_file(data_dir, "cog_ze/ZE2020_composition_communale_2022.csv")
    expected = set(ze.filter(pl.col("ZE2020") == "5318")["CODGEO"])
    territory = Territory.objects.get(key="ze:5318")
    assert territory.name == "Vannes"
    assert members("ze:5318") == expected
    assert len(expected) == 60
    population = sum(pmun[c] for c in expected)
    assert territory.population == population
    assert abs(population - 238_600) < 1_000


def test_pays_de_vannes_is_the_three_epci_of_the_dgcl_file(data_dir, pmun, current):
    book = openpyxl.load_workbook(data_dir / geo_source.EPCI_FILE, read_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = list(next(rows))
    siren, insee = header.index("siren"), header.index("insee")
    expected = {
        str(row[insee]) for row in rows if row[siren] is not None and str(row[siren]) in PAYS_DE_VANNES_EPCI
    }
    book.close()
    assert expected <= current
    territory = Territory.objects.get(key="custom:pays-de-vannes")
    assert territory.scale == "custom" and not territory.editable
    assert members("custom:pays-de-vannes") == expected
    assert members("custom:pays-de-vannes") == members("epci:200067932") | members(
        "epci:200027027"
    ) | members("epci:245614383")
    assert territory.population == sum(pmun[c] for c in expected)
    assert "56260" in expected


def test_vannes_commune_hierarchy_and_geometry(pmun):
    vannes = Territory.objects.select_related("parent__parent").get(key="commune:56260")
    assert vannes.name == "Vannes"
    assert vannes.population == pmun["56260"]
    assert vannes.parent.key == "dep:56"
    assert vannes.parent.parent.key == "reg:53"
    assert vannes.parent.parent.parent is None
    geometry = json.loads(vannes.geometry)
    assert geometry["type"] == "MultiPolygon"
    ring = geometry["coordinates"][0][0]
    assert len(ring) > 10 and ring[0] == ring[-1]
    lon, lat = ring[0]
    assert -3.0 < lon < -2.6 and 47.5 < lat < 47.8
    assert Territory.objects.filter(scale="epci", code="200067932", parent__key="dep:56").exists()


def test_every_morbihan_commune_has_a_geometry(current):
    morbihan = {c for c in current if c.startswith("56")}
    with_geometry = set(
        Territory.objects.filter(scale="commune", code__startswith="56")
        .exclude(geometry="")
        .values_list("code", flat=True)
    )
    assert with_geometry == morbihan


def test_geojson_communes_merged_since_2018_belong_to_their_current_commune(data_dir, current, merged_into):
    features = json.loads((data_dir / geo_source.GEOJSON_COMMUNES).read_text(encoding="utf-8"))["features"]
    old = [f for f in features if f["properties"]["code"] not in current]
    assert len(old) == 4
    for feature in old:
        code = feature["properties"]["code"]
        target = merged_into[code]
        assert not Territory.objects.filter(key=f"commune:{code}").exists()
        polygons = json.loads(Territory.objects.get(key=f"commune:{target}").geometry)["coordinates"]
        geometry = feature["geometry"]
        old_polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in old_polygons:
            assert polygon in polygons, (code, target)
        own = next(f for f in features if f["properties"]["code"] == target)["geometry"]
        own_polygons = [own["coordinates"]] if own["type"] == "Polygon" else own["coordinates"]
        assert polygons[: len(own_polygons)] == own_polygons


def test_ze_communes_merged_since_2022_are_mapped(data_dir, current, merged_into):
    ze = csv_file(data_dir, "cog_ze/ZE2020_composition_communale_2022.csv")
    old = ze.filter(~pl.col("CODGEO").is_in(list(current)))
    assert old.height > 0
    checked = 0
    for code, zone in old.select("CODGEO", "ZE2020").iter_rows():
        if code in merged_into:
            assert Membership.objects.filter(
                territory__key=f"ze:{zone}", commune__key=f"commune:{merged_into[code]}"
            ).exists(), code
            checked += 1
    assert checked >= old.height * 0.9
    # every current commune of the ZE file belongs to its zone
    assert Membership.objects.filter(territory__scale="ze").values("commune").distinct().count() >= len(
        set(ze["CODGEO"]) & current
    )


def test_unresolved_codes_are_reported_in_the_import_run(data_dir, communes, merged_into):
    bmo = csv_file(data_dir, "bmo/bassin_emploi_BMO_communes.csv")
    known = set(communes["COM"]) | set(merged_into)
    unknown = sorted(set(bmo["code_commune_insee"]) - known)
    assert unknown
    run = ImportRun.objects.filter(source="geo").order_by("-pk").first()
    assert f"bassins BMO : {len(unknown)} codes sans commune actuelle" in run.notes
    for code in unknown:
        assert code in run.notes
    for relative in [
        *(f for f, _ in geo_source.FILES.values() if (data_dir / f).exists()),
        geo_source.EPCI_FILE,
        geo_source.GEOJSON_COMMUNES,
    ]:
        assert run.files[relative] == sha256(data_dir / relative), relative


def test_territory_counts_equal_the_files(data_dir, current):
    assert Territory.objects.filter(scale="commune").count() == len(current)
    assert Territory.objects.filter(scale="reg").count() == csv_file(data_dir, f"{COG}/regions.csv").height
    assert (
        Territory.objects.filter(scale="dep").count() == csv_file(data_dir, f"{COG}/departements.csv").height
    )
    assert (
        Territory.objects.filter(scale="ze").count()
        == csv_file(data_dir, "cog_ze/ZE2020_liste_2022.csv").height
    )
    assert Territory.objects.filter(scale="commune", parent__isnull=True).count() == 0


def test_second_import_changes_nothing(data_dir):
    before = db_snapshot()
    _, counts = geo_import(data_dir)
    assert {t: (c.created, c.updated, c.deleted) for t, c in counts.items() if c.changed} == {}
    after = db_snapshot()
    assert after.pop("imports.ImportRun.count") == before.pop("imports.ImportRun.count") + 1
    assert after == before


def test_territory_created_in_the_admin_survives_a_reimport(data_dir):
    mine = Territory.objects.create(
        key="custom:golfe-nord", scale="custom", code="golfe-nord", name="Golfe nord", editable=True
    )
    communes = list(Territory.objects.filter(key__in=["commune:56260", "commune:56206"]))
    Membership.objects.bulk_create([Membership(territory=mine, commune=c) for c in communes])
    _, counts = geo_import(data_dir)
    assert not counts["territoires"].changed
    mine.refresh_from_db()
    assert mine.actif and mine.editable and mine.name == "Golfe nord"
    assert members("custom:golfe-nord") == {"56260", "56206"}
    assert Territory.objects.get(key="custom:pays-de-vannes").actif


# --- broken files ---------------------------------------------------------------------------------------


@pytest.fixture
def geo_copy(tmp_path, data_dir):
    return mirror(data_dir, tmp_path / "data", COG, "cog_ze", "bmo")


def check_refused(folder, filename: str, line: int | None, column: str | None, message: str, before) -> None:
    error = expect_source_error(lambda: geo_import(folder))
    text = str(error)
    assert text.startswith(filename), text
    assert message in text
    assert (error.line, error.column) == (line, column)
    if line is not None:
        assert f"ligne {line}" in text
    if column is not None:
        assert f"colonne « {column} »" in text
    assert db_snapshot() == before


def test_unreadable_xlsx(geo_copy):
    before = db_snapshot()
    replace(geo_copy / geo_source.EPCI_FILE, b"PK\x03\x04tronque")
    check_refused(geo_copy, "epcicom.xlsx", None, None, "classeur Excel illisible", before)


def test_wrong_encoding(geo_copy):
    before = db_snapshot()
    path = geo_copy / COG / "communes.csv"
    text = path.read_text(encoding="utf-8")
    replace(path, text.encode("latin-1", errors="replace"))
    lines = text.split("\n")
    number = next(i for i, line in enumerate(lines, start=1) if not line.isascii())
    header, fields = lines[0].split(","), lines[number - 1].split(",")
    column = header[next(i for i, f in enumerate(fields) if not f.isascii())]
    check_refused(geo_copy, "communes.csv", number, column, "encodage invalide", before)


def test_bad_integer(geo_copy):
    before = db_snapshot()
    path = geo_copy / COG / "donnees_communes.csv"
    edit_line(
        path, 40, lambda line: ";".join(["1 234,5" if i == 8 else f for i, f in enumerate(line.split(";"))])
    )
    check_refused(geo_copy, "donnees_communes.csv", 40, "PMUN", "entier attendu, lu « 1 234,5 »", before)


def test_truncated_row(geo_copy):
    before = db_snapshot()
    edit_line(geo_copy / "cog_ze/ZE2020_liste_2022.csv", 7, lambda line: line.split(",")[0])
    check_refused(geo_copy, "ZE2020_liste_2022.csv", 7, "LIBZE2020", "ligne tronquée", before)


def test_duplicate_key(geo_copy):
    before = db_snapshot()
    path = geo_copy / "bmo/bassin_emploi_BMO_communes.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    replace(path, ("\n".join([*lines, lines[1]]) + "\n").encode())
    check_refused(
        geo_copy,
        "bassin_emploi_BMO_communes.csv",
        len(lines) + 1,
        "code_commune_insee",
        "clé en double",
        before,
    )


def test_unknown_zone_in_composition(geo_copy):
    before = db_snapshot()
    path = geo_copy / "cog_ze/ZE2020_composition_communale_2022.csv"
    header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    index = header.index("ZE2020")
    edit_line(
        path, 12, lambda line: ",".join(["9999" if i == index else f for i, f in enumerate(line.split(","))])
    )
    check_refused(
        geo_copy,
        "ZE2020_composition_communale_2022.csv",
        12,
        "ZE2020",
        "zone d'emploi « 9999 » absente",
        before,
    )


def test_missing_column_through_the_command(geo_copy):
    before = db_snapshot()
    edit_line(geo_copy / COG / "regions.csv", 1, lambda line: line.replace("LIBELLE", "NOM"))
    with pytest.raises(CommandError) as info:
        call_command("import_data", "geo", "--data-dir", str(geo_copy), stdout=io.StringIO())
    assert "regions.csv, ligne 1, colonne « LIBELLE » : colonne obligatoire absente" in str(info.value)
    assert db_snapshot() == before
