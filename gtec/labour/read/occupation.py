"""An occupation (ROME fiche) in a territory: its FAP families, the Dares references beside the local figures, and
where the establishments of its sectors are."""

from __future__ import annotations

from collections import defaultdict

import polars as pl
from django.db.models import Count, Q
from django.db.models.functions import Substr

from gtec.labour import models as m
from gtec.labour.read.cells import (
    TENSION_LABELS,
    Cell,
    cell,
    count_cell,
    data_version,
    fap_labels,
    indicator_cell,
    observation,
    versioned,
)
from gtec.labour.read.exports import _shown_counts, counts_hidden, hidden_projects
from gtec.referentials.models import Fap, Fiche
from gtec.territories.models import Territory
from gtec_core.french import format_fr
from gtec_core.indicators.registry import REGISTRY


def fiche_faps(code_rome: str) -> list[str]:
    """FAP-2021 codes a ROME fiche is counted in (bridge of `gtec_core.occupations`)."""
    from gtec.referentials.queries import bridge

    b = bridge()
    return (
        b.filter(pl.col("code_rome") == code_rome)
        .sort("rome_share", descending=True)["code_fap2021"]
        .to_list()
    )


def fiche_fap2009(fiche: Fiche) -> list[str]:
    """Official FAP-2009 families of a ROME 4.0 fiche, through its ROME v3 parent code (Dares table)."""
    from gtec.referentials.models import RomeV3Fap

    parent = getattr(fiche, "code_rome_parent", "") or fiche.code_rome
    return list(RomeV3Fap.objects.filter(rome_v3=parent).values_list("fap__code", flat=True).distinct())


def official_tension(territory: Territory, faps2009: list[str]) -> list[dict]:
    """The Dares published tension (2019) of the FAP-2009 families for the département(s) and région of the
    territory, and France."""
    communes = territory.communes()
    deps = list(
        Territory.objects.filter(scale="dep", memberships__commune__in=communes)
        .distinct()
        .values_list("code", flat=True)[:3]
    )
    regs = list(
        Territory.objects.filter(scale="reg", memberships__commune__in=communes)
        .distinct()
        .values_list("code", flat=True)[:2]
    )
    geo = (
        Q(niveau_geo="nat") | Q(niveau_geo="dep", code_geo__in=deps) | Q(niveau_geo="reg", code_geo__in=regs)
    )
    rows = m.DaresTension.objects.filter(geo, code_fap__in=faps2009).order_by("code_fap", "niveau_geo")
    labels = dict(Fap.objects.filter(nomenclature=2009, code__in=faps2009).values_list("code", "libelle"))
    level = {"nat": "France", "reg": "Région", "dep": "Département"}
    return [
        {
            "fap": r.code_fap,
            "label": labels.get(r.code_fap, r.code_fap),
            "level": level[r.niveau_geo],
            "code_geo": r.code_geo,
            "year": r.annee,
            "tension": cell(r.tension, "ok", 2),
            "category": r.categorie,
            "category_label": TENSION_LABELS.get(r.categorie, "valeur imputée, sans catégorie"),
        }
        for r in rows
    ]


