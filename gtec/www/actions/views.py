"""The action plan, each action's follow-up and the retex journal. Views check a predicate of
`gtec.actions.perms`, call the read module or a service, render."""

from __future__ import annotations

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gtec.actions import perms, queries, services
from gtec.actions.models import RETEX_KINDS
from gtec.www.actions.forms import ActionForm, ContributionForm, IndicatorFormSet, RetexForm, StatusForm
from gtec_core.exports import write_table

login = login_required(login_url="login")
NAV = "territoire"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _territory(request: HttpRequest, key: str):
    territory = queries.territory_get(key)
    if territory is None:
        raise Http404("Territoire inconnu")
    if not perms.can_view_plan(request.user, territory):
        raise PermissionDenied("Le plan d'action est réservé aux organisations membres de la GTEC")
    return territory


def _action(request: HttpRequest, pk: int):
    action = queries.action_get(pk)
    if action is None:
        raise Http404("Action inconnue")
    if not perms.can_view_plan(request.user, action.territory):
        raise PermissionDenied("Le plan d'action est réservé aux organisations membres de la GTEC")
    return action


@login
def plan(request: HttpRequest, key: str) -> HttpResponse:
    territory = _territory(request, key)
    return render(
        request,
        "www/actions/plan.html",
        {
            "territory": territory,
            "actions": queries.actions_of(territory),
            "can_create": perms.can_create_action(request.user, territory),
            "nav": NAV,
        },
    )


@login
def action_new(request: HttpRequest, key: str) -> HttpResponse:
    territory = _territory(request, key)
    if not perms.can_create_action(request.user, territory):
        raise PermissionDenied("Seuls les coordinateurs du territoire créent des actions")
    form = ActionForm(request.POST or None)
    indicators = IndicatorFormSet(request.POST or None, prefix="ind")
    if request.method == "POST" and form.is_valid() and indicators.is_valid():
        data = form.cleaned_data
        fields = {
            k: data[k]
            for k in ["title", "description", "lead", "budget", "start", "end", "status", "target_public"]
        }
        fields["occupations"] = data["occupations_text"]
        specs = [f.cleaned_data for f in indicators if f.cleaned_data.get("indicator")]
        action = services.action_create(
            territory=territory,
            user=request.user,
            fields=fields,
            partners=data["partners"],
            areas=[territory],
            indicators=specs,
        )
        messages.success(request, "Action créée : la valeur actuelle de ses indicateurs sert de référence.")
        return redirect("action", pk=action.pk)
    return render(
        request,
        "www/actions/action_form.html",
        {"territory": territory, "form": form, "indicators": indicators, "nav": NAV},
    )


@login
def action(request: HttpRequest, pk: int) -> HttpResponse:
    act = _action(request, pk)
    organisations = perms.acting_organisations(request.user, act)
    if not organisations and perms.can_edit_action(request.user, act):
        organisations = [act.lead]
    can_contribute = perms.can_contribute(request.user, act)
    return render(
        request,
        "www/actions/action.html",
        {
            **queries.action_detail(act),
            "territory": act.territory,
            "can_edit": perms.can_edit_action(request.user, act),
            "can_contribute": can_contribute,
            "can_retex": perms.can_write_retex(request.user, act),
            "status_form": StatusForm(initial={"status": act.status}),
            "contribution_form": ContributionForm(organisations=organisations) if can_contribute else None,
            "retex_form": RetexForm(),
            "nav": NAV,
        },
    )


@login
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    act = _action(request, pk)
    if not perms.can_edit_action(request.user, act):
        raise PermissionDenied("Réservé aux coordinateurs et au pilote de l'action")
    form = StatusForm(request.POST)
    if form.is_valid():
        services.action_update(action=act, fields={"status": form.cleaned_data["status"]})
        messages.success(request, "État de l'action mis à jour.")
    return redirect("action", pk=act.pk)


@login
@require_POST
def action_contribute(request: HttpRequest, pk: int) -> HttpResponse:
    act = _action(request, pk)
    if not perms.can_contribute(request.user, act):
        raise PermissionDenied("Réservé aux organisations de l'action")
    organisations = perms.acting_organisations(request.user, act) or (
        [act.lead] if perms.can_edit_action(request.user, act) else []
    )
    form = ContributionForm(request.POST, organisations=organisations)
    if not form.is_valid():
        messages.error(
            request, "Contribution refusée : " + "; ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("action", pk=act.pk)
    services.contribution_add(action=act, user=request.user, **form.cleaned_data)
    messages.success(request, "Contribution enregistrée.")
    return redirect("action", pk=act.pk)


@login
@require_POST
def action_retex(request: HttpRequest, pk: int) -> HttpResponse:
    act = _action(request, pk)
    if not perms.can_write_retex(request.user, act):
        raise PermissionDenied("Réservé aux organisations de l'action")
    form = RetexForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "Retour d'expérience refusé : " + "; ".join(e for errs in form.errors.values() for e in errs),
        )
        return redirect("action", pk=act.pk)
    organisations = perms.acting_organisations(request.user, act)
    services.retex_add(
        action=act,
        user=request.user,
        organisation=organisations[0] if organisations else None,
        **form.cleaned_data,
    )
    messages.success(request, "Retour d'expérience ajouté au journal.")
    return redirect("action", pk=act.pk)


def _search(request: HttpRequest, territory):
    text = request.GET.get("q", "")[:200]
    kind = request.GET.get("nature", "")
    return text, kind, queries.retex_search(territory, text, kind)


@login
def retex(request: HttpRequest, key: str) -> HttpResponse:
    territory = _territory(request, key)
    text, kind, entries = _search(request, territory)
    return render(
        request,
        "www/actions/retex.html",
        {
            "territory": territory,
            "entries": entries,
            "q": text,
            "kind": kind,
            "kinds": RETEX_KINDS,
            "query": request.GET.urlencode(),
            "nav": NAV,
        },
    )


@login
def retex_export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    territory = _territory(request, key)
    _, _, entries = _search(request, territory)
    header, rows = queries.retex_rows(entries)
    table = pl.DataFrame(rows, schema=dict.fromkeys(header, pl.String), orient="row")
    title = f"Retours d'expérience — {territory.display_name}"
    content = write_table(table, fmt, title=title, secrecy_note=False)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="retex-{territory.key.replace(":", "-")}.{fmt}"'
    return response
