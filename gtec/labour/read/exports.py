"""The published tables behind the CSV/XLSX exports, `gtec export` and the API: secret values blanked and shown
« s », with the origin and the « réel » / « synthétique » label of each figure."""

from __future__ import annotations

import polars as pl
from django.db.models import Q

from gtec.labour import models as m
from gtec.labour.read.bmo import _published_total, bmo_table, hidden_projects
from gtec.labour.read.cells import (
    cell,
    counts_hidden,
    fap_labels,
    indicator_cell,
    nature_label,
    origin_label,
)
from gtec.labour.read.communes import commune_table
from gtec.labour.read.dares import dares_source
from gtec.referentials.models import Fap, Fiche
from gtec.territories.models import Territory
from gtec_core.french import format_fr
from gtec_core.indicators.registry import REGISTRY
from gtec_core.secrecy import TOTAL, load_rules


def _shown_counts(obs: m.Observation | None, hidden: set[tuple[str, str]] = frozenset()) -> str:
    """The counts behind a published value, as text; none for a secret value or one whose BMO projects are
    suppressed in the BMO table."""
    if obs is None or obs.status == "secret" or counts_hidden(obs, hidden):
        return ""
    parts = []
    rate_base = obs.indicator in RATE_BASE_INDICATORS and not obs.occupation
    for k, v in (obs.counts or {}).items():
        if v is None:
            continue
        if k == "projects" and rate_base:
            k = "projects (base du taux)"  # not the BMO total: only the projects whose numerator is published
        # counts are people, offers, projects or jobs: whole numbers, also when shared out by population (#13)
        parts.append(f"{k} = {format_fr(round(v))}")
    return ", ".join(parts)


# BMO rates whose « tous métiers » row is computed on the projects whose numerator is published (methods.md §6):
# their count is named as the rate's base so that it is not read as the BMO total of the dashboard
RATE_BASE_INDICATORS = {"bmo_difficulty_rate", "bmo_seasonality_rate", "dares_tension", "non_durability"}


def reference_area(territory: Territory, period: str | None) -> str:
    """What the territory's location quotients of `period` compare it with, as stored in their
    `origin_detail` (« par rapport à l'emploi du Morbihan »); "" when none is stored."""
    details = m.Observation.objects.filter(
        indicator="location_quotient", territory=territory, period=period
    ).exclude(origin_detail="")
    return details.values_list("origin_detail", flat=True).first() or ""


def indicator_export(indicator: str, territory: Territory, period: str | None) -> pl.DataFrame:
    """The table of one indicator for one territory (all occupations) as published — the one table behind the
    page export, `gtec export` and the API: secret values and their counts blanked and shown « s », and no
    BMO project count that the BMO table suppresses."""
    if indicator not in REGISTRY:
        raise KeyError(indicator)
    qs = m.Observation.objects.filter(indicator=indicator, territory=territory)
    parent_note = ""
    if indicator == "dares_tension" and not qs.filter(occupation_kind="fap2009").exists():
        source, parent_note = dares_source(territory)
        if source is not None and source != territory:
            qs = m.Observation.objects.filter(
                Q(territory=territory) | Q(territory=source, occupation_kind="fap2009"), indicator=indicator
            )
    if period:
        qs = qs.filter(period=period)
    labels = fap_labels()
    if qs.filter(occupation_kind="fap2009").exists():
        labels = {**dict(Fap.objects.filter(nomenclature=2009).values_list("code", "libelle")), **labels}
    fiches = (
        dict(Fiche.objects.values_list("code_rome", "libelle"))
        if qs.filter(occupation_kind="rome").exists()
        else {}
    )
    unit = REGISTRY[indicator].unit
    rules = load_rules()
    hidden = hidden_projects(territory)
    rows = []
    for o in qs.order_by("period", "occupation_kind", "occupation"):
        secret = o.status == "secret"
        if indicator == "bmo_projects" and (o.period, o.occupation) in hidden:
            secret = True  # suppressed in the published BMO table (complementary secrecy)
        if indicator == "bmo_projects" and o.origin == "population" and not o.occupation:
            # a figure shared out by population: the total is the protected table's, as on the page
            total = bmo_table(territory, limit=None)["total"]
            o.value, secret = (total.value, total.secret) if total is not None else (None, True)
            o.counts = {"projects": o.value}
        c = indicator_cell(o, hidden) if not secret else cell(None, "secret")
        secret = secret or c.secret  # a rate of a hidden BMO count is hidden too (#14)
        rows.append(
            {
                "indicateur": indicator,
                "territoire": territory.key,
                "periode": o.period,
                "nomenclature": o.occupation_kind,
                "metier": o.occupation or "tous",
                "libelle_metier": "Tous métiers"
                if not o.occupation
                else labels.get(o.occupation) or fiches.get(o.occupation, ""),
                "valeur": None if secret else c.value,
                "affichage": c.display,
                "unite": unit,
                "statut": "secret" if secret else o.status,
                "categorie": None if secret else o.category,
                "effectifs": _shown_counts(o, hidden),
                "symbole_secret": rules.symbol if secret else "",
                "origine": origin_label(o)
                if o.territory_id == territory.pk
                else f"{origin_label(o)} — {parent_note}",
                "donnees": nature_label(o),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "indicateur": pl.String,
            "territoire": pl.String,
            "periode": pl.String,
            "nomenclature": pl.String,
            "metier": pl.String,
            "libelle_metier": pl.String,
            "valeur": pl.Float64,
            "affichage": pl.String,
            "unite": pl.String,
            "statut": pl.String,
            "categorie": pl.Int64,
            "effectifs": pl.String,
            "symbole_secret": pl.String,
            "origine": pl.String,
            "donnees": pl.String,
        },
    )


