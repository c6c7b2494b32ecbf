"""/api/v1/territoires: search the territories, read one, its communes and the territories it belongs to."""

from __future__ import annotations

from ninja import Query, Router, Schema

from gtec.api.v1.core import Page, not_found, paginate, public
from gtec.territories import queries as tq
from gtec.territories.models import SCALE_LABELS, Territory

router = Router(tags=["Territoires"], auth=public)


class TerritoireOut(Schema):
    cle: str
    echelle: str
    libelle_echelle: str
    code: str
    nom: str
    population: int
    parent: str | None


def out(t: Territory) -> dict:
    return {
        "cle": t.key,
        "echelle": t.scale,
        "libelle_echelle": SCALE_LABELS.get(t.scale, t.scale),
        "code": t.code,
        "nom": t.name,
        "population": t.population,
        "parent": t.parent.key if t.parent_id and t.parent else None,
    }


def get_or_404(cle: str) -> Territory:
    territory = tq.territory_get(cle.strip().lower()[:60])
    if territory is None:
        raise not_found(f"Territoire « {cle[:60]} »")
    return territory


@router.get("", response=Page(TerritoireOut), summary="Rechercher des territoires")
def territoires(
    request,
    q: str = Query("", max_length=100, description="nom, code INSEE/SIREN, code postal ou clé ÉCHELLE:CODE"),
    echelle: str = Query("", description="reg, dep, ze, bassin, epci, commune, custom"),
    page: int = Query(1, ge=1),
    size: int = Query(20, ge=1, le=100),
):
    if q.strip():
        rows = list(tq.territory_search(q, limit=1000))
        if echelle:
            rows = [t for t in rows if t.scale == echelle]
    else:
        rows = Territory.objects.filter(actif=True).select_related("parent").order_by("scale", "name")
        if echelle:
            rows = rows.filter(scale=echelle)
    return paginate(rows, page, size, out)


@router.get("/{cle}", response=TerritoireOut, summary="Un territoire (clé ÉCHELLE:CODE)")
def territoire(request, cle: str):
    return out(get_or_404(cle))


@router.get("/{cle}/communes", response=Page(TerritoireOut), summary="Communes membres d'un territoire")
def communes(request, cle: str, page: int = Query(1, ge=1), size: int = Query(50, ge=1, le=100)):
    rows = get_or_404(cle).communes().select_related("parent").order_by("name")
    return paginate(rows, page, size, out)


@router.get(
    "/{cle}/appartenances",
    response=list[TerritoireOut],
    summary="Territoires auxquels appartient une commune",
)
def appartenances(request, cle: str):
    territory = get_or_404(cle)
    if territory.scale != "commune":
        return []
    return [
        out(t) for t in Territory.objects.containing(territory).select_related("parent").order_by("scale")
    ]
