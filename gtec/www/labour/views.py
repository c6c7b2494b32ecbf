"""Labour-market pages: territory dashboard, occupation × territory, comparison, and their exports.

Every figure comes from `gtec.labour.read` (statistical secrecy applied there); views only arrange it."""

from __future__ import annotations

import polars as pl
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from gtec.labour import read as q
from gtec.referentials.models import Fiche
from gtec.territories import queries as tq
from gtec.www.inputs import BadInput, attachment, period_param
from gtec_core import charts
from gtec_core.exports import write_table
from gtec_core.french import sort_french
from gtec_core.indicators.registry import REGISTRY
from gtec_core.secrecy import TOTAL, load_rules
from gtec_core.sources import registry
from gtec_core.svgmap import Shape, project

MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TENSION_INDICATORS = ["dares_tension", "bmo_difficulty_rate"]
MAP_MEASURES = {"demandeurs": "jobseekers", "offres": "offers"}


def _territory(key: str):
    territory = tq.territory_get(key)
    if territory is None:
        raise Http404("Territoire inconnu")
    return territory


def _period(request: HttpRequest, years: list[str]) -> str | None:
    asked = request.GET.get("periode", "")
    if asked in years:
        return asked
    return years[0] if years else None


def _common(territory) -> dict:
    return {
        "territory": territory,
        "sources": _sources(),
        "synthetic": q.is_synthetic(),
        "nav": "marche",
    }


def _sources() -> list[dict]:
    return [{"label": registry.label(r.source), "run": r} for r in q.sources()]


def dashboard(request: HttpRequest, key: str) -> HttpResponse:
    territory = _territory(key)
    d = q.dashboard(territory, request.GET.get("periode", ""))
    context = {
        "territory": territory,
        "sources": [{"label": registry.label(r.source), "run": r} for r in d.sources],
        "synthetic": d.synthetic,
        "nav": "marche",
        "years": d.years,
        "period": d.period,
        "featured": _featured_with(territory),
        "dares": d.dares,
    }
    if d.period is None:
        return render(request, "www/labour/dashboard.html", context)
    measure = request.GET.get("carte", "demandeurs")
    if measure not in MAP_MEASURES:
        measure = "demandeurs"
    communes, commune_map = (
        _commune_map(territory, d.communes, MAP_MEASURES[measure]) if d.communes is not None else ([], None)
    )
    context.update(
        {
            "figures": d.figures,
            "projects_known": d.projects_known,
            "available": d.available,
            "tension": d.tension,
            "bmo": d.bmo,
            "charts": _monthly_charts(d),
            "communes": communes,
            "map": commune_map,
            "measure": measure,
            "epcis": d.epcis,
            "exports": [
                (name, REGISTRY[name].label)
                for name in [
                    "dares_tension",
                    "bmo_projects",
                    "bmo_difficulty_rate",
                    "offers_demand_ratio",
                    "lack_of_labour",
                    "non_durability",
                    "hiring_intensity",
                ]
            ],
        }
    )
    return render(request, "www/labour/dashboard.html", context)


def _featured_with(territory) -> list:
    featured = list(tq.featured_territories())
    return featured if territory in featured else [territory, *featured]


def _monthly_charts(d) -> list[dict]:
    series, public, nature = d.monthly, d.public_jobseekers, d.nature
    out = []
    for key, title, unit in [
        ("public", "Demandeurs d'emploi inscrits, série publique France Travail (fin de mois)", "demandeurs"),
        ("jobseekers", "Demandeurs d'emploi inscrits (catégories A, B, C, fin de mois)", "demandeurs"),
        ("offers", "Offres d'emploi collectées par France Travail (par mois)", "offres"),
    ]:
        if key == "public":
            if not public["values"]:
                continue
            months, values = public["months"], public["values"]
        else:
            months, values = series["months"], series[key]
        labels = [f"{MONTHS[m.month - 1]} {m.year % 100:02d}" for m in months]
        # a stock moves a few % a year: the axis starts near the data so the trend reads; flows start at 0
        chart = charts.line_chart(
            [(key, title, values)],
            labels,
            width=480,
            height=220,
            left=60,
            bottom=30,
            zero=key == "offers",
        )
        out.append(
            {
                "key": key,
                "title": title,
                "unit": unit,
                "nature": nature[key],
                "note": public["note"] if key == "public" else "",
                "chart": chart,
                "empty": chart.empty or not any(values),
                "rows": [
                    (label, load_rules().symbol if v is None else charts.format_number(v))
                    for label, v in zip(labels, values, strict=True)
                ],
            }
        )
    return out


