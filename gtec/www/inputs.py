"""Reading untrusted request input with bounds: every parse here fails as a 4xx with a French message,
never as a 500 (security review 2026-12-04, §2)."""

from __future__ import annotations

import json
import re

from django.utils.http import content_disposition_header

MAX_JSON_BYTES = 256 * 1024  # an answer of 200 occupations is about 60 kB
MAX_JSON_DEPTH = 12  # an answer nests 4 levels deep
MAX_QUERY_CHARS = 100  # a search box never needs more


class BadInput(ValueError):
    """Unreadable input; its message is French and safe to show."""


def json_body(raw: bytes | str | None, *, max_bytes: int = MAX_JSON_BYTES) -> object:
    """Parse a JSON body: bounded in size and depth, no NUL character (PostgreSQL refuses it in text)."""
    raw = raw or b"{}"
    if len(raw) > max_bytes:
        raise BadInput(
            f"Données trop volumineuses ({len(raw) // 1024} Kio, {max_bytes // 1024} Kio au plus)."
        )
    try:
        value = json.loads(raw)
    except RecursionError:
        raise BadInput("Données illisibles : imbrication trop profonde.") from None
    except (ValueError, UnicodeDecodeError):
        raise BadInput("Données illisibles : JSON attendu.") from None
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadInput("Données illisibles : imbrication trop profonde.")
        if isinstance(item, dict):
            stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str) and "\x00" in item:
            raise BadInput("Données illisibles : caractère nul dans un texte.")
    return value


def request_json(request, *, max_bytes: int = MAX_JSON_BYTES) -> object:
    """The request's JSON body, refused by its declared length before it is read when too large."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > max_bytes:
        raise BadInput(
            f"Données trop volumineuses ({declared // 1024} Kio, {max_bytes // 1024} Kio au plus)."
        )
    return json_body(request.body, max_bytes=max_bytes)


def int_param(value: str | None, default: int, *, lo: int, hi: int) -> int:
    """An integer query parameter, the default when absent or unreadable, kept within [lo, hi]."""
    try:
        n = int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        n = default
    return max(lo, min(hi, n))


def search_text(value: str | None) -> str:
    """A search query, stripped and cut to MAX_QUERY_CHARS characters, without NUL."""
    return (value or "").replace("\x00", "").strip()[:MAX_QUERY_CHARS]


PERIOD = re.compile(r"[0-9A-Za-z_-]{1,20}")


def period_param(value: str | None) -> str | None:
    """A `periode` query parameter: None when absent; BadInput when it holds anything but a period's
    characters (a line break would break the response headers)."""
    if not value:
        return None
    if not PERIOD.fullmatch(value):
        raise BadInput("Période invalide : attendu par exemple 2024.")
    return value


def attachment(response, filename: str):
    """Set Content-Disposition for a download, quoted safely whatever the name holds."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
