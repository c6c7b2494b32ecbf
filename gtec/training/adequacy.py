"""« Formations manquantes »: the training offer of a territory against its labour-market needs, per ROME
fiche (methods.md §7.4, short-term variant: places per year against BMO projects).

Inputs, all read through the modules that protect them:

- positions to fill: the territory's BMO projects per FAP-2021 métier, as `gtec.labour.read.bmo_table`
  publishes them (primary and secondary suppression already applied: a secret cell has no value), spread
  over ROME fiches with the FAP-2021 → ROME bridge (`gtec.referentials.queries.bridge`); a fiche fed by a secret
  cell is secret. Where BMO gives nothing for a fiche, the hires at 12 months declared in the territory's
  latest survey campaign fill in (`gtec_core.surveys.aggregate.needs_table`, under secrecy too).
  Projections (Métiers 2030) are not loaded yet: the `horizon_years` argument of the formulas awaits them;
- places: the sessions of the year held in the territory's communes (`training_supply`);
- tension: the Dares composite category of each fiche's main FAP (`gtec.labour.read.tension_table`,
  category only when published);
- nearest training: the nearest training place for the fiche, any territory, from the territory's centre;
- uncovered skills: skills the surveyed companies cite (published counts only) that no ROME fiche of a
  local training carries.

The formulas live in `gtec_core.indicators.adequacy`; this module only assembles the frames.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import polars as pl
from django.db.models import Max, Min

from gtec.imports.models import ImportRun
from gtec.labour import read as lq
from gtec.referentials import queries as rq
from gtec.referentials.models import FicheCompetence, FicheSavoir
from gtec.referentials.queries import bridge as fap_bridge
from gtec.territories.models import Territory
from gtec.training import models as m
from gtec.training.queries import training_supply
from gtec_core import secrecy
from gtec_core.french import format_fr
from gtec_core.indicators import adequacy as ad

DEFAULT_MAX_KM = 30.0
PRIORITY_CATEGORY = 4
SOURCE_LABELS = {
    "lheo": "offre de formation (LHEO)",
    "bmo": "besoins en main-d'œuvre (BMO)",
    "dares": "tensions (Dares)",
    "indicateurs": "indicateurs calculés",
}


@dataclass
class GapReport:
    territory: Territory
    year: int | None
    years: list[int]
    max_km: float
    bmo_period: str | None
    rows: list[dict]  # one per fiche, ranked (see gap_table)
    skills: list[dict]  # territory-wide uncovered skills: code_ogr, libelle, companies
    campaign: str = ""
    synthetic: bool = False
    vintage: list[str] = field(default_factory=list)
    symbol: str = "s"

    @property
    def priorities(self) -> int:
        return sum(1 for r in self.rows if r["priority"])

    def top(self, n: int = 10) -> list[dict]:
        """The short list a reader acts on: priority occupations with the most positions left uncovered
        (published figures only), then the other priorities."""
        priority = [r for r in self.rows if r["priority"]]
        return sorted(priority, key=lambda r: (r["secret"], -(r["unfilled"] or 0), r["libelle"]))[:n]

    def families(self) -> list[dict]:
        """Priority occupations grouped by ROME grand domaine (family of occupations), largest group first."""
        labels = {g.code: g.libelle for g in rq.grands_domaines()}
        groups: dict[str, list[dict]] = {}
        for r in self.rows:
            if r["priority"]:
                groups.setdefault(r["code_rome"][0], []).append(r)
        return sorted(
            (
                {"code": code, "label": labels.get(code, code), "rows": rows, "count": len(rows)}
                for code, rows in groups.items()
            ),
            key=lambda g: (-g["count"], g["label"]),
        )


def territory_point(territory: Territory) -> tuple[float, float] | None:
    """Centre of the territory: centroid of its contour, else the mean of its communes' centroids."""
    if territory.geometry:
        point = ad.centroid(json.loads(territory.geometry))
        if point:
            return point
    points = [
        ad.centroid(json.loads(g))
        for g in territory.communes().exclude(geometry="").values_list("geometry", flat=True)
    ]
    points = [p for p in points if p]
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def session_years() -> list[int]:
    bounds = m.Session.objects.aggregate(first=Min("debut"), last=Max("debut"))
    if not bounds["first"]:
        return []
    return list(range(bounds["first"].year, bounds["last"].year + 1))


