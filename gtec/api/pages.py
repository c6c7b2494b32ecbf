"""The organisation's pages of the API area: its tokens (create, list, revoke — administrators only) and
the « Widgets » page (pick a widget and its parameters, preview it, copy the snippet)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from gtec.api import services, widgets
from gtec.api.models import SCOPES, WIDGET
from gtec.organisations import perms as operms
from gtec.organisations.models import Organisation

NAV = "besoins"
SESSION_KEY = "gtec-api-new-token"


@login_required(login_url="login")
def tokens(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk, erased_at__isnull=True)
    if not operms.can_manage_members(request.user, organisation):
        raise PermissionDenied("Réservé aux administrateurs de l'organisation")
    errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("revoke"):
            token = services.tokens_of(organisation).filter(pk=request.POST.get("revoke")).first()
            if token is not None:
                services.token_revoke(token)
                messages.success(request, f"Jeton « {token.name} » révoqué.")
            return redirect("organisation_tokens", pk=pk)
        try:
            new = services.token_create(
                organisation=organisation,
                name=request.POST.get("name", ""),
                scopes=request.POST.getlist("scopes"),
                created_by=request.user,
                origins=request.POST.get("origins", "").split(),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            request.session[SESSION_KEY] = {"raw": new.raw, "pk": new.token.pk}
            return redirect("organisation_tokens", pk=pk)
    shown = request.session.pop(SESSION_KEY, None)  # the value is shown once, then forgotten
    return render(
        request,
        "api/tokens.html",
        {
            "organisation": organisation,
            "tokens": services.tokens_of(organisation),
            "scopes": SCOPES,
            "new": shown,
            "errors": errors,
            "post": request.POST if errors else {},
            "writes": services.writes_of(organisation, 50),
            "nav": NAV,
        },
    )


@login_required(login_url="login")
def widget_builder(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk, erased_at__isnull=True)
    if not operms.is_member(request.user, organisation):
        raise PermissionDenied("Réservé aux membres de l'organisation")
    g = request.GET
    kind = g.get("widget") if g.get("widget") in widgets.KINDS else "tension"
    p = widgets.params_of(request)
    token = g.get("jeton", "").strip()[:120]
    checked = services.token_check(token) if token else None
    problem = ""
    if token and (checked is None or not checked.has(WIDGET) or checked.organisation_id != organisation.pk):
        problem = "Ce jeton n'est pas un jeton de widget actif de l'organisation."
    params = {k: p[k] for k in ("territoire", "metier", "commune")} | (
        {"distance_km": p["distance_km"]} if p["commune"] else {}
    )
    site = request.build_absolute_uri("/").rstrip("/")
    snippet = widgets.snippet(site, kind, token, params) if token and not problem else ""
    return render(
        request,
        "api/widgets.html",
        {
            "organisation": organisation,
            "kinds": widgets.KINDS.items(),
            "kind": kind,
            "p": p,
            "token": token,
            "problem": problem,
            "snippet": snippet,
            "preview": widgets.preview_url(kind, token, params) if snippet else "",
            "widget_tokens": [t for t in services.tokens_of(organisation) if t.has(WIDGET)],
            "can_create": operms.can_manage_members(request.user, organisation),
            "nav": NAV,
        },
    )
