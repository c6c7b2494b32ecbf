"""Read side of the surveys: the campaign's follow-up (response rates), its aggregates under statistical
secrecy, and the give-to-get comparison offered to each organisation that answered."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl
from django.db.models import Q

from gtec.labour.read import local as labour
from gtec.organisations.models import Member, Organisation
from gtec.referentials.models import Competence, Fiche, Savoir
from gtec.surveys.models import Campaign, Participation, Response
from gtec.territories import queries as tq
from gtec_core import secrecy
from gtec_core.french import format_fr
from gtec_core.secrecy import SECRET, TOTAL
from gtec_core.surveys import aggregate, schema

UNAVAILABLE = "donnée indisponible"
HORIZON_TITLES = [("12m", "Recrutements prévus à 12 mois"), ("5ans", "Départs à remplacer d'ici 5 ans")]


def campaigns_of(user):
    """Campaigns a person deals with: those of the territories they coordinate, and those their
    organisations are invited to."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    members = Member.objects.of(user)
    return Campaign.objects.filter(
        Q(territory__in=members.filter(role="coordinateur").values("territory"))
        | Q(participations__organisation__in=members.values("organisation"))
    ).distinct()


def epci_names(campaign: Campaign) -> tuple[dict[int, str], dict[str, str]]:
    """Commune id → EPCI code for the campaign's territory, and EPCI code → name."""
    epci_of = tq.epci_of_communes(campaign.territory)
    return {c: e.code for c, e in epci_of.items()}, {e.code: e.name for e in epci_of.values()}


def respondents(campaign: Campaign) -> list[aggregate.Respondent]:
    """The latest submitted version of every response, with its organisation's unit, EPCI, NAF section
    and size band."""
    epci_of, _ = epci_names(campaign)
    rows = (
        Response.objects.filter(campaign=campaign, submitted__isnull=False)
        .select_related("organisation")
        .values_list(
            "organisation__unit_key",
            "organisation__commune_id",
            "organisation__naf",
            "organisation__size_band",
            "submitted__data",
        )  # fmt: skip
    )
    return [
        aggregate.Respondent(unit, epci_of.get(commune, ""), schema.naf_section(naf), size, data)
        for unit, commune, naf, size, data in rows
    ]


def fiche_labels(codes) -> dict[str, str]:
    return dict(Fiche.objects.filter(code_rome__in=set(codes)).values_list("code_rome", "libelle"))


def skill_labels(codes) -> dict[int, str]:
    codes = set(codes)
    out = dict(Competence.objects.filter(code_ogr__in=codes).values_list("code_ogr", "libelle"))
    out |= dict(Savoir.objects.filter(code_ogr__in=codes).values_list("code_ogr", "libelle"))
    return out


@dataclass
class Results:
    respondents: int
    units: int
    epcis: list[tuple[str, str]]
    needs: dict[str, list[dict]]  # horizon → rows {code_rome, libelle, cells: [display…], total}
    difficulty: list[dict]
    reasons: list[dict]
    skills: list[dict]
    formats: list[dict]
    drivers: list[dict]
    hidden_skills: int
    suppressed: int


def _pivot(table: pl.DataFrame, epcis: list[str], labels: dict[str, str]) -> list[dict]:
    table = secrecy.display_values(table)
    cells = {(r["code_rome"], r["epci"]): r for r in table.iter_rows(named=True)}
    order = aggregate.needs_summary(table)["code_rome"].to_list()
    return [
        {
            "code_rome": rome,
            "libelle": labels.get(rome, "Ensemble des métiers" if rome == TOTAL else rome),
            "cells": [cells[(rome, e)]["display"] if (rome, e) in cells else "" for e in epcis],
            "total": cells[(rome, TOTAL)]["display"],
            "secret": cells[(rome, TOTAL)][SECRET],
            # the published numbers behind the display (None where secret or absent), for the exports
            "values": [_published(cells.get((rome, e))) for e in epcis] + [_published(cells[(rome, TOTAL)])],
            "secrets": [bool(cells[(rome, e)][SECRET]) if (rome, e) in cells else False for e in epcis]
            + [bool(cells[(rome, TOTAL)][SECRET])],
        }
        for rome in order
    ]


