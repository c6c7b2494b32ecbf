"""/api/v1/projections and /api/v1/tests-de-resistance: « Les métiers en 2030 » declined for a territory (by
scenario and horizon) and the saved stress tests, read from the prospective read module exactly as the
pages show them, so statistical secrecy is inherited: a secret family has no figure, only the symbol.

A stress test is read by its permalink token (the page's `…/stress/<jeton>/`): saved tests are not listed,
since a permalink is shared only by whoever saved it."""

from __future__ import annotations

from ninja import Query, Router, Schema

from gtec.api.v1.core import ApiError, Page, not_found, paginate, public
from gtec.api.v1.territoires import get_or_404
from gtec.prospective import queries as pq
from gtec_core.secrecy import load_rules

router = Router(tags=["Prospective"], auth=public)
stress_router = Router(tags=["Prospective"], auth=public)
CLASSES = ["accentuent", "nouvelles", "maintiennent", "reduisent", "sans"]
STATUSES = {"ok", "secret"}


class ScenarioOut(Schema):
    nom: str
    libelle: str


class Valeurs(Schema):
    emploi_2019: float | None
    postes_a_pourvoir_par_an: float | None
    fourchette_basse: float | None
    fourchette_haute: float | None
    remplacement_par_an: float | None
    expansion_par_an: float | None
    jeunes_debutants_par_an: float | None
    places_de_formation_locales_par_an: float | None
    desequilibre_pct_emploi_2019: float | None


class Affichage(Schema):
    emploi_2019: str
    postes_a_pourvoir_par_an: str
    fourchette: str
    remplacement_par_an: str
    expansion_par_an: str
    jeunes_debutants_par_an: str
    places_de_formation_locales_par_an: str
    desequilibre_pct_emploi_2019: str


class FamilleOut(Schema):
    fap: str
    famille: str
    statut: str
    valeurs: Valeurs | None
    affichage: Affichage
    tension_2019: str
    classe: str
    libelle_classe: str
    methode: str
    remarques: str


class Classe(Schema):
    classe: str
    libelle: str
    familles: int
    part_emploi: str


class Totaux(Schema):
    emploi_2019: str
    postes_a_pourvoir_par_an: str
    remplacement_par_an: str
    expansion_par_an: str
    departs_pct_emploi: str


class ProjectionOut(Page(FamilleOut)):
    territoire: str
    scenario: str
    libelle_scenario: str
    horizon: int
    annees: int
    totaux: Totaux
    classes: list[Classe]
    methode: str
    regions: list[str]
    donnees_synthetiques: bool
    symbole_secret: str
    note_secret: str


def secrecy_note() -> tuple[str, str]:
    rules = load_rules()
    note = (
        f"« {rules.symbol} » : famille non diffusable (emploi local importé de moins de {rules.min_units} "
        "personnes) ; ses chiffres ne sont jamais transmis et les totaux ne la comptent pas."
    )
    return rules.symbol, note


def family_out(r: dict) -> dict:
    v = r["values"]
    return {
        "fap": r["fap"],
        "famille": r["label"],
        "statut": "secret" if r["secret"] else "ok",
        "valeurs": None
        if r["secret"] or v is None
        else {
            "emploi_2019": v["employment"],
            "postes_a_pourvoir_par_an": v["postes_year"],
            "fourchette_basse": v["low"],
            "fourchette_haute": v["high"],
            "remplacement_par_an": v["replacement_year"],
            "expansion_par_an": v["expansion_year"],
            "jeunes_debutants_par_an": v["starters_year"],
            "places_de_formation_locales_par_an": v["local_starters"],
            "desequilibre_pct_emploi_2019": v["imbalance_pct"],
        },
        "affichage": {
            "emploi_2019": r["employment"],
            "postes_a_pourvoir_par_an": r["postes_year"],
            "fourchette": r["band"],
            "remplacement_par_an": r["replacement_year"],
            "expansion_par_an": r["expansion_year"],
            "jeunes_debutants_par_an": r["starters_year"],
            "places_de_formation_locales_par_an": r["local_starters"],
            "desequilibre_pct_emploi_2019": r["imbalance_pct"],
        },
        "tension_2019": str(r["tension"]),
        "classe": r["class_key"],
        "libelle_classe": r["class_label"],
        "methode": r["method"],
        "remarques": r["notes"],
    }


def view_or_error(cle: str, scenario: str, horizon: int):
    territory = get_or_404(cle)
    try:
        return pq.projection_view(territory.key, scenario=scenario, horizon=horizon)
    except pq.ScenarioError as exc:
        field = "horizon" if str(exc).startswith("horizon") else "scenario"
        raise ApiError(422, "requete_invalide", f"« {field} » : {exc}.") from None
    except pq.NoProjection as exc:
        message = str(exc)
        if "importée" in message:  # no developer command in a public message
            message = "la projection officielle n'est pas encore disponible sur ce site"
        raise ApiError(
            404, "sans_projection", f"Pas de projection pour « {territory.key} » : {message}."
        ) from None