def _commune_map(territory, table: pl.DataFrame, measure: str) -> tuple[list[dict], dict]:
    """Commune rows (published cells only) and the choropleth: quantile classes, secret communes hatched."""
    rows = {r["commune"]: r for r in table.iter_rows(named=True)}
    total = rows.pop(TOTAL, None)
    communes = {c.code: c for c in sort_french(territory.communes(), key=lambda c: c.name)}
    published = {
        code: (None if r[f"{measure}_secret"] else r[measure]) for code, r in rows.items() if code in communes
    }
    codes = list(published)
    cls, bounds = charts.classes([published[c] for c in codes])
    css = dict(zip(codes, cls, strict=True))
    shapes = []
    for code, c in communes.items():
        if not c.geometry:
            continue
        r = rows.get(code)
        secret = bool(r and r[f"{measure}_secret"])
        shown = r[f"{measure}_display"] if r else "—"
        shapes.append(
            Shape(
                c.key,
                c.name,
                c.geometry,
                css_class="sec" if secret else f"q{css[code]}" if css.get(code) is not None else "na",
                href=reverse("labour_dashboard", args=[c.key]),
                title=f"{c.name} : {shown}",
            )
        )
    paths, viewbox = project(shapes)
    secret_labels = []
    for p in paths:
        if p.css_class == "sec":
            at = charts.centre(p.d)
            if at:
                secret_labels.append({"x": at[0], "y": at[1], "name": p.label})
    legend = [
        {
            "css": f"q{i}",
            "label": f"{charts.format_number(round(bounds[i]))} à {charts.format_number(round(bounds[i + 1]))}",
        }
        for i in range(len(bounds) - 1)
        if i == 0 or bounds[i + 1] > bounds[i]
    ]
    commune_rows = [
        {
            "commune": c,
            "offers": rows[code]["offers_display"] if code in rows else "—",
            "jobseekers": rows[code]["jobseekers_display"] if code in rows else "—",
            "offers_secret": bool(rows.get(code, {}).get("offers_secret")),
            "jobseekers_secret": bool(rows.get(code, {}).get("jobseekers_secret")),
        }
        for code, c in communes.items()
    ]
    if total:
        commune_rows.append(
            {
                "commune": None,
                "offers": total["offers_display"],
                "jobseekers": total["jobseekers_display"],
                "offers_secret": total["offers_secret"],
                "jobseekers_secret": total["jobseekers_secret"],
            }
        )
    return commune_rows, {
        "paths": paths,
        "viewbox": viewbox,
        "legend": legend,
        "secret_labels": secret_labels,
        "missing": len(communes) - len(shapes),
        "empty": not any(published.values()),
    }


def occupation(request: HttpRequest, key: str, code_rome: str) -> HttpResponse:
    territory = _territory(key)
    fiche = Fiche.objects.filter(code_rome=code_rome.upper()).first()
    if fiche is None:
        raise Http404("Fiche ROME inconnue")
    years = q.periods(territory)
    period = _period(request, years)
    context = {**_common(territory), "fiche": fiche, "years": years, "period": period}
    # the official national references are shown even where no local figure is computed
    faps2009 = q.fiche_fap2009(fiche)
    context["d"] = {
        "official": q.official_tension(territory, faps2009),
        "portrait": q.national_portrait(faps2009),
    }
    from gtec.prospective.queries import occupation_projection

    context["projection"] = occupation_projection(territory.key, sorted({f[:3] for f in faps2009}))
    if period is not None:
        detail = q.occupation_detail(territory, fiche, period)
        unavailable = q.Cell(q.UNAVAILABLE, None, "missing")
        if detail["ratio"].status == "missing":
            loaded = q.availability()
            computed = q.computed(territory, period, "offers_demand_ratio", "rome")
            if not loaded["offres"] or not computed:
                detail["offers"] = unavailable
            if not loaded["stmt"] or not computed:
                detail["entries"] = unavailable
        for fap in detail["faps"]:
            fap["category_label"] = q.TENSION_LABELS.get(fap["category"], "") if fap["category"] else ""
            for ind in fap["indicators"]:
                spec = REGISTRY[ind["name"]]
                ind["unit"] = spec.unit
                ind["reference"] = spec.reference
                ind["reference_url"] = spec.reference_url
                ind["documentation"] = spec.documentation
                ind["counts"] = _counts_fr(ind["counts"])
        context["d"] = {**context["d"], **detail}
    return render(request, "www/labour/occupation.html", context)


COUNT_NAMES = {
    "projects": "projets",
    "difficult": "difficiles",
    "seasonal": "saisonniers",
    "offers": "offres",
    "entries": "inscriptions",
    "jobseekers": "demandeurs",
    "stock_a": "demandeurs cat. A",
    "subareas": "sous-zones",
    "employment": "emplois",
    "online_offers": "offres en ligne",
    "durable_offers": "offres durables",
    "full_time_offers": "offres à temps plein",
    "entries_a": "inscriptions cat. A",
    "entries_abc": "inscriptions cat. ABC",
    "exits_abc": "sorties cat. ABC",
    "stock_abc_start": "demandeurs ABC en début d'année",
    "categories": "catégories",
    "reference_employment": "emploi de référence",
    "reference_total": "total de référence",
    "territory_employment": "emploi du territoire",
}


