"""What the text engine learns from: the ROME 4.0 referential as plain Python data, read from a RefRomeCsv
folder (`from_folder`, for the command line and the benchmarks) or built by the caller from the database
(gtec.careers.services), so that one engine serves both. Pure Python, no Django."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from gtec_core.sources.rome import read_release

CERTIFICATIONS = "Certifications et habilitations"


@dataclass(frozen=True)
class Appellation:
    code_ogr: int
    label: str
    code_rome: str
    principale: bool = False
    peu_usite: bool = False


@dataclass(frozen=True)
class SkillItem:
    code_ogr: int
    label: str
    kind: str  # "macro", "competence" or "savoir"
    macro: int | None = None  # a compétence's macro-compétence (code_ogr_macro_comp)


@dataclass
class Referential:
    fiches: dict[str, str]  # code ROME → label
    appellations: list[Appellation]
    skills: dict[int, SkillItem]
    links: list[tuple[str, int, str]]  # (code ROME, skill code_ogr, cœur de métier flag)
    texts: dict[str, str] = field(default_factory=dict)  # code ROME → definition and access texts

    def fiche_items(self) -> dict[str, list[tuple[int, str]]]:
        out: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for code_rome, code, coeur in self.links:
            out[code_rome].append((code, coeur))
        return out


def from_folder(folder: Path) -> Referential:
    """Fiches, appellations, compétences (with their macro-compétence), savoirs without certifications,
    fiche ↔ item links with the cœur-de-métier flag, and the fiches' definition texts."""
    release = read_release(
        Path(folder),
        [
            "referentiel_code_rome",
            "referentiel_appellation",
            "referentiel_competence",
            "referentiel_savoir",
            "coherence_item",
            "texte",
        ],
    )
    fiches = {
        r["code_rome"]: r["libelle_rome"] for r in release["referentiel_code_rome"].iter_rows(named=True)
    }
    appellations = [
        Appellation(
            int(r["code_ogr"]),
            r["libelle_appellation_long"],
            r["code_rome"],
            r["classification"] == "PRINCIPALE",
            r["peu_usite"] == "O",
        )
        for r in release["referentiel_appellation"].iter_rows(named=True)
    ]
    skills: dict[int, SkillItem] = {}
    for r in release["referentiel_competence"].iter_rows(named=True):
        macro = r["nature"] == "Macro-compétence"
        parent = r["code_ogr_macro_comp"]
        skills[int(r["code_ogr"])] = SkillItem(
            int(r["code_ogr"]),
            r["libelle_competence"],
            "macro" if macro else "competence",
            None if macro or not (parent and str(parent).isdigit()) else int(parent),
        )
    for r in release["referentiel_savoir"].iter_rows(named=True):
        if r["categorie_savoir"] != CERTIFICATIONS:
            skills[int(r["code_ogr_savoir"])] = SkillItem(
                int(r["code_ogr_savoir"]), r["libelle_savoir"], "savoir"
            )
    links = [
        (r["code_rome"], int(r["code_ogr"]), r["coeur_metier"] or "")
        for r in release["coherence_item"].iter_rows(named=True)
    ]
    texts: dict[str, list[str]] = defaultdict(list)
    if "texte" in release.tables:
        for r in release["texte"].iter_rows(named=True):
            if r["libelle_texte"]:
                texts[r["code_rome"]].append(r["libelle_texte"])
    return Referential(fiches, appellations, skills, links, {k: " ".join(v) for k, v in texts.items()})


@dataclass(frozen=True)
class EscoOccupation:
    uri: str
    label: str  # French preferred label
    labels: tuple[str, ...]  # French alternative labels, English preferred and alternative labels


def esco_occupations(folder: Path) -> list[EscoOccupation]:
    """ESCO occupations with their French labels (esco_v1.2.1_fr_labels_mockly/occupations_fr.csv:
    conceptUri, preferredLabel, altLabels separated by "|") and, joined on the URI, their English labels
    (tabiya_esco_v1.1.1_en/occupations.csv: ORIGINURI, PREFERREDLABEL, ALTLABELS one per line). Both files
    are optional; an empty list when the folder has neither. Layout: /work/shared/data/esco/PROVENANCE.md."""
    import csv

    folder = Path(folder)
    french = folder / "esco_v1.2.1_fr_labels_mockly" / "occupations_fr.csv"
    english = folder / "tabiya_esco_v1.1.1_en" / "occupations.csv"
    if not french.exists():
        return []
    english_labels: dict[str, list[str]] = {}
    if english.exists():
        with english.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                labels = [row.get("PREFERREDLABEL") or ""] + (row.get("ALTLABELS") or "").split("\n")
                english_labels[row.get("ORIGINURI") or ""] = [x.strip() for x in labels if x.strip()]
    out = []
    with french.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            uri = row.get("conceptUri") or ""
            label = (row.get("preferredLabel") or "").strip()
            if not label:
                continue
            alt = [x.strip() for x in (row.get("altLabels") or "").split("|") if x.strip()]
            out.append(EscoOccupation(uri, label, tuple(alt + english_labels.get(uri, []))))
    return out
