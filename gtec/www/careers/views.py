"""Career paths for a person, in three steps: describe → review the skills → explore the paths.

Plain forms work without JavaScript: step 1 posts to step 2 (CSRF), step 2 posts to itself to update and
redirects (303) to the results, a GET URL that holds only skill and appellation codes, commune and distance,
so that it can be shared and printed; careers.js adds autocomplete and live updates on top. Nothing is stored
unless the person saves (private link, deletable). The counsellor's pages use the same engine, denser.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gtec.careers import queries as cq
from gtec.careers import services
from gtec.referentials.search import appellation_search
from gtec_core.outbound import outbound_links
from gtec_core.qualification import is_long_path

KM_CHOICES = [5, 10, 20, 30, 50, 100]
MAX_SKILLS = 400
MAX_APPELLATIONS = 10
SPLIT_TITLES = re.compile(r"[;,\n]+")


def ints(values: list[str], limit: int) -> list[int]:
    out = []
    for v in values:
        v = v.strip()
        if v.isdigit() and len(v) < 10:
            out.append(int(v))
    return list(dict.fromkeys(out))[:limit]


def km_of(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and int(value) in KM_CHOICES else None


def commune_of(value: str | None) -> str:
    return value if value and re.fullmatch(r"\d[\dAB]\d{3}", value) else ""


def base_context(request: HttpRequest, counsellor: bool) -> dict:
    return {"nav": "parcours", "counsellor": counsellor, "km_choices": KM_CHOICES}


def start(request: HttpRequest, counsellor: bool = False) -> HttpResponse:
    """Step 1. Coming back from the results (« Modifier ma description »), the URL carries the chosen
    appellations and skills, shown again so nothing chosen is lost; the free text stays in the browser."""
    ctx = base_context(request, counsellor)
    inputs = _inputs(request)
    ctx.update(
        communes=cq.communes_choices(),
        commune=inputs["commune"],
        km=inputs["max_km"],
        picked_appellations=cq.appellations_get(inputs["appellations"]),
        picked_skills=services.skill_labels(inputs["skills"]),
        step=1,
    )
    return render(request, "www/careers/start.html", ctx)


@require_POST
def review(request: HttpRequest) -> HttpResponse:
    post = request.POST
    counsellor = post.get("mode") == "conseil"
    commune, km = commune_of(post.get("commune")), km_of(post.get("km"))
    checked = ints(post.getlist("c"), MAX_SKILLS)
    chosen = ints(post.getlist("appellation") + [v for k, v in post.items() if re.fullmatch(r"a\d+", k)], 50)
    seen = set(ints(post.getlist("seen"), 50))
    if post.get("go") and (checked or chosen):
        params = [("c", c) for c in checked] + [("a", a) for a in chosen[:MAX_APPELLATIONS]]
        params += [("commune", commune)] if commune else []
        params += [("km", km)] if km else []
        name = "careers_counsellor_results" if counsellor else "careers_results"
        return redirect(f"{reverse(name)}?{urlencode(params)}", permanent=False)
    # Titles typed without the autocomplete: the first appellation found is chosen, with alternatives.
    title_groups = []
    for title in [t.strip() for t in SPLIT_TITLES.split(post.get("metier", "")[:300]) if t.strip()][:5]:
        hits = appellation_search(title, limit=4)
        title_groups.append({"title": title, "hits": hits})
        if hits:
            chosen.append(hits[0].entry.code_ogr)
    appellations = cq.appellations_get(list(dict.fromkeys(chosen)))
    groups = []
    known = set(checked)
    for app in appellations:
        if app.code_ogr in seen:
            continue
        items = [e for e in services.fiche_skills(app.fiche_id) if e.code_ogr not in known]
        known.update(e.code_ogr for e in items)
        # A diploma, a certification or a licence is never presumed from a job held: listed apart, unticked.
        certs = cq.certification_codes([e.code_ogr for e in items])
        groups.append(
            {
                "title": f"De votre expérience : {app.libelle}",
                "items": [
                    (e.code_ogr, e.label, e.coeur == "Principale", "", True)
                    for e in items
                    if e.code_ogr not in certs
                ],
            }
        )
        if certs:
            groups.append(
                {
                    "title": f"Diplômes, certifications et habilitations du métier : {app.libelle}",
                    "hint": "Cochez seulement ceux que vous avez obtenus : ils ne sont jamais comptés d'office.",
                    "items": [(e.code_ogr, e.label, False, "", False) for e in items if e.code_ogr in certs],
                }
            )
    text = post.get("texte", "")[:5000]
    text_occupations = []
    if text.strip():
        chosen_codes = {a.code_ogr for a in appellations}
        text_occupations = [o for o in services.text_occupations(text) if o["code_ogr"] not in chosen_codes]
        found = [m for m in services.skills_extract(text) if m.code_ogr not in known]
        known.update(m.code_ogr for m in found)
        groups.insert(
            0,
            {
                "title": "D'après votre description",
                "items": [(m.code_ogr, m.label, False, m.text, True) for m in found],
            },
        )
    kept = [(c, label, False, "", True) for c, label in services.skill_labels(checked)]
    if kept:
        groups.insert(0, {"title": "Compétences retenues", "items": kept})
    query = post.get("q_competence", "").strip()[:100]
    suggestions = (
        [s for s in services.skill_search(query, limit=8) if s["code_ogr"] not in known] if query else []
    )
    ctx = base_context(request, counsellor)
    ctx.update(
        step=2,
        groups=[g for g in groups if g["items"]],
        appellations=appellations,
        title_groups=title_groups,
        text_given=bool(text.strip()),
        text_occupations=text_occupations,
        query=query,
        suggestions=suggestions,
        commune=commune,
        km=km,
        communes=cq.communes_choices(),
        n_skills=sum(1 for g in groups for item in g["items"] if item[4]),  # ticked: diplomas are not
    )
    return render(request, "www/careers/review.html", ctx)


def _inputs(request: HttpRequest) -> dict:
    return {
        "skills": ints(request.GET.getlist("c"), MAX_SKILLS),
        "appellations": ints(request.GET.getlist("a"), MAX_APPELLATIONS),
        "commune": commune_of(request.GET.get("commune")),
        "max_km": km_of(request.GET.get("km")),
    }


@require_GET
def results(request: HttpRequest, counsellor: bool = False) -> HttpResponse:
    inputs = _inputs(request)
    if not inputs["skills"] and not inputs["appellations"]:
        return redirect("careers_counsellor" if counsellor else "careers_start")
    return _render_results(request, inputs, counsellor=counsellor)


ROME_CODE = re.compile(r"^[A-N]\d{4}$")
SHEET_MAX = 5  # occupations on the counsellor's printed sheet


@require_GET
def counsellor_sheet(request: HttpRequest) -> HttpResponse:
    """The sheet a counsellor prints or saves as PDF for the person: the occupations chosen in the
    counsellor view (`m`, at most five; the first three when none is chosen), what each needs, the local
    sessions and where to act next. Built from the request alone: no name, nothing stored."""
    inputs = _inputs(request)
    if not inputs["skills"] and not inputs["appellations"]:
        return redirect("careers_counsellor")
    result = services.paths_for(**inputs)
    cards = _cards(result, "", _entry_levels(result))
    chosen = [code for code in dict.fromkeys(request.GET.getlist("m")) if ROME_CODE.match(code)][:SHEET_MAX]
    picked = [c for c in cards if c["v"].path.code_rome in chosen] if chosen else cards[:3]
    ctx = base_context(request, True)
    ctx.update(r=result, cards=picked, territory=cq.territory_label(result.territory_key), today=date.today())
    response = render(request, "www/careers/counsellor_sheet.html", ctx)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


BANDS = {
    "proche": "À votre portée",
    "accessible": "Accessible avec une formation",
    "reconversion": "Une reconversion",
}


def _entry_levels(result) -> dict:
    return cq.entry_levels([v.path.code_rome for v in result.paths] + [a.fiche_id for a in result.origins])


def _cards(result, band: str, levels: dict) -> list[dict]:
    """One card per path worth showing: never a 0 % match; what is only close to the person's skills is
    listed apart and never counted as already known; `band` filters (empty: every band). `levels` is
    `_entry_levels(result)`, read once for the page's four card lists."""
    held_levels = [levels[a.fiche_id].level for a in result.origins if levels.get(a.fiche_id)]
    person_level = max((lv for lv in held_levels if lv is not None), default=None)
    cards = []
    for v in result.paths:
        held = [e for e in v.held if e.credit >= 1]
        near = [e for e in v.held if 0 < e.credit < 1]
        if not held and v.path.coverage <= 0:
            continue
        if band and v.path.band != band:
            continue
        cards.append(
            {
                "v": v,
                "held": held,
                "near": near,
                "pct": round(v.path.coverage * 100),
                "band_label": BANDS.get(v.path.band, v.path.band),
                "entry": levels.get(v.path.code_rome),
                "long_path": bool(levels.get(v.path.code_rome))
                and is_long_path(levels[v.path.code_rome], person_level),
                "outbound": outbound_links(v.path.code_rome, result.commune),
            }
        )
    return cards


