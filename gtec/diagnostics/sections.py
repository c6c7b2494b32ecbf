"""The sections of the diagnostic about the territory and its labour market, each assembled from the read
modules that publish the same figures on the pages (`gtec.labour.read`, `gtec.territories.queries`):
nothing here reads a stored value directly, so the document inherits their statistical secrecy."""

from __future__ import annotations

import html
from collections import defaultdict

import polars as pl

from gtec.labour import read as lq
from gtec.referentials import queries as rq
from gtec.territories import queries as tq
from gtec.territories.models import Territory
from gtec_core.french import format_fr
from gtec_core.indicators.registry import REGISTRY
from gtec_core.svgmap import Shape, project

from .document import Figure, Section, Table

UNAVAILABLE = "donnée indisponible"
EPCI_COLOURS = ["#1d4e89", "#2a9d8f", "#e9a23b", "#8e5ea2", "#d1495b", "#5c7d2b", "#6b4f3a", "#00798c"]
STRUCTURE = ["krugman_specialisation", "herfindahl", "shannon_normalised", "covid_exposure"]
MARKET = ["offers_demand_ratio", "bmo_difficulty_rate", "bmo_seasonality_rate", "hiring_intensity"]
CAUSES = {
    "bmo_difficulty_rate": "recrutements jugés difficiles",
    "lack_of_labour": "peu de demandeurs d'emploi",
    "non_durability": "emplois peu durables",
    "hiring_intensity": "forte intensité d'embauches",
}


def indicator_figure(name: str, territory: Territory, refs: list[Territory], period: str) -> Figure:
    """An « all occupations » indicator of the territory and of each reference territory, as published."""
    own = lq.indicator_cell(lq.observation(name, territory, period, "", "all"))
    return Figure(
        key=name,
        label=REGISTRY[name].label,
        display=own.display,
        value=own.value,
        status=own.status,
        period=period,
        refs=[lq.indicator_cell(lq.observation(name, r, period, "", "all")).display for r in refs],
    )


def profile(territory: Territory, refs: list[Territory]) -> tuple[Section, list[Figure]]:
    """Population, communes and EPCI, with the map of the communes coloured by EPCI."""
    communes = list(territory.communes().order_by("-population"))
    population = sum(c.population for c in communes) or territory.population
    epci_of = tq.epci_of_communes(territory) if territory.scale != "commune" else {}
    epcis = sorted({e.pk: e for e in epci_of.values()}.values(), key=lambda e: -e.population)
    colour = {e.pk: EPCI_COLOURS[i % len(EPCI_COLOURS)] for i, e in enumerate(epcis)}
    inside: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for c in communes:
        e = epci_of.get(c.pk)
        if e:
            inside[e.pk][0] += 1
            inside[e.pk][1] += c.population
    figures = [
        Figure(
            "population",
            "Population municipale",
            format_fr(population),
            population,
            refs=[format_fr(sum(r.communes().values_list("population", flat=True))) for r in refs],
        ),
        Figure(
            "communes",
            "Communes",
            format_fr(len(communes)),
            len(communes),
            refs=[format_fr(r.communes().count()) for r in refs],
        ),
    ]
    rows = [
        [e.name, format_fr(inside[e.pk][0]), format_fr(inside[e.pk][1]), _share(inside[e.pk][1], population)]
        for e in epcis
    ]
    table = Table(
        "Intercommunalités (part de chaque EPCI dans le territoire)",
        ["EPCI", "Communes", "Habitants", "Part de la population"],
        rows,
        [False, True, True, True],
    )
    largest = ", ".join(f"{c.name} ({format_fr(c.population)} hab.)" for c in communes[:3])
    lead = (
        f"{territory.display_name} compte {format_fr(population)} habitants répartis dans "
        f"{format_fr(len(communes))} communes"
        + (f" et {len(epcis)} intercommunalités" if len(epcis) > 1 else "")
        + (f" ; les plus peuplées sont {largest}." if communes else ".")
    )
    if refs:
        lead += " Territoires de comparaison : " + ", ".join(r.display_name for r in refs) + ", France."
    shapes = [
        Shape(
            c.key, c.name, c.geometry, css_class=colour.get(epci_of[c.pk].pk, "") if c.pk in epci_of else ""
        )
        for c in communes
        if c.geometry
    ]
    drawing = _map_svg(shapes, epcis, colour) if shapes and len(shapes) <= 2000 else ""
    return (
        Section(
            "profil",
            "Profil du territoire",
            lead=lead,
            figures=figures,
            tables=[table] if len(epcis) > 1 else [],
            drawing=drawing,
            drawing_caption="Communes du territoire, par intercommunalité (contours IGN Admin Express)",
            sources="Insee, population municipale et code officiel géographique ; IGN, contours des communes.",
        ),
        figures,
    )


