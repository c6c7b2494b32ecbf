"""What every endpoint of /api/v1 shares: errors `{code, message}` in French, page/size pagination
`{items, total, page, size, pages}`, Bearer-token authentication with scopes, the anonymous rate limit and
the journal of writes."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.security.base import AuthBase
from ninja.throttling import AnonRateThrottle
from pydantic import create_model

from gtec.api import services
from gtec.api.models import ApiToken

MAX_SIZE = 100


class ApiError(Exception):
    """An answer other than 200, as JSON `{code, message}` (French message)."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra
        self.journalled = False


class Error(Schema):
    code: str
    message: str


def not_found(what: str) -> ApiError:
    return ApiError(404, "introuvable", f"{what} introuvable.")


# --- pagination -------------------------------------------------------------------------------------------


@cache
def Page(item: type) -> type:  # noqa: N802 — a schema factory, named like the schema it makes
    """The schema of one page of `item`s."""
    return create_model(
        f"Page{item.__name__}",
        __base__=Schema,
        items=(list[item], ...),
        total=(int, ...),
        page=(int, ...),
        size=(int, ...),
        pages=(int, ...),
    )


def paginate(rows: QuerySet | Sequence, page: int, size: int, convert=None) -> dict:
    """One page of `rows` (a queryset is sliced in the database). `page` past the end gives no item."""
    if page < 1 or not 1 <= size <= MAX_SIZE:
        raise ApiError(422, "pagination_invalide", f"page ≥ 1 et taille (size) entre 1 et {MAX_SIZE}.")
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    chunk = rows[(page - 1) * size : page * size]
    items = [convert(r) for r in chunk] if convert else list(chunk)
    return {"items": items, "total": total, "page": page, "size": size, "pages": math.ceil(total / size)}


# --- authentication -----------------------------------------------------------------------------------------


class Anonymous:
    """The caller without a token: reads public figures, under the rate limit."""

    organisation = None
    scopes: list[str] = []

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return "anonyme"


ANONYMOUS = Anonymous()


class Bearer(AuthBase):
    """`Authorization: Bearer gtec_…`: the organisation's token, which must hold one of `scopes`. With
    `anonymous=True` (public reads), a call without the header goes through as `ANONYMOUS`."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __init__(self, *scopes: str, anonymous: bool = False):
        self.scopes, self.anonymous = scopes, anonymous
        super().__init__()

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        if not header:
            return ANONYMOUS if self.anonymous else None
        kind, _, raw = header.partition(" ")
        if kind.lower() != "bearer" or not raw.strip():
            raise ApiError(401, "jeton_invalide", "En-tête Authorization attendu : « Bearer <jeton> ».")
        token = services.token_check(raw)
        if token is None:
            raise ApiError(401, "jeton_invalide", "Jeton inconnu ou révoqué.")
        if self.scopes and not any(token.has(s) for s in self.scopes):
            wanted = " ou ".join(f"« {s} »" for s in self.scopes)
            raise ApiError(403, "portee_insuffisante", f"Ce jeton n'a pas la portée {wanted}.")
        return token


public = Bearer(anonymous=True)


def token_of(request: HttpRequest) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous reads are limited per client address (Django cache); a token lifts the limit."""

    def __init__(self):
        super().__init__(settings.GTEC_API_ANON_RATE)

    def get_cache_key(self, request: HttpRequest):
        if token_of(request) is not None:
            return None
        return self.cache_format % {"scope": "gtec-api-anon", "ident": self.get_ident(request)}


# --- journal of writes --------------------------------------------------------------------------------------


def audited(request: HttpRequest, action: str, object_ref: str = "", status: int = 200) -> None:
    services.write_record(
        token=token_of(request),
        method=request.method,
        path=request.path,
        action=action,
        object_ref=object_ref,
        status=status,
    )


class AuditedWrite:
    """One write of the API and its journal: every answer it gives, done or refused, is journalled once
    with its status. `require` is the permission check (a 403 « interdit »), `refuse` any other 4xx and
    `writing` the write itself:

        w = AuditedWrite(request, "formation.modifier", f"formation:{pk}")
        w.require(owner == token.organisation, "Cette formation n'appartient pas à l'organisme de ce jeton.")
        with w.writing():
            ...  # the write; raise ApiError(409, …) for a conflict
    """

    def __init__(self, request: HttpRequest, action: str, ref: str = ""):
        self.request, self.action, self.ref = request, action, ref

    def journal(self, status: int) -> None:
        audited(self.request, self.action, self.ref, status)

    def refuse(self, status: int, code: str, message: str, **extra) -> ApiError:
        """Journal a refusal and give the error to raise (outside the write's transaction)."""
        self.journal(status)
        error = ApiError(status, code, message, **extra)
        error.journalled = True
        return error

    def require(self, allowed: bool, message: str) -> None:
        if not allowed:
            raise self.refuse(403, "interdit", message)

    def invalid(self, errors: list[str]) -> ApiError:
        return self.refuse(
            422, "requete_invalide", "Requête invalide : " + " ; ".join(errors[:5]), erreurs=errors
        )

    @contextmanager
    def writing(self, status: int = 200, *, atomic: bool = True) -> Iterator[AuditedWrite]:
        """The write, in one transaction with its journal entry when `atomic` (a service that must open
        its own transaction, like the survey answer's SQLite write lock, passes `atomic=False`). The block
        may set `ref` (the object created) or `action`. An ApiError raised inside (a conflict, a refused
        submission) is journalled with its status after the write is rolled back (with it, any entry that
        `refuse` made inside), then goes on."""
        try:
            with transaction.atomic() if atomic else nullcontext():
                yield self
                self.journal(status)
        except ApiError as error:
            if atomic or not error.journalled:
                self.journal(error.status)
                error.journalled = True
            raise
