"""Server-side SVG maps from GeoJSON polygons: no JavaScript, no tile server, works offline.

Projection: equirectangular with longitudes scaled by cos(mean latitude), which keeps shapes true
enough at the scale of a département; coordinates rounded to 0.1 px.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    key: str
    label: str
    geometry: str  # GeoJSON geometry (Polygon or MultiPolygon), as text
    css_class: str = ""
    href: str = ""
    title: str = ""


@dataclass(frozen=True)
class MapPath:
    key: str
    label: str
    d: str
    css_class: str
    href: str
    title: str


def rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def project(
    shapes: Sequence[Shape], width: int = 640, height: int = 480, margin: int = 8, min_step: float = 0.0
) -> tuple[list[MapPath], str]:
    """Return the SVG paths of the shapes fitted in a width × height box, and the viewBox. With `min_step`
    (px), a ring keeps only the points at least that far from the previous kept point (lighter drawings for
    print; 0 keeps every point)."""
    parsed = [(shape, rings(json.loads(shape.geometry))) for shape in shapes if shape.geometry]
    points = [pt for _, rs in parsed for ring in rs for pt in ring]
    if not points:
        return [], f"0 0 {width} {height}"
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = (max(lons) - min(lons)) * kx or 1e-9
    span_y = (max(lats) - min(lats)) or 1e-9
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    used_w = span_x * scale + 2 * margin
    used_h = span_y * scale + 2 * margin
    x0, y1 = min(lons), max(lats)

    def xy(pt: list[float]) -> str:
        return f"{margin + (pt[0] - x0) * kx * scale:.1f},{margin + (y1 - pt[1]) * scale:.1f}"

    def thin(ring: list[list[float]]) -> list[list[float]]:
        if min_step <= 0:
            return ring
        step = min_step / scale
        kept = [ring[0]]
        for pt in ring[1:]:
            if abs(pt[0] - kept[-1][0]) * kx >= step or abs(pt[1] - kept[-1][1]) >= step:
                kept.append(pt)
        return kept

    paths = []
    for shape, rs in parsed:
        rs = [thin(ring) for ring in rs]
        d = " ".join("M" + " L".join(xy(pt) for pt in ring) + " Z" for ring in rs if len(ring) >= 3)
        paths.append(
            MapPath(shape.key, shape.label, d, shape.css_class, shape.href, shape.title or shape.label)
        )
    return paths, f"0 0 {used_w:.0f} {used_h:.0f}"