@router.get("/scenarios", response=list[ScenarioOut], summary="Scénarios de projection disponibles")
def scenarios(request):
    return [{"nom": n, "libelle": label} for n, label in pq.scenario_choices()]


@router.get(
    "/{cle}",
    response=ProjectionOut,
    summary="Postes à pourvoir d'un territoire par famille de métiers (« Les métiers en 2030 » décliné)",
)
def projection(
    request,
    cle: str,
    scenario: str = Query("reference", max_length=40, description="voir /projections/scenarios"),
    horizon: int = Query(2030, description="année d'arrivée (2030 par défaut)"),
    famille: str = Query(None, max_length=10, description="code FAP (ou son début, ex. T4Z)"),
    classe: str = Query(None, description=", ".join(CLASSES)),
    statut: str = Query(None, description="ok ou secret"),
    page: int = Query(1, ge=1),
    size: int = Query(50, ge=1, le=100),
):
    if classe and classe not in CLASSES:
        raise ApiError(422, "requete_invalide", f"« classe » : une valeur parmi {', '.join(CLASSES)}.")
    if statut and statut not in STATUSES:
        raise ApiError(422, "requete_invalide", "« statut » : ok ou secret.")
    view = view_or_error(cle, scenario, horizon)
    rows = view.rows
    if famille:
        rows = [r for r in rows if r["fap"].upper().startswith(famille.strip().upper())]
    if classe:
        rows = [r for r in rows if r["class_key"] == classe]
    if statut:
        rows = [r for r in rows if ("secret" if r["secret"] else "ok") == statut]
    symbol, note = secrecy_note()
    t = view.totals
    return {
        **paginate(rows, page, size, family_out),
        "territoire": view.territory.key,
        "scenario": view.scenario.name,
        "libelle_scenario": view.scenario.label,
        "horizon": view.horizon,
        "annees": view.years,
        "totaux": {
            "emploi_2019": t["employment"],
            "postes_a_pourvoir_par_an": t["postes_year"],
            "remplacement_par_an": t["replacement_year"],
            "expansion_par_an": t["expansion_year"],
            "departs_pct_emploi": t["departures_pct"],
        },
        "classes": [
            {"classe": c["key"], "libelle": c["label"], "familles": c["families"], "part_emploi": c["share"]}
            for c in view.classes
        ],
        "methode": view.method_note,
        "regions": list(view.regions),
        "donnees_synthetiques": bool(view.synthetic),
        "symbole_secret": symbol,
        "note_secret": note,
    }


# --- saved stress tests ------------------------------------------------------------------------------


class DeplacesOut(Schema):
    fap: str
    famille: str
    statut: str
    actifs_deplaces: float | None
    affichage: str


class SecteurOut(Schema):
    secteur: str
    emploi: str
    actifs_deplaces: str


class IndicateurStress(Schema):
    libelle: str
    valeur: str


class StressOut(Schema):
    jeton: str
    territoire: str
    nom: str
    choc: str
    cree_le: str
    total_deplaces: str
    deplaces: list[DeplacesOut]
    secteurs: list[SecteurOut]
    source_secteurs: str
    indicateurs: list[IndicateurStress]
    avertissements: list[str]
    symbole_secret: str


@stress_router.get(
    "/{jeton}", response=StressOut, summary="Un test de résistance enregistré (jeton du lien permanent)"
)
def test_de_resistance(request, jeton: str):
    saved = pq.saved_stress(jeton.strip()[:22])
    if saved is None:
        raise not_found(f"Test de résistance « {jeton[:22]} »")
    try:
        view = pq.stress_view(saved.territory_key, saved.shock, absorption=False)
    except LookupError:
        raise not_found(f"Territoire « {saved.territory_key} »") from None
    except pq.ShockError as exc:
        raise ApiError(409, "choc_invalide", f"Ce test ne s'applique plus au territoire : {exc}.") from None
    symbol = load_rules().symbol
    # A secret displaced cell (one company dominating, or too few) must not come back through a total or a
    # sector figure: when any cell is secret, the totals by sector and overall are withheld too.
    any_secret = any(d["secret"] for d in view.displaced)
    return {
        "jeton": saved.token,
        "territoire": saved.territory_key,
        "nom": saved.name,
        "choc": saved.shock,
        "cree_le": saved.created_at.isoformat(),
        "total_deplaces": symbol if any_secret else view.total_displaced,
        "deplaces": [
            {
                "fap": d["fap"],
                "famille": d["label"],
                "statut": "secret" if d["secret"] else "ok",
                "actifs_deplaces": None if d["secret"] or d["raw"] is None else round(d["raw"]),
                "affichage": symbol if d["secret"] else d["value"],
            }
            for d in view.displaced
        ],
        "secteurs": [
            {
                "secteur": s["sector"],
                "emploi": s["employment"],
                "actifs_deplaces": symbol if any_secret else s["displaced"],
            }
            for s in view.sectors
        ],
        "source_secteurs": view.sector_source,
        "indicateurs": [{"libelle": label, "valeur": value} for label, value in view.indicators],
        "avertissements": view.warnings,
        "symbole_secret": symbol,
    }
