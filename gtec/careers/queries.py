"""Read-side queries of the careers area."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Q

from gtec.careers.models import SavedPath
from gtec.referentials.models import Appellation, FicheClassement
from gtec.territories.models import Territory
from gtec_core.french import sort_french


def savedpath_get(token: str) -> SavedPath | None:
    if not token or len(token) > 64:
        return None
    return SavedPath.objects.filter(token=token).first()


def communes_choices() -> list[Territory]:
    """The communes offered in the form: those of the départements of the default territory (someone living
    just outside it can still say where they live), in French dictionary order."""
    territory = Territory.objects.filter(key=settings.GTEC_DEFAULT_TERRITORY).first()
    qs = Territory.objects.filter(scale="commune", actif=True)
    if territory:
        codes = territory.communes().values_list("code", flat=True)
        prefixes = {code[:3] if code.startswith("97") else code[:2] for code in codes}
        query = Q()
        for prefix in prefixes:
            query |= Q(code__startswith=prefix)
        if prefixes:
            qs = qs.filter(query)
    return sort_french(qs, key=lambda c: c.name)


def commune_get(code: str) -> Territory | None:
    return Territory.objects.filter(scale="commune", code=code).first() if code else None


def territory_key_for(commune: Territory | None) -> str:
    """Where local demand is read: the employment zone of the commune when known, else the default area."""
    if commune is not None:
        ze = Territory.objects.containing(commune).filter(scale="ze").first()
        if ze is not None:
            return ze.key
    return settings.GTEC_DEFAULT_TERRITORY


def appellations_get(codes: list[int]) -> list[Appellation]:
    found = Appellation.objects.select_related("fiche").in_bulk(codes)
    return [found[c] for c in codes if c in found]


def sectors_of(codes_rome: list[str]) -> dict[str, list[str]]:
    """The ROME's secteurs d'activité of each fiche (unix_arborescence_secteur_activite), principal first."""
    out: dict[str, list[str]] = defaultdict(list)
    links = (
        FicheClassement.objects.filter(fiche_id__in=codes_rome, classement__kind="secteur")
        .select_related("classement")
        .order_by("-principal", "classement__libelle")
    )
    for link in links:
        out[link.fiche_id].append(link.classement.libelle)
    return dict(out)
