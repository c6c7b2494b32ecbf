"""« Diagnostic emploi-formation » of a territory for a period: `build_report` assembles the sections from
the read modules (the same figures, under the same secrecy, as the pages), `render_html` and `render_pdf`
lay it out (WeasyPrint for the PDF). `build_report` is a plain function of its arguments so that it can be
run by a background job as well as by a page or `gtec report`."""

from __future__ import annotations

import time
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from gtec.imports.models import ImportRun
from gtec.labour import read as lq
from gtec.prospective import queries as pq
from gtec.territories import queries as tq
from gtec.territories.models import Territory
from gtec_core.french import parse_fr
from gtec_core.indicators.registry import REGISTRY
from gtec_core.prospective.scenarios import ScenarioError
from gtec_core.secrecy import load_rules
from gtec_core.sources import registry

from . import sections, sections_needs
from .document import Brief, Figure, Report, Section, Table
from .models import Snapshot

GLOSSARY_EXTRA = ["location_quotient", "dares_tension", "lack_of_labour", "non_durability"]


def prospective_section(territory: Territory, period: str | None) -> Section | None:
    """« Les métiers en 2030 » for the territory, from the prospective app's read module (the same view as
    the « Prospective » page, so under the same secrecy): the ten families with the most positions to fill
    each year, split into replacement and expansion, with their Dares class. None when the territory is
    outside the official projection's field (DOM) or the projection is not imported."""
    try:
        view = pq.projection_view(territory.key, with_local_starters=False)
    except (LookupError, ScenarioError):
        return None
    if not view.rows:
        return None
    published = sorted((r for r in view.rows if not r["secret"]), key=lambda r: -(r["postes_value"] or 0))
    table = Table(
        caption=f"Postes à pourvoir par an, 2019–{view.horizon} (scénario de référence) : les 10 familles de "
        "métiers les plus concernées",
        columns=[
            "Famille de métiers (FAP)",
            "Postes par an",
            "dont remplacement",
            "dont création",
            "Tendance",
        ],
        rows=[
            [r["label"], r["postes_year"], r["replacement_year"], r["expansion_year"], r["class_label"]]
            for r in published[:10]
        ],
        numeric=[False, True, True, True, False],
        note=view.method_note,
    )
    totals = view.totals
    return Section(
        anchor="prospective",
        title="Les métiers en 2030",
        lead=f"{totals['postes_year']} postes à pourvoir par an d'ici {view.horizon}, dont "
        f"{totals['replacement_year']} pour remplacer les départs en fin de carrière et "
        f"{totals['expansion_year']} créations nettes (projection Dares « Les métiers en 2030 » déclinée "
        "sur le territoire).",
        tables=[table],
        sources="Dares et France Stratégie, « Les métiers en 2030 » (2022), déclinaison GTEC : voir la page "
        "Prospective du territoire pour la méthode et les autres scénarios.",
    )


def latest_period(territory: Territory) -> str | None:
    years = lq.periods(territory)
    return years[0] if years else None


def build_report(territory: Territory, period: str | None = None, *, progress=None) -> Report:
    """Assemble the whole diagnostic. `period` defaults to the latest year computed for the territory (a
    territory without computed indicators still gets its profile, the public Dares tensions, its training
    offer and the annexes). `progress(step, total, label)` is called before each section."""
    started = time.perf_counter()
    years = lq.periods(territory)
    period = period if period in years else (years[0] if years else None)
    refs = tq.references_of(territory)
    steps = [
        ("profil", lambda: sections.profile(territory, refs)),
        ("économie", lambda: sections.economy(territory, refs, period)),
        ("marché du travail", lambda: sections.labour(territory, refs, period)),
        ("besoins des entreprises", lambda: sections_needs.needs(territory)),
        ("formation", lambda: sections_needs.training(territory)),
    ]
    built: list[Section] = []
    headline: list[Figure] = []
    for i, (label, step) in enumerate(steps):
        if progress:
            progress(i, len(steps) + 2, label)
        section, figures = step()
        built.append(section)
        headline += figures
    if progress:
        progress(len(steps), len(steps) + 2, "parcours")
    prospective = prospective_section(territory, period)
    if prospective is not None:
        built.append(prospective)
    built.append(sections_needs.paths(territory, period))
    runs = used_runs()
    report = Report(
        territory=territory,
        period=period,
        generated_at=timezone.now(),
        references=refs,
        reference_names=[r.display_name for r in refs],
        headline=headline,
        brief=Brief(),
        sections=built,
        runs=runs,
        glossary=glossary(headline),
        synthetic=any(r["synthetic"] for r in runs),
        symbol=load_rules().symbol,
    )
    if progress:
        progress(len(steps) + 1, len(steps) + 2, "en bref")
    report.brief = brief(report)
    report.seconds = time.perf_counter() - started
    return report


