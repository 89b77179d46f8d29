"""The one error handler: every failure becomes `{"detail": "<français>", "code": "…"}`."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope, Send

from recyclic.core.exceptions import RecyclicError

logger = logging.getLogger("recyclic.errors")

_HTTP_MESSAGES = {
    400: ("bad_request", "Requête invalide."),
    401: ("unauthenticated", "Authentification requise."),
    403: ("forbidden", "Accès refusé."),
    404: ("not_found", "Ressource introuvable."),
    405: ("method_not_allowed", "Méthode non autorisée pour cette adresse."),
    413: ("payload_too_large", "Requête trop volumineuse."),
    415: ("unsupported_media_type", "Type de contenu non pris en charge."),
}

# French wording of pydantic's error types; anything else keeps pydantic's text.
_VALIDATION_MESSAGES = {
    "missing": "champ obligatoire",
    "extra_forbidden": "champ inconnu",
    "json_invalid": "JSON invalide",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "decimal_parsing": "nombre attendu",
    "bool_parsing": "booléen attendu",
    "bool_type": "booléen attendu",
    "string_type": "texte attendu",
    "uuid_parsing": "identifiant (UUID) invalide",
    "uuid_type": "identifiant (UUID) invalide",
    "datetime_parsing": "date et heure invalides",
    "datetime_from_date_parsing": "date et heure invalides",
    "datetime_type": "date et heure invalides",
    "date_parsing": "date invalide (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date invalide (AAAA-MM-JJ)",
    "timezone_aware": "le fuseau horaire est obligatoire",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "enum": "valeur non autorisée",
    "literal_error": "valeur non autorisée",
    "finite_number": "le nombre doit être fini",
}


def _validation_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "?")
        words = {
            "greater_than": "doit être supérieur à",
            "greater_than_equal": "doit être supérieur ou égal à",
            "less_than": "doit être inférieur à",
            "less_than_equal": "doit être inférieur ou égal à",
        }
        return f"{words[kind]} {bound}"
    if kind in ("string_too_short", "too_short"):
        return f"trop court (minimum {ctx.get('min_length', '?')})"
    if kind in ("string_too_long", "too_long"):
        return f"trop long (maximum {ctx.get('max_length', '?')})"
    if kind == "string_pattern_mismatch":
        return "format invalide"
    if kind in ("value_error", "assertion_error"):
        # Our validators raise French messages; pydantic prefixes them.
        message = str(ctx.get("error", error.get("msg", "")))
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return _VALIDATION_MESSAGES.get(kind, str(error.get("msg", "valeur invalide")))


def _field_path(error: dict[str, Any]) -> str:
    location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
    return ".".join(location)


def field_messages(errors: Any) -> dict[str, str]:
    """pydantic's errors as {field: French message} (the first error of each field), for
    the back office's forms, which show each message beside its field."""
    messages: dict[str, str] = {}
    for error in errors:
        messages.setdefault(_field_path(error), _validation_message(error))
    return messages


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def error_response(
    request: Request,
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    """The JSON error body, with the request id for support."""
    body: dict[str, Any] = {"detail": detail, "code": code, **(extra or {})}
    request_id = _request_id(request)
    if request_id:
        body["request_id"] = request_id
    # The request id header is added once, by the request-context middleware.
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


class RequestRejected(StarletteHTTPException):
    """A request refused while its body streams in (too large, NUL character): raised from
    `receive`, it reaches the handlers like any HTTP error, with its own code."""

    def __init__(
        self, status: int, code: str, detail: str, errors: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(status_code=status, detail=detail)
        self.code = code
        self.errors = errors


def error_body(scope: Scope, code: str, detail: str, extra: dict[str, Any] | None) -> bytes:
    """The JSON bytes of an error answered before the app runs."""
    body: dict[str, Any] = {"detail": detail, "code": code, **(extra or {})}
    request_id = scope.get("state", {}).get("request_id")
    if request_id:
        body["request_id"] = request_id
    return json.dumps(body, ensure_ascii=False).encode()


async def send_error(
    scope: Scope,
    send: Send,
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
) -> None:
    """Answer an error straight from an ASGI middleware, in the usual JSON form."""
    body = error_body(scope, code, detail, {"errors": errors} if errors is not None else None)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if status == 413:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _is_database_outage(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.TimeoutError):  # no free connection in the pool
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
            return True
    return isinstance(exc, ConnectionError | TimeoutError | socket.gaierror)


def _invalid_value(request: Request) -> JSONResponse:
    return error_response(
        request,
        422,
        "validation_error",
        "Données invalides — une valeur est hors des limites acceptées",
        extra={"errors": [{"field": "", "message": "valeur hors limites"}]},
    )


def register_error_handlers(app: FastAPI) -> None:
    """Install the handlers on the app."""

    @app.exception_handler(RecyclicError)
    async def _domain_error(request: Request, exc: RecyclicError) -> JSONResponse:
        return error_response(
            request, exc.status, exc.code, exc.message, headers=exc.headers, extra=exc.extra
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for error in exc.errors():
            errors.append({"field": _field_path(error), "message": _validation_message(error)})
        summary = "; ".join(
            f"{e['field']} : {e['message']}" if e["field"] else e["message"] for e in errors[:5]
        )
        return error_response(
            request,
            422,
            "validation_error",
            f"Données invalides — {summary}",
            extra={"errors": errors},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, RequestRejected):
            extra = {"errors": exc.errors} if exc.errors is not None else None
            return error_response(request, exc.status_code, exc.code, exc.detail, extra=extra)
        code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", "Erreur."))
        return error_response(request, exc.status_code, code, message, headers=exc.headers)

    @app.exception_handler(sa_exc.IntegrityError)
    async def _integrity_error(request: Request, exc: sa_exc.IntegrityError) -> JSONResponse:
        # Expected conflicts are raised as domain errors by services; this is the safety net
        # for races that only the database saw.
        logger.warning("integrity error: %s", exc.orig)
        return error_response(
            request, 409, "conflict", "Conflit avec une donnée existante ; réessayez."
        )

    @app.exception_handler(sa_exc.DataError)
    async def _data_error(request: Request, exc: sa_exc.DataError) -> JSONResponse:
        # Schemas bound every value; this is the safety net for one the database still
        # refused (a number out of range, a text it cannot store): the caller's data, a 422.
        logger.warning("value refused by the database: %s", exc.orig)
        return _invalid_value(request)

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> JSONResponse:
        # SQLite's driver refuses integers beyond 64 bits before the database sees them.
        logger.warning("value out of range: %s", exc)
        return _invalid_value(request)

    async def _database_error(request: Request, exc: Exception) -> JSONResponse:
        if _is_database_outage(exc):
            logger.warning("database unavailable: %s", exc)
            return error_response(
                request,
                503,
                "database_unavailable",
                "Base de données momentanément indisponible, réessayez dans un instant.",
                headers={"Retry-After": "5"},
            )
        return _internal_error(request, exc)

    # An outage is an expected answer, not a crash: handled like the domain errors (the
    # catch-all below is Starlette's last resort, which re-raises to the server and makes
    # it drop the connection).
    for outage in (sa_exc.DBAPIError, sa_exc.TimeoutError, ConnectionError, TimeoutError):
        app.add_exception_handler(outage, _database_error)

    @app.exception_handler(Exception)
    async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        return await _database_error(request, exc)

    def _internal_error(request: Request, exc: Exception) -> JSONResponse:
        logger.error(
            "unexpected error on %s %s",
            request.method,
            request.url.path,
            exc_info=exc,
            extra={"request_id": _request_id(request)},
        )
        return error_response(
            request,
            500,
            "internal_error",
            "Erreur interne du serveur. L'incident a été enregistré.",
        )