def _render_results(request, inputs: dict, counsellor: bool = False, saved=None) -> HttpResponse:
    result = services.paths_for(**inputs)
    band = request.GET.get("bande", "")
    band = band if band in BANDS else ""
    ctx = base_context(request, counsellor)
    query = [("c", c) for c in inputs["skills"]] + [("a", a) for a in inputs["appellations"]]
    query += [("commune", inputs["commune"])] if inputs["commune"] else []
    query += [("km", inputs["max_km"])] if inputs["max_km"] else []
    levels = _entry_levels(result)
    cards = _cards(result, band, levels)
    ctx.update(
        step=3,
        r=result,
        cards=cards,
        band=band,
        band_options=[(b, label, len(_cards(result, b, levels))) for b, label in BANDS.items()],
        just_saved=saved is not None and request.GET.get("enregistre") == "1",
        edit_url=f"{reverse('careers_counsellor' if counsellor else 'careers_start')}?{urlencode(query)}",
        base_query=urlencode(query),
        inputs=inputs,
        saved=saved,
        share_url=request.build_absolute_uri(
            saved
            and reverse("careers_saved", args=[saved.token])
            or f"{reverse('careers_results')}?{urlencode(query)}"
        ),
        counsellor_url=f"{reverse('careers_counsellor_results')}?{urlencode(query)}",
        person_url=f"{reverse('careers_results')}?{urlencode(query)}",
        query_pairs=query,
        territory=cq.territory_label(result.territory_key) if counsellor else "",
    )
    template = "www/careers/counsellor_results.html" if counsellor else "www/careers/results.html"
    response = render(request, template, ctx)
    if saved is not None:
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "same-origin"  # no-referrer would send Origin: null and fail CSRF
        response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def save(request: HttpRequest) -> HttpResponse:
    post = request.POST
    skills = ints(post.getlist("c"), MAX_SKILLS)
    appellations = ints(post.getlist("a"), MAX_APPELLATIONS)
    if not skills and not appellations:
        return redirect("careers_start")
    saved = services.savedpath_create(
        skills=skills,
        appellations=appellations,
        commune=commune_of(post.get("commune")),
        max_km=km_of(post.get("km")),
    )
    return redirect(f"{reverse('careers_saved', args=[saved.token])}?enregistre=1")


@require_GET
def saved(request: HttpRequest, token: str) -> HttpResponse:
    obj = cq.savedpath_get(token)
    if obj is None:
        raise Http404("Lien inconnu ou supprimé")
    inputs = {
        "skills": obj.skills,
        "appellations": obj.appellations,
        "commune": obj.commune,
        "max_km": obj.max_km,
    }
    return _render_results(request, inputs, saved=obj)


@require_POST
def delete(request: HttpRequest, token: str) -> HttpResponse:
    if not services.savedpath_delete(token=token):
        raise Http404("Lien inconnu ou déjà supprimé")
    return render(request, "www/careers/deleted.html", base_context(request, False))


@require_GET
def competences_api(request: HttpRequest) -> JsonResponse:
    query = request.GET.get("q", "").strip()[:100]
    limit = min(int(request.GET.get("limit", 10)) if request.GET.get("limit", "").isdigit() else 10, 30)
    return JsonResponse(
        {"query": query, "results": services.skill_search(query, limit=limit) if query else []}
    )