def commune_export(territory: Territory, period: str) -> pl.DataFrame:
    """The published commune table (offers and mean category-A job seekers by commune, with the total): the
    values of secret cells are blank and shown « s » — never the stored value."""
    rules = load_rules()
    table = commune_table(territory, period)
    body = table.filter(pl.col("commune") != TOTAL).sort("name")
    table = pl.concat([body, table.filter(pl.col("commune") == TOTAL)])
    return table.select(
        pl.lit(territory.key).alias("territoire"),
        pl.lit(period).alias("periode"),
        pl.col("commune").alias("code_commune"),
        pl.col("name").alias("commune"),
        pl.when(pl.col("offers_secret")).then(None).otherwise(pl.col("offers").round(0)).alias("offres"),
        pl.col("offers_display").alias("offres_affichage"),
        pl.when(pl.col("jobseekers_secret"))
        .then(None)
        .otherwise(pl.col("jobseekers").round(0))
        .alias("demandeurs_a_moyenne"),
        pl.col("jobseekers_display").alias("demandeurs_a_affichage"),
        pl.when(pl.col("offers_secret") | pl.col("jobseekers_secret"))
        .then(pl.lit(rules.symbol))
        .otherwise(pl.lit(""))
        .alias("symbole_secret"),
    )


def bmo_export(territory: Territory) -> pl.DataFrame:
    """The published BMO table (every métier, with its total), from `bmo_table`: secret cells blank, « s »."""
    table = bmo_table(territory, limit=None)
    total = _published_total(table["total"])
    rows = [
        {
            "territoire": territory.key,
            "annee": table["period"],
            "metier": r["code"],
            "libelle_metier": r["label"],
            "projets": r["projects"].value,
            "projets_affichage": r["projects"].display,
            "taux_difficulte": r["difficulty"].value,
            "taux_difficulte_affichage": r["difficulty"].display,
            "origine": table.get("origin_label", ""),
        }
        for r in table["rows"]
    ]
    if total is not None:
        rows.append(
            {
                "territoire": territory.key,
                "annee": table["period"],
                "metier": TOTAL,
                "libelle_metier": "Total",
                "projets": total.value,
                "projets_affichage": total.display,
                "taux_difficulte": None,
                "taux_difficulte_affichage": "",
                "origine": table.get("origin_label", ""),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "territoire": pl.String,
            "annee": pl.String,
            "metier": pl.String,
            "libelle_metier": pl.String,
            "projets": pl.Float64,
            "projets_affichage": pl.String,
            "taux_difficulte": pl.Float64,
            "taux_difficulte_affichage": pl.String,
            "origine": pl.String,
        },
    )
