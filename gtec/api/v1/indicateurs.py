"""/api/v1/indicateurs: any declared indicator × territory × occupation × period, read from the same
published table as the page exports (`gtec.labour.read.indicator_export`), so statistical secrecy is
inherited: a secret cell has no value, no category and no counts, only the secrecy symbol."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from ninja import Query, Router, Schema

from gtec.api.v1.core import ApiError, Page, not_found, paginate, public
from gtec.api.v1.territoires import get_or_404
from gtec.labour import read as lq
from gtec_core.indicators.registry import REGISTRY
from gtec_core.secrecy import load_rules

router = Router(tags=["Indicateurs"], auth=public)
KINDS = {"all", "rome", "fap2021", "fap2009", "naf"}


class IndicateurOut(Schema):
    nom: str
    libelle: str
    unite: str
    periodicite: str
    reference: str
    documentation: str


class Valeur(Schema):
    indicateur: str
    territoire: str
    periode: str
    nomenclature: str
    metier: str
    libelle_metier: str
    valeur: float | None
    affichage: str
    unite: str
    statut: str
    categorie: int | None
    effectifs: str
    symbole_secret: str


class Valeurs(Page(Valeur)):
    millesime: str
    donnees_synthetiques: bool
    symbole_secret: str
    note_secret: str


@router.get("", response=list[IndicateurOut], summary="Indicateurs déclarés")
def indicateurs(request):
    return [
        {
            "nom": name,
            "libelle": ind.label,
            "unite": ind.unit,
            "periodicite": ind.period,
            "reference": ind.reference,
            "documentation": ind.documentation,
        }
        for name, ind in REGISTRY.items()
    ]


def published(name: str, territory, period: str | None) -> dict:
    """The published table and its vintage, cached until the labour data change (the read side's own
    version key), so that a busy API reads the database once per table."""
    raw = repr(("api-indicator", lq.data_version(), name, territory.key, period))
    key = "api:" + hashlib.sha256(raw.encode()).hexdigest()
    hit = cache.get(key)
    if hit is None:
        hit = {
            "rows": lq.indicator_export(name, territory, period).to_dicts(),
            "millesime": ", ".join(f"{r.source} {r.version}".strip() for r in lq.sources()),
            "donnees_synthetiques": lq.is_synthetic(),
        }
        cache.set(key, hit, 3600)
    return hit


@router.get("/{nom}/periodes", response=list[str], summary="Périodes disponibles pour un territoire")
def periodes(request, nom: str, territoire: str = Query(None, max_length=60)):
    if nom not in REGISTRY:
        raise not_found(f"Indicateur « {nom[:60]} »")
    territory = get_or_404(territoire or settings.GTEC_DEFAULT_TERRITORY)
    return sorted({r["periode"] for r in published(nom, territory, None)["rows"]}, reverse=True)


@router.get("/{nom}", response=Valeurs, summary="Valeurs d'un indicateur (territoire × métier × période)")
def valeurs(
    request,
    nom: str,
    territoire: str = Query(
        None, max_length=60, description="clé ÉCHELLE:CODE (territoire par défaut sinon)"
    ),
    periode: str = Query(None, max_length=10, description="AAAA, ou AAAA-MM pour une série mensuelle"),
    metier: str = Query(None, max_length=10, description="code ROME, FAP ou « tous »"),
    nomenclature: str = Query(None, description="all, rome, fap2021, fap2009, naf"),
    statut: str = Query(None, description="ok, secret, fragile…"),
    page: int = Query(1, ge=1),
    size: int = Query(50, ge=1, le=100),
):
    if nom not in REGISTRY:
        raise ApiError(404, "introuvable", f"Indicateur « {nom[:60]} » inconnu.", connus=sorted(REGISTRY))
    if nomenclature and nomenclature not in KINDS:
        raise ApiError(
            422, "requete_invalide", f"« nomenclature » : une valeur parmi {', '.join(sorted(KINDS))}."
        )
    territory = get_or_404(territoire or settings.GTEC_DEFAULT_TERRITORY)
    # The page as sent is cached too, under the same data version: a busy API serves it without rebuilding.
    raw = repr(
        ("api-page", lq.data_version(), nom, territory.key, periode, metier, nomenclature, statut, page, size)
    )
    key = "api:" + hashlib.sha256(raw.encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        body = Valeurs.model_validate(
            page_of(nom, territory, periode, metier, nomenclature, statut, page, size)
        ).model_dump_json()
        cache.set(key, body, 3600)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def page_of(nom, territory, periode, metier, nomenclature, statut, page, size) -> dict:
    table = published(nom, territory, periode or None)
    rows = table["rows"]
    if metier:
        wanted = "tous" if metier.lower() == "tous" else metier.upper()
        rows = [r for r in rows if r["metier"] == wanted]
    if nomenclature:
        rows = [r for r in rows if r["nomenclature"] == nomenclature]
    if statut:
        rows = [r for r in rows if r["statut"] == statut]
    rules = load_rules()
    return {
        **paginate(rows, page, size),
        "millesime": table["millesime"],
        "donnees_synthetiques": table["donnees_synthetiques"],
        "symbole_secret": rules.symbol,
        "note_secret": f"« {rules.symbol} » : valeur non diffusable (moins de {rules.min_units} unités, "
        "dominance ou secret secondaire) ; sa valeur et ses effectifs ne sont jamais transmis.",
    }