def _published(cell: dict | None):
    return None if cell is None or cell[SECRET] else cell["value"]


def _counts(frame: pl.DataFrame, key: str, labels: dict, denominator: int) -> list[dict]:
    """Published rows first, most cited first; the « s » rows after them in code order, never ranked by their
    hidden count (an order is a set of inequalities a reader could use, as in `aggregate.needs_summary`)."""
    rules = secrecy.load_rules()
    if not frame.is_empty():
        ranked = pl.when(pl.col(SECRET)).then(None).otherwise(pl.col("units"))
        frame = frame.sort(
            [pl.col(SECRET), ranked, pl.col(key)], descending=[False, True, False], nulls_last=True
        )
    return [
        {
            "code": r[key],
            "libelle": labels.get(r[key], r[key]),
            "display": rules.symbol if r[SECRET] else str(r["units"]),
            "share": "" if r[SECRET] or not denominator else format_fr(100 * r["units"] / denominator),
            "units": None if r[SECRET] else r["units"],
            "share_value": None if r[SECRET] or not denominator else 100 * r["units"] / denominator,
            "secret": bool(r[SECRET]),
        }
        for r in frame.iter_rows(named=True)
    ]


def data_version(campaign: Campaign) -> str:
    """A digest of what the campaign's aggregates are computed from: each submitted answer's version and its
    organisation's unit, commune, NAF and size band, and the secrecy rules. One light query (no answer
    bodies); a new or withdrawn answer, a new version or a moved organisation changes it."""
    import hashlib

    rows = (
        Response.objects.filter(campaign=campaign, submitted__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "submitted_id",
            "organisation__unit_key",
            "organisation__commune_id",
            "organisation__naf",
            "organisation__size_band",
        )
    )
    digest = hashlib.sha256(repr((list(rows), secrecy.load_rules(), campaign.territory_id)).encode())
    return digest.hexdigest()[:32]


def campaign_results(campaign: Campaign, records: list[aggregate.Respondent] | None = None) -> Results:
    """Every published aggregate of the campaign, protected by `gtec_core.secrecy`. Without `records`, the
    protected tables (secondary suppression and its audit cost about a second) are kept in the cache under
    the campaign's data version, so a second view is served from there and a new answer invalidates them."""
    if records is None:
        from django.core.cache import cache

        key = f"surveys:results:{campaign.pk}:{data_version(campaign)}"
        found = cache.get(key)
        if found is None:
            found = _campaign_results(campaign, respondents(campaign))
            cache.set(key, found, 24 * 3600)
        return found
    return _campaign_results(campaign, records)