def used_runs() -> list[dict]:
    """The latest import run of every source: the vintages the document was built on."""
    out = []
    for source in sorted(set(ImportRun.objects.values_list("source", flat=True))):
        run = ImportRun.objects.filter(source=source).order_by("-started_at", "-pk").first()
        out.append(
            {
                "id": run.pk,
                "source": source,
                "label": registry.label(source),
                "version": run.version,
                "date": timezone.localtime(run.started_at).strftime("%d/%m/%Y"),
                "synthetic": run.synthetic,
                "files": len(run.files or {}),
            }
        )
    return out


def glossary(headline: list[Figure]) -> list[dict]:
    """One definition per indicator used, taken as declared in the registry (never rewritten)."""
    names = [f.key for f in headline if f.key in REGISTRY] + GLOSSARY_EXTRA
    out = []
    for name in dict.fromkeys(names):
        spec = REGISTRY[name]
        out.append(
            {
                "label": spec.label,
                "unit": spec.unit,
                "definition": spec.documentation,
                "reference": spec.reference,
                "url": spec.reference_url or "",
                "approx": not spec.official_formula_public,
            }
        )
    return out


def _first_ref(f: Figure, report: Report) -> tuple[str, str] | None:
    for name, text in zip(report.reference_names, f.refs, strict=False):
        if text not in ("", "—", report.symbol, lq.UNAVAILABLE):
            return name, text
    return None


def _number(text: str) -> float | None:
    try:
        return parse_fr(text)
    except ValueError:
        return None


def brief(report: Report) -> Brief:
    """Strengths and weaknesses read from the published figures (each compared with the first reference
    territory that has it), and what changed since the territory's last snapshot."""
    out = Brief()
    figures = {f.key: f for f in report.headline}

    def compare(key: str, higher_is_good: bool, good: str, bad: str) -> None:
        f = figures.get(key)
        if f is None or f.value is None:
            return
        ref = _first_ref(f, report)
        if ref is None or _number(ref[1]) is None or _number(f.display) is None:
            return
        own, other = _number(f.display), _number(ref[1])
        if own == other:
            return
        better = (own > other) == higher_is_good
        text = (good if better else bad).format(own=f.display, ref=ref[1], name=ref[0])
        (out.strengths if better else out.weaknesses).append(text)

    compare(
        "offers_demand_ratio",
        True,
        "Davantage d'offres par demandeur d'emploi que dans la {name} ({own} contre {ref}).",
        "Moins d'offres par demandeur d'emploi que dans la {name} ({own} contre {ref}).",
    )
    compare(
        "bmo_difficulty_rate",
        False,
        "Des recrutements moins souvent jugés difficiles que dans la {name} ({own} contre {ref}).",
        "Des recrutements plus souvent jugés difficiles que dans la {name} ({own} contre {ref}).",
    )
    compare(
        "covid_exposure",
        False,
        "Une activité moins exposée à un choc de type COVID que la {name} ({own} contre {ref}).",
        "Une activité plus exposée à un choc de type COVID que la {name} ({own} contre {ref}).",
    )
    diversity = figures.get("shannon_normalised")
    if diversity and diversity.value is not None and diversity.value >= 0.85:
        out.strengths.append(f"Une économie diversifiée (diversité des métiers {diversity.display} sur 1).")
    if report.period:
        very = [
            r["label"]
            for r in lq.tension_table(report.territory, report.period, limit=None)
            if r["status"] == "ok" and r["category"] == 5
        ]
        if very:
            out.weaknesses.append(f"{len(very)} métiers en tension très forte, dont {', '.join(very[:3])}.")
    priorities = figures.get("training_priorities")
    if priorities and priorities.value:
        out.weaknesses.append(
            f"{priorities.display} métiers en tension forte sans formation suffisante sur le territoire."
        )
    covered = figures.get("training_covered")
    if covered and covered.value:
        out.strengths.append(
            f"{covered.display} métiers dont l'offre de formation locale couvre les besoins."
        )
    units = figures.get("survey_units")
    if units and units.value:
        out.strengths.append(f"{units.display} entreprises ont décrit leurs besoins dans l'enquête GTEC.")
    last = Snapshot.objects.filter(territory=report.territory).first()
    if last is None:
        out.since = ""
        return out
    out.since = f"instantané « {last.title} » du {timezone.localtime(last.created_at):%d/%m/%Y}"
    before = last.figure_map()
    for f in report.headline:
        old = before.get(f.key)
        if old is not None and old["display"] != f.display:
            out.changes.append(f"{f.label} : {old['display']} → {f.display}")
    if not out.changes:
        out.changes.append("Aucun chiffre clé n'a changé.")
    return out


def render_html(report: Report, *, standalone: bool = True) -> str:
    """The document as HTML: standalone (its own <html>, styles inline: the PDF and the snapshot) or as a
    fragment included in a page."""
    return render_to_string(
        "diagnostics/report.html",
        {"r": report, "standalone": standalone, "css": stylesheet() if standalone else ""},
    )


def stylesheet() -> str:
    """The document's stylesheet (the page links the same file as a static asset)."""
    return (Path(__file__).parent / "static" / "diagnostics" / "report.css").read_text(encoding="utf-8")


def render_pdf(report: Report, html: str | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html or render_html(report)).write_pdf()
