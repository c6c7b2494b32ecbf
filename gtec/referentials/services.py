"""Loading the ROME 4.0 and FAP releases into the database (read → check → diff → bulk write, in one
transaction; see gtec.imports.sync)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, sync
from gtec.referentials import models as m
from gtec_core.sources import fap as fap_source
from gtec_core.sources import rome as rome_source


def flag(value: str) -> bool:
    return value.strip().upper() in {"O", "OUI", "Y"}


def as_int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value else None


def rows(frame: pl.DataFrame) -> list[dict]:
    return frame.drop("_line", strict=False).to_dicts()


def build_rome_rows(release: rome_source.RomeRelease) -> dict[str, tuple[type, tuple[str, ...], list[dict]]]:
    """Turn the release's frames into rows for each model, in dependency order."""
    t = release.tables
    out: dict[str, tuple[type, tuple[str, ...], list[dict]]] = {}
    out["grands_domaines"] = (
        m.GrandDomaine,
        ("code",),
        [
            {"code": r["code_grand_domaine"], "libelle": r["libelle_grand_domaine"]}
            for r in rows(t["grand_domaine"])
        ],
    )
    out["domaines"] = (
        m.DomaineProfessionnel,
        ("code",),
        [
            {
                "code": r["code_domaine_professionnel"],
                "libelle": r["libelle_domaine_professionnel"],
                "grand_domaine_id": r["code_domaine_professionnel"][0],
            }
            for r in rows(t["domaine_professionnel"])
        ],
    )
    domaine = {r["code_rome"]: r["code_domaine_professionel"] for r in rows(t["cr_gd_dp"])}
    riasec = {
        r["code_rome"]: (r["riasec_majeur"], r["riasec_mineur"])
        for r in rows(t["referentiel_code_rome_riasec"])
    }
    texts: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for r in rows(t["texte"]):
        texts.setdefault((r["code_rome"], r["libelle_type_texte"]), []).append(
            (int(r["position_phrase"]), r["libelle_texte"].strip())
        )

    def text(code: str, kind: str) -> str:
        return "\n".join(s for _, s in sorted(texts.get((code, kind), [])))

    out["fiches"] = (
        m.Fiche,
        ("code_rome",),
        [
            {
                "code_rome": r["code_rome"],
                "code_ogr": int(r["code_ogr"]),
                "code_fiche_metier": as_int(r["code_fiche_metier"]),
                "libelle": r["libelle_rome"],
                "domaine_id": domaine.get(r["code_rome"]),
                "code_rome_parent": r["code_rome_parent"],
                "transition_eco": r["transition_eco"],
                "transition_num": flag(r["transition_num"]),
                "transition_demo": flag(r["transition_demo"]),
                "emploi_reglemente": flag(r["emploi_reglemente"]),
                "emploi_cadre": flag(r["emploi_cadre"]),
                "riasec_majeur": riasec.get(r["code_rome"], ("", ""))[0],
                "riasec_mineur": riasec.get(r["code_rome"], ("", ""))[1],
                "definition": text(r["code_rome"], "definition"),
                "acces_metier": text(r["code_rome"], "acces_metier"),
            }
            for r in rows(t["referentiel_code_rome"])
        ],
    )
    out["appellations"] = (
        m.Appellation,
        ("code_ogr",),
        [
            {
                "code_ogr": int(r["code_ogr"]),
                "libelle": r["libelle_appellation_long"],
                "libelle_court": r["libelle_appellation_court"],
                "fiche_id": r["code_rome"],
                "principale": r["classification"] == "PRINCIPALE",
                "peu_usite": flag(r["peu_usite"]),
                "origine": r["origine"],
                "transition_eco": r["transition_eco"],
                "transition_num": flag(r["transition_num"]),
                "emploi_cadre": flag(r["emploi_cadre"]),
            }
            for r in rows(t["referentiel_appellation"])
        ],
    )
    macro_riasec = {
        int(r["code_ogr"]): (r["riasec_majeur"], r["riasec_mineur"])
        for r in rows(t["referentiel_macro_competence_riasec"])
    }
    out["competences"] = (
        m.Competence,
        ("code_ogr",),
        [
            {
                "code_ogr": int(r["code_ogr"]),
                "macro": r["nature"] == "Macro-compétence",
                "libelle": r["libelle_competence"],
                "definition": r["definition"],
                "parent_id": as_int(r["code_ogr_macro_comp"]),
                "code_macro_comp": r["code_macro_comp"],
                "categorie": r["cat_comp"],
                "sous_categorie": r["sous_cat_comp"],
                "transition_eco": flag(r["transition_eco"]),
                "transition_num": flag(r["transition_num"]),
                "heterogeneite": r["libelle_heterogeneite"],
                "origine": r["libelle_origine"],
                "riasec_majeur": macro_riasec.get(int(r["code_ogr"]), ("", ""))[0],
                "riasec_mineur": macro_riasec.get(int(r["code_ogr"]), ("", ""))[1],
            }
            for r in rows(t["referentiel_competence"])
        ],
    )
    out["savoirs"] = (
        m.Savoir,
        ("code_ogr",),
        [
            {
                "code_ogr": int(r["code_ogr_savoir"]),
                "libelle": r["libelle_savoir"],
                "categorie": r["categorie_savoir"],
                "sous_categorie": r["sous_categorie_savoir"],
                "transition_eco": flag(r["transition_eco"]),
                "transition_num": flag(r["transition_num"]),
            }
            for r in rows(t["referentiel_savoir"])
        ],
    )
    out["contextes"] = (
        m.ContexteTravail,
        ("code_ogr",),
        [
            {
                "code_ogr": int(r["code_ogr"]),
                "libelle": r["libelle_cont_travail"],
                "code_type": as_int(r["code_type_cont_trav"]),
                "type_libelle": r["libelle_type_cont_trav"],
            }
            for r in rows(t["referentiel_contexte_travail"])
        ],
    )
    coeur = {(r["code_rome"], int(r["code_ogr"])): r["coeur_metier"] for r in rows(t["coherence_item"])}
    links = t["liens_rome_referentiels"]
    comp_links, savoir_links, ctx_links = [], [], []
    for r in rows(links.filter(pl.col("code_compo_bloc").is_in(["5", "6"]))):
        ogr = int(r["code_ogr"])
        if r["code_compo_bloc"] == "6":
            ctx_links.append({"fiche_id": r["code_rome"], "contexte_id": ogr})
        elif r["code_rubrique"] == "3":
            savoir_links.append(
                {
                    "fiche_id": r["code_rome"],
                    "savoir_id": ogr,
                    "coeur_metier": coeur.get((r["code_rome"], ogr), ""),
                }
            )
        else:
            comp_links.append(
                {
                    "fiche_id": r["code_rome"],
                    "competence_id": ogr,
                    "savoir_etre": r["code_rubrique"] == "2",
                    "coeur_metier": coeur.get((r["code_rome"], ogr), ""),
                }
            )
    out["fiche_competences"] = (m.FicheCompetence, ("fiche_id", "competence_id"), comp_links)
    out["fiche_savoirs"] = (m.FicheSavoir, ("fiche_id", "savoir_id"), savoir_links)
    out["fiche_contextes"] = (m.FicheContexte, ("fiche_id", "contexte_id"), ctx_links)
    out["mobilites"] = (
        m.Mobilite,
        ("source_id", "cible_id"),
        [
            {"source_id": r["code_rome"], "cible_id": r["code_rome_cible"], "rang": int(r["numero_ordre"])}
            for r in rows(t["rubrique_mobilite"])
        ],
    )
    classements, fiche_classements = classement_rows(t)
    out["classements"] = (m.Classement, ("kind", "code"), classements)
    out["fiche_classements"] = (m.FicheClassement, ("fiche_id", "classement_key"), fiche_classements)
    return out