def _campaign_results(campaign: Campaign, records: list[aggregate.Respondent]) -> Results:
    frames = aggregate.flatten(records)
    _, names = epci_names(campaign)
    epcis = sorted({e for e in frames.occupations["epci"].to_list() if e})
    labels = fiche_labels(frames.occupations["code_rome"].to_list())
    needs, suppressed, tables = {}, 0, {}
    for horizon in aggregate.HORIZONS:
        table = tables[horizon] = aggregate.needs_table(frames.occupations, horizon)
        suppressed += table.filter(pl.col(SECRET)).height
        needs[horizon] = _pivot(table, epcis, labels)
    rules = secrecy.load_rules()
    # secret rates come last in code order: ranking them by their hires would leak an order of hidden values
    diff = aggregate.difficulty_by_occupation(frames.occupations, hires=tables["12m"])
    diff = diff.sort(
        [pl.col(SECRET), pl.when(pl.col(SECRET)).then(None).otherwise(pl.col("hires")), pl.col("code_rome")],
        descending=[False, True, False],
        nulls_last=True,
    )
    difficulty = [
        {
            "code_rome": r["code_rome"],
            "libelle": labels.get(r["code_rome"], r["code_rome"]),
            "rate": rules.symbol if r[SECRET] else format_fr(100 * r["value"]) + " %",
            "secret": r[SECRET],
            "value": None if r[SECRET] else 100 * r["value"],
        }
        for r in diff.iter_rows(named=True)
    ]
    reasons = aggregate.reasons_table(frames.occupations, frames.reasons)
    difficult_units = frames.occupations.filter(pl.col("difficulte"))["unit"].n_unique()
    units = frames.respondents["unit"].n_unique()
    skills_all = aggregate.unit_counts(frames.skills, ["competence"])
    top = skills_all.filter(~pl.col(SECRET)).head(20)
    skill_names = skill_labels(top["competence"].to_list())
    return Results(
        respondents=len(records),
        units=units,
        epcis=[(e, names.get(e, e)) for e in epcis],
        needs=needs,
        difficulty=difficulty,
        reasons=_counts(reasons, "reason", dict(schema.REASONS), difficult_units),
        skills=_counts(top, "competence", skill_names, units),
        formats=_counts(
            aggregate.unit_counts(frames.formats, ["format"]), "format", dict(schema.FORMATS), units
        ),
        drivers=_counts(
            aggregate.unit_counts(frames.drivers, ["driver"]), "driver", dict(schema.DRIVERS), units
        ),
        hidden_skills=skills_all.filter(pl.col(SECRET)).height,
        suppressed=suppressed,
    )


