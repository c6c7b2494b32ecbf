"""Monthly series of a territory: the real public job-seeker series, and offers and job seekers per month from
the local files."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from gtec.imports.models import ImportRun
from gtec.labour import models as m
from gtec.labour.read.cells import (
    cached,
)
from gtec.territories.models import Territory
from gtec_core.secrecy import load_rules


@cached
def public_jobseekers(territory: Territory) -> dict:
    """The real public series of registered job seekers (all métiers, category ABC presumed) per month: the
    published row of a département or a région, else the sum over the territory's communes that France
    Travail publishes (5 000 inhabitants or more), with a plain-French note saying what it covers."""
    level = {"dep": "departement", "reg": "region", "commune": "commune"}.get(territory.scale)
    if level in ("departement", "region"):
        rows = m.SerieDemandeurs.objects.filter(niveau_geo=level, code_geo=territory.code)
        series = dict(rows.values_list("mois", "demandeurs"))
        note = "série publiée pour le territoire"
    else:
        codes = (
            [territory.code]
            if level == "commune"
            else list(territory.communes().values_list("code", flat=True))
        )
        rows = m.SerieDemandeurs.objects.filter(niveau_geo="commune", code_geo__in=codes)
        series = dict(rows.values_list("mois").annotate(n=Sum("demandeurs")).values_list("mois", "n"))
        published = rows.values("code_geo").distinct().count()
        note = (
            "série publiée pour la commune"
            if level == "commune"
            else f"somme des {published} communes publiées sur {len(codes)} (France Travail ne publie que les "
            "communes de 5 000 habitants et plus)"
        )
    run = ImportRun.objects.filter(source="defm").order_by("-pk").first()
    return {
        "months": sorted(series),
        "values": [series[k] for k in sorted(series)],
        "note": note if series else "",
        "vintage": run.version if run else "",
    }


@cached
def monthly_series(territory: Territory) -> dict:
    """Offers per month and job seekers (ABC, all métiers, end-of-month stock) per month for the territory."""
    communes = territory.communes().values("code")
    offers = dict(
        m.Offre.objects.filter(code_insee__in=communes)
        .annotate(month=TruncMonth("date_creation"))
        .values_list("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    seekers = dict(
        m.DemandeurEmploi.objects.filter(
            niveau_geo="commune", code_geo__in=communes, categorie="ABC", code_rome=""
        )
        .values_list("mois")
        .annotate(n=Sum("stock"))
        .values_list("mois", "n")
    )
    if not seekers:
        seekers = dict(
            m.DemandeurEmploi.objects.filter(niveau_geo="commune", code_geo__in=communes, categorie="ABC")
            .exclude(code_rome="")
            .values_list("mois")
            .annotate(n=Sum("stock"))
            .values_list("mois", "n")
        )
    months = sorted({_month(k) for k in offers} | {_month(k) for k in seekers})
    offers = {_month(k): v for k, v in offers.items()}
    seekers = {_month(k): v for k, v in seekers.items()}
    rules = load_rules()

    def shown(v):
        return None if v is None or 0 < v < rules.min_units else v

    return {
        "months": months,
        "offers": [shown(offers.get(mo, 0)) for mo in months],
        "jobseekers": [shown(seekers.get(mo)) for mo in months],
    }


def _month(value) -> date:
    return (
        value.date().replace(day=1)
        if hasattr(value, "date") and callable(value.date)
        else value.replace(day=1)
    )
