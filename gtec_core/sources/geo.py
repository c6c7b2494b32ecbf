"""INSEE geography, DGCL intercommunalities, zones d'emploi 2020, France Travail BMO bassins and IGN
commune boundaries. Layouts: data-sources.md §9–10.

Vintages differ (COG 2026 communes, ZE 2020 composition at 2022 geography, BMO bassins 2024, GeoJSON at
COG 2018). Everything is expressed in the communes of the current COG: a code that no longer exists is
followed through `COMPARENT` (delegated/associated communes) and the COG movements file (mergers) to the
commune that absorbed it; what cannot be resolved is counted and reported, never silently dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from gtec_core.errors import SourceError
from gtec_core.tabular import (
    Column,
    FileSpec,
    check_frame,
    read_table,
    sha256_file,
    string_frame,
    xlsx_sheets,
)

COG_DIR = "cog_ze/decoupage-administratif"
INSEE = r"(\d{5}|2[AB]\d{3})"
FILES = {
    "regions": (
        COG_DIR + "/regions.csv",
        FileSpec(
            "regions",
            (Column("REG", "pattern", True, r"\d{2}"), Column("LIBELLE", required=True)),
            key=("REG",),
        ),
    ),
    "departements": (
        COG_DIR + "/departements.csv",
        FileSpec(
            "departements",
            (
                Column("DEP", "pattern", True, r"\d{2,3}|2[AB]"),
                Column("REG", "pattern", True, r"\d{2}"),
                Column("LIBELLE", required=True),
            ),
            key=("DEP",),
        ),
    ),
    "communes": (
        COG_DIR + "/communes.csv",
        FileSpec(
            "communes",
            (
                Column("TYPECOM", "pattern", True, "COM|COMA|COMD|ARM"),
                Column("COM", "pattern", True, INSEE),
                Column("REG"),
                Column("DEP"),
                Column("LIBELLE", required=True),
                Column("COMPARENT"),
            ),
        ),
    ),
    "mouvements": (
        COG_DIR + "/mouvements-communes.csv",
        FileSpec(
            "mouvements",
            (
                Column("MOD", "int", True),
                Column("DATE_EFF", "pattern", True, r"\d{4}-\d{2}-\d{2}"),
                Column("TYPECOM_AV"),
                Column("COM_AV", "pattern", False, INSEE),
                Column("TYPECOM_AP"),
                Column("COM_AP", "pattern", False, INSEE),
            ),
        ),
    ),
    "populations": (
        COG_DIR + "/donnees_communes.csv",
        FileSpec(
            "populations",
            (
                Column("COM", "pattern", True, INSEE),
                Column("Commune"),
                Column("PMUN", "int", True),
                Column("PTOT", "int"),
            ),
            delimiter=";",
            key=("COM",),
        ),
    ),
    "ze_liste": (
        "cog_ze/ZE2020_liste_2022.csv",
        FileSpec(
            "ze_liste",
            (
                Column("ZE2020", "pattern", True, r"\d{4}"),
                Column("LIBZE2020", required=True),
                Column("NB_COM", "int"),
            ),
            key=("ZE2020",),
        ),
    ),
    "ze_communes": (
        "cog_ze/ZE2020_composition_communale_2022.csv",
        FileSpec(
            "ze_communes",
            (Column("CODGEO", "pattern", True, INSEE), Column("ZE2020", "pattern", True, r"\d{4}")),
            key=("CODGEO",),
        ),
    ),
    "bmo_bassins": (
        "bmo/bassin_emploi_BMO_communes.csv",
        FileSpec(
            "bmo_bassins",
            (
                Column("code_commune_insee", "pattern", True, INSEE),
                Column("code_bassin_BMO", "int", True),
                Column("lib_bassin_BMO", required=True),
            ),
            key=("code_commune_insee",),
        ),
    ),
    "postal": (
        "laposte_hexasmal/laposte_hexasmal.csv",
        FileSpec(
            "postal",
            (
                Column("#Code_commune_INSEE", "pattern", True, INSEE),
                Column("Code_postal", "pattern", True, r"\d{5}"),
            ),
            delimiter=";",
            encoding="utf-8",
        ),
    ),
}
EPCI_FILE = COG_DIR + "/epcicom.xlsx"
GEOJSON_COMMUNES = "geo_morbihan/communes-56-morbihan.geojson"
EPCI_COLUMNS = ["dept", "siren", "raison_sociale", "nature_juridique", "insee"]


@dataclass
class Geography:
    regions: pl.DataFrame  # code, libelle
    departements: pl.DataFrame  # code, reg, libelle
    communes: pl.DataFrame  # code, libelle, dep, reg, population, postal_codes
    epci: pl.DataFrame  # code, libelle, nature, dep
    epci_communes: pl.DataFrame  # epci, commune
    ze: pl.DataFrame  # code, libelle
    ze_communes: pl.DataFrame  # ze, commune
    bassins: pl.DataFrame  # code, libelle
    bassin_communes: pl.DataFrame  # bassin, commune
    geometries: dict[str, str]  # commune code -> GeoJSON geometry (text)
    checksums: dict[str, str]
    unresolved: dict[str, list[str]] = field(default_factory=dict)


EPCI_SPEC = (
    Column("dept"),
    Column("siren", "pattern", True, r"\d{9}"),
    Column("raison_sociale"),
    Column("nature_juridique"),
    Column("insee", "pattern", True, INSEE),
)


def read_epcicom(path: Path) -> pl.DataFrame:
    """DGCL `epcicom` workbook (first sheet): one row per member commune of each EPCI; checked like every
    delimited file (tabular.check_frame), `_line` being the xlsx row."""
    _, sheet = next(xlsx_sheets(path), ("", []))
    rows = iter(sheet)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    for name in EPCI_COLUMNS:
        if name not in header:
            raise SourceError(path, "colonne obligatoire absente de l'en-tête", line=1, column=name)
    index = [header.index(name) for name in EPCI_COLUMNS]
    values: list[list[str]] = [[] for _ in EPCI_COLUMNS]
    lines: list[int] = []
    for number, row in enumerate(rows, start=2):
        if row is None or all(v is None for v in row):
            continue
        for target, i in zip(values, index, strict=True):
            target.append("" if i >= len(row) or row[i] is None else str(row[i]).strip())
        lines.append(number)
    if not lines:
        raise SourceError(path, "fichier vide : aucune ligne de données après l'en-tête", line=2)
    frame = string_frame(EPCI_COLUMNS, values, lines)
    check_frame(path, frame, EPCI_SPEC)
    return frame


def resolver(communes: pl.DataFrame, mouvements: pl.DataFrame):
    """Return a function mapping any commune code, old or current, to the current COM code (or None)."""
    current = set(communes.filter(pl.col("TYPECOM") == "COM")["COM"].to_list())
    parent = {
        row["COM"]: row["COMPARENT"]
        for row in communes.filter(
            pl.col("TYPECOM").is_in(["COMA", "COMD", "ARM"]) & (pl.col("COMPARENT") != "")
        ).iter_rows(named=True)
    }
    moves: dict[str, str] = {}
    for row in mouvements.sort("DATE_EFF").iter_rows(named=True):
        if row["COM_AV"] != row["COM_AP"] and row["TYPECOM_AP"] == "COM":
            moves[row["COM_AV"]] = row["COM_AP"]

    def resolve(code: str) -> str | None:
        seen = set()
        while code not in current:
            if code in seen:
                return None
            seen.add(code)
            nxt = parent.get(code) or moves.get(code)
            if nxt is None:
                return None
            code = nxt
        return code

    return resolve


def check_references(data_dir: Path, frames: dict[str, pl.DataFrame]) -> None:
    """Cross-file integrity of the COG and ZE files: a current commune is listed once, and every code a file
    names (département, région, zone d'emploi) exists in its list."""

    def fail(name: str, bad: pl.DataFrame, column: str, message: str) -> None:
        raise SourceError(
            data_dir / FILES[name][0],
            message.format(bad[column][0]),
            line=int(bad["_line"][0]),
            column=column,
        )

    com = frames["communes"].filter(pl.col("TYPECOM") == "COM")
    dup = com.filter(~pl.col("COM").is_first_distinct())
    if not dup.is_empty():
        fail("communes", dup, "COM", "commune « {} » en double")
    for name, frame, column, target, target_column, what in [
        ("communes", com, "DEP", "departements", "DEP", "département « {} » absent de departements.csv"),
        ("communes", com, "REG", "regions", "REG", "région « {} » absente de regions.csv"),
        (
            "departements",
            frames["departements"],
            "REG",
            "regions",
            "REG",
            "région « {} » absente de regions.csv",
        ),
        (
            "ze_communes",
            frames["ze_communes"],
            "ZE2020",
            "ze_liste",
            "ZE2020",
            "zone d'emploi « {} » absente de la liste des zones",
        ),
    ]:
        bad = frame.filter(~pl.col(column).is_in(frames[target][target_column].to_list()))
        if not bad.is_empty():
            fail(name, bad, column, what)


def read_geography(data_dir: Path) -> Geography:
    data_dir = Path(data_dir)
    frames = {}
    checksums = {}
    for name, (relative, spec) in FILES.items():
        path = data_dir / relative
        if name == "postal" and not path.exists():
            continue  # optional: La Poste base, fetched by `gtec data fetch`
        frames[name] = read_table(path, spec)
        checksums[relative] = sha256_file(path)
    epcicom = read_epcicom(data_dir / EPCI_FILE)
    checksums[EPCI_FILE] = sha256_file(data_dir / EPCI_FILE)

    check_references(data_dir, frames)
    resolve = resolver(frames["communes"], frames["mouvements"])
    unresolved: dict[str, list[str]] = {}

    def map_communes(frame: pl.DataFrame, column: str, label: str) -> pl.DataFrame:
        codes = frame[column].to_list()
        mapped = [resolve(c) for c in codes]
        missing = sorted({c for c, m in zip(codes, mapped, strict=True) if m is None})
        if missing:
            unresolved[label] = missing
        return frame.with_columns(pl.Series("commune", mapped, dtype=pl.String)).filter(
            pl.col("commune").is_not_null()
        )

    com = frames["communes"].filter(pl.col("TYPECOM") == "COM")
    pop = (
        map_communes(frames["populations"], "COM", "populations")
        .group_by("commune")
        .agg(pl.col("PMUN").cast(pl.Int64).sum().alias("population"))
    )
    postal = pl.DataFrame(
        {"commune": [], "postal_codes": []}, schema={"commune": pl.String, "postal_codes": pl.String}
    )
    if "postal" in frames:
        postal = (
            map_communes(frames["postal"], "#Code_commune_INSEE", "codes postaux")
            .group_by("commune")
            .agg(pl.col("Code_postal").unique().sort().str.join(" ").alias("postal_codes"))
        )
    communes = (
        com.select(
            pl.col("COM").alias("code"),
            pl.col("LIBELLE").alias("libelle"),
            pl.col("DEP").alias("dep"),
            pl.col("REG").alias("reg"),
        )
        .join(pop, left_on="code", right_on="commune", how="left")
        .join(postal, left_on="code", right_on="commune", how="left")
        .with_columns(pl.col("population").fill_null(0), pl.col("postal_codes").fill_null(""))
        .sort("code")
    )
    regions = frames["regions"].select(pl.col("REG").alias("code"), pl.col("LIBELLE").alias("libelle"))
    departements = frames["departements"].select(
        pl.col("DEP").alias("code"), pl.col("REG").alias("reg"), pl.col("LIBELLE").alias("libelle")
    )

    epci_rows = map_communes(epcicom, "insee", "EPCI")
    epci = (
        epci_rows.group_by("siren")
        .agg(
            pl.col("raison_sociale").first().alias("libelle"),
            pl.col("nature_juridique").first().alias("nature"),
            pl.col("dept").first().alias("dep"),
        )
        .rename({"siren": "code"})
        .sort("code")
    )
    epci_communes = epci_rows.select(pl.col("siren").alias("epci"), "commune").unique()

    ze = frames["ze_liste"].select(pl.col("ZE2020").alias("code"), pl.col("LIBZE2020").alias("libelle"))
    ze_communes = (
        map_communes(frames["ze_communes"], "CODGEO", "zones d'emploi")
        .select(pl.col("ZE2020").alias("ze"), "commune")
        .unique()
    )
    bmo = map_communes(frames["bmo_bassins"], "code_commune_insee", "bassins BMO")
    bassins = (
        bmo.group_by("code_bassin_BMO")
        .agg(pl.col("lib_bassin_BMO").first().alias("libelle"))
        .rename({"code_bassin_BMO": "code"})
        .sort("code")
    )
    bassin_communes = bmo.select(pl.col("code_bassin_BMO").alias("bassin"), "commune").unique()

    geometries: dict[str, str] = {}
    geo_path = data_dir / GEOJSON_COMMUNES
    if geo_path.exists():
        geometries = read_geojson_communes(geo_path, resolve, unresolved)
        checksums[GEOJSON_COMMUNES] = sha256_file(geo_path)
    return Geography(
        regions,
        departements,
        communes,
        epci,
        epci_communes,
        ze,
        ze_communes,
        bassins,
        bassin_communes,
        geometries,
        checksums,
        unresolved,
    )


def read_geojson_communes(path: Path, resolve, unresolved: dict[str, list[str]]) -> dict[str, str]:
    """Commune polygons keyed by current code, as MultiPolygons. The polygons of communes merged since the
    file's vintage are added to the commune that absorbed them, so that the current commune covers its whole
    territory (the absorbing commune's own polygon first)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(path, f"GeoJSON illisible ({exc})") from None
    if data.get("type") != "FeatureCollection":
        raise SourceError(path, "FeatureCollection attendue")
    own: dict[str, list] = {}
    absorbed: dict[str, list] = {}
    missing: set[str] = set()
    for number, feature in enumerate(data.get("features", []), start=1):
        code = str((feature.get("properties") or {}).get("code", ""))
        geometry = feature.get("geometry") or {}
        if geometry.get("type") not in {"Polygon", "MultiPolygon"}:
            raise SourceError(
                path,
                f"géométrie {geometry.get('type')!r} inattendue (entité {number}, commune « {code} »)",
                column="geometry",
            )
        current = resolve(code)
        if current is None:
            missing.add(code)
            continue
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        (own if code == current else absorbed).setdefault(current, []).extend(polygons)
    if missing:
        unresolved["contours"] = sorted(missing)
    return {
        code: json.dumps(
            {"type": "MultiPolygon", "coordinates": own.get(code, []) + absorbed.get(code, [])},
            separators=(",", ":"),
        )
        for code in sorted(own.keys() | absorbed.keys())
    }
