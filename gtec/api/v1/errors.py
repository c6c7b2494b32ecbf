"""Every error of /api/v1 as JSON `{code, message}` with a French message; bad input is a 4xx, never a 500."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from gtec.api.v1.core import ApiError

log = logging.getLogger(__name__)

MESSAGES = {
    "missing": "obligatoire",
    "int_parsing": "doit être un nombre entier",
    "int_type": "doit être un nombre entier",
    "int_from_float": "doit être un nombre entier",
    "float_parsing": "doit être un nombre",
    "float_type": "doit être un nombre",
    "bool_parsing": "doit valoir true ou false",
    "bool_type": "doit valoir true ou false",
    "date_parsing": "doit être une date AAAA-MM-JJ",
    "date_from_datetime_parsing": "doit être une date AAAA-MM-JJ",
    "date_type": "doit être une date AAAA-MM-JJ",
    "string_type": "doit être un texte",
    "list_type": "doit être une liste",
    "dict_type": "doit être un objet JSON",
    "model_type": "doit être un objet JSON",
    "model_attributes_type": "doit être un objet JSON",
    "json_invalid": "JSON mal formé",
    "extra_forbidden": "champ inconnu",
    "enum": "valeur non admise",
    "literal_error": "valeur non admise",
    "string_pattern_mismatch": "format invalide",
}


def french(error: dict) -> str:
    """One pydantic error in French: « paramètre « size » : doit être au plus 100 »."""
    where = [str(p) for p in error.get("loc", ()) if p not in {"query", "body", "path", "payload", "filters"}]
    field = ".".join(where) or "corps de la requête"
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in MESSAGES:
        text = MESSAGES[kind]
    elif kind in {"greater_than_equal", "greater_than"}:
        text = f"doit être au moins {ctx.get('ge', ctx.get('gt'))}"
    elif kind in {"less_than_equal", "less_than"}:
        text = f"doit être au plus {ctx.get('le', ctx.get('lt'))}"
    elif kind == "string_too_long":
        text = f"au plus {ctx.get('max_length')} caractères"
    elif kind == "string_too_short":
        text = f"au moins {ctx.get('min_length')} caractère(s)"
    elif kind in {"too_long"}:
        text = f"au plus {ctx.get('max_length')} éléments"
    elif kind == "value_error":
        text = str(ctx.get("error") or error.get("msg", "valeur invalide"))
    else:
        text = "valeur invalide"
    return f"« {field} » : {text}"


def body(code: str, message: str, **extra) -> dict:
    return {"code": code, "message": message, **extra}


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError):
        return api.create_response(request, body(exc.code, exc.message, **exc.extra), status=exc.status)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError):
        errors = [french(e) for e in exc.errors]
        return api.create_response(
            request,
            body("requete_invalide", "Requête invalide : " + " ; ".join(errors[:5]), erreurs=errors),
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc):
        return api.create_response(
            request, body("authentification_requise", "Jeton d'API requis : « Bearer <jeton> »."), status=401
        )

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc):
        return api.create_response(
            request,
            body(
                "trop_de_requetes",
                "Trop de requêtes anonymes : réessayez dans une minute, ou utilisez un jeton d'API.",
            ),
            status=429,
        )

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, exc):
        return api.create_response(request, body("introuvable", "Ressource introuvable."), status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):
        message = "Corps de la requête illisible (JSON attendu)." if exc.status_code == 400 else str(exc)
        return api.create_response(request, body("requete_invalide", message), status=exc.status_code)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc):
        log.exception("erreur inattendue de l'API")
        return api.create_response(
            request, body("erreur_interne", "Erreur interne : elle a été journalisée."), status=500
        )