def occupation_detail(territory: Territory, fiche: Fiche, period: str) -> dict:
    """Local figures of one ROME fiche in a territory, with the FAP-level indicators behind them (the official
    national references are `official_tension` and `national_portrait`)."""
    ratio = observation("offers_demand_ratio", territory, period, fiche.code_rome, "rome")
    counts = (ratio.counts or {}) if ratio and ratio.status != "secret" else {}
    faps = fiche_faps(fiche.code_rome)
    labels = fap_labels()
    hidden = hidden_projects(territory)
    fap_rows = []
    for code in faps[:3]:
        per = {
            o.indicator: o
            for o in m.Observation.objects.filter(
                territory=territory, occupation=code, occupation_kind="fap2021", period__in=[period]
            )
        }
        fap_rows.append(
            {
                "code": code,
                "label": labels.get(code, code),
                "indicators": [
                    {
                        "name": name,
                        "label": REGISTRY[name].label,
                        "cell": indicator_cell(per.get(name), hidden),
                        "obs": per.get(name),
                        "counts": _shown_counts(per.get(name), hidden),
                        "counts_hidden": counts_hidden(per.get(name), hidden),
                        "approx": not REGISTRY[name].official_formula_public,
                        # the reference area of a location quotient (« par rapport à l'emploi du Morbihan »)
                        "reference_area": per[name].origin_detail
                        if name == "location_quotient" and per.get(name) is not None
                        else "",
                    }
                    for name in [
                        "dares_tension",
                        "bmo_difficulty_rate",
                        "bmo_seasonality_rate",
                        "hiring_intensity",
                        "lack_of_labour",
                        "non_durability",
                        "geographic_mismatch",
                        "location_quotient",
                    ]
                ],
                "category": per.get("dares_tension").category
                if per.get("dares_tension") and per["dares_tension"].status == "ok"
                else None,
            }
        )
    return {
        "ratio": indicator_cell(ratio),
        "offers": count_cell(counts.get("offers"))
        if counts
        else count_cell(None)
        if ratio and ratio.status == "secret"
        else Cell("0", 0),
        "entries": count_cell(counts.get("entries"))
        if counts
        else count_cell(None)
        if ratio and ratio.status == "secret"
        else Cell("0", 0),
        "faps": fap_rows,
    }


def establishments_for_fiches(
    codes_rome: list[str], *, commune: str | None = None, max_km: float | None = None, limit: int = 3
) -> dict[str, list[dict]]:
    """For the career explorer: where the establishments of the sectors that employ each fiche are (its ROME
    NAF divisions), as counts of active SIRENE establishments per commune, nearest first when a commune is
    given (commune centroids), else largest first. The search covers the département(s) of the commune, or
    the default territory. SIRENE is a public register: the counts are not subject to statistical secrecy;
    no establishment is named. The counts of an area are read once per data version
    (`establishment_table`), so a request only sorts the places of its fiches' divisions."""
    from gtec.territories.queries import commune_points
    from gtec_core.indicators.adequacy import haversine_km

    version = data_version()
    divisions = versioned("fiche_naf_divisions", (), fiche_naf_divisions, version)
    wanted = {d for code in codes_rome for d in divisions.get(code, {})}
    if not wanted:
        return {code: [] for code in codes_rome}
    area = versioned("establishment_area", (commune,), lambda: establishment_area(commune), version)
    table = versioned("establishments", area, lambda: establishment_table(area), version)
    origin = (table["points"].get(commune) or commune_points([commune]).get(commune)) if commune else None
    distances = (
        {p: round(haversine_km(*origin, *xy), 1) for p, xy in table["points"].items()} if origin else {}
    )

    def ranked(division: str) -> list[tuple]:
        """(sort key, place, count) of the division's places, best first, within `max_km`."""
        rows = []
        for place, n in table["by_division"].get(division, ()):
            km = distances.get(place)
            if max_km is not None and km is not None and km > max_km:
                continue
            key = (-n,) if origin is None else (km if km is not None else float("inf"), -n)
            rows.append((key, place, n))
        rows.sort(key=lambda r: r[0])
        return rows[:limit]

    best = {division: ranked(division) for division in wanted}
    out: dict[str, list[dict]] = {}
    for code in codes_rome:
        labels = divisions.get(code, {})
        rows = sorted(
            ((key, place, division, n) for division in labels for key, place, n in best[division]),
            key=lambda r: r[0],
        )
        out[code] = [
            {
                "denomination": f"{n} établissement{'s' if n > 1 else ''} — {labels[division]}",
                "commune": table["names"].get(place, place),
                "naf": division,
                "distance_km": distances.get(place) if origin else None,
                "count": n,
            }
            for _, place, division, n in rows[:limit]
        ]
    return out


