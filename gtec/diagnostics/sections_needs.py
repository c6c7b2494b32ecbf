"""The sections about what the territory needs and how it can answer: companies' declared needs (survey
aggregates under secrecy), the training offer against the needs (« formations manquantes »), and the
career paths from the occupations with many job seekers towards those in tension. Each reads the read
module that publishes the same figures on the pages."""

from __future__ import annotations

from gtec.careers import queries as cq
from gtec.labour import read as lq
from gtec.surveys import queries as sq
from gtec.territories.models import Territory
from gtec.training import adequacy
from gtec_core.french import format_fr
from gtec_core.secrecy import load_rules

from .document import Figure, Section, Table

BANDS = {"proche": "proche", "accessible": "accessible", "reconversion": "reconversion"}


def needs(territory: Territory) -> tuple[Section, list[Figure]]:
    section = Section(
        "besoins",
        "Besoins des entreprises",
        sources="Enquête GTEC auprès des entreprises du territoire (réponses validées), agrégée sous secret "
        "statistique.",
    )
    campaign = sq.latest_campaign(territory)
    if campaign is None:
        section.empty = "Aucune campagne d'enquête n'a encore recueilli de réponses sur ce territoire."
        return section, []
    results = sq.campaign_results(campaign)
    figures = [Figure("survey_units", "Entreprises répondantes", format_fr(results.units), results.units)]
    section.figures = figures
    section.lead = (
        f"La campagne « {campaign.name} » a recueilli les réponses de {format_fr(results.units)} "
        f"entreprises. Les chiffres portant sur moins de {load_rules().min_units} entreprises, ou dominés "
        "par l'une d'elles, sont remplacés par « s »."
    )
    horizon = next(iter(results.needs), None)
    if horizon:
        rows = [r for r in results.needs[horizon] if r["code_rome"] != "Total"][:10]
        total = next((r for r in results.needs[horizon] if r["code_rome"] == "Total"), None)
        body = [[r["code_rome"], r["libelle"], r["total"]] for r in rows]
        if total:
            body.append(["", "Ensemble des métiers", total["total"]])
        section.tables.append(
            Table(
                "Recrutements envisagés à 12 mois, par métier",
                ["ROME", "Métier", "Recrutements"],
                body,
                [False, False, True],
            )
        )
    if results.difficulty:
        section.tables.append(
            Table(
                "Part des recrutements jugés difficiles par les entreprises",
                ["ROME", "Métier", "Part difficile"],
                [[r["code_rome"], r["libelle"], r["rate"]] for r in results.difficulty[:10]],
                [False, False, True],
            )
        )
    if results.reasons:
        section.tables.append(
            Table(
                "Causes des difficultés citées (entreprises ayant au moins un recrutement difficile)",
                ["Cause", "Entreprises", "Part"],
                [
                    [r["libelle"], r["display"], (r["share"] + " %") if r["share"] else ""]
                    for r in results.reasons
                ],
                [False, True, True],
            )
        )
    if results.skills:
        section.tables.append(
            Table(
                "Compétences attendues à 2–5 ans les plus citées",
                ["Compétence", "Entreprises"],
                [[r["libelle"], r["display"]] for r in results.skills[:10]],
                [False, True],
            )
        )
    return section, figures