def default_year(years: list[int], today: dt.date | None = None) -> int | None:
    """The current year when sessions start in it, else the latest year with sessions."""
    today = today or dt.date.today()
    if not years:
        return None
    if today.year in years:
        return today.year
    past = [y for y in years if y <= today.year]
    return max(past) if past else min(years)


def bmo_needs(territory: Territory) -> tuple[pl.DataFrame, str | None]:
    """Published BMO projects per FAP-2021 métier: code_fap2021, positions (null when secret), secret."""
    table = lq.bmo_table(territory, limit=None)
    rows = [(r["code"], r["projects"].value, r["projects"].secret) for r in table["rows"] if r["code"]]
    frame = pl.DataFrame(
        rows, schema={"code_fap2021": pl.String, "positions": pl.Float64, "secret": pl.Boolean}, orient="row"
    )
    return frame, table["period"]


def fap_tension(territory: Territory, period: str | None) -> pl.DataFrame:
    """Published Dares tension category per FAP-2021 métier: code_fap2021, category, secret."""
    rows = []
    if period:
        for r in lq.tension_table(territory, period, limit=None):
            rows.append((r["code"], r["category"], r["status"] == "secret"))
    return pl.DataFrame(
        rows, schema={"code_fap2021": pl.String, "category": pl.Int64, "secret": pl.Boolean}, orient="row"
    )


def survey_frames(territory: Territory):
    """The latest campaign of the territory with submitted answers, flattened (None when there is none)."""
    from gtec.surveys.models import Campaign
    from gtec.surveys.queries import respondents
    from gtec_core.surveys import aggregate

    campaign = (
        Campaign.objects.filter(territory=territory, responses__submitted__isnull=False)
        .distinct()
        .order_by("-period_start", "-pk")
        .first()
    )
    if campaign is None:
        return None, None
    return campaign, aggregate.flatten(respondents(campaign))


def survey_needs(frames) -> pl.DataFrame:
    """Hires at 12 months per fiche, published: code_rome, survey_hires (null when secret), survey_secret."""
    from gtec_core.surveys import aggregate

    schema = {"code_rome": pl.String, "survey_hires": pl.Float64, "survey_secret": pl.Boolean}
    if frames is None or frames.occupations.is_empty():
        return pl.DataFrame(schema=schema)
    table = aggregate.needs_table(frames.occupations, "12m", by_epci=False)
    return table.filter(pl.col("code_rome") != secrecy.TOTAL).select(
        "code_rome",
        pl.when(pl.col(secrecy.SECRET))
        .then(None)
        .otherwise(pl.col("value"))
        .cast(pl.Float64)
        .alias("survey_hires"),
        pl.col(secrecy.SECRET).alias("survey_secret"),
    )


def combine_needs(bmo_rome: pl.DataFrame, survey: pl.DataFrame) -> pl.DataFrame:
    """Positions per fiche: BMO where it has the fiche, else the survey's hires. Columns code_rome,
    positions, secret, source, survey_hires, survey_secret."""
    frame = bmo_rome.rename({"positions": "bmo", "secret": "bmo_secret"}).join(
        survey, on="code_rome", how="full", coalesce=True
    )
    has_bmo = pl.col("bmo").is_not_null() | pl.col("bmo_secret").fill_null(False)
    return frame.select(
        "code_rome",
        pl.when(has_bmo).then(pl.col("bmo")).otherwise(pl.col("survey_hires")).alias("positions"),
        pl.when(has_bmo)
        .then(pl.col("bmo_secret"))
        .otherwise(pl.col("survey_secret").fill_null(False))
        .alias("secret"),
        pl.when(has_bmo).then(pl.lit("BMO")).otherwise(pl.lit("enquête")).alias("source"),
        "survey_hires",
        pl.col("survey_secret").fill_null(False),
    )