def classement_rows(t: dict[str, pl.DataFrame]) -> tuple[list[dict], list[dict]]:
    classements: list[dict] = []
    links: list[dict] = []
    for r in rows(t["themes"]):
        classements.append(
            {
                "kind": "theme",
                "code": r["code_theme"],
                "libelle": r["libelle_theme"],
                "definition": r["definition_theme"],
                "parent_code": "",
            }
        )
    for r in rows(t["centre_interet"]):
        classements.append(
            {
                "kind": "centre_interet",
                "code": r["code_centre_interet"],
                "libelle": r["libelle_centre_interet"],
                "definition": r["definition_centre_interet"],
                "parent_code": "",
            }
        )
    for r in rows(t["secteur_activite"]):
        classements.append(
            {
                "kind": "secteur",
                "code": r["code_sect_activite"],
                "libelle": r["libelle_sect_activite"],
                "definition": r["definition_sect_activite"],
                "parent_code": "",
            }
        )
    for r in rows(t["sous_secteur_activite"]):
        classements.append(
            {
                "kind": "sous_secteur",
                "code": r["code_ss_sect_activite"],
                "libelle": r["libelle_ss_sect_activite"],
                "definition": r["definition_ss_sect_activite"],
                "parent_code": r["code_sect_activite"],
            }
        )
    for r in rows(t["secteur_naf"]):
        classements.append(
            {
                "kind": "naf",
                "code": r["code_secteur_naf"],
                "libelle": r["libelle_secteur_naf"],
                "definition": "",
                "parent_code": "",
            }
        )
    for r in rows(t["arborescence_thematique"]):
        links.append(
            {"fiche_id": r["code_rome"], "classement_key": ("theme", r["code_theme"]), "principal": False}
        )
    for r in rows(t["arborescence_centre_interet"]):
        links.append(
            {
                "fiche_id": r["code_rome"],
                "classement_key": ("centre_interet", r["code_centre_interet"]),
                "principal": r["principal"] == "oui",
            }
        )
    seen: set[tuple] = set()
    for r in rows(t["arborescence_secteur_activite"]):
        for kind, code in (
            ("secteur", r["code_sect_activite"]),
            ("sous_secteur", r["code_ss_sect_activite"]),
        ):
            if code and (r["code_rome"], kind, code) not in seen:
                seen.add((r["code_rome"], kind, code))
                links.append(
                    {
                        "fiche_id": r["code_rome"],
                        "classement_key": (kind, code),
                        "principal": r["principal"] == "oui",
                    }
                )
    for r in rows(t["arborescence_secteur_naf"]):
        links.append(
            {"fiche_id": r["code_rome"], "classement_key": ("naf", r["code_secteur_naf"]), "principal": False}
        )
    return classements, links


