"""Training offer vs. needs (methods.md §7.4), as pure functions on polars frames.

- `places_per_year`: training places per ROME fiche and year. A session's places are split equally over
  the fiches its action prepares for (π_{f→m} "equal split over the certification's ROME codes" when no
  observed link is known, §7.4).
- `coverage`: COUV_m = supply_m / (positions to fill_m / horizon); COUV < 1 means the local training
  output covers less than the annual needs. Crossed with the Dares tension category, "COUV < 1 and
  category ≥ 4" flags a training priority (§7.4, demand-side check).
- `tension_without_training`: occupations in tension with no local training within a distance.
- `uncovered_skills`: skills cited by companies that no local training covers.
- `needs_by_rome`, `main_category`, `gap_table`: the « formations manquantes » assembly — positions to fill
  per FAP-2021 métier spread over ROME fiches, the tension category of each fiche's main FAP, and the gaps
  ranked. Secrecy is carried, never broken: a fiche fed by a secret FAP cell is secret, and so is every
  figure derived from it (coverage, unfilled positions, the under-coverage flag itself).

Geometry helpers (`centroid`, `haversine_km`) serve the distance rules.
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def centroid(geometry: dict) -> tuple[float, float] | None:
    """(latitude, longitude) of the area-weighted centroid of a GeoJSON Polygon or MultiPolygon (outer
    rings; holes are small at commune scale)."""
    if not geometry or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        return None
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    total = cx = cy = 0.0
    for polygon in polygons:
        ring = polygon[0]
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            total += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if abs(total) < 1e-15:
        points = [pt for polygon in polygons for pt in polygon[0]]
        if not points:
            return None
        return sum(p[1] for p in points) / len(points), sum(p[0] for p in points) / len(points)
    return cy / (3 * total), cx / (3 * total)


def places_per_year(links: pl.DataFrame, sessions: pl.DataFrame, *, default_places: int = 0) -> pl.DataFrame:
    """Training places per fiche and year.

    links: action_id, code_rome (one row per fiche the action prepares for).
    sessions: action_id, debut (date), nb_places (nullable).
    Returns code_rome, year, places (float, equal split), sessions, sessions_without_places.
    """
    share = links.unique(["action_id", "code_rome"]).with_columns(
        (1.0 / pl.len().over("action_id")).alias("share")
    )
    rows = (
        sessions.filter(pl.col("debut").is_not_null())
        .with_columns(
            pl.col("debut").dt.year().alias("year"),
            pl.col("nb_places").is_null().alias("_missing"),
            pl.col("nb_places").fill_null(default_places).cast(pl.Float64).alias("_places"),
        )
        .join(share, on="action_id", how="inner")
    )
    return (
        rows.group_by("code_rome", "year")
        .agg(
            (pl.col("_places") * pl.col("share")).sum().alias("places"),
            pl.len().alias("sessions"),
            pl.col("_missing").sum().alias("sessions_without_places"),
        )
        .sort("code_rome", "year")
    )


def coverage(
    supply: pl.DataFrame,
    needs: pl.DataFrame,
    *,
    horizon_years: float = 1.0,
    tension: pl.DataFrame | None = None,
    priority_category: int = 4,
) -> pl.DataFrame:
    """Coverage ratio per fiche.

    supply: code_rome, places (annual training output: places, or leavers × π when known).
    needs: code_rome, positions (positions to fill over `horizon_years`; 11 for the 2019–2030 PàP).
    tension (optional): code_rome, category (Dares tension category 1–5).
    Returns code_rome, places, positions_per_year, coverage (null when no need), under_covered and,
    with tension, category and priority (under-covered ∧ category ≥ priority_category).
    """
    if horizon_years <= 0:
        raise ValueError("horizon_years doit être positif")
    frame = (
        needs.select("code_rome", (pl.col("positions") / horizon_years).alias("positions_per_year"))
        .join(supply.select("code_rome", "places"), on="code_rome", how="full", coalesce=True)
        .with_columns(pl.col("places").fill_null(0.0), pl.col("positions_per_year").fill_null(0.0))
        .with_columns(
            pl.when(pl.col("positions_per_year") > 0)
            .then(pl.col("places") / pl.col("positions_per_year"))
            .otherwise(None)
            .alias("coverage")
        )
        .with_columns((pl.col("coverage") < 1).fill_null(False).alias("under_covered"))
    )
    if tension is not None:
        frame = frame.join(tension.select("code_rome", "category"), on="code_rome", how="left").with_columns(
            (pl.col("under_covered") & (pl.col("category").fill_null(0) >= priority_category)).alias(
                "priority"
            )
        )
    return frame.sort("code_rome")


def tension_without_training(
    tension: pl.DataFrame,
    trainings: pl.DataFrame,
    *,
    origin: tuple[float, float],
    max_km: float,
    min_category: int = 4,
) -> pl.DataFrame:
    """Occupations in tension (category ≥ min_category) with no training within `max_km` of `origin`.

    tension: code_rome, category. trainings: code_rome, latitude, longitude (one row per place).
    Returns code_rome, category, nearest_km (null when no training anywhere), sorted by category desc.
    """
    lat0, lon0 = origin
    located = trainings.filter(pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null())
    distances = [
        haversine_km(lat0, lon0, lat, lon) for lat, lon in located.select("latitude", "longitude").iter_rows()
    ]
    nearest = (
        located.select("code_rome")
        .with_columns(pl.Series("km", distances, dtype=pl.Float64))
        .group_by("code_rome")
        .agg(pl.col("km").min().alias("nearest_km"))
    )
    return (
        tension.filter(pl.col("category") >= min_category)
        .join(nearest, on="code_rome", how="left")
        .filter(pl.col("nearest_km").is_null() | (pl.col("nearest_km") > max_km))
        .select("code_rome", "category", "nearest_km")
        .sort(["category", "code_rome"], descending=[True, False])
    )


def uncovered_skills(cited: pl.DataFrame, covered: pl.DataFrame) -> pl.DataFrame:
    """Skills companies cite that no local training covers.

    cited: code_ogr, companies (number of companies citing it) and any label columns.
    covered: code_ogr (skills taught by at least one local training: its fiches' core skills, its RNCP
    blocs matched to ROME skills…). Returns the rows of `cited` not covered, most cited first.
    """
    return cited.join(covered.select("code_ogr").unique(), on="code_ogr", how="anti").sort(
        ["companies", "code_ogr"], descending=[True, False]
    )


def needs_by_rome(needs: pl.DataFrame, bridge: pl.DataFrame) -> pl.DataFrame:
    """Positions to fill per FAP-2021 métier spread over ROME fiches by the bridge `weight`.

    needs: code_fap2021, positions (null when secret), secret (bool).
    bridge: code_fap2021, code_rome, weight (as `gtec_core.occupations.fap2021_rome_bridge`).
    Returns code_rome, positions (null when secret), secret: a fiche is secret as soon as one of the FAP
    cells it draws from is (its value would otherwise be a published part of a secret cell).
    """
    joined = needs.join(
        bridge.select("code_fap2021", "code_rome", "weight").filter(pl.col("weight") > 0),
        on="code_fap2021",
        how="inner",
    )
    out = joined.group_by("code_rome").agg(
        (pl.col("positions").cast(pl.Float64) * pl.col("weight")).sum().alias("positions"),
        (pl.col("secret") | pl.col("positions").is_null()).any().alias("secret"),
    )
    return out.with_columns(
        pl.when(pl.col("secret")).then(None).otherwise(pl.col("positions")).alias("positions")
    ).sort("code_rome")


def main_category(tension: pl.DataFrame, bridge: pl.DataFrame) -> pl.DataFrame:
    """Tension category of each fiche's main FAP-2021 family (largest `rome_share`, then code).

    tension: code_fap2021, category (null when secret or unknown), secret (bool).
    Returns code_rome, code_fap2021, category, tension_secret.
    """
    main = (
        bridge.sort(["code_rome", "rome_share", "code_fap2021"], descending=[False, True, False])
        .unique("code_rome", keep="first", maintain_order=True)
        .select("code_rome", "code_fap2021")
    )
    return main.join(
        tension.select("code_fap2021", "category", "secret"), on="code_fap2021", how="left"
    ).select(
        "code_rome",
        "code_fap2021",
        pl.when(pl.col("secret").fill_null(False)).then(None).otherwise(pl.col("category")).alias("category"),
        pl.col("secret").fill_null(False).alias("tension_secret"),
    )


def gap_table(
    needs: pl.DataFrame,
    supply: pl.DataFrame,
    tension: pl.DataFrame,
    nearest: pl.DataFrame,
    *,
    max_km: float,
    priority_category: int = 4,
    horizon_years: float = 1.0,
) -> pl.DataFrame:
    """The gaps between local training and needs, one row per fiche with a need or in tension, ranked.

    needs: code_rome, positions (over `horizon_years`, null when secret), secret.
    supply: code_rome, places (local annual places). tension: code_rome, category (null when secret or
    unknown). nearest: code_rome, nearest_km (nearest training anywhere, null when none).
    Returns code_rome, positions_per_year, secret, places, coverage, unfilled (positions − places, ≥ 0),
    under_covered, category, nearest_km, no_training_near (none within `max_km`), priority, and sorts
    priorities first, then the largest published unfilled needs, then the highest tension. Secret rows have
    null positions, coverage, unfilled and under_covered: they are ranked after the published rows of their
    priority group, never by their value.
    """
    if horizon_years <= 0:
        raise ValueError("horizon_years doit être positif")
    frame = (
        needs.select("code_rome", (pl.col("positions") / horizon_years).alias("positions_per_year"), "secret")
        .join(supply.select("code_rome", "places"), on="code_rome", how="full", coalesce=True)
        .join(tension.select("code_rome", "category"), on="code_rome", how="full", coalesce=True)
        .join(nearest.select("code_rome", "nearest_km"), on="code_rome", how="left")
        .with_columns(pl.col("places").fill_null(0.0), pl.col("secret").fill_null(False))
        .with_columns(
            pl.when(pl.col("secret"))
            .then(None)
            .otherwise(pl.col("positions_per_year").fill_null(0.0))
            .alias("positions_per_year")
        )
    )
    frame = frame.with_columns(
        pl.when(pl.col("positions_per_year") > 0)
        .then(pl.col("places") / pl.col("positions_per_year"))
        .otherwise(None)
        .alias("coverage"),
        (pl.col("positions_per_year") - pl.col("places")).clip(lower_bound=0).alias("unfilled"),
        pl.when(pl.col("secret"))
        .then(None)
        .otherwise(pl.col("positions_per_year") > pl.col("places"))
        .alias("under_covered"),
        (pl.col("nearest_km").is_null() | (pl.col("nearest_km") > max_km)).alias("no_training_near"),
    )
    in_tension = pl.col("category").fill_null(0) >= priority_category
    frame = frame.with_columns(
        (in_tension & (pl.col("under_covered").fill_null(False) | pl.col("no_training_near"))).alias(
            "priority"
        )
    )
    frame = frame.filter((pl.col("positions_per_year") > 0) | pl.col("secret") | in_tension)
    return frame.select(
        "code_rome",
        "positions_per_year",
        "secret",
        "places",
        "coverage",
        "unfilled",
        "under_covered",
        "category",
        "nearest_km",
        "no_training_near",
        "priority",
    ).sort(
        ["priority", "unfilled", "category", "code_rome"],
        descending=[True, True, True, False],
        nulls_last=True,
    )


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