def nearest_trainings(origin: tuple[float, float] | None, after: dt.date) -> dict[str, dict]:
    """Per fiche, the nearest training place with a session starting on or after `after`: km, formation."""
    if origin is None:
        return {}
    best: dict[str, dict] = {}
    rows = (
        m.ActionFiche.objects.filter(action__sessions__debut__gte=after)
        .values_list(
            "fiche_id",
            "action__latitude",
            "action__longitude",
            "action__formation_id",
            "action__formation__intitule",
            "action__ville",
        )
        .distinct()
    )
    for code, lat, lon, fid, title, ville in rows.iterator(chunk_size=5000):
        if lat is None or lon is None:
            continue
        km = ad.haversine_km(origin[0], origin[1], lat, lon)
        if code not in best or km < best[code]["km"]:
            best[code] = {"km": km, "formation_id": fid, "intitule": title, "ville": ville}
    return best


def local_skills(communes: list[str]) -> set[int]:
    """Skills (OGR codes) of the ROME fiches the trainings held in `communes` prepare for."""
    fiches = m.ActionFiche.objects.filter(action__code_insee__in=communes).values("fiche_id")
    covered = set(FicheCompetence.objects.filter(fiche_id__in=fiches).values_list("competence_id", flat=True))
    covered |= set(FicheSavoir.objects.filter(fiche_id__in=fiches).values_list("savoir_id", flat=True))
    return covered


def cited_skills(frames, by_fiche: bool) -> pl.DataFrame:
    """Skills cited by the surveyed companies, published cells only (≥ 3 companies, frequency rule)."""
    from gtec_core.surveys import aggregate

    keys = ["code_rome", "competence"] if by_fiche else ["competence"]
    if frames is None or frames.skills.is_empty():
        return pl.DataFrame(
            schema={**dict.fromkeys(keys, pl.Int64), "code_rome": pl.String, "units": pl.Int64}
        )
    cells = aggregate.unit_counts(frames.skills, keys)
    return cells.filter(~pl.col(secrecy.SECRET)).select(*keys, "units")


def gap_report(
    territory: Territory,
    *,
    year: int | None = None,
    max_km: float = DEFAULT_MAX_KM,
    today: dt.date | None = None,
) -> GapReport:
    from gtec.surveys.queries import fiche_labels, skill_labels

    rules = secrecy.load_rules()
    years = session_years()
    year = year if year in years else default_year(years, today)
    communes = list(territory.communes().values_list("code", flat=True))

    bridge = fap_bridge()
    bmo, period = bmo_needs(territory)
    campaign, frames = survey_frames(territory)
    needs = combine_needs(ad.needs_by_rome(bmo, bridge), survey_needs(frames))

    links, sessions = training_supply(communes=communes)
    if year is not None:
        sessions = sessions.filter(pl.col("debut").dt.year() == year)
    supply = ad.places_per_year(links, sessions).select("code_rome", "places", "sessions")

    tension = ad.main_category(fap_tension(territory, period), bridge)
    start = dt.date(year, 1, 1) if year else (today or dt.date.today())
    nearest = nearest_trainings(territory_point(territory), start)
    nearest_frame = pl.DataFrame(
        [(c, n["km"]) for c, n in nearest.items()],
        schema={"code_rome": pl.String, "nearest_km": pl.Float64},
        orient="row",
    )
    table = ad.gap_table(
        needs.select("code_rome", "positions", "secret"),
        supply,
        tension.select("code_rome", "category"),
        nearest_frame,
        max_km=max_km,
        priority_category=PRIORITY_CATEGORY,
    )
    table = table.join(
        needs.select("code_rome", "source", "survey_hires", "survey_secret"), on="code_rome", how="left"
    )
    table = table.join(supply.select("code_rome", "sessions"), on="code_rome", how="left")
    table = table.join(
        tension.select("code_rome", "code_fap2021", "tension_secret"), on="code_rome", how="left"
    )

    covered = local_skills(communes)
    by_fiche = cited_skills(frames, by_fiche=True)
    by_fiche = by_fiche.filter(~pl.col("competence").is_in(list(covered)))
    territory_skills = cited_skills(frames, by_fiche=False).filter(~pl.col("competence").is_in(list(covered)))
    codes = table["code_rome"].to_list()
    fiche_names = fiche_labels(codes)
    names = skill_labels(
        set(by_fiche["competence"].to_list()) | set(territory_skills["competence"].to_list())
    )
    skills_of: dict[str, list[str]] = {}
    for r in by_fiche.sort(["units", "competence"], descending=[True, False]).iter_rows(named=True):
        skills_of.setdefault(r["code_rome"], []).append(names.get(r["competence"], str(r["competence"])))

    rows = []
    for r in table.iter_rows(named=True):
        near = nearest.get(r["code_rome"])
        rows.append(
            {
                **r,
                "libelle": fiche_names.get(r["code_rome"], r["code_rome"]),
                "category_label": lq.TENSION_LABELS.get(r["category"], "") if r["category"] else "",
                "nearest": near,
                "skills": skills_of.get(r["code_rome"], []),
            }
        )
    runs = [ImportRun.objects.filter(source=s).first() for s in SOURCE_LABELS]
    runs = [r for r in runs if r]
    vintage = [f"{SOURCE_LABELS[r.source]} : {r.version}" for r in runs]
    synthetic = any(r.synthetic for r in runs) or m.Formation.objects.filter(synthetic=True).exists()
    synthetic |= campaign is not None and campaign.responses.filter(organisation__synthetic=True).exists()
    return GapReport(
        territory=territory,
        year=year,
        years=years,
        max_km=max_km,
        bmo_period=period,
        rows=rows,
        skills=[
            {"code_ogr": r["competence"], "libelle": names.get(r["competence"], ""), "companies": r["units"]}
            for r in territory_skills.iter_rows(named=True)
        ],
        campaign=campaign.name if campaign else "",
        synthetic=synthetic,
        vintage=vintage,
        symbol=rules.symbol,
    )