def response_rates(campaign: Campaign) -> dict[str, list[dict]]:
    """Invited and answered organisations by NAF section, size band and EPCI (the coordinator's follow-up,
    on organisations, not answers: no secrecy applies to who was invited)."""
    epci_of, names = epci_names(campaign)
    answered = set(
        Response.objects.filter(campaign=campaign, submitted__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    tallies: dict[str, dict[str, list[int]]] = {"secteur": {}, "taille": {}, "epci": {}}
    for org in Organisation.objects.filter(participations__campaign=campaign):
        keys = {
            "secteur": schema.NAF_SECTIONS.get(org.section, "Sans code NAF"),
            "taille": dict(schema.SIZE_BANDS).get(org.size_band, "Non renseignée"),
            "epci": names.get(epci_of.get(org.commune_id, ""), "Hors territoire"),
        }
        for dim, key in keys.items():
            t = tallies[dim].setdefault(key, [0, 0])
            t[0] += 1
            t[1] += org.pk in answered
    return {
        dim: [
            {"label": k, "invited": v[0], "answered": v[1], "rate": format_fr(100 * v[1] / v[0])}
            for k, v in sorted(t.items(), key=lambda kv: -kv[1][0])
        ]
        for dim, t in tallies.items()
    }


def campaign_progress(campaign: Campaign) -> dict:
    invited = Participation.objects.filter(campaign=campaign).count()
    submitted = Response.objects.filter(campaign=campaign, submitted__isnull=False).count()
    drafts = Response.objects.filter(campaign=campaign, submitted__isnull=True).count()
    return {
        "invited": invited,
        "submitted": submitted,
        "drafts": drafts,
        "rate": format_fr(100 * submitted / invited) if invited else "0",
    }


def official_tension(territory_key: str, codes: list[str]) -> dict[str, dict]:
    """The local composite tension of the occupations (`gtec.labour.read.local.tension_figures`): value,
    category, status, vintage; an occupation without figures is « donnée indisponible »."""
    found = labour.tension_figures(territory_key, list(codes))
    return {c: asdict(found[c]) if c in found else {"status": UNAVAILABLE} for c in codes}


def give_to_get(campaign: Campaign, organisation: Organisation, records=None) -> dict:
    """The organisation's answers next to the territory's: its difficulty per occupation against the
    territory's share of difficult hires and the official tension, its future skills against those
    cited by companies of its NAF section. Territory figures are under secrecy."""
    response = Response.objects.select_related("submitted").get(campaign=campaign, organisation=organisation)
    own = response.submitted.data
    records = respondents(campaign) if records is None else records
    frames = aggregate.flatten(records)
    rules = secrecy.load_rules()
    diff = {
        r["code_rome"]: r
        for r in aggregate.difficulty_by_occupation(frames.occupations).iter_rows(named=True)
    }
    codes = [m["code_rome"] for m in own["metiers"]]
    tension = official_tension(campaign.territory.key, codes)
    occupations = []
    for m in own["metiers"]:
        d = diff.get(m["code_rome"])
        occupations.append(
            {
                "libelle": m["libelle"],
                "code_rome": m["code_rome"],
                "hires": m["recrutements_12m"],
                "own": "oui"
                if m["difficulte"]
                else ("non" if m["recrutements_12m"] else "pas de recrutement"),
                "territory": UNAVAILABLE
                if d is None
                else rules.symbol
                if d[SECRET]
                else format_fr(100 * d["value"]) + " %",
                "tension": tension[m["code_rome"]],
            }
        )
    section = organisation.section
    sector = frames.skills.filter(pl.col("section") == section) if section else frames.skills.clear()
    counts = aggregate.unit_counts(sector, ["competence"])
    mine = {c for m in own["metiers"] for c in m["competences"]}
    published = counts.filter(~pl.col(SECRET)).head(15)
    names = skill_labels(set(published["competence"].to_list()) | mine)
    by_code = {r["competence"]: r for r in counts.iter_rows(named=True)}
    sector_units = (
        frames.respondents.filter(pl.col("section") == section)["unit"].n_unique() if section else 0
    )
    return {
        "occupations": occupations,
        "section": schema.NAF_SECTIONS.get(section, ""),
        "sector_units": sector_units if sector_units >= rules.min_units else None,
        "sector_skills": [
            {
                "libelle": names.get(r["competence"], r["competence"]),
                "units": r["units"],
                "mine": r["competence"] in mine,
            }
            for r in published.iter_rows(named=True)
        ],
        "my_skills": [
            {
                "libelle": names.get(c, c),
                "units": (rules.symbol if by_code[c][SECRET] else by_code[c]["units"])
                if c in by_code
                else "",
            }
            for c in sorted(mine, key=lambda c: names.get(c, ""))
        ],
        "respondents": len(records),
    }


def response_versions(response: Response):
    return response.versions.select_related("created_by").order_by("-number")


def organisations_of(user):
    return (
        Organisation.objects.filter(members__user=user).distinct()
        if user.is_authenticated
        else Organisation.objects.none()
    )


def fiche_items(code_rome: str) -> list[dict]:
    """The fiche's ROME skills (savoir-faire, then savoirs) with their coeur-de-métier / émergente flag,
    what the questionnaire offers for the skills needed within 2–5 years."""
    from gtec.referentials.models import FicheCompetence, FicheSavoir

    rank = {"Émergente": 0, "Principale": 1, "": 2}
    comps = [
        {
            "code_ogr": link.competence_id,
            "libelle": link.competence.libelle,
            "coeur": link.coeur_metier,
            "kind": "savoir-faire",
        }
        for link in FicheCompetence.objects.filter(fiche_id=code_rome, savoir_etre=False).select_related(
            "competence"
        )
    ]
    savoirs = [
        {
            "code_ogr": link.savoir_id,
            "libelle": link.savoir.libelle,
            "coeur": link.coeur_metier,
            "kind": "savoir",
        }
        for link in FicheSavoir.objects.filter(fiche_id=code_rome).select_related("savoir")
    ]
    key = lambda i: (rank.get(i["coeur"], 2), i["libelle"])  # noqa: E731
    return sorted(comps, key=key) + sorted(savoirs, key=key)


class UnknownFiche(ValueError):
    """A well-formed ROME code that names no fiche of the imported ROME (the message is French)."""


def skill_suggestions(text: str, code_rome: str = "", limit: int = 5) -> list[dict]:
    """ROME skills a free-text need expresses, read by the project's French text engine
    (gtec.referentials.search.text_engine): the macro-compétences it finds in the text, those of the
    chosen fiche first; then, to fill the list, labels close to the words typed (fuzzy token match), the
    fiche's own items first. Free text stays as typed, the suggestions let the company code it.
    Raises UnknownFiche for a code that is not a fiche of the imported ROME."""
    from rapidfuzz import fuzz, process, utils

    from gtec.referentials.search import text_engine

    if code_rome and not Fiche.objects.filter(code_rome=code_rome).exists():
        raise UnknownFiche(f"code_rome : la fiche « {code_rome} » n'existe pas dans le ROME importé")
    text = text.strip()[:300]
    if len(text) < 3:
        return []
    items = fiche_items(code_rome) if code_rome else []
    own = {i["code_ogr"] for i in items}
    engine = text_engine()
    fiche_macros = engine.fiche_macros.get(code_rome, set()) if code_rome else set()
    found = engine.extract(text, limit=limit, fiches=[code_rome] if code_rome else None)
    found.sort(key=lambda m: (m.code_ogr not in fiche_macros, -m.confidence))
    out = [
        {
            "code_ogr": m.code_ogr,
            "libelle": m.label,
            "score": round(100 * m.confidence),
            "fiche": m.code_ogr in fiche_macros or m.code_ogr in own,
        }
        for m in found
    ][:limit]
    seen = {o["code_ogr"] for o in out}
    if len(out) < limit:
        pool = {i["code_ogr"]: i["libelle"] for i in items if i["code_ogr"] not in seen}
        hits = process.extract(
            text, pool, scorer=fuzz.token_set_ratio, processor=utils.default_process, limit=limit
        )
        out += [
            {"code_ogr": code, "libelle": lab, "score": round(score), "fiche": True}
            for lab, score, code in hits
            if score >= 60
        ][: limit - len(out)]
        seen = {o["code_ogr"] for o in out}
    if len(out) < limit:
        every = dict(Competence.objects.filter(actif=True, macro=False).values_list("code_ogr", "libelle"))
        more = process.extract(
            text, every, scorer=fuzz.token_set_ratio, processor=utils.default_process, limit=limit
        )
        out += [
            {"code_ogr": code, "libelle": lab, "score": round(score), "fiche": False}
            for lab, score, code in more
            if score >= 70 and code not in own and code not in seen
        ][: limit - len(out)]
    return out


def latest_campaign(territory) -> Campaign | None:
    """The territory's most recent campaign that has submitted answers (what a diagnostic reports on)."""
    return (
        Campaign.objects.filter(territory=territory, responses__submitted__isnull=False)
        .distinct()
        .order_by("-pk")
        .first()
    )


def workbook_template() -> bytes:
    """The empty questionnaire workbook (drop-down lists, the ROME appellations), built once per ROME
    import and kept in the cache: it costs about a second to write and anyone may download it."""
    import tempfile
    from pathlib import Path

    from django.core.cache import cache

    from gtec.imports.models import ImportRun
    from gtec.referentials.models import Appellation
    from gtec_core.surveys import template, workbook

    run = ImportRun.objects.filter(source="rome").order_by("-pk").values_list("pk", flat=True).first()
    key = f"gtec-survey-template:{workbook.TEMPLATE_VERSION}:{run}"
    body = cache.get(key)
    if body is None:
        apps = list(
            Appellation.objects.filter(actif=True)
            .order_by("libelle")
            .values_list("code_ogr", "libelle", "fiche_id")
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = template.write_workbook(Path(tmp) / "modele.xlsx", [], apps)
            body = path.read_bytes()
        cache.set(key, body, 24 * 3600)
    return body