def _counts_fr(text: str) -> str:
    """French names for the counts behind an indicator (« projects = 250,8 » → « projets = 250,8 »)."""
    parts = []
    for part in text.split(", ") if text else []:
        name, sep, value = part.partition(" = ")
        parts.append(f"{COUNT_NAMES.get(name, name)}{sep}{value}")
    return ", ".join(parts)


def compare(request: HttpRequest) -> HttpResponse:
    featured = list(tq.featured_territories())
    default_a = settings.GTEC_DEFAULT_TERRITORY
    key_a = request.GET.get("a") or default_a
    key_b = request.GET.get("b") or next((t.key for t in featured if t.key != key_a), key_a)
    a, b = tq.territory_get(key_a), tq.territory_get(key_b)
    if a is None or b is None:
        raise Http404("Territoire inconnu")
    years = sorted(set(q.periods(a)) & set(q.periods(b)), reverse=True)
    period = _period(request, years)
    options = list(featured)
    for t in (b, a):
        if t not in options:
            options.insert(0, t)
    context = {
        "a": a,
        "b": b,
        "options": options,
        "years": years,
        "period": period,
        "sources": _sources(),
        "synthetic": q.is_synthetic(),
        "nav": "marche",
    }
    if period is not None:
        context["c"] = q.comparison(a, b, period)
        fa, fb = q.dashboard_figures(a, period), q.dashboard_figures(b, period)
        context["figure_rows"] = [(label, fa[k], fb[k]) for k, label in FIGURE_LABELS]
    return render(request, "www/labour/compare.html", context)


FIGURE_LABELS = [
    ("offers", "Offres d'emploi collectées"),
    ("entries", "Inscriptions de demandeurs d'emploi"),
    ("stock_a", "Demandeurs d'emploi de catégorie A (moyenne)"),
    ("projects", "Projets de recrutement (BMO)"),
    ("difficulty", "Taux de difficulté de recrutement (BMO)"),
    ("establishments", "Établissements actifs (SIRENE)"),
]


def export(request: HttpRequest, key: str, name: str, fmt: str) -> HttpResponse:
    territory = _territory(key)
    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu")
    try:
        period = period_param(request.GET.get("periode"))
    except BadInput as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    if name == "bmo":
        table = q.bmo_export(territory)
        title = f"Projets de recrutement (BMO) — {territory.display_name}"
    elif name == "communes":
        years = q.periods(territory)
        period = period if period in years else (years[0] if years else None)
        if period is None:
            raise Http404("Aucune donnée pour ce territoire")
        table = q.commune_export(territory, period)
        title = f"Offres et demandeurs d'emploi par commune, {period} — {territory.display_name}"
    elif name in REGISTRY:
        table = q.indicator_export(name, territory, period)
        title = f"{REGISTRY[name].label} — {territory.display_name}"
    else:
        raise Http404("Indicateur inconnu")
    note = "Données de démonstration synthétiques." if q.is_synthetic() else ""
    data = write_table(table, fmt, title=title, note=note)
    filename = f"gtec_{name}_{territory.key.replace(':', '-')}{'_' + period if period else ''}.{fmt}"
    return attachment(HttpResponse(data, content_type=CONTENT_TYPES[fmt]), filename)


def indicator_api(request: HttpRequest, name: str) -> JsonResponse:
    """`/api/indicateurs/<name>?territoire=ÉCHELLE:CODE&periode=AAAA`: the published table of an indicator as
    JSON, the same rows as the CSV export (secret values null, shown « s »)."""
    if name not in REGISTRY:
        return JsonResponse(
            {"erreur": f"indicateur inconnu : {name}", "connus": sorted(REGISTRY)}, status=404
        )
    key = request.GET.get("territoire") or settings.GTEC_DEFAULT_TERRITORY
    territory = tq.territory_get(key)
    if territory is None:
        return JsonResponse({"erreur": f"territoire inconnu : {key}"}, status=404)
    try:
        period = period_param(request.GET.get("periode"))
    except BadInput as exc:
        return JsonResponse({"erreur": str(exc)}, status=400)
    table = q.indicator_export(name, territory, period)
    indicator = REGISTRY[name]
    return JsonResponse(
        {
            "indicateur": name,
            "libelle": indicator.label,
            "unite": indicator.unit,
            "territoire": territory.key,
            "periode": period,
            "donnees_synthetiques": q.is_synthetic(),
            "secret_statistique": "« s » : valeur non diffusable (moins de 3 unités, dominance ou secret secondaire)",
            "lignes": table.to_dicts(),
        },
        json_dumps_params={"ensure_ascii": False},
    )