def fmt(value: float | None, secret: bool, symbol: str, decimals: int = 0) -> str:
    """The displayed text of a figure: « s » when secret, « — » when absent, French-formatted otherwise."""
    if secret:
        return symbol
    if value is None:
        return "—"
    return format_fr(value, decimals)


def export_table(report: GapReport) -> pl.DataFrame:
    """The gap table as exported (CSV / XLSX): figures as numbers (empty where secret or absent) and the
    secrecy in its own columns (« s »), so a spreadsheet can sum and sort; never a secret's value."""
    s = report.symbol
    out = []
    for r in report.rows:
        near = r["nearest"]
        secret = bool(r["secret"])
        survey_secret = bool(r["survey_secret"])
        out.append(
            {
                "code_rome": r["code_rome"],
                "metier": r["libelle"],
                "priorite": "oui" if r["priority"] else "non",
                "postes_a_pourvoir_par_an": None if secret else _number(r["positions_per_year"]),
                "secret_besoins": s if secret else "",
                "source_besoins": r["source"] or "",
                "recrutements_enquete_12_mois": None if survey_secret else _number(r["survey_hires"]),
                "secret_enquete": s if survey_secret else "",
                "places_de_formation": _number(r["places"]),
                "taux_de_couverture": None if secret else _number(r["coverage"], 2),
                "postes_non_couverts": None if secret else _number(r["unfilled"]),
                "fap_2021": r["code_fap2021"] or "",
                "categorie_tension": None if r["tension_secret"] or not r["category"] else int(r["category"]),
                "secret_tension": s if r["tension_secret"] else "",
                "formation_la_plus_proche": near["intitule"] if near else "",
                "distance_km": round(near["km"], 1) if near and near["km"] is not None else None,
                "aucune_formation_a_moins_de_km": "oui" if r["no_training_near"] else "non",
                "competences_citees_non_couvertes": " | ".join(r["skills"]),
            }
        )
    schema = {
        "code_rome": pl.String,
        "metier": pl.String,
        "priorite": pl.String,
        "postes_a_pourvoir_par_an": pl.Float64,
        "secret_besoins": pl.String,
        "source_besoins": pl.String,
        "recrutements_enquete_12_mois": pl.Float64,
        "secret_enquete": pl.String,
        "places_de_formation": pl.Float64,
        "taux_de_couverture": pl.Float64,
        "postes_non_couverts": pl.Float64,
        "fap_2021": pl.String,
        "categorie_tension": pl.Int64,
        "secret_tension": pl.String,
        "formation_la_plus_proche": pl.String,
        "distance_km": pl.Float64,
        "aucune_formation_a_moins_de_km": pl.String,
        "competences_citees_non_couvertes": pl.String,
    }
    return pl.DataFrame(out, schema=schema)


def _number(value, decimals: int = 0) -> float | None:
    return None if value is None else round(float(value), decimals)