def sync_rows(name: str, model: type, key: tuple[str, ...], data: list[dict], version: str) -> Counts:
    if model is m.FicheClassement:
        ids = {(kind, code): pk for pk, kind, code in m.Classement.objects.values_list("pk", "kind", "code")}
        data = [
            {
                "fiche_id": r["fiche_id"],
                "classement_id": ids[r["classement_key"]],
                "principal": r["principal"],
            }
            for r in data
        ]
        key = ("fiche_id", "classement_id")
    return sync(model, data, key, version=version)


def rome_import(folder: Path, *, progress=None) -> tuple[str, dict[str, Counts]]:
    """Import a ROME 4.0 CSV release (all or nothing). Returns its version and the counts per table."""
    release = rome_source.read_release(folder)
    plan = build_rome_rows(release)
    counts: dict[str, Counts] = {}
    with transaction.atomic():
        for name, (model, key, data) in plan.items():
            if progress:
                progress(name, len(data))
            counts[name] = sync_rows(name, model, key, data, release.version)
        importrun_record(
            source="rome",
            version=f"v{release.version}" + (f" ({release.title})" if release.title else ""),
            data_dir=folder,
            files=release.checksums,
            counts=counts,
        )
    return release.version, counts


def fap_import(folder: Path, *, progress=None) -> tuple[str, dict[str, Counts]]:
    release = fap_source.read_release(folder)
    families = [
        {
            "code": r["code"],
            "nomenclature": 2009,
            "niveau": r["level"],
            "libelle": r["libelle"],
            "parent_code": r["parent"] or "",
        }
        for r in release.fap2009.to_dicts()
    ] + [
        {
            "code": r["code"],
            "nomenclature": 2021,
            "niveau": r["level"],
            "libelle": r["libelle"],
            "parent_code": r["parent"] or "",
        }
        for r in release.fap2021.to_dicts()
    ]
    counts: dict[str, Counts] = {}
    with transaction.atomic():
        if progress:
            progress("fap", len(families))
        counts["fap"] = sync(m.Fap, families, ("nomenclature", "code"), version="DARES")
        ids = {code: pk for pk, code in m.Fap.objects.filter(nomenclature=2009).values_list("pk", "code")}
        links = [
            {
                "rome_v3": r["rome_v3"],
                "libelle_rome_v3": r["libelle_rome_v3"],
                "fap_id": ids[r["fap"]],
                "qualification": r["qualification"],
            }
            for r in release.rome_v3.to_dicts()
        ]
        counts["rome_v3_fap"] = sync(m.RomeV3Fap, links, ("rome_v3", "fap_id"))
        importrun_record(
            source="fap",
            version="FAP-2009 (DARES) + FAP-2021",
            data_dir=folder,
            files=release.checksums,
            counts=counts,
        )
    return "2009+2021", counts


def bridge_import(data_dir: Path, *, progress=None) -> tuple[str, dict[str, Counts]]:
    """Build the FAP-2021 ↔ ROME bridge from the ROME and FAP files (`gtec_core.occupations`) and store it."""
    from gtec_core import occupations

    data_dir = Path(data_dir)
    frame = occupations.fap2021_rome_bridge(data_dir)
    rows = frame.select("code_fap2021", "code_rome", "weight", "rome_share", "route", "confidence").to_dicts()
    if progress:
        progress("passerelle", len(rows))
    with transaction.atomic():
        counts = {"passerelle": sync(m.PasserelleFapRome, rows, ("code_fap2021", "code_rome"))}
        importrun_record(
            source="passerelle",
            version="FAP-2021 ↔ ROME 4.0 (approximation GTEC)",
            data_dir=data_dir,
            files={},
            counts=counts,
        )
    return "FAP-2021 ↔ ROME", counts
