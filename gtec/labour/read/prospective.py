"""Read side for `gtec.prospective` (projections and stress tests): inputs only (published national and
departmental figures, local stocks); every figure shown is formatted and protected by
`gtec.prospective.queries` through `gtec_core.secrecy`."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from gtec.imports.models import ImportRun
from gtec.labour import models as m
from gtec.referentials.models import Fiche
from gtec.territories.models import Territory

EMPLOI_LEVELS = {"dep": "departement", "reg": "region"}


def dares_departement_faps(year: int = 2019) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, int]]]:
    """Dares 2019 employment and tension category by département × FAP-87 family (tension file):
    ({dep: {fap: employment}}, {dep: {fap: category}})."""
    employment: dict[str, dict[str, float]] = defaultdict(dict)
    category: dict[str, dict[str, int]] = defaultdict(dict)
    rows = m.DaresTension.objects.filter(annee=year, niveau_geo="dep", niveau_fap=87).values_list(
        "code_geo", "code_fap", "emploi_moyen", "categorie"
    )
    for dep, fap, emp, cat in rows:
        employment[dep][fap] = float(emp or 0)
        if cat:
            category[dep][fap] = cat
    return dict(employment), dict(category)


def national_age_pyramids() -> dict[str, dict[str, float]]:
    """Dares national pyramid 2017-2019 by FAP family: {fap: {age band: thousands}}."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for fap, band, value in m.DaresSerie.objects.filter(tableau="age").values_list(
        "code_fap", "modalite", "valeur"
    ):
        out[fap][band] = value or 0.0
    return dict(out)


def local_employment(territory: Territory) -> tuple[dict[str, dict[str, float]], int | None, bool]:
    """Employment by FAP-2009 family (FAP-87, summed from FAP-225) × age band imported for this very
    territory (`gtec import emploi`), latest year: ({fap87: {band: people}}, year, synthetic)."""
    level = EMPLOI_LEVELS.get(territory.scale, territory.scale)
    rows = m.Emploi.objects.filter(niveau_geo=level, code_geo=territory.code)
    year = rows.order_by("-annee").values_list("annee", flat=True).first()
    if year is None:
        return {}, None, False
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for fap, band, value in rows.filter(annee=year).values_list("code_fap", "tranche_age", "effectif"):
        out[fap[:3]][band] += value or 0
    synthetic = bool(ImportRun.objects.filter(source="emploi").values_list("synthetic", flat=True).first())
    return {k: dict(v) for k, v in out.items()}, year, synthetic


def establishments_of(territory: Territory) -> list[tuple[str, str, str, str]]:
    """Active SIRENE establishments of the territory's communes: (siret, siren, naf, size band)."""
    communes = territory.communes().values("code")
    return list(
        m.Etablissement.objects.filter(code_insee__in=communes, actif=True).values_list(
            "siret", "siren", "naf", "tranche_effectifs"
        )
    )


def establishments_by_siret(sirets: list[str]) -> dict[str, tuple[str, str, str, str]]:
    """{siret: (siren, naf, size band, commune)} for the SIRET given (any commune)."""
    return {
        s: (siren, naf, band, commune)
        for s, siren, naf, band, commune in m.Etablissement.objects.filter(siret__in=sirets).values_list(
            "siret", "siren", "naf", "tranche_effectifs", "code_insee"
        )
    }


def jobseekers_by_year(territory: Territory) -> dict[int, dict[str, float]]:
    """Registered job seekers (ABC, mean end-of-month stock) by year × ROME for the territory's communes."""
    communes = territory.communes().values("code")
    sums: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    months: dict[int, set] = defaultdict(set)
    rows = (
        m.DemandeurEmploi.objects.filter(niveau_geo="commune", code_geo__in=communes, categorie="ABC")
        .exclude(code_rome="")
        .values_list("mois", "code_rome")
        .annotate(n=Sum("stock"))
    )
    for month, rome, n in rows:
        sums[month.year][rome] += n or 0
        months[month.year].add(month)
    return {y: {r: v / len(months[y]) for r, v in d.items()} for y, d in sums.items()}


def bmo_seasonal_shares(territory: Territory) -> dict[str, float]:
    """Seasonal share of BMO recruitment projects by FAP-2021 domain-and-digit prefix (e.g. « S1 ») in the
    bassins of the territory, latest year."""
    communes = territory.communes()
    bassins = list(
        Territory.objects.filter(scale="bassin", memberships__commune__in=communes)
        .distinct()
        .values_list("code", flat=True)
    )
    rows = m.BmoProjet.objects.filter(code_bassin__in=bassins)
    year = rows.order_by("-annee").values_list("annee", flat=True).first()
    if year is None:
        return {}
    total: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for code, projets, saison in rows.filter(annee=year).values_list("code_metier", "projets", "saisonniers"):
        if projets and saison is not None:
            total[code[:2]][0] += projets
            total[code[:2]][1] += saison
    return {k: s / p for k, (p, s) in total.items() if p}


def fap87_fiches(faps: list[str], limit: int = 5) -> dict[str, list[tuple[str, str]]]:
    """ROME 4.0 fiches of FAP-87 families through the official Dares ROME v3 → FAP-2009 table."""
    from gtec.referentials.models import RomeV3Fap

    links = RomeV3Fap.objects.filter(fap__code__regex=r"^(" + "|".join(faps or ["_"]) + ")").values_list(
        "fap__code", "rome_v3"
    )
    by_v3: dict[str, set[str]] = defaultdict(set)
    for fap, v3 in links:
        by_v3[v3].add(fap[:3])
    fiches = Fiche.objects.filter(code_rome_parent__in=list(by_v3), actif=True).values_list(
        "code_rome", "code_rome_parent", "libelle"
    )
    out: dict[str, list[tuple[str, str]]] = {f: [] for f in faps}
    for code, parent, label in fiches.order_by("code_rome"):
        for fap in by_v3.get(parent, ()):
            if fap in out and len(out[fap]) < limit:
                out[fap].append((code, label))
    return out


def rome_fap87(codes_rome: list[str]) -> dict[str, str]:
    """The FAP-87 family of each ROME 4.0 fiche (first of its ROME v3 parent's families)."""
    from gtec.referentials.models import RomeV3Fap

    parents = dict(
        Fiche.objects.filter(code_rome__in=codes_rome).values_list("code_rome", "code_rome_parent")
    )
    faps = dict(
        RomeV3Fap.objects.filter(rome_v3__in=[p or c for c, p in parents.items()])
        .order_by("fap__code")
        .values_list("rome_v3", "fap__code")
    )
    return {c: faps[p or c][:3] for c, p in parents.items() if (p or c) in faps}
