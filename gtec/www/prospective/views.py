"""« Prospective » (postes à pourvoir to 2030-2035 by scenario) and « Stress test » (a shock → displaced
workers → where they can go) pages. Every figure comes from `gtec.prospective.queries`; one call per page."""

from __future__ import annotations

import yaml
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gtec.prospective import queries as q
from gtec.prospective import services
from gtec_core.exports import write_table

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_TEXT = 20_000


def _territory(key: str):
    territory = q.territory_or_none(key)
    if territory is None:
        raise Http404("Territoire inconnu")
    return territory


def _params(request: HttpRequest) -> dict:
    data = request.POST if request.method == "POST" else request.GET
    return {
        "scenario": data.get("scenario", "reference")[:40],
        "horizon": data.get("horizon", "2030")[:6],
        "compare": data.get("comparer", "")[:40] or None,
        "local_text": (data.get("local", "") or "")[:MAX_TEXT] or None,
    }


@require_http_methods(["GET", "POST"])
def prospective(request: HttpRequest, key: str) -> HttpResponse:
    territory = _territory(key)
    params = _params(request)
    context = {
        "territory": territory,
        "nav": "prospective",
        "params": params,
        "scenarios": q.scenario_choices(),
        "horizons": [2025, 2030, 2035],
    }
    try:
        context["view"] = q.projection_view(key, **params)
    except (q.ScenarioError, q.NoProjection) as exc:
        context["error"] = str(exc)
        return render(request, "www/prospective/prospective.html", context, status=400)
    return render(request, "www/prospective/prospective.html", context)


def prospective_export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    _territory(key)
    params = _params(request)
    params.pop("compare")
    try:
        frame = q.projection_frame(key, **params)
    except (q.ScenarioError, q.NoProjection) as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    body = write_table(
        frame, fmt, title=f"Postes à pourvoir — {key} — {params['scenario']} — {params['horizon']}"
    )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="prospective-{key.replace(":", "-")}.{fmt}"'
    return response


def _number(value: str, field: str, default: float) -> float:
    value = (value or "").strip().replace(",", ".")
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise q.ShockError(f"champ « {field} » : nombre attendu, lu « {value[:20]} »") from None


def shock_text_from_form(data) -> str:
    """The form's fields as the shock YAML the CLI takes (one validation path: `parse_shock`)."""
    if (data.get("yaml") or "").strip():
        return data["yaml"][:MAX_TEXT]
    shock: dict = {"nom": (data.get("nom") or "").strip()[:200] or "Choc déclaré"}
    if data.get("preset"):
        shock["preset"] = data["preset"][:40]
    losses = {}
    for item in (data.get("pertes") or "").replace(";", ",").split(","):
        if item.strip():
            sector, _, rate = item.partition("=")
            losses[sector.strip().upper()] = _number(rate, "pertes", -1) / (100 if "%" in rate else 1)
    if losses:
        shock["pertes"] = losses
    sirets = [s.strip() for s in (data.get("fermetures") or "").replace(",", "\n").splitlines() if s.strip()]
    if sirets:
        shock["fermetures"] = sirets[:200]
    if (data.get("duree_mois") or "").strip():
        shock["duree_mois"] = _number(data["duree_mois"], "duree_mois", 1)
    if (data.get("transmission") or "").strip():
        shock["transmission"] = _number(data["transmission"], "transmission", 1)
    return yaml.safe_dump(shock, allow_unicode=True, sort_keys=False)


@require_http_methods(["GET", "POST"])
def stress(request: HttpRequest, key: str) -> HttpResponse:
    territory = _territory(key)
    context = {
        "territory": territory,
        "nav": "prospective",
        "presets": q.preset_choices(),
        "form": request.POST,
    }
    if request.method == "POST":
        try:
            text = shock_text_from_form(request.POST)
            q.stress_view(key, text, absorption=False)  # validates the shock against this territory
            saved = services.stresstest_save(territory_key=key, shock_text=text)
        except q.ShockError as exc:
            context["error"] = str(exc)
            return render(request, "www/prospective/stress.html", context, status=400)
        return redirect("stress_saved", key=key, token=saved.token)
    return render(request, "www/prospective/stress.html", context)


def stress_saved(request: HttpRequest, key: str, token: str) -> HttpResponse:
    territory = _territory(key)
    saved = q.saved_stress(token)
    if saved is None or saved.territory_key != key:
        raise Http404("Test de résistance introuvable")
    context = {"territory": territory, "nav": "prospective", "presets": q.preset_choices(), "saved": saved}
    try:
        context["view"] = q.stress_view(key, saved.shock)
    except q.ShockError as exc:
        context["error"] = str(exc)
        return render(request, "www/prospective/stress.html", context, status=400)
    return render(request, "www/prospective/stress.html", context)


def stress_export(request: HttpRequest, key: str, token: str, fmt: str) -> HttpResponse:
    _territory(key)
    saved = q.saved_stress(token)
    if saved is None or saved.territory_key != key:
        raise Http404("Test de résistance introuvable")
    frame = q.stress_frame(q.stress_view(key, saved.shock, absorption=False))
    response = HttpResponse(
        write_table(frame, fmt, title=f"Test de résistance — {saved.name}"), content_type=CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="stress-{token}.{fmt}"'
    return response
