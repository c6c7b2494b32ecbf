"""Training catalogue of the territory and training pages. Views stay thin: parse, call a query, render."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from gtec.imports.models import ImportRun
from gtec.territories import queries as tq
from gtec.training import queries as q
from gtec.training.services import formacode_labels
from gtec_core.svgmap import Shape, project

PER_PAGE = 25
BINS = (1, 5, 15, 40)  # sessions per commune → map class s1…s4 (s0 = none)


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_from(request: HttpRequest) -> q.CatalogueFilters:
    get = request.GET
    return q.CatalogueFilters(
        q=get.get("q", "").strip()[:100],
        rome=get.get("metier", "").strip().upper()[:5],
        commune=get.get("commune", "").strip()[:5],
        after=parse_date(get.get("du")),
        before=parse_date(get.get("au")),
        modalite=get.get("modalite", "") if get.get("modalite", "") in q.MODALITES else "",
        financeur=get.get("financeur", "").strip()[:3],
        alternance=get.get("alternance") == "1",
    )


def session_map(filters: q.CatalogueFilters, params: dict) -> tuple[list, str, int]:
    """Communes of the default territory (and of any other place with sessions), shaded by sessions."""
    counts = q.sessions_by_commune(filters)
    territory = tq.territory_get(settings.GTEC_DEFAULT_TERRITORY)
    communes = list(territory.communes()) if territory else []
    known = {c.code for c in communes}
    communes += list(
        tq.Territory.objects.filter(scale="commune", code__in=[c for c in counts if c not in known])
    )
    shapes = []
    for c in communes:
        n = counts.get(c.code, 0)
        level = sum(n >= b for b in BINS)
        href = "?" + urlencode({**params, "commune": c.code}) if n else ""
        title = f"{c.name} : {n} session{'s' if n > 1 else ''}"
        shapes.append(Shape(c.key, c.name, c.geometry, css_class=f"s{level}", href=href, title=title))
    paths, viewbox = project(shapes)
    outside = sum(n for code, n in counts.items() if code not in {c.code for c in communes if c.geometry})
    return paths, viewbox, outside


def catalogue(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request)
    params = {k: v for k, v in request.GET.items() if v and k != "page"}
    actions = q.catalogue_actions(filters)
    page = Paginator(actions, PER_PAGE).get_page(request.GET.get("page"))
    paths, viewbox, outside = session_map(filters, {k: v for k, v in params.items() if k != "commune"})
    return render(
        request,
        "www/training/catalogue.html",
        {
            "filters": filters,
            "page": page,
            "params": urlencode(params),
            "choices": q.catalogue_choices(),
            "paths": paths,
            "viewbox": viewbox,
            "outside": outside,
            "bins": BINS,
            "synthetic": q.m.Formation.objects.filter(synthetic=True).exists(),
            "run": ImportRun.objects.filter(source="lheo").first(),
            "nav": "formations",
        },
    )


def formation(request: HttpRequest, pk: int) -> HttpResponse:
    detail = q.formation_detail(pk, formacode_labels())
    if detail is None:
        raise Http404("Formation inconnue")
    f = detail.formation
    for action in detail.actions:
        action.financeur_labels = [q.financeur_label(c) for c in action.financeur_codes]
    return render(
        request,
        "www/training/formation.html",
        {
            "d": detail,
            "f": f,
            "niveau_sortie": q.niveau_label(f.niveau_sortie) if f.niveau_sortie else "",
            "nav": "formations",
        },
    )
