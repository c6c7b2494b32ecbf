"""Where a training takes place: the communes known to GTEC, to complete an LHEO place."""

from __future__ import annotations

import json
from collections import defaultdict

from gtec.territories.models import Territory
from gtec_core.indicators.adequacy import centroid
from gtec_core.sources import lheo as lheo_source


class CommunePlaces:
    """Communes known to GTEC: centroid of their contour, and postal code → commune when unambiguous."""

    def __init__(self):
        self.centroids: dict[str, tuple[float, float]] = {}
        self.by_postal: dict[str, list[str]] = defaultdict(list)
        rows = Territory.objects.filter(scale="commune", actif=True).values_list(
            "code", "geometry", "postal_codes"
        )
        for code, geometry, postal in rows.iterator(chunk_size=2000):
            if geometry:
                point = centroid(json.loads(geometry))
                if point:
                    self.centroids[code] = point
            for cp in postal.replace(",", " ").split():
                self.by_postal[cp].append(code)

    def complete(self, place: lheo_source.Place) -> lheo_source.Place:
        if not place.code_insee and len(self.by_postal.get(place.codepostal, ())) == 1:
            place.code_insee = self.by_postal[place.codepostal][0]
        if place.latitude is None and place.code_insee in self.centroids:
            place.latitude, place.longitude = self.centroids[place.code_insee]
        return place
