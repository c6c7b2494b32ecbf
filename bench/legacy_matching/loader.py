"""Build the title matcher and the skill extractor straight from a ROME 4.0 folder (RefRomeCsv files read by
gtec_core.sources.rome.read_release), so that both work without a database."""

from __future__ import annotations

from pathlib import Path

import yaml

from bench.legacy_matching.search import Entry
from bench.legacy_matching.skills import LexiconEntry, Skill, SkillExtractor
from bench.legacy_matching.titles import TitleMatcher
from gtec_core.sources.rome import read_release

LEXICON_FILE = Path(__file__).resolve().parent / "skill_lexicon.yaml"


def load_title_matcher(folder: Path) -> TitleMatcher:
    """Appellations (unix_referentiel_appellation) plus each fiche's own label (unix_referentiel_code_rome),
    the latter flagged as principal."""
    release = read_release(Path(folder), ["referentiel_code_rome", "referentiel_appellation"])
    fiches = {row["code_rome"]: row for row in release["referentiel_code_rome"].iter_rows(named=True)}
    entries = [
        Entry(
            code_ogr=int(row["code_ogr"]),
            libelle=row["libelle_appellation_long"],
            code_rome=row["code_rome"],
            libelle_rome=fiches[row["code_rome"]]["libelle_rome"],
            principale=row["classification"] == "PRINCIPALE",
            peu_usite=row["peu_usite"] == "O",
        )
        for row in release["referentiel_appellation"].iter_rows(named=True)
    ]
    entries += [
        Entry(int(row["code_ogr"]), row["libelle_rome"], code, row["libelle_rome"], principale=True)
        for code, row in fiches.items()
    ]
    return TitleMatcher(entries)


def load_lexicon(path: Path = LEXICON_FILE) -> list[LexiconEntry]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [
        LexiconEntry(tuple(item["phrases"]), tuple(int(code) for code in item["skills"]))
        for item in data.get("entries", [])
    ]


def load_skill_extractor(folder: Path, lexicon_path: Path = LEXICON_FILE) -> SkillExtractor:
    """Compétences and macro-compétences (unix_referentiel_competence), savoirs (unix_referentiel_savoir),
    and the fiche ↔ item links with their cœur-de-métier flag (unix_coherence_item)."""
    release = read_release(
        Path(folder),
        ["referentiel_code_rome", "referentiel_competence", "referentiel_savoir", "coherence_item"],
    )
    skills = [
        Skill(
            int(r["code_ogr"]),
            r["libelle_competence"],
            "macro" if r["nature"] == "Macro-compétence" else "competence",
        )
        for r in release["referentiel_competence"].iter_rows(named=True)
    ]
    # Certifications (diplomas, CQP, licences) are left out: naming a job is no evidence of its diploma.
    skills += [
        Skill(int(r["code_ogr_savoir"]), r["libelle_savoir"], "savoir")
        for r in release["referentiel_savoir"].iter_rows(named=True)
        if r["categorie_savoir"] != "Certifications et habilitations"
    ]
    macro_of = {
        int(r["code_ogr"]): int(r["code_ogr_macro_comp"])
        for r in release["referentiel_competence"].iter_rows(named=True)
        if r["code_ogr_macro_comp"] and r["code_ogr_macro_comp"].isdigit()
    }
    coherence = [
        (r["code_rome"], int(r["code_ogr"]), r["coeur_metier"] or "")
        for r in release["coherence_item"].iter_rows(named=True)
    ]
    lexicon = load_lexicon(lexicon_path) if Path(lexicon_path).exists() else []
    return SkillExtractor(skills, coherence, lexicon, macro_of)
