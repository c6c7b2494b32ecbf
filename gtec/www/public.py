"""Public-service pages: glossary and methods, legal notices, accessibility, privacy, contact, robots.txt and
the French error pages. Everything they say about indicators comes from the registry (one definition each)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from gtec_core.glossary import TERMS
from gtec_core.indicators.registry import REGISTRY

# The last accessibility audit of the instance (RGAA 4.1, self-assessed with axe-core on every main page).
ACCESSIBILITY_AUDIT = {
    "date": "4 décembre 2026",
    "status": "partiellement conforme",
    "method": "contrôle automatique axe-core sur les pages principales, à 1 280 px et 390 px, et contrôle "
    "manuel au clavier (lien d'évitement, ordre du focus, autocomplétions)",
}


def glossary(request: HttpRequest) -> HttpResponse:
    indicators = sorted(REGISTRY.values(), key=lambda i: i.label.casefold())
    return render(request, "www/public/glossary.html", {"indicators": indicators, "terms": TERMS, "nav": ""})


def _page(name: str):
    def view(request: HttpRequest) -> HttpResponse:
        return render(
            request,
            f"www/public/{name}.html",
            {
                "publisher": settings.GTEC_PUBLISHER,
                "contact": settings.GTEC_CONTACT_EMAIL,
                "audit": ACCESSIBILITY_AUDIT,
            },
        )

    view.__name__ = name
    return view


legal = _page("legal")
accessibility = _page("accessibility")
privacy = _page("privacy")
contact = _page("contact")


def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /besoins/",
        "Disallow: /parcours/s/",
        "Disallow: /comptes/",
        "Allow: /",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _error(template: str, status: int):
    def view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        return render(request, template, {"contact": settings.GTEC_CONTACT_EMAIL}, status=status)

    return view


bad_request = _error("400.html", 400)
permission_denied = _error("403.html", 403)
page_not_found = _error("404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processor can be trusted after a crash: the page is self-contained.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
