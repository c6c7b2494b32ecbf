"""What the demo generator is calibrated on, read once from the official files of the data folder.

Territory: the communes of the scale (COG 2026 `communes.csv`, populations `donnees_communes.csv`): zone
d'emploi 2020 5318 Vannes (`ZE2020_composition_communale_2022.csv`, 60 communes), région 53 Bretagne, or
all of France; each commune with its BMO bassin (`bassin_emploi_BMO_communes.csv`). Job-seeker series: the
real monthly commune series (`emploi_demandeur_par_commune_odis.csv`, read by `stmt.read_commune_series`).
Recruitment projects: BMO 2024 (the Bretagne extract when the territory is in Bretagne, else the national
workbook). Occupations: ROME 4.0 fiches, appellations, skills (bloc 5 of `liens_rome_referentiels`), texts
and NAF sectors; the FAP-2021 ↔ ROME bridge of `gtec_core.occupations`.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from gtec_core.errors import SourceError
from gtec_core.occupations import fap2021_rome_bridge
from gtec_core.sources import bmo, geo, stmt
from gtec_core.sources.rome import read_release
from gtec_core.tabular import read_table

SCALES = {
    "pays-de-vannes": ("ze", "5318", "Pays de Vannes (zone d'emploi 5318 Vannes et EPCI du Pays de Vannes)"),
    "bretagne": ("region", "53", "Bretagne (région 53)"),
    "france": ("france", "", "France entière"),
}
ODIS = "stmt_defm/emploi_demandeur_par_commune_odis.csv"
TERRITORIES = Path(__file__).resolve().parent.parent / "parameters" / "territories.yaml"
BMO_BRETAGNE = "bmo/BMO_2024_Bretagne_extract.csv"
BMO_NATIONAL = "bmo/Base_open_data_BMO_2024.xlsx"
LAST_MONTH = date(2024, 12, 1)  # last month of the real job-seeker series
PERIOD_MONTHS = 24
BMO_SECRET_VALUE = 5  # a secret BMO count is small: taken as 5 projects


def months_of(count: int) -> list[date]:
    """The `count` first months of the 24-month period ending with the real series (Jan 2023 – Dec 2024)."""
    start = LAST_MONTH.year * 12 + LAST_MONTH.month - 1 - (PERIOD_MONTHS - 1)
    return [date((start + i) // 12, (start + i) % 12 + 1, 1) for i in range(count)]


def rng(seed: int, stream: str, *parts: int) -> np.random.Generator:
    """An independent random stream per (seed, purpose, chunk): the same chunk gets the same numbers whatever
    else is generated, so files are reproducible and chunks can be made in any order."""
    return np.random.default_rng([seed, zlib.crc32(stream.encode()), *parts])


@dataclass
class Context:
    scale: str
    seed: int
    data_dir: Path
    label: str
    communes: pl.DataFrame  # commune, libelle, dep, reg, population, bassin — the territory
    all_communes: pl.DataFrame  # same columns, all of France (for département and bassin shares)
    series: pl.DataFrame  # level, code, month, job_seekers (real series)
    bmo: pl.DataFrame  # bassin, metier_code, projects, difficult_projects, seasonal_projects (secret → 5)
    bridge: pl.DataFrame
    fiches: pl.DataFrame  # code_rome, libelle_rome, emploi_cadre
    appellations: pl.DataFrame  # code_rome, code_ogr, libelle
    skills: pl.DataFrame  # code_rome, code_ogr, libelle, kind (competence / savoir)
    texts: dict[str, str]  # code_rome -> definition text
    naf_divisions: pl.DataFrame  # code_rome, division (2 digits)
    inputs: dict[str, Path] = field(default_factory=dict)


def _communes(data_dir: Path) -> pl.DataFrame:
    communes_path, communes_spec = geo.FILES["communes"]
    com = read_table(data_dir / communes_path, communes_spec).filter(pl.col("TYPECOM") == "COM")
    pop_path, pop_spec = geo.FILES["populations"]
    pop = read_table(data_dir / pop_path, pop_spec).select(
        pl.col("COM").alias("commune"), pl.col("PMUN").cast(pl.Int64).alias("population")
    )
    bassin_path, bassin_spec = geo.FILES["bmo_bassins"]
    bassins = read_table(data_dir / bassin_path, bassin_spec).select(
        pl.col("code_commune_insee").alias("commune"),
        pl.col("code_bassin_BMO").cast(pl.Int32).alias("bassin"),
    )
    frame = (
        com.select(
            pl.col("COM").alias("commune"),
            pl.col("LIBELLE").alias("libelle"),
            pl.col("DEP").alias("dep"),
            pl.col("REG").alias("reg"),
        )
        .join(pop, on="commune", how="left")
        .join(bassins, on="commune", how="left")
        .with_columns(pl.col("population").fill_null(0))
    )
    # a commune missing from the bassin table takes the most populated bassin of its département
    main = (
        frame.filter(pl.col("bassin").is_not_null())
        .group_by("dep", "bassin")
        .agg(pl.col("population").sum())
        .sort("dep", "population", "bassin", descending=[False, True, False])
        .unique(subset="dep", keep="first")
        .select("dep", pl.col("bassin").alias("_main"))
    )
    return (
        frame.join(main, on="dep", how="left")
        .with_columns(pl.col("bassin").fill_null(pl.col("_main")).fill_null(0))
        .drop("_main")
        .sort("commune")
    )


def _project_epci_communes(data_dir: Path, slug: str) -> list[str]:
    """Member communes (DGCL epcicom) of the EPCI that make up a named project territory."""
    import yaml

    spec = next(t for t in yaml.safe_load(TERRITORIES.read_text(encoding="utf-8")) if t["slug"] == slug)
    epcicom = geo.read_epcicom(data_dir / geo.EPCI_FILE)
    return epcicom.filter(pl.col("siren").is_in(spec.get("epci", [])))["insee"].to_list()


def _territory(data_dir: Path, scale: str, every: pl.DataFrame) -> pl.DataFrame:
    level, code, _ = SCALES[scale]
    if level == "ze":
        ze_path, ze_spec = geo.FILES["ze_communes"]
        members = set(
            read_table(data_dir / ze_path, ze_spec).filter(pl.col("ZE2020") == code)["CODGEO"].to_list()
        )
        if scale == "pays-de-vannes":
            # the GTEC project territory (its three EPCI, gtec_core/parameters/territories.yaml) reaches 4 communes
            # outside the zone d'emploi: the demo covers both, so that both territories have complete data
            members |= set(_project_epci_communes(data_dir, "pays-de-vannes"))
        return every.filter(pl.col("commune").is_in(sorted(members)))
    if level == "region":
        return every.filter(pl.col("reg") == code)
    return every


def _bmo(data_dir: Path, communes: pl.DataFrame) -> tuple[pl.DataFrame, Path]:
    path = data_dir / BMO_BRETAGNE
    if not (communes["reg"] == "53").all():
        path = data_dir / BMO_NATIONAL
    frame = bmo.read_bmo(path)
    counts = ["projects", "difficult_projects", "seasonal_projects"]
    return (
        frame.group_by("bassin", "metier_code")
        .agg(pl.col(c).fill_null(BMO_SECRET_VALUE).sum() for c in counts)
        .sort("bassin", "metier_code"),
        path,
    )


def load(data_dir: Path, scale: str, seed: int) -> Context:
    """Read everything the generator needs for `scale`."""
    if scale not in SCALES:
        raise ValueError(f"échelle inconnue « {scale} » (attendu : {', '.join(SCALES)})")
    data_dir = Path(data_dir)
    every = _communes(data_dir)
    communes = _territory(data_dir, scale, every)
    if communes.is_empty():
        raise SourceError(data_dir, f"aucune commune pour l'échelle « {scale} »")
    series = stmt.read_commune_series(data_dir / ODIS).select("level", "code", "month", "job_seekers")
    bmo_frame, bmo_path = _bmo(data_dir, communes)
    release = read_release(
        data_dir / "rome4",
        [
            "referentiel_code_rome",
            "referentiel_appellation",
            "liens_rome_referentiels",
            "referentiel_competence",
            "referentiel_savoir",
            "texte",
            "arborescence_secteur_naf",
        ],
    )
    t = release.tables
    fiches = t["referentiel_code_rome"].select(
        "code_rome", "libelle_rome", (pl.col("emploi_cadre") == "O").alias("emploi_cadre")
    )
    appellations = (
        t["referentiel_appellation"]
        .select("code_rome", "code_ogr", pl.col("libelle_appellation_long").alias("libelle"))
        .sort("code_rome", "code_ogr")
    )
    links = t["liens_rome_referentiels"].filter(pl.col("code_compo_bloc") == "5")
    competences = t["referentiel_competence"].select(
        "code_ogr", pl.col("libelle_competence").alias("libelle")
    )
    savoirs = t["referentiel_savoir"].select(
        pl.col("code_ogr_savoir").alias("code_ogr"), pl.col("libelle_savoir").alias("libelle")
    )
    skills = pl.concat(
        [
            links.filter(pl.col("code_rubrique") != "3")
            .join(competences, on="code_ogr")
            .select("code_rome", "code_ogr", "libelle", pl.lit("competence").alias("kind")),
            links.filter(pl.col("code_rubrique") == "3")
            .join(savoirs, on="code_ogr")
            .select("code_rome", "code_ogr", "libelle", pl.lit("savoir").alias("kind")),
        ]
    ).sort("code_rome", "code_ogr", "kind")
    texte = t["texte"].filter(pl.col("libelle_type_texte") == "definition")
    texts = {
        code: " ".join(
            text.strip() if text.strip().endswith((".", "!", "?", ":")) else text.strip() + "."
            for text in group.sort(pl.col("position_phrase").cast(pl.Int32))["libelle_texte"].to_list()
        )
        for (code,), group in texte.group_by("code_rome")
    }
    naf = (
        t["arborescence_secteur_naf"]
        .filter(pl.col("code_secteur_naf").str.contains(r"^\d{1,2}$") & (pl.col("code_secteur_naf") != "0"))
        .select("code_rome", pl.col("code_secteur_naf").str.zfill(2).alias("division"))
        .unique()
        .sort("code_rome", "division")
    )
    return Context(
        scale=scale,
        seed=seed,
        data_dir=data_dir,
        label=SCALES[scale][2],
        communes=communes,
        all_communes=every,
        series=series,
        bmo=bmo_frame,
        bridge=fap2021_rome_bridge(data_dir),
        fiches=fiches,
        appellations=appellations,
        skills=skills,
        texts=texts,
        naf_divisions=naf,
        inputs={
            "communes": data_dir / geo.FILES["communes"][0],
            "populations": data_dir / geo.FILES["populations"][0],
            "zones d'emploi": data_dir / geo.FILES["ze_communes"][0],
            "bassins BMO": data_dir / geo.FILES["bmo_bassins"][0],
            "demandeurs d'emploi": data_dir / ODIS,
            "BMO 2024": bmo_path,
            "ROME 4.0": data_dir / "rome4" / f"unix_referentiel_code_rome_v{release.version}_utf8.csv",
            "FAP-2009 ↔ ROME v3": data_dir / "fap_rome" / "Rome-V3_vers_Fap-2009.xls",
            "FAP-2021": data_dir / "fap_rome" / "Intitules_FAP2021_odis.csv",
        },
    )
