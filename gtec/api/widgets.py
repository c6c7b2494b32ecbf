"""Widgets a partner embeds in its site: an iframe served by GTEC, opened with a widget token whose allowed
origins become the page's `Content-Security-Policy: frame-ancestors` (the browser refuses any other
embedding site), plus a small script that sizes the iframe from the height the widget posts
(`postMessage`). Each widget is a self-contained French page: its own styles, no dependency on the
partner's CSS, readable without JavaScript. Its figures come from the same read side as the pages
(statistical secrecy included)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from gtec.api import services
from gtec.api.models import WIDGET
from gtec.labour import read as lq
from gtec.referentials import queries as rq
from gtec.referentials.search import appellation_search
from gtec.territories import queries as tq
from gtec.training import queries as trq

KINDS = {
    "tension": "Tension sur un métier",
    "formations": "Prochaines formations",
    "recruteurs": "Qui recrute près de chez vous",
    "parcours": "Mon parcours",
}
ROME = re.compile(r"^[A-Z]\d{4}$")
INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def frame_policy(origins) -> str:
    ancestors = " ".join(["'self'", *origins]) if origins else "'none'"
    return (
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; img-src 'self' data:; "
        f"form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    )


def params_of(request: HttpRequest) -> dict:
    g = request.GET
    rome = (g.get("metier") or "").strip().upper()[:5]
    commune = (g.get("commune") or "").strip()[:5]
    try:
        km = max(1, min(int(g.get("distance_km") or 30), 200))
    except ValueError:
        km = 30
    return {
        "territoire": (g.get("territoire") or settings.GTEC_DEFAULT_TERRITORY).strip().lower()[:60],
        "metier": rome if ROME.match(rome) else "",
        "commune": commune if INSEE.match(commune) else "",
        "distance_km": km,
    }


def refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    response = render(request, "api/widget_refused.html", {"message": message}, status=status)
    response["Content-Security-Policy"] = frame_policy([])
    return response


def embedder_allowed(request: HttpRequest, origins: list[str]) -> bool:
    """Defence in depth besides frame-ancestors: an iframe load whose Referer names another site than the
    allowed ones (or GTEC itself, for the preview) is refused by the server too."""
    if request.headers.get("Sec-Fetch-Dest") != "iframe":
        return True
    referer = request.headers.get("Referer", "")
    if not referer:
        return True  # the partner's Referrer-Policy may hide it: frame-ancestors still applies
    parts = urlsplit(referer)
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin in origins or parts.netloc == request.get_host()


def tension_context(p: dict) -> dict:
    demand = lq.tension_for(p["territoire"], [p["metier"]]).get(p["metier"]) if p["metier"] else None
    return {"tension": demand}


def formations_context(p: dict) -> dict:
    try:
        found = trq.sessions_for_fiches(
            [p["metier"]],
            commune=p["commune"] or None,
            max_km=p["distance_km"] if p["commune"] else None,
            after=dt.date.today(),
            limit=5,
        )
    except ValueError:
        found = {}
    return {"sessions": found.get(p["metier"], [])}


def recruteurs_context(p: dict) -> dict:
    demand = lq.local_demand(p["territoire"], [p["metier"]]).get(p["metier"])
    places = lq.establishments_for_fiches(
        [p["metier"]],
        commune=p["commune"] or None,
        max_km=p["distance_km"] if p["commune"] else None,
        limit=5,
    ).get(p["metier"], [])
    return {"demand": demand, "places": places}


CONTEXTS = {"tension": tension_context, "formations": formations_context, "recruteurs": recruteurs_context}


@require_GET
@xframe_options_exempt
def widget(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        return refused(request, "Widget inconnu.", 404)
    token = services.token_check(request.GET.get("jeton", ""))
    if token is None or not token.has(WIDGET):
        return refused(request, "Jeton de widget inconnu, révoqué ou sans la portée « widget ».")
    if not embedder_allowed(request, token.allowed_origins):
        return refused(request, "Ce site n'est pas autorisé à afficher ce widget.")
    p = params_of(request)
    territory = tq.territory_get(p["territoire"])
    if kind != "parcours" and (territory is None or not p["metier"]):
        return refused(
            request, "Paramètres du widget incomplets : territoire et métier (code ROME) attendus.", 400
        )
    if kind == "parcours" and request.GET.get("metier_libre") is not None:
        return go_to_paths(request, p)
    fiche = rq.fiche_detail(p["metier"]) if p["metier"] else None
    ctx = {
        "kind": kind,
        "title": KINDS[kind],
        "p": p,
        "territory": territory,
        "fiche": fiche.fiche if fiche else None,
        "site": request.build_absolute_uri("/").rstrip("/"),
        "token": request.GET.get("jeton", ""),
        "synthetic": lq.is_synthetic(),
    }
    if kind in CONTEXTS:
        ctx.update(CONTEXTS[kind](p))
    response = render(request, f"api/widget_{kind}.html", ctx)
    response["Content-Security-Policy"] = frame_policy(token.allowed_origins)
    return response


def go_to_paths(request: HttpRequest, p: dict) -> HttpResponse:
    """« Mon parcours »: the occupation typed in the box opens GTEC's career explorer on its results."""
    text = request.GET.get("metier_libre", "").strip()[:100]
    hits = appellation_search(text, limit=1) if text else []
    if not hits:
        return redirect("careers_start")
    query = [("a", hits[0].entry.code_ogr)] + ([("commune", p["commune"])] if p["commune"] else [])
    return redirect(f"{reverse('careers_results')}?{urlencode(query)}")


LOADER = """(function () {
  "use strict";
  // GTEC widgets: give each iframe[data-gtec-widget] the height its page reports.
  var origin = %(origin)s;
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || event.data.gtec !== "hauteur") return;
    var frames = document.querySelectorAll("iframe[data-gtec-widget]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.min(Math.max(event.data.hauteur, 60), 2000) + "px";
      }
    }
  });
})();
"""

FRAME = """(function () {
  "use strict";
  // Inside a GTEC widget: tell the embedding page how tall the widget is.
  function report() {
    var h = document.documentElement.scrollHeight;
    if (window.parent !== window) window.parent.postMessage({ gtec: "hauteur", hauteur: h }, "*");
  }
  window.addEventListener("load", report);
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.body);
})();
"""


@require_GET
def loader_script(request: HttpRequest) -> HttpResponse:
    import json

    origin = json.dumps(request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(LOADER % {"origin": origin}, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def frame_script(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(FRAME, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def snippet(site: str, kind: str, token: str, params: dict) -> str:
    """The HTML a partner pastes: the iframe and the sizing script."""
    query = urlencode({"jeton": token, **{k: v for k, v in params.items() if v}})
    title = KINDS[kind]
    src = escape(f"{site}/widgets/{kind}/?{query}")
    return (
        f'<iframe data-gtec-widget src="{src}" title="{title} (GTEC)" '
        f'style="width:100%;max-width:480px;height:240px;border:0" loading="lazy"></iframe>\n'
        f'<script src="{site}/widgets/gtec-widget.js" async></script>'
    )


def preview_url(kind: str, token: str, params: dict) -> str:
    return f"{reverse('widget', args=[kind])}?{urlencode({'jeton': token, **{k: v for k, v in params.items() if v}})}"
