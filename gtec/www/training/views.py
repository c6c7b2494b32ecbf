"""Training catalogue of the territory and training pages. Views stay thin: parse, call a query, render."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gtec.imports.models import ImportRun
from gtec.jobs import services as jobs
from gtec.referentials.search import occupation_label
from gtec.territories import communes as commune_names
from gtec.territories import queries as tq
from gtec.training import adequacy, editing, perms
from gtec.training import queries as q
from gtec.training.linking import formacode_labels
from gtec.www.inputs import attachment
from gtec.www.training.forms import LheoUploadForm, OfferForm
from gtec_core.exports import write_table
from gtec_core.french import format_fr
from gtec_core.svgmap import Shape, project

PER_PAGE = 25
BINS = (1, 5, 15, 40)  # sessions per commune → map class s1…s4 (s0 = none)


def safe_url(url: str | None) -> bool:
    """Only web addresses become links (a feed may carry `javascript:` or anything else)."""
    return bool(url) and url.strip().lower().startswith(("https://", "http://"))


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_from(request: HttpRequest) -> q.CatalogueFilters:
    get = request.GET
    return q.CatalogueFilters(
        q=get.get("q", "").strip()[:100],
        rome=get.get("metier", "").strip().upper()[:5],
        commune=get.get("commune", "").strip()[:5],
        after=parse_date(get.get("du")) or (None if get.get("passees") == "1" else dt.date.today()),
        before=parse_date(get.get("au")),
        modalite=get.get("modalite", "") if get.get("modalite", "") in q.MODALITES else "",
        financeur=get.get("financeur", "").strip()[:3],
        alternance=get.get("alternance") == "1",
    )


def session_map(filters: q.CatalogueFilters, params: dict) -> tuple[list, str, int]:
    """Communes of the default territory (and of any other place with sessions), shaded by sessions."""
    counts = q.sessions_by_commune(filters)
    territory = tq.territory_get(settings.GTEC_DEFAULT_TERRITORY)
    communes = list(territory.communes()) if territory else []
    known = {c.code for c in communes}
    communes += list(
        tq.Territory.objects.filter(scale="commune", code__in=[c for c in counts if c not in known])
    )
    shapes = []
    for c in communes:
        n = counts.get(c.code, 0)
        level = sum(n >= b for b in BINS)
        href = "?" + urlencode({**params, "commune": c.code}) if n else ""
        title = f"{c.name} : {n} session{'s' if n > 1 else ''}"
        shapes.append(Shape(c.key, c.name, c.geometry, css_class=f"s{level}", href=href, title=title))
    paths, viewbox = project(shapes)
    outside = sum(n for code, n in counts.items() if code not in {c.code for c in communes if c.geometry})
    return paths, viewbox, outside


def catalogue(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request)
    params = {k: v for k, v in request.GET.items() if v and k != "page"}
    actions = q.catalogue_actions(filters)
    page = Paginator(actions, PER_PAGE).get_page(request.GET.get("page"))
    paths, viewbox, outside = session_map(filters, {k: v for k, v in params.items() if k != "commune"})
    return render(
        request,
        "www/training/catalogue.html",
        {
            "filters": filters,
            "page": page,
            "params": urlencode(params),
            "choices": q.catalogue_choices(),
            "paths": paths,
            "viewbox": viewbox,
            "outside": outside,
            "bins": BINS,
            "synthetic": q.m.Formation.objects.filter(synthetic=True).exists(),
            "run": ImportRun.objects.filter(source="lheo").first(),
            "nav": "formations",
        },
    )


def formation(request: HttpRequest, pk: int) -> HttpResponse:
    detail = q.formation_detail(pk, formacode_labels())
    if detail is None:
        raise Http404("Formation inconnue")
    f = detail.formation
    for action in detail.actions:
        action.financeur_labels = [q.financeur_label(c) for c in action.financeur_codes]
    today = dt.date.today()
    sessions = [s for a in detail.actions for s in a.sessions.all() if s.debut and s.debut >= today]
    prices = sorted({a.prix_total for a in detail.actions if a.prix_total})
    hours = sorted({a.nombre_heures for a in detail.actions if a.nombre_heures})
    funding = sorted({label for a in detail.actions for label in a.financeur_labels})
    link = next((u for u in [f.url, *(a.url for a in detail.actions)] if safe_url(u)), "")
    return render(
        request,
        "www/training/formation.html",
        {
            "d": detail,
            "f": f,
            "today": today,
            "next_session": min(sessions, key=lambda s: s.debut) if sessions else None,
            "price": " à ".join(f"{format_fr(p)}\u00a0€" for p in prices[:: max(len(prices) - 1, 1)]),
            "hours": " à ".join(f"{format_fr(h)}\u00a0heures" for h in hours[:: max(len(hours) - 1, 1)]),
            "funding": funding,
            "cpf": any("CPF" in label or "compte personnel" in label.lower() for label in funding),
            "link": link,
            "niveau_entree": q.niveau_label(f.niveau_entree)
            if f.niveau_entree and f.niveau_entree != "0"
            else "",
            "niveau_sortie": q.niveau_label(f.niveau_sortie) if f.niveau_sortie else "",
            "can_edit": perms.can_edit_formation(request.user, f),
            "nav": "formations",
        },
    )


MAX_KM_CHOICES = (10, 20, 30, 50, 100)


def gaps_params(request: HttpRequest):
    key = request.GET.get("territoire", "").strip()[:60] or settings.GTEC_DEFAULT_TERRITORY
    territory = tq.territory_get(key)
    if territory is None:
        raise Http404("Territoire inconnu")
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        year = None
    try:
        km = float(request.GET.get("km", ""))
    except ValueError:
        km = adequacy.DEFAULT_MAX_KM
    km = min(max(km, 1.0), 500.0)
    return territory, year, km


def gaps(request: HttpRequest) -> HttpResponse:
    """« Formations manquantes »: the territory's needs against its training places, gaps ranked."""
    territory, year, km = gaps_params(request)
    report = adequacy.gap_report(territory, year=year, max_km=km)
    fmt = request.GET.get("format", "")
    if fmt in {"csv", "xlsx"}:
        table = adequacy.export_table(report)
        title = (
            f"Formations manquantes — {territory.display_name}, places {report.year}, BMO {report.bmo_period}"
        )
        note = "Données de démonstration synthétiques." if report.synthetic else ""
        body = write_table(table, fmt, title=title, note=note)
        content_type = (
            "text/csv; charset=utf-8"
            if fmt == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = f"formations-manquantes-{territory.key.replace(':', '-')}-{report.year}.{fmt}"
        return attachment(HttpResponse(body, content_type=content_type), name)
    params = {"territoire": territory.key, "annee": report.year or "", "km": f"{km:g}"}
    return render(
        request,
        "www/training/gaps.html",
        {
            "report": report,
            "rows": report.rows[:60],
            "hidden_rows": max(0, len(report.rows) - 60),
            "territories": tq.featured_territories(),
            "km_choices": MAX_KM_CHOICES,
            "km": km,
            "params": urlencode(params),
            "nav": "formations",
        },
    )


login = login_required(login_url="login")


@login
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    formation = q.m.Formation.objects.select_related("organisme").filter(pk=pk).first()
    if formation is None:
        raise Http404("Formation inconnue")
    if not perms.can_edit_formation(request.user, formation):
        raise PermissionDenied("Seul l'organisme de formation modifie son offre.")
    action = formation.actions.order_by("pk").first()
    if request.method == "POST":
        form = OfferForm(request.POST)
        if form.is_valid():
            try:
                editing.update_formation(
                    formation.pk, form.offer(), request.user, based_on=form.cleaned_data["version"] or 0
                )
            except editing.Conflict as exc:
                form.add_error(
                    None, f"Enregistrement refusé : {exc}. Rechargez la page pour voir la version actuelle."
                )
            else:
                messages.success(request, "Formation enregistrée.")
                return redirect("training_formation", pk=formation.pk)
    else:
        form = OfferForm(
            initial={
                "intitule": formation.intitule,
                "objectif": formation.objectif,
                "contenu": formation.contenu,
                "certifiante": formation.certifiante,
                "romes": "; ".join(occupation_label(code) for code in formation.romes),
                "certifications": " ".join(formation.certifications),
                "url": formation.url,
                "commune": commune_names.label_of(action.code_insee) if action and action.code_insee else "",
                "version": formation.version,
            }
        )
    return render(
        request,
        "www/training/offer_form.html",
        {
            "form": form,
            "formation": formation,
            "versions": formation.versions.all()[:10],
            "nav": "formations",
        },
    )


@login
@require_http_methods(["GET", "POST"])
def offer_new(request: HttpRequest) -> HttpResponse:
    organisations = perms.editor_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied("Réservé aux administrateurs et contributeurs d'un organisme de formation.")
    form = OfferForm(request.POST or None, organisations=organisations, require_place=True)
    if request.method == "POST" and form.is_valid():
        formation = editing.create_formation(form.cleaned_data["organisation"], form.offer(), request.user)
        messages.success(request, "Formation ajoutée.")
        return redirect("training_formation", pk=formation.pk)
    return render(
        request, "www/training/offer_form.html", {"form": form, "formation": None, "nav": "formations"}
    )


@login
@require_http_methods(["GET", "POST"])
def offer_import(request: HttpRequest) -> HttpResponse:
    """A training body uploads its LHEO export; the import runs as a background job (gtec/jobs), into the
    body's own feed, and only if every formation in the file belongs to the body (same SIREN)."""
    organisations = perms.editor_organisations(request.user).exclude(siret="")
    if not organisations.exists():
        raise PermissionDenied("Réservé aux administrateurs et contributeurs d'un organisme de formation.")
    form = LheoUploadForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        job = jobs.enqueue(
            "lheo_organisme",
            user=request.user,
            label=f"Import de l'offre LHEO de {organisation.name}",
            organisation=organisation.pk,
            name=form.cleaned_data["fichier"].name,
            path=jobs.store_upload(form.cleaned_data["fichier"], "offre-lheo.xml"),
        )
        return redirect("job", pk=job.pk)
    return render(request, "www/training/offer_import.html", {"form": form, "nav": "formations"})