def _share(part: float, whole: float) -> str:
    return format_fr(100 * part / whole, 1) + " %" if whole else "—"


def _map_svg(shapes: list[Shape], epcis: list, colour: dict) -> str:
    """The communes map as inline SVG (fill per EPCI), with its legend; every text escaped."""
    paths, viewbox = project(shapes, width=560, height=420, min_step=1.5)
    body = "".join(
        f'<path d="{p.d}" fill="{html.escape(p.css_class or "#9aa5b1")}" stroke="#fff" stroke-width="0.6">'
        f"<title>{html.escape(p.label)}</title></path>"
        for p in paths
    )
    legend = "".join(
        f'<li><span class="swatch c{i % len(EPCI_COLOURS)}"></span>{html.escape(e.name)}</li>'
        for i, e in enumerate(epcis)
    )
    svg = (
        f'<svg class="map" viewBox="{viewbox}" role="img" aria-label="Carte des communes du territoire" '
        f'xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )
    return svg + (f'<ul class="legend">{legend}</ul>' if len(epcis) > 1 else "")


def economy(territory: Territory, refs: list[Territory], period: str | None) -> tuple[Section, list[Figure]]:
    """Establishments, structure of employment (specialisation, concentration, diversity, exposure) and the
    most characteristic occupations (location quotient against the reference)."""
    section = Section(
        "economie",
        "Économie et emploi",
        sources="SIRENE (Insee) ; emploi par métier ; indicateurs de structure calculés par GTEC.",
    )
    if period is None:
        section.empty = f"Indicateurs non calculés pour ce territoire ({UNAVAILABLE})."
        return section, []
    figures_all = lq.dashboard_figures(territory, period)
    est = figures_all["establishments"]
    figures = [
        Figure(
            "establishments",
            "Établissements actifs (SIRENE)",
            est.display,
            est.value,
            est.status,
            period,
            [
                lq.dashboard_figures(r, period)["establishments"].display if lq.periods(r) else "—"
                for r in refs
            ],
        )
    ]
    figures += [indicator_figure(name, territory, refs, period) for name in STRUCTURE]
    section.figures = figures
    lq_table = lq.indicator_export("location_quotient", territory, period).filter(
        (pl.col("statut") == "ok") & (pl.col("nomenclature") == "fap2021")
    )
    top = lq_table.sort("valeur", descending=True).head(10)
    # the location quotient compares the territory with its département, its région or France (#13)
    reference = lq.reference_area(territory, period) or "par rapport à l'emploi de référence"
    section.tables.append(
        Table(
            "Métiers les plus caractéristiques du territoire (indice de spécificité le plus élevé)",
            ["FAP", "Métier", "Indice de spécificité"],
            [[r["metier"], r["libelle_metier"], r["affichage"]] for r in top.iter_rows(named=True)],
            [False, False, True],
            note=f"Indice calculé {reference} : un indice de 2 signifie que le métier pèse deux fois plus "
            "dans l'emploi local que dans cet emploi de référence.",
        )
    )
    diversity = figures[3]
    section.lead = (
        f"Le territoire compte {est.display} établissements actifs. "
        f"La diversité des métiers (Shannon normalisée) est de {diversity.display} sur une échelle de 0 à 1 ; "
        f"la part d'activité exposée à un choc de type COVID est de {figures[4].display}."
    )
    return section, figures


def labour(territory: Territory, refs: list[Territory], period: str | None) -> tuple[Section, list[Figure]]:
    """Job seekers, offers, BMO projects, tension with its causes and the official Dares references."""
    section = Section(
        "marche",
        "Marché du travail",
        sources="France Travail (STMT, offres, BMO) ; Dares (tensions 2019) ; indicateurs calculés par GTEC.",
    )
    figures: list[Figure] = []
    if period is not None:
        own = lq.dashboard_figures(territory, period)
        ref_figs = [lq.dashboard_figures(r, period) if lq.periods(r) else {} for r in refs]
        labels = {
            "stock_a": "Demandeurs d'emploi de catégorie A (moyenne annuelle)",
            "entries": "Inscriptions de demandeurs d'emploi dans l'année",
            "offers": "Offres d'emploi collectées dans l'année",
            "projects": "Projets de recrutement (BMO)",
        }
        for key, label in labels.items():
            c = own[key]
            figures.append(
                Figure(
                    key,
                    label,
                    c.display,
                    c.value,
                    c.status,
                    period,
                    [f[key].display if key in f else "—" for f in ref_figs],
                )
            )
        figures += [indicator_figure(name, territory, refs, period) for name in MARKET]
        section.figures = figures
        section.tables.append(_tension_table(territory, period))
        bmo = lq.bmo_published(territory, 10)
        if bmo["rows"]:
            section.tables.append(
                Table(
                    f"Métiers qui recrutent le plus (BMO {bmo['period']})",
                    ["FAP", "Métier", "Projets", "Part difficile"],
                    [
                        [r["code"], r["label"], r["projects"].display, r["difficulty"].display]
                        for r in bmo["rows"]
                    ]
                    + [["", "Ensemble des métiers", bmo["total"].display if bmo["total"] else "—", ""]],
                    [False, False, True, True],
                )
            )
        ratio, difficulty = figures[4], figures[5]
        section.lead = (
            f"En {period}, {own['offers'].display} offres ont été collectées pour {own['entries'].display} "
            f"inscriptions de demandeurs d'emploi (rapport {ratio.display}) ; {own['projects'].display} projets "
            f"de recrutement sont déclarés dans l'enquête BMO, dont {difficulty.display} jugés difficiles."
        )
    else:
        section.empty = (
            "Les indicateurs locaux (demandeurs, offres, BMO) ne sont pas calculés pour ce territoire. "
            "Les tensions publiées par la Dares pour le département et la région figurent ci-dessous."
        )
    official = _official_table(territory)
    if official is not None:
        section.tables.append(official)
    return section, figures


def _tension_table(territory: Territory, period: str) -> Table:
    """The ten most tense occupations with their components and the causes that stand out (a component
    above its value for all occupations of the territory)."""
    rows = [r for r in lq.tension_table(territory, period, limit=None) if r["status"] == "ok"][:10]
    components = {}
    for name in CAUSES:
        frame = lq.indicator_export(name, territory, period)
        components[name] = {r["metier"]: r for r in frame.iter_rows(named=True)}
    overall = {name: lq.observation(name, territory, period, "", "all") for name in CAUSES}
    out = []
    for r in rows:
        causes = []
        for name, label in CAUSES.items():
            row = components[name].get(r["code"])
            base = overall[name]
            if row and row["valeur"] is not None and base is not None and base.status == "ok" and base.value:
                if (row["valeur"] - base.value) / abs(base.value) > 0.2:
                    causes.append(label)
        out.append(
            [
                r["code"],
                r["label"],
                r["tension"].display,
                r["category_label"],
                components["bmo_difficulty_rate"].get(r["code"], {}).get("affichage", "—"),
                ", ".join(causes) or "—",
            ]
        )
    return Table(
        "Métiers en tension et causes de la tension",
        ["FAP", "Métier", "Indicateur", "Catégorie", "Part difficile", "Causes marquées"],
        out,
        [False, False, True, False, True, False],
        note="Indicateur synthétique de tension (méthode Dares, recalculé localement). Une cause est marquée "
        "quand la composante dépasse de plus de 20 % sa valeur pour l'ensemble des métiers du territoire.",
    )


def _official_table(territory: Territory) -> Table | None:
    """The Dares published tension (2019) of the occupations most in tension in the territory's
    département, beside the région and France — public data, available for any territory."""
    rows = lq.official_tension(territory, rq.fap_codes(2009, 225))
    if not rows:
        return None
    by_fap: dict[str, dict] = defaultdict(dict)
    for r in rows:
        by_fap[r["fap"]][r["level"]] = r
        by_fap[r["fap"]]["label"] = r["label"]
    ranked = sorted(
        (f for f in by_fap.values() if "Département" in f and f["Département"]["tension"].value is not None),
        key=lambda f: -f["Département"]["tension"].value,
    )[:10]
    if not ranked:
        return None
    year = ranked[0]["Département"]["year"]
    return Table(
        f"Métiers les plus en tension dans le département selon la Dares ({year})",
        ["Métier (FAP 2009)", "Département", "Région", "France"],
        [
            [f["label"]]
            + [
                f[level]["tension"].display if level in f else "—"
                for level in ("Département", "Région", "France")
            ]
            for f in ranked
        ],
        [False, True, True, True],
        note="Indicateur de tension publié par la Dares et France Travail (centré-réduit ; au-delà de 0, "
        "le métier est plus tendu que la moyenne).",
    )