def fiche_naf_divisions() -> dict[str, dict[str, str]]:
    """The NAF divisions (code → label) of the sectors that employ each ROME fiche."""
    from gtec.referentials.models import FicheClassement

    divisions: dict[str, dict[str, str]] = defaultdict(dict)
    for code, naf, label in FicheClassement.objects.filter(classement__kind="naf").values_list(
        "fiche__code_rome", "classement__code", "classement__libelle"
    ):
        divisions[code][naf] = label
    return dict(divisions)


def establishment_area(commune: str | None) -> tuple[str, ...]:
    """Where `establishments_for_fiches` looks: the département(s) of the commune, else the default
    territory."""
    from django.conf import settings

    if commune:
        deps = Territory.objects.filter(scale="dep", memberships__commune__code=commune)
        return ("dep", *sorted(deps.values_list("key", flat=True)))
    return ("territory", settings.GTEC_DEFAULT_TERRITORY)


def establishment_table(area: tuple[str, ...]) -> dict:
    """Active SIRENE establishments of the area's communes by NAF division: division → [(commune, count)],
    with the communes' names and centroids (one grouped query)."""
    from gtec.territories.queries import commune_points

    communes = Territory.objects.filter(scale="commune", member_of__territory__key__in=area[1:])
    by_place: dict[tuple[str, str], int] = defaultdict(int)
    for code_insee, division, n in (
        m.Etablissement.objects.filter(actif=True, code_insee__in=communes.values("code"))
        .annotate(division=Substr("naf", 1, 2))
        .values_list("code_insee", "division")
        .annotate(n=Count("id"))
        .values_list("code_insee", "division", "n")
    ):
        by_place[(code_insee, division)] += n
    by_division: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (place, division), n in sorted(by_place.items()):
        by_division[division].append((place, n))
    places = {place for place, _ in by_place}
    return {
        "by_division": dict(by_division),
        "names": dict(Territory.objects.filter(scale="commune", code__in=places).values_list("code", "name")),
        "points": commune_points(places),
    }


def national_portrait(faps2009: list[str]) -> list[dict]:
    """The Dares « portraits statistiques des métiers » of the fiche's FAP-2009 families (national, published):
    employment of the latest year, share of workers aged 50 or more (2017-2019, the departures to come), and
    registered job seekers in categories A and ABC — the official references beside the local figures. A
    FAP-225 family without its own series falls back on its FAP-87 family, and says so."""
    out = []
    for fap in faps2009:
        row = {"fap": fap, "label": "", "employment": None, "employment_year": "", "senior_share": None}
        for code in (fap, fap[:3]):
            effectifs = (
                m.DaresSerie.objects.filter(tableau="effectifs", code_fap=code, valeur__isnull=False)
                .order_by("-periode")
                .first()
            )
            ages = dict(
                m.DaresSerie.objects.filter(tableau="age", code_fap=code).values_list("modalite", "valeur")
            )
            seekers = {
                modalite: (periode, valeur)
                for periode, modalite, valeur in m.DaresSerie.objects.filter(
                    tableau="demandeurs", code_fap=code, valeur__isnull=False
                )
                .order_by("periode")
                .values_list("periode", "modalite", "valeur")
            }
            if effectifs or ages or seekers:
                row["level"] = "FAP 225" if code == fap else "FAP 87 (famille agrégée)"
                row["source_code"] = code
                break
        else:
            continue
        if effectifs:
            row["employment"] = format_fr(effectifs.valeur * 1000, 0)
            row["employment_year"] = effectifs.periode
        total = sum(v for v in ages.values() if v is not None)
        senior = sum(v or 0 for k, v in ages.items() if k.startswith(("50", "55", "60")))
        if total:
            row["senior_share"] = format_fr(100 * senior / total, 1) + " %"
        for modalite in ("A", "ABC"):
            if modalite in seekers:
                periode, valeur = seekers[modalite]
                row[f"seekers_{modalite.lower()}"] = format_fr(valeur * 1000, 0)
                row["seekers_year"] = periode
        row["label"] = (
            Fap.objects.filter(nomenclature=2009, code=fap).values_list("libelle", flat=True).first() or fap
        )
        out.append(row)
    return out
