"""Whole-page cache of the published-figure pages for visitors who are not logged in: the rendered response
is kept in the shared cache (Redis in production) under the page's address and the labour data's version, so
an import or a recomputation changes the key and no stale figure is served. Logged-in visitors, requests that
carry a session or pending messages, and responses that set a cookie or are not a plain 200 are never cached."""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from gtec.labour.read import data_version

SECONDS = 3600
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def page_key(request: HttpRequest) -> str:
    raw = repr((request.get_full_path(), request.is_secure(), data_version()))
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def shared_page_cache(view):
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not cacheable_request(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        hit = cache.get(key)
        if hit is not None:
            status, content, headers = hit
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = [(h, response[h]) for h in KEPT_HEADERS if h in response]
            cache.set(key, (response.status_code, response.content, headers), SECONDS)
        return response

    return wrapper
