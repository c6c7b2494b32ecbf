"""Read-side queries on the ROME: what a fiche page shows, grouped as people read it."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl
from django.conf import settings

from gtec.referentials.models import (
    DomaineProfessionnel,
    Fap,
    Fiche,
    GrandDomaine,
    PasserelleFapRome,
    RomeV3Fap,
)
from gtec_core import occupations

RIASEC = {
    "R": "Réaliste",
    "I": "Investigateur",
    "A": "Artistique",
    "S": "Social",
    "E": "Entreprenant",
    "C": "Conventionnel",
}


@dataclass
class FicheDetail:
    fiche: Fiche
    appellations: list
    savoir_faire: OrderedDict = field(default_factory=OrderedDict)  # sous-catégorie -> links
    savoir_etre: list = field(default_factory=list)
    savoirs: OrderedDict = field(default_factory=OrderedDict)  # catégorie -> links
    contextes: OrderedDict = field(default_factory=OrderedDict)  # type -> contextes
    mobilites: list = field(default_factory=list)
    faps: list = field(default_factory=list)
    classements: OrderedDict = field(default_factory=OrderedDict)
    riasec: list = field(default_factory=list)
    coeur_count: int = 0
    emergent_count: int = 0


def grands_domaines():
    return GrandDomaine.objects.prefetch_related("domaines").all()


def domaine_get(code: str) -> DomaineProfessionnel | None:
    return DomaineProfessionnel.objects.select_related("grand_domaine").filter(code=code.upper()).first()


def faps_of(fiche: Fiche) -> list[Fap]:
    """FAP-2009 families of a ROME 4.0 fiche, through its historic ROME v3 parent (DARES crosswalk)."""
    parent = fiche.code_rome_parent or fiche.code_rome
    return [
        link.fap
        for link in RomeV3Fap.objects.filter(rome_v3=parent).select_related("fap").order_by("fap__code")
    ]


def fiche_detail(code_rome: str) -> FicheDetail | None:
    fiche = Fiche.objects.select_related("domaine__grand_domaine").filter(code_rome=code_rome).first()
    if fiche is None:
        return None
    detail = FicheDetail(
        fiche=fiche,
        appellations=list(
            fiche.appellations.filter(actif=True).order_by("-principale", "peu_usite", "libelle")
        ),
    )
    order = {"Principale": 0, "Émergente": 1, "": 2}
    links = sorted(
        fiche.competence_links.select_related("competence"),
        key=lambda link: (order[link.coeur_metier], link.competence.libelle),
    )
    for link in links:
        if link.savoir_etre:
            detail.savoir_etre.append(link)
        else:
            detail.savoir_faire.setdefault(
                link.competence.sous_categorie or "Autres savoir-faire", []
            ).append(link)
    savoir_links = sorted(
        fiche.savoir_links.select_related("savoir"),
        key=lambda link: (link.savoir.categorie, order[link.coeur_metier], link.savoir.libelle),
    )
    for link in savoir_links:
        detail.savoirs.setdefault(link.savoir.categorie or "Autres savoirs", []).append(link)
    for link in fiche.contexte_links.select_related("contexte").order_by(
        "contexte__code_type", "contexte__libelle"
    ):
        detail.contextes.setdefault(link.contexte.type_libelle or "Autres", []).append(link.contexte)
    detail.mobilites = list(fiche.mobilites.select_related("cible").order_by("rang"))
    detail.faps = faps_of(fiche)
    for link in fiche.classement_links.select_related("classement").order_by(
        "classement__kind", "classement__libelle"
    ):
        detail.classements.setdefault(link.classement.get_kind_display(), []).append(link)
    detail.riasec = [
        (letter, RIASEC[letter]) for letter in (fiche.riasec_majeur, fiche.riasec_mineur) if letter in RIASEC
    ]
    all_links = [*links, *savoir_links]
    detail.coeur_count = sum(1 for link in all_links if link.coeur_metier == "Principale")
    detail.emergent_count = sum(1 for link in all_links if link.coeur_metier == "Émergente")
    return detail


def fap_codes(nomenclature: int, niveau: int | None = None) -> list[str]:
    """Codes of the FAP families of a nomenclature (2009 or 2021), optionally of one level, in code order."""
    qs = Fap.objects.filter(nomenclature=nomenclature)
    if niveau is not None:
        qs = qs.filter(niveau=niveau)
    return list(qs.order_by("code").values_list("code", flat=True))


@cache
def bridge() -> pl.DataFrame:
    """The FAP-2021 ↔ ROME bridge as stored by `gtec import passerelle` (part of `gtec import all`), or built
    from the data folder when it was not imported."""
    columns = ["code_fap2021", "code_rome", "weight", "rome_share", "route", "confidence"]
    rows = list(PasserelleFapRome.objects.order_by("code_fap2021", "code_rome").values_list(*columns))
    if rows:
        schema = {
            c: (pl.Float64 if c in {"weight", "rome_share", "confidence"} else pl.String) for c in columns
        }
        return pl.DataFrame(rows, schema=schema, orient="row")
    return occupations.fap2021_rome_bridge(Path(settings.GTEC_DATA_DIR))
