"""Web addresses that come from feeds or forms: only http(s), with a host, without control or invisible
formatting characters (a right-to-left override makes `https://‮gnp.exe‬` read as another address).
A `javascript:` or `data:` address is refused where it enters, so no page ever renders it as a link."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

MAX_LENGTH = 500


SCHEMELESS_HOST = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(?::\d+)?(?:[/?#]|$)")


def normalise(value: str) -> str:
    """Feeds often give `www.site.fr/page` without a scheme: that reads as `http://www.site.fr/page`."""
    value = (value or "").strip()
    if value and "://" not in value and SCHEMELESS_HOST.match(value):
        return "http://" + value
    return value


def web_url_problem(value: str) -> str | None:
    """Why `value` is not an acceptable web address (in French), or None when it is (or is empty)."""
    if not value:
        return None
    if len(value) > MAX_LENGTH:
        return f"adresse web de plus de {MAX_LENGTH} caractères"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch.isspace() for ch in value):
        return "adresse web avec un caractère invisible ou de contrôle"
    try:
        parts = urlsplit(value)
    except ValueError:
        return f"adresse web « {value[:80]} » illisible"
    if parts.scheme.lower() not in ("http", "https"):
        return f"adresse web « {value[:80]} » refusée : http ou https attendu"
    if not parts.hostname:
        return f"adresse web « {value[:80]} » sans nom de site"
    return None
