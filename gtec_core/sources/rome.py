"""ROME 4.0 (France Travail) — the CSV export `RefRomeCsv`, one file per table, named
`unix_<table>_v<version>_utf8.csv`. Layout: data-sources.md §1.1. UTF-8, comma, fully quoted, except
`unix_arborescence_secteur_naf`, which is published in Latin-1 despite its name; `unix_texte` escapes
apostrophes SQL-style (`''`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from gtec_core.errors import SourceError
from gtec_core.tabular import Column, FileSpec, read_table, sha256_file

ROME = r"[A-N]\d{4}"
OGR = r"\d+"


def c(name: str, kind: str = "str", required: bool = False, pattern: str | None = None) -> Column:
    return Column(name, kind, required, pattern)


def rome_col(name: str = "code_rome", required: bool = True) -> Column:
    return c(name, "pattern", required, ROME)


FLAGS = [c("transition_eco"), c("transition_num"), c("transition_demo"), c("emploi_reglemente"), c("emploi_cadre")]

SPECS: dict[str, FileSpec] = {
    spec.name: spec
    for spec in [
        FileSpec("grand_domaine", (c("code_grand_domaine", "pattern", True, "[A-N]"), c("libelle_grand_domaine", required=True)), key=("code_grand_domaine",)),
        FileSpec("domaine_professionnel", (c("code_domaine_professionnel", "pattern", True, r"[A-N]\d{2}"), c("libelle_domaine_professionnel", required=True)), key=("code_domaine_professionnel",)),
        FileSpec("referentiel_code_rome", (rome_col(), c("code_fiche_metier", "int"), c("code_ogr", "int", True), c("libelle_rome", required=True), *FLAGS, rome_col("code_rome_parent", False)), key=("code_rome",)),
        FileSpec("cr_gd_dp", (rome_col(), c("libelle_rome"), c("code_grand_domaine", required=True), c("libelle_grand_domaine"), c("code_domaine_professionel", required=True), c("libelle_domaine_professionel")), key=("code_rome",)),
        FileSpec("cr_gd_dp_appellations", (c("code_grand_domaine"), c("code_domaine_professionnel"), c("numero_fiche_rome"), c("intitule"), c("libelle_appellation_long"), c("type_provenance", "int", True), c("code_fiche"), c("ogr_rome"), c("ogr_appellation"))),
        FileSpec("referentiel_appellation", (c("code_ogr", "int", True), c("libelle_appellation_long", required=True), c("libelle_appellation_court"), rome_col(), *FLAGS, c("classification", "pattern", True, "PRINCIPALE|SYNONYME"), c("origine"), rome_col("code_rome_parent", False), c("peu_usite", "pattern", False, "O|N")), key=("code_ogr",)),
        FileSpec("referentiel_competence", (c("code_ogr", "int", True), c("nature", "pattern", True, "Compétence|Macro-compétence"), c("libelle_competence", required=True), c("definition"), c("code_ogr_macro_comp", "int"), c("code_macro_comp"), c("cat_comp"), c("sous_cat_comp"), c("transition_eco"), c("transition_num"), c("libelle_heterogeneite"), c("libelle_origine")), key=("code_ogr",)),
        FileSpec("referentiel_macro_competence_riasec", (c("code_ogr", "int", True), c("riasec_majeur", "pattern", False, "[RIASEC]"), c("riasec_mineur", "pattern", False, "[RIASEC]")), key=("code_ogr",)),
        FileSpec("referentiel_savoir", (c("code_ogr_savoir", "int", True), c("libelle_savoir", required=True), c("categorie_savoir"), c("sous_categorie_savoir"), c("transition_eco"), c("transition_num")), key=("code_ogr_savoir",)),
        FileSpec("referentiel_contexte_travail", (c("code_ogr", "int", True), c("libelle_cont_travail", required=True), c("code_type_cont_trav", "int"), c("libelle_type_cont_trav")), key=("code_ogr",)),
        FileSpec("item", (c("code_ogr", "int", True), c("libelle", required=True), c("code_rubrique", "int")), key=("code_ogr",)),
        FileSpec("liens_rome_referentiels", (rome_col(), c("code_compo_bloc", "int", True), c("code_rubrique", "int"), c("code_ogr", "int", True)), key=("code_rome", "code_compo_bloc", "code_ogr")),
        FileSpec("coherence_item", (rome_col(), c("code_ogr", "int", True), c("coeur_metier", "pattern", False, "Principale|Émergente")), key=("code_rome", "code_ogr")),
        FileSpec("composition_bloc", (c("code_compo_bloc", "int", True), c("libelle_bloc")), key=("code_compo_bloc",)),
        FileSpec("descriptif_rubrique", (c("code_rubrique", "int", True), c("code_compo_bloc", "int"), c("position_rubrique", "int"), c("libelle_rubrique")), key=("code_rubrique",)),
        FileSpec("rubrique_mobilite", (rome_col(), rome_col("code_rome_cible"), c("numero_ordre", "int", True)), key=("code_rome", "code_rome_cible")),
        FileSpec("texte", (rome_col(), c("code_compo_bloc", "int", True), c("libelle_type_texte", required=True), c("position_phrase", "int", True), c("libelle_texte")), key=("code_rome", "code_compo_bloc", "position_phrase"), unescape_sql_quotes=("libelle_texte",)),
        FileSpec("referentiel_code_rome_riasec", (rome_col(), c("riasec_majeur", "pattern", False, "[RIASEC]"), c("riasec_mineur", "pattern", False, "[RIASEC]")), key=("code_rome",)),
        FileSpec("themes", (c("code_theme", required=True), c("libelle_theme", required=True), c("definition_theme")), key=("code_theme",)),
        FileSpec("arborescence_thematique", (c("code_theme", required=True), c("libelle_theme"), c("code_ogr_rome", "int"), rome_col(), c("libelle_rome")), key=("code_theme", "code_rome")),
        FileSpec("centre_interet", (c("code_centre_interet", "int", True), c("libelle_centre_interet", required=True), c("definition_centre_interet")), key=("code_centre_interet",)),
        FileSpec("arborescence_centre_interet", (c("code_centre_interet", "int", True), c("libelle_centre_interet"), c("code_ogr_rome", "int"), rome_col(), c("libelle_rome"), c("principal", "pattern", False, "oui|non")), key=("code_centre_interet", "code_rome")),
        FileSpec("secteur_activite", (c("code_sect_activite", "int", True), c("libelle_sect_activite", required=True), c("definition_sect_activite")), key=("code_sect_activite",)),
        FileSpec("sous_secteur_activite", (c("code_ss_sect_activite", "int", True), c("libelle_ss_sect_activite", required=True), c("definition_ss_sect_activite"), c("code_sect_activite", "int", True)), key=("code_ss_sect_activite",)),
        FileSpec("arborescence_secteur_activite", (c("code_sect_activite", "int", True), c("libelle_sect_activite"), c("code_ss_sect_activite", "int"), c("libelle_ss_sect_activite"), c("code_ogr_rome", "int"), rome_col(), c("libelle_rome"), c("principal", "pattern", False, "oui|non")), key=("code_sect_activite", "code_ss_sect_activite", "code_rome")),
        FileSpec("secteur_naf", (c("code_tech_secteur_naf", "int", True), c("code_secteur_naf", required=True), c("libelle_secteur_naf", required=True)), key=("code_secteur_naf",)),
        FileSpec("arborescence_secteur_naf", (c("code_secteur_naf", required=True), c("libelle_secteur_naf"), c("code_ogr_rome", "int"), rome_col(), c("libelle_rome")), encoding="cp1252", key=("code_secteur_naf", "code_rome")),
        FileSpec("type_referentiel", (c("code_type_referentiel"), c("libelle_type_referentiel"))),
    ]
}

REQUIRED = [name for name in SPECS if name not in {"type_referentiel", "cr_gd_dp_appellations"}]


@dataclass
class RomeRelease:
    """A ROME release on disk: its folder, version number, and the frames of every table read."""

    folder: Path
    version: str
    tables: dict[str, pl.DataFrame]
    checksums: dict[str, str]
    published: str = ""
    title: str = ""

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.tables[name]


def find_version(folder: Path) -> str:
    found = sorted(folder.glob("unix_referentiel_code_rome_v*_utf8.csv"))
    if not found:
        raise SourceError(folder / "unix_referentiel_code_rome_v<version>_utf8.csv", "fichier introuvable : est-ce bien le dossier du ROME 4.0 ?")
    match = re.search(r"_v(\d+)_utf8\.csv$", found[-1].name)
    assert match
    return match.group(1)


def file_path(folder: Path, table: str, version: str) -> Path:
    return folder / f"unix_{table}_v{version}_utf8.csv"


def read_version_txt(folder: Path) -> tuple[str, str]:
    path = folder / "version.txt"
    if not path.exists():
        return "", ""
    text = path.read_text(encoding="utf-8", errors="replace")
    published = re.search(r"Date de publication\s*:\s*(\S+)", text)
    title = re.search(r"Titre/commentaire\s*:\s*(.+)", text)
    return (published.group(1) if published else "", title.group(1).strip() if title else "")


def read_release(folder: Path, tables: list[str] | None = None) -> RomeRelease:
    """Read every table of the release (or the named ones). Raises SourceError on the first problem."""
    folder = Path(folder)
    version = find_version(folder)
    wanted = tables or list(SPECS)
    frames: dict[str, pl.DataFrame] = {}
    checksums: dict[str, str] = {}
    for name in wanted:
        path = file_path(folder, name, version)
        if not path.exists():
            if name in REQUIRED:
                raise SourceError(path, "fichier du ROME manquant")
            continue
        frames[name] = read_table(path, SPECS[name])
        checksums[path.name] = sha256_file(path)
    published, title = read_version_txt(folder)
    release = RomeRelease(folder, version, frames, checksums, published, title)
    check_references(release)
    return release


def check_references(release: RomeRelease) -> None:
    """Cross-file integrity: every code a link table names must exist in its referential."""
    if "referentiel_code_rome" not in release.tables:
        return
    fiches = set(release["referentiel_code_rome"]["code_rome"].to_list())
    version = release.version
    for table, column in [
        ("referentiel_appellation", "code_rome"),
        ("rubrique_mobilite", "code_rome"),
        ("rubrique_mobilite", "code_rome_cible"),
        ("liens_rome_referentiels", "code_rome"),
        ("texte", "code_rome"),
    ]:
        frame = release.tables.get(table)
        if frame is None:
            continue
        bad = frame.filter(~pl.col(column).is_in(list(fiches)))
        if not bad.is_empty():
            raise SourceError(
                file_path(release.folder, table, version),
                f"code ROME « {bad[column][0]} » absent du référentiel des fiches",
                line=int(bad["_line"][0]),
                column=column,
            )