def training(territory: Territory) -> tuple[Section, list[Figure]]:
    """Training places against positions to fill, and the occupations in tension left uncovered."""
    report = adequacy.gap_report(territory)
    section = Section(
        "formation",
        "Offre de formation et formations manquantes",
        sources="Offre de formation (LHEO, Carif-Oref) ; BMO ; enquête GTEC ; " + "; ".join(report.vintage),
    )
    if not report.rows:
        section.empty = "Ni besoins ni offre de formation chargés pour ce territoire."
        return section, []
    s = report.symbol
    priorities = [r for r in report.rows if r["priority"]]
    covered = [r for r in report.rows if not r["secret"] and r["coverage"] is not None and r["coverage"] >= 1]
    figures = [
        Figure(
            "training_priorities",
            "Métiers en tension sans formation suffisante",
            format_fr(len(priorities)),
            len(priorities),
        ),
        Figure(
            "training_covered",
            "Métiers dont les besoins sont couverts par l'offre locale",
            format_fr(len(covered)),
            len(covered),
        ),
    ]
    section.figures = figures
    section.lead = (
        f"{format_fr(len(priorities))} métiers en tension forte ou très forte ont moins de places de "
        f"formation que de postes à pourvoir dans l'année{f' ({report.year})' if report.year else ''}, "
        f"ou aucune formation à moins de {format_fr(report.max_km)} km."
    )
    section.tables.append(
        Table(
            "Formations manquantes : métiers prioritaires",
            ["ROME", "Métier", "Postes / an", "Places", "Couverture", "Tension", "Formation la plus proche"],
            [
                [
                    r["code_rome"],
                    r["libelle"],
                    adequacy.fmt(r["positions_per_year"], r["secret"], s),
                    adequacy.fmt(r["places"], False, s),
                    adequacy.fmt(r["coverage"], r["secret"], s, 2),
                    s if r["tension_secret"] else r["category_label"],
                    f"{format_fr(r['nearest']['km'], 1)} km" if r["nearest"] else "aucune",
                ]
                for r in priorities[:12]
            ],
            [False, False, True, True, True, False, True],
            note="Couverture = places de formation de l'année / postes à pourvoir. Un métier est prioritaire "
            "quand sa tension est forte ou très forte et que sa couverture est faible.",
        )
    )
    if report.skills:
        section.tables.append(
            Table(
                "Compétences citées par les entreprises qu'aucune formation locale ne prépare",
                ["Compétence", "Entreprises"],
                [[k["libelle"], format_fr(k["companies"])] for k in report.skills[:8]],
                [False, True],
            )
        )
    return section, figures


def paths(territory: Territory, period: str | None) -> Section:
    """From the five occupations with the least tension (many job seekers for the offers) to the occupations
    in strong or very strong tension the same people can reach with the skills they hold."""
    section = Section(
        "parcours",
        "Parcours professionnels : les passerelles du territoire",
        sources="ROME 4.0 (compétences et mobilités, France Travail) ; tensions calculées par GTEC.",
    )
    if period is None:
        section.empty = "Les tensions locales ne sont pas calculées : pas de passerelle à proposer."
        return section
    table = [r for r in lq.tension_table(territory, period, limit=None) if r["status"] == "ok"]
    tense = [r for r in table if (r["category"] or 0) >= 4]
    loose = [r for r in reversed(table) if (r["category"] or 0) < 4][:5]  # the least tense first
    if not tense or not loose:
        section.empty = "Trop peu de métiers publiés pour proposer des passerelles."
        return section
    fiches = lq.fap_fiches([r["code"] for r in tense + loose], limit=3)
    targets = {code for r in tense for code, _ in fiches.get(r["code"], [])}
    origins = [(r, code, label) for r in loose for code, label in fiches.get(r["code"], [])[:1]]
    found = cq.transitions([code for _, code, _ in origins], targets, limit=2)
    rows = []
    for r, code, label in origins:
        for t in found.get(code, []):
            rows.append(
                [
                    f"{label} ({code})",
                    r["category_label"],
                    f"{t['label']} ({t['code_rome']})",
                    format_fr(100 * t["coverage"]) + " %",
                    "oui" if t["mobility_rank"] else "non",
                ]
            )
    section.lead = (
        "Pour les métiers où les demandeurs d'emploi sont nombreux au regard des offres, les métiers en "
        "tension forte les plus accessibles, d'après les compétences déjà acquises et les mobilités "
        "officielles du ROME."
    )
    section.tables.append(
        Table(
            "Passerelles vers les métiers en tension",
            ["Depuis", "Tension du métier d'origine", "Vers", "Compétences déjà acquises", "Mobilité ROME"],
            rows,
            [False, False, False, True, False],
            note="Compétences déjà acquises : part pondérée des compétences du métier visé que détient une "
            "personne du métier d'origine (cœur de métier compté double).",
        )
    )
    if not rows:
        section.empty = "Aucune passerelle trouvée vers les métiers en tension."
    return section
