"""Build the skill matrix and the official mobilities straight from a ROME 4.0 folder (RefRomeCsv files read
by gtec_core.sources.rome.read_release), the same links the database import keeps
(gtec/referentials/services.py): liens_rome_referentiels bloc 5, rubrique 1 savoir-faire, 2 savoir-être,
3 savoirs, with the cœur-de-métier flag of coherence_item."""

from __future__ import annotations

from pathlib import Path

from gtec_core.paths.matrix import Link, SkillInfo, SkillMatrix, SkillWeights
from gtec_core.sources.rome import read_release

RUBRIQUE_KIND = {"1": "savoir_faire", "2": "savoir_etre", "3": "savoir"}


def load_matrix(folder: Path, weights: SkillWeights | None = None) -> SkillMatrix:
    t = read_release(
        Path(folder),
        [
            "referentiel_code_rome",
            "referentiel_competence",
            "referentiel_savoir",
            "coherence_item",
            "liens_rome_referentiels",
        ],
    )
    coeur = {
        (r["code_rome"], int(r["code_ogr"])): r["coeur_metier"] or ""
        for r in t["coherence_item"].iter_rows(named=True)
    }
    links = [
        Link(r["code_rome"], int(r["code_ogr"]), RUBRIQUE_KIND[r["code_rubrique"]], coeur.get(key, ""))
        for r in t["liens_rome_referentiels"].iter_rows(named=True)
        if r["code_compo_bloc"] == "5" and r["code_rubrique"] in RUBRIQUE_KIND
        for key in [(r["code_rome"], int(r["code_ogr"]))]
    ]
    skills = {}
    for r in t["referentiel_competence"].iter_rows(named=True):
        macro = r["nature"] == "Macro-compétence"
        parent = r["code_ogr_macro_comp"]
        skills[int(r["code_ogr"])] = SkillInfo(
            int(r["code_ogr"]),
            r["libelle_competence"],
            "macro"
            if macro
            else ("savoir_etre" if r["cat_comp"] == "Savoir-être professionnel" else "savoir_faire"),
            int(parent) if parent and parent.isdigit() and not macro else None,
        )
    for r in t["referentiel_savoir"].iter_rows(named=True):
        skills[int(r["code_ogr_savoir"])] = SkillInfo(
            int(r["code_ogr_savoir"]), r["libelle_savoir"], "savoir"
        )
    fiches = {r["code_rome"]: r["libelle_rome"] for r in t["referentiel_code_rome"].iter_rows(named=True)}
    return SkillMatrix(links, skills, fiches, weights)


def load_mobilities(folder: Path) -> dict[str, dict[str, int]]:
    """Source fiche → {target fiche: numero_ordre} (unix_rubrique_mobilite; 1 = closest)."""
    t = read_release(Path(folder), ["rubrique_mobilite"])
    out: dict[str, dict[str, int]] = {}
    for r in t["rubrique_mobilite"].iter_rows(named=True):
        out.setdefault(r["code_rome"], {})[r["code_rome_cible"]] = int(r["numero_ordre"])
    return out
