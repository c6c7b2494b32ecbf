"""ROME 4.0 (France Travail) — the CSV export `RefRomeCsv`, one file per table, named
`unix_<table>_v<version>_utf8.csv`. Layout: data-sources.md §1.1. UTF-8, comma, fully quoted, except
`unix_arborescence_secteur_naf`, which is published in ISO-8859-15 (Latin-9: `œ` is byte 0xBD) despite its
name; `unix_texte` escapes apostrophes SQL-style (`''`)."""

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


FLAGS = [
    c("transition_eco"),
    c("transition_num"),
    c("transition_demo"),
    c("emploi_reglemente"),
    c("emploi_cadre"),
]

SPECS: dict[str, FileSpec] = {
    spec.name: spec
    for spec in [
        FileSpec(
            "grand_domaine",
            (c("code_grand_domaine", "pattern", True, "[A-N]"), c("libelle_grand_domaine", required=True)),
            key=("code_grand_domaine",),
        ),
        FileSpec(
            "domaine_professionnel",
            (
                c("code_domaine_professionnel", "pattern", True, r"[A-N]\d{2}"),
                c("libelle_domaine_professionnel", required=True),
            ),
            key=("code_domaine_professionnel",),
        ),
        FileSpec(
            "referentiel_code_rome",
            (
                rome_col(),
                c("code_fiche_metier", "int"),
                c("code_ogr", "int", True),
                c("libelle_rome", required=True),
                *FLAGS,
                rome_col("code_rome_parent", False),
            ),
            key=("code_rome",),
        ),
        FileSpec(
            "cr_gd_dp",
            (
                rome_col(),
                c("libelle_rome"),
                c("code_grand_domaine", required=True),
                c("libelle_grand_domaine"),
                c("code_domaine_professionel", required=True),
                c("libelle_domaine_professionel"),
            ),
            key=("code_rome",),
        ),
        FileSpec(
            "cr_gd_dp_appellations",
            (
                c("code_grand_domaine"),
                c("code_domaine_professionnel"),
                c("numero_fiche_rome"),
                c("intitule"),
                c("libelle_appellation_long"),
                c("type_provenance", "int", True),
                c("code_fiche"),
                c("ogr_rome"),
                c("ogr_appellation"),
            ),
        ),
        FileSpec(
            "referentiel_appellation",
            (
                c("code_ogr", "int", True),
                c("libelle_appellation_long", required=True),
                c("libelle_appellation_court"),
                rome_col(),
                *FLAGS,
                c("classification", "pattern", True, "PRINCIPALE|SYNONYME"),
                c("origine"),
                rome_col("code_rome_parent", False),
                c("peu_usite", "pattern", False, "O|N"),
            ),
            key=("code_ogr",),
        ),
        FileSpec(
            "referentiel_competence",
            (
                c("code_ogr", "int", True),
                c("nature", "pattern", True, "Compétence|Macro-compétence"),
                c("libelle_competence", required=True),
                c("definition"),
                c("code_ogr_macro_comp", "int"),
                c("code_macro_comp"),
                c("cat_comp"),
                c("sous_cat_comp"),
                c("transition_eco"),
                c("transition_num"),
                c("libelle_heterogeneite"),
                c("libelle_origine"),
            ),
            key=("code_ogr",),
        ),
        FileSpec(
            "referentiel_macro_competence_riasec",
            (
                c("code_ogr", "int", True),
                c("riasec_majeur", "pattern", False, "[RIASEC]"),
                c("riasec_mineur", "pattern", False, "[RIASEC]"),
            ),
            key=("code_ogr",),
        ),
        FileSpec(
            "referentiel_savoir",
            (
                c("code_ogr_savoir", "int", True),
                c("libelle_savoir", required=True),
                c("categorie_savoir"),
                c("sous_categorie_savoir"),
                c("transition_eco"),
                c("transition_num"),
            ),
            key=("code_ogr_savoir",),
        ),
        FileSpec(
            "referentiel_contexte_travail",
            (
                c("code_ogr", "int", True),
                c("libelle_cont_travail", required=True),
                c("code_type_cont_trav", "int"),
                c("libelle_type_cont_trav"),
            ),
            key=("code_ogr",),
        ),
        FileSpec(
            "item",
            (c("code_ogr", "int", True), c("libelle", required=True), c("code_rubrique", "int")),
            key=("code_ogr",),
        ),
        FileSpec(
            "liens_rome_referentiels",
            (
                rome_col(),
                c("code_compo_bloc", "int", True),
                c("code_rubrique", "int"),
                c("code_ogr", "int", True),
            ),
            key=("code_rome", "code_compo_bloc", "code_ogr"),
        ),
        FileSpec(
            "coherence_item",
            (
                rome_col(),
                c("code_ogr", "int", True),
                c("coeur_metier", "pattern", False, "Principale|Émergente"),
            ),
            key=("code_rome", "code_ogr"),
        ),
        FileSpec(
            "composition_bloc",
            (c("code_compo_bloc", "int", True), c("libelle_bloc")),
            key=("code_compo_bloc",),
        ),
        FileSpec(
            "descriptif_rubrique",
            (
                c("code_rubrique", "int", True),
                c("code_compo_bloc", "int"),
                c("position_rubrique", "int"),
                c("libelle_rubrique"),
            ),
            key=("code_rubrique",),
        ),
        FileSpec(
            "rubrique_mobilite",
            (rome_col(), rome_col("code_rome_cible"), c("numero_ordre", "int", True)),
            key=("code_rome", "code_rome_cible"),
        ),
        FileSpec(
            "texte",
            (
                rome_col(),
                c("code_compo_bloc", "int", True),
                c("libelle_type_texte", required=True),
                c("position_phrase", "int", True),
                c("libelle_texte"),
            ),
            key=("code_rome", "code_compo_bloc", "position_phrase"),
            unescape_sql_quotes=("libelle_texte",),
        ),
        FileSpec(
            "referentiel_code_rome_riasec",
            (
                rome_col(),
                c("riasec_majeur", "pattern", False, "[RIASEC]"),
                c("riasec_mineur", "pattern", False, "[RIASEC]"),
            ),
            key=("code_rome",),
        ),
        FileSpec(
            "themes",
            (c("code_theme", required=True), c("libelle_theme", required=True), c("definition_theme")),
            key=("code_theme",),
        ),
        FileSpec(
            "arborescence_thematique",
            (
                c("code_theme", required=True),
                c("libelle_theme"),
                c("code_ogr_rome", "int"),
                rome_col(),
                c("libelle_rome"),
            ),
            key=("code_theme", "code_rome"),
        ),
        FileSpec(
            "centre_interet",
            (
                c("code_centre_interet", "int", True),
                c("libelle_centre_interet", required=True),
                c("definition_centre_interet"),
            ),
            key=("code_centre_interet",),
        ),
        FileSpec(
            "arborescence_centre_interet",
            (
                c("code_centre_interet", "int", True),
                c("libelle_centre_interet"),
                c("code_ogr_rome", "int"),
                rome_col(),
                c("libelle_rome"),
                c("principal", "pattern", False, "oui|non"),
            ),
            key=("code_centre_interet", "code_rome"),
        ),
        FileSpec(
            "secteur_activite",
            (
                c("code_sect_activite", "int", True),
                c("libelle_sect_activite", required=True),
                c("definition_sect_activite"),
            ),
            key=("code_sect_activite",),
        ),
        FileSpec(
            "sous_secteur_activite",
            (
                c("code_ss_sect_activite", "int", True),
                c("libelle_ss_sect_activite", required=True),
                c("definition_ss_sect_activite"),
                c("code_sect_activite", "int", True),
            ),
            key=("code_ss_sect_activite",),
        ),
        FileSpec(
            "arborescence_secteur_activite",
            (
                c("code_sect_activite", "int", True),
                c("libelle_sect_activite"),
                c("code_ss_sect_activite", "int"),
                c("libelle_ss_sect_activite"),
                c("code_ogr_rome", "int"),
                rome_col(),
                c("libelle_rome"),
                c("principal", "pattern", False, "oui|non"),
            ),
            key=("code_sect_activite", "code_ss_sect_activite", "code_rome"),
        ),
        FileSpec(
            "secteur_naf",
            (
                c("code_tech_secteur_naf", "int", True),
                c("code_secteur_naf", required=True),
                c("libelle_secteur_naf", required=True),
            ),
            key=("code_secteur_naf",),
        ),
        FileSpec(
            "arborescence_secteur_naf",
            (
                c("code_secteur_naf", required=True),
                c("libelle_secteur_naf"),
                c("code_ogr_rome", "int"),
                rome_col(),
                c("libelle_rome"),
            ),
            encoding="iso-8859-15",
            key=("code_secteur_naf", "code_rome"),
        ),
        FileSpec(
            "type_referentiel", (c("code_type_referentiel"), c("libelle_type_referentiel")), allow_empty=True
        ),
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
    """The release's version, from the name of its fiches file; the highest one (numerically) when a folder
    holds several releases."""
    versions = []
    for path in folder.glob("unix_referentiel_code_rome_v*_utf8.csv"):
        match = re.fullmatch(r"unix_referentiel_code_rome_v(\d+)_utf8\.csv", path.name)
        if match:
            versions.append(match.group(1))
    if not versions:
        raise SourceError(
            folder / "unix_referentiel_code_rome_v<version>_utf8.csv",
            "fichier introuvable : est-ce bien le dossier du ROME 4.0 ?",
        )
    return max(versions, key=int)


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


# Cross-file references: (table, column) → (referential table, its key column), optionally on a subset of
# rows (a filter on the referencing table). Every code a table names must exist where it points.
ROME_REFERENCES: list[tuple[str, str, str, str, pl.Expr | None]] = [
    ("cr_gd_dp", "code_rome", "referentiel_code_rome", "code_rome", None),
    ("cr_gd_dp", "code_domaine_professionel", "domaine_professionnel", "code_domaine_professionnel", None),
    ("referentiel_appellation", "code_rome", "referentiel_code_rome", "code_rome", None),
    ("rubrique_mobilite", "code_rome", "referentiel_code_rome", "code_rome", None),
    ("rubrique_mobilite", "code_rome_cible", "referentiel_code_rome", "code_rome", None),
    ("liens_rome_referentiels", "code_rome", "referentiel_code_rome", "code_rome", None),
    (
        "liens_rome_referentiels",
        "code_ogr",
        "referentiel_competence",
        "code_ogr",
        (pl.col("code_compo_bloc") == "5") & (pl.col("code_rubrique") != "3"),
    ),
    (
        "liens_rome_referentiels",
        "code_ogr",
        "referentiel_savoir",
        "code_ogr_savoir",
        (pl.col("code_compo_bloc") == "5") & (pl.col("code_rubrique") == "3"),
    ),
    (
        "liens_rome_referentiels",
        "code_ogr",
        "referentiel_contexte_travail",
        "code_ogr",
        pl.col("code_compo_bloc") == "6",
    ),
    ("coherence_item", "code_rome", "referentiel_code_rome", "code_rome", None),
    ("texte", "code_rome", "referentiel_code_rome", "code_rome", None),
    ("referentiel_code_rome_riasec", "code_rome", "referentiel_code_rome", "code_rome", None),
    ("referentiel_macro_competence_riasec", "code_ogr", "referentiel_competence", "code_ogr", None),
    ("arborescence_thematique", "code_rome", "referentiel_code_rome", "code_rome", None),
    ("arborescence_thematique", "code_theme", "themes", "code_theme", None),
    ("arborescence_centre_interet", "code_rome", "referentiel_code_rome", "code_rome", None),
    ("arborescence_centre_interet", "code_centre_interet", "centre_interet", "code_centre_interet", None),
    ("arborescence_secteur_activite", "code_rome", "referentiel_code_rome", "code_rome", None),
    ("arborescence_secteur_activite", "code_sect_activite", "secteur_activite", "code_sect_activite", None),
    (
        "arborescence_secteur_activite",
        "code_ss_sect_activite",
        "sous_secteur_activite",
        "code_ss_sect_activite",
        pl.col("code_ss_sect_activite") != "",
    ),
    ("sous_secteur_activite", "code_sect_activite", "secteur_activite", "code_sect_activite", None),
    ("arborescence_secteur_naf", "code_rome", "referentiel_code_rome", "code_rome", None),
    ("arborescence_secteur_naf", "code_secteur_naf", "secteur_naf", "code_secteur_naf", None),
]

WHAT = {
    "referentiel_code_rome": "code ROME « {} » absent du référentiel des fiches",
    "domaine_professionnel": "domaine professionnel « {} » absent du référentiel des domaines",
    "referentiel_competence": "code OGR « {} » absent du référentiel des compétences",
    "referentiel_savoir": "code OGR « {} » absent du référentiel des savoirs",
    "referentiel_contexte_travail": "code OGR « {} » absent du référentiel des contextes de travail",
}


def check_references(release: RomeRelease) -> None:
    """Cross-file integrity: every code a link table names must exist in its referential (the database
    would otherwise hold links to nothing, or refuse them with an obscure error)."""
    version = release.version
    for table, column, target, target_column, subset in ROME_REFERENCES:
        frame = release.tables.get(table)
        referential = release.tables.get(target)
        if frame is None or referential is None:
            continue
        if subset is not None:
            frame = frame.filter(subset)
        bad = frame.filter(~pl.col(column).is_in(referential[target_column].unique().to_list()))
        if not bad.is_empty():
            what = WHAT.get(target, "code « {} » absent de unix_" + target)
            raise SourceError(
                file_path(release.folder, table, version),
                what.format(bad[column][0]),
                line=int(bad["_line"][0]),
                column=column,
            )
    domaines = release.tables.get("domaine_professionnel")
    grands = release.tables.get("grand_domaine")
    if domaines is not None and grands is not None:
        bad = domaines.filter(
            ~pl.col("code_domaine_professionnel")
            .str.slice(0, 1)
            .is_in(grands["code_grand_domaine"].to_list())
        )
        if not bad.is_empty():
            raise SourceError(
                file_path(release.folder, "domaine_professionnel", version),
                f"grand domaine de « {bad['code_domaine_professionnel'][0]} » absent du référentiel des grands domaines",
                line=int(bad["_line"][0]),
                column="code_domaine_professionnel",
            )
