"""All HTTP of GTEC. Views stay thin: parse, call a query or service, render."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from gtec.imports.models import ImportRun
from gtec.labour import read as lq
from gtec.referentials import queries as rq
from gtec.referentials.search import appellation_index, appellation_search
from gtec.territories import communes as commune_names
from gtec.territories import queries as tq
from gtec.www.inputs import int_param, search_text
from gtec_core.french import format_fr
from gtec_core.svgmap import Shape, project

PALETTE = 8


def home(request: HttpRequest) -> HttpResponse:
    key = request.GET.get("territoire")
    if key:
        if not tq.territory_get(key):
            raise Http404("Territoire inconnu")
        return redirect("territory", key=key)
    return territory_page(request, settings.GTEC_DEFAULT_TERRITORY, home=True)


def territory(request: HttpRequest, key: str) -> HttpResponse:
    return territory_page(request, key)


def territory_page(request: HttpRequest, key: str, home: bool = False) -> HttpResponse:
    territory = tq.territory_get(key)
    if territory is None:
        if not tq.Territory.objects.exists():
            return render(request, "www/empty.html", status=503)
        raise Http404("Territoire inconnu")
    communes = list(territory.communes().order_by("-population"))
    epci_of = tq.epci_of_communes(territory) if territory.scale != "commune" else {}
    epcis = sorted({e.pk: e for e in epci_of.values()}.values(), key=lambda e: -e.population)
    epci_class = {e.pk: f"c{i % PALETTE}" for i, e in enumerate(epcis)}
    epci_count: dict[int, int] = defaultdict(int)
    epci_pop: dict[int, int] = defaultdict(int)
    for c in communes:
        e = epci_of.get(c.pk)
        if e:
            epci_count[e.pk] += 1
            epci_pop[e.pk] += c.population
    shapes = [
        Shape(
            c.key,
            c.name,
            c.geometry,
            css_class=epci_class.get(epci_of[c.pk].pk, "") if c.pk in epci_of else "c0",
            href=f"/territoires/{c.key}/",
            title=f"{c.name} ({c.code}) — {format_fr(c.population)} habitants",
        )
        for c in communes
        if c.geometry
    ]
    paths, viewbox = project(shapes)
    context = {
        "territory": territory,
        "communes": communes,
        "epcis": [
            {"t": e, "css": epci_class[e.pk], "communes": epci_count[e.pk], "population": epci_pop[e.pk]}
            for e in epcis
        ],
        "paths": paths,
        "viewbox": viewbox,
        "missing_shapes": len(communes) - len(shapes),
        "containers": tq.Territory.objects.containing(territory).exclude(pk=territory.pk).order_by("scale")
        if territory.scale == "commune"
        else [],
        "featured": featured_with(territory),
        "geo_run": ImportRun.objects.filter(source="geo").first(),
        "nav": "territoire",
        "home": home,
    }
    years = lq.periods(territory)
    if years:
        context.update(
            labour=lq.dashboard_figures(territory, years[0]),
            labour_period=years[0],
            labour_synthetic=lq.is_synthetic(),
        )
    return render(request, "www/territory.html", context)


def featured_with(territory) -> list:
    """The switcher's options, with the territory on show among them so the selector never names another."""
    featured = list(tq.featured_territories())
    return featured if territory in featured else [territory, *featured]


def territory_search(request: HttpRequest) -> HttpResponse:
    query = search_text(request.GET.get("q"))
    results = list(tq.territory_search(query))
    if len(results) == 1:
        return redirect("territory", key=results[0].key)
    return render(
        request,
        "www/territory_search.html",
        {"query": query, "results": results, "featured": tq.featured_territories(), "nav": "territoire"},
    )


def occupations(request: HttpRequest) -> HttpResponse:
    query = search_text(request.GET.get("q"))
    hits = appellation_search(query, limit=40) if query else []
    return render(
        request,
        "www/occupations.html",
        {
            "query": query,
            "hits": hits,
            "domaines": rq.grands_domaines() if not query else [],
            "rome_run": ImportRun.objects.filter(source="rome").first(),
            "appellation_count": len(appellation_index()),
            "nav": "metiers",
        },
    )


@require_GET
def appellations_api(request: HttpRequest) -> JsonResponse:
    query = search_text(request.GET.get("q"))
    limit = int_param(request.GET.get("limit"), 10, lo=1, hi=50)
    hits = appellation_search(query, limit=limit) if query else []
    return JsonResponse(
        {
            "query": query,
            "results": [
                {
                    "code_ogr": h.entry.code_ogr,
                    "libelle": h.entry.libelle,
                    "code_rome": h.entry.code_rome,
                    "libelle_rome": h.entry.libelle_rome,
                }
                for h in hits
            ],
        }
    )


@require_GET
def communes_api(request: HttpRequest) -> JsonResponse:
    """Commune suggestions for the place fields: `label` (« Vannes (56) ») is what the form reads back."""
    query = search_text(request.GET.get("q"))
    limit = int_param(request.GET.get("limit"), 10, lo=1, hi=30)
    hits = commune_names.suggestions(query, limit=limit) if query else []
    return JsonResponse(
        {
            "query": query,
            "results": [
                {"code": c.code, "libelle": c.name, "departement": c.departement, "label": c.label}
                for c in hits
            ],
        }
    )


def domaine(request: HttpRequest, code: str) -> HttpResponse:
    domaine = rq.domaine_get(code)
    if domaine is None:
        raise Http404("Domaine inconnu")
    return render(
        request,
        "www/domaine.html",
        {"domaine": domaine, "fiches": domaine.fiches.filter(actif=True), "nav": "metiers"},
    )


def fiche(request: HttpRequest, code_rome: str) -> HttpResponse:
    detail = rq.fiche_detail(code_rome.upper())
    if detail is None:
        raise Http404("Fiche ROME inconnue")
    return render(
        request,
        "www/fiche.html",
        {"d": detail, "appellation": request.GET.get("appellation"), "nav": "metiers"},
    )
