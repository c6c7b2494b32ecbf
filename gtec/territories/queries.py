"""Read-side queries on territories used by the pages."""

from __future__ import annotations

import json

from django.db.models import Q, QuerySet

from gtec.territories.models import Membership, Territory
from gtec_core.indicators.adequacy import centroid


def territory_get(key: str) -> Territory | None:
    return Territory.objects.filter(key=key).select_related("parent").first()


def territory_search(query: str, limit: int = 30) -> QuerySet[Territory]:
    """Territories whose name or code matches: a code or key finds its territory directly (the query is cut
    to 100 characters: SQLite refuses longer LIKE patterns)."""
    query = query.strip()[:100]
    if not query:
        return Territory.objects.none()
    if ":" in query:
        return Territory.objects.filter(key=query.lower())[:limit]
    return (
        Territory.objects.filter(actif=True)
        .filter(Q(name__icontains=query) | Q(code=query) | Q(postal_codes__contains=query))
        .order_by("scale", "-population")[:limit]
    )


def epci_of_communes(territory: Territory) -> dict[int, Territory]:
    """For each commune of the territory, the EPCI it belongs to (commune id → EPCI)."""
    links = list(
        Membership.objects.filter(
            territory__scale="epci", commune__member_of__territory=territory
        ).values_list("commune_id", "territory_id")
    )
    epcis = Territory.objects.in_bulk({epci_id for _, epci_id in links})
    return {commune_id: epcis[epci_id] for commune_id, epci_id in links}


def featured_territories() -> QuerySet[Territory]:
    """What the switcher offers first: custom territories, then the default area's usual scales."""
    return Territory.objects.filter(
        Q(scale="custom")
        | Q(
            key__in=[
                "ze:5318",
                "dep:56",
                "reg:53",
                "epci:200067932",
                "epci:200027027",
                "epci:245614383",
                "bassin:5310",
            ]
        )
    ).order_by("scale", "name")


def commune_points(codes) -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of the centroid of each commune's contour (communes carry no coordinates, only
    their GeoJSON geometry), for the communes that have one; read in one query."""
    shapes = Territory.objects.filter(scale="commune", code__in=list(codes)).exclude(geometry="")
    out = {}
    for code, geometry in shapes.values_list("code", "geometry"):
        point = centroid(json.loads(geometry))
        if point:
            out[code] = point
    return out


def commune_point(code_insee: str) -> tuple[float, float] | None:
    return commune_points([code_insee]).get(code_insee)


def references_of(territory: Territory) -> list[Territory]:
    """The reference territories a figure of `territory` is compared with, in order: the zone d'emploi, the
    département and the région that hold most of its communes, of a larger scale than the territory's
    own. France has no territory row: its figures come from the national tables."""
    from django.db.models import Count

    communes = territory.communes()
    larger = {"reg": (), "dep": ("reg",), "ze": ("dep", "reg")}.get(territory.scale, ("ze", "dep", "reg"))
    out = []
    for scale in larger:
        best = (
            Territory.objects.filter(scale=scale, memberships__commune__in=communes)
            .exclude(pk=territory.pk)
            .annotate(n=Count("memberships"))
            .order_by("-n", "code")
            .first()
        )
        if best is not None:
            out.append(best)
    return out


def commune_codes() -> set[str]:
    """Every commune code of the COG, current and former (merged communes stay, inactive): what an
    imported file may name."""
    return set(Territory.objects.filter(scale="commune").values_list("code", flat=True))


def territory_codes() -> dict[str, set[str]]:
    """Every territory code by scale (communes current and former): what an imported file may name at each
    level. A scale with nothing loaded is absent."""
    out: dict[str, set[str]] = {}
    for scale, code in Territory.objects.exclude(scale="custom").values_list("scale", "code").iterator():
        out.setdefault(scale, set()).add(code)
    return out
