"""Use cases of the API area: create, check and revoke tokens; record every write in the journal."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils import timezone

from gtec.api.models import SCOPE_LABELS, WIDGET, ApiToken, ApiWrite

TOKEN_START = "gtec_"


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def origin_clean(value: str) -> str:
    """`https://www.example.fr` from what a person typed (a trailing slash or path is dropped); a
    ValidationError in French otherwise."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or any(c in value for c in " ;,'\""):
        raise ValidationError(f"Origine « {value} » invalide : écrivez par exemple https://www.example.fr")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


@dataclass
class NewToken:
    token: ApiToken
    raw: str  # shown once, never stored


def token_create(*, organisation, name: str, scopes, created_by=None, origins=()) -> NewToken:
    scopes = sorted(set(scopes))
    if not scopes or any(s not in SCOPE_LABELS for s in scopes):
        raise ValidationError("Choisissez au moins une portée parmi : " + ", ".join(SCOPE_LABELS))
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationError("Donnez un nom au jeton (par exemple : « site de la mission locale »).")
    cleaned = sorted({origin_clean(o) for o in origins if o.strip()})
    if WIDGET in scopes and not cleaned:
        raise ValidationError("Un jeton de widget indique au moins une origine autorisée (https://…).")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=prefix,
        key_hash=digest(raw),
        scopes=scopes,
        allowed_origins=cleaned,
        created_by=created_by if created_by is not None and created_by.is_authenticated else None,
    )
    return NewToken(token, raw)


def token_check(raw: str) -> ApiToken | None:
    """The active token with this value, or None (unknown or revoked)."""
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_START) or len(raw) > 120:
        return None
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(key_hash=digest(raw), revoked_at__isnull=True, organisation__erased_at__isnull=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most once a minute
    return token


def token_revoke(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def tokens_of(organisation):
    return ApiToken.objects.filter(organisation=organisation)


def write_record(*, token: ApiToken | None, method: str, path: str, action: str, object_ref: str = "",
                 status: int) -> ApiWrite:  # fmt: skip
    return ApiWrite.objects.create(
        token=token,
        token_prefix=token.prefix if token else "",
        organisation=token.organisation if token else None,
        method=method[:8],
        path=path[:300],
        action=action[:60],
        object_ref=str(object_ref)[:120],
        status=status,
    )


def writes_of(organisation, limit: int = 200):
    return ApiWrite.objects.filter(organisation=organisation)[:limit]
