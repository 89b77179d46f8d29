"""The OpenAPI document, completed with the answers every route can give.

FastAPI documents what each route declares; the edges of the app answer more, for every route
alike: our 422 body (not FastAPI's), 400 for an unreadable body, 413 for an oversized one,
401/403 where a token is needed, 404 where an id is looked up, 409 on any write (a duplicate,
a race only the database saw), 503 while the database is unreachable. Errors are always JSON,
whatever the success type (receipts are text or HTML).

Routes list their own error answers by description only (`{409: {"description": …}}`): the
`ErrorBody` schema is added here. Naming the model on each route would make FastAPI build a
validator per route and status at start-up, used for nothing but this document.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from recyclic.schemas.common import ErrorBody, FieldError, ValidationErrorBody

_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
_ERROR = "#/components/schemas/ErrorBody"
_VALIDATION = "#/components/schemas/ValidationErrorBody"
_DESCRIPTIONS = {
    "400": "Corps illisible (pas de l'UTF-8, JSON mal formé)",
    "401": "Non authentifié (jeton absent, invalide ou expiré)",
    "403": "Rôle insuffisant",
    "404": "Introuvable (ou d'un autre site)",
    "409": "Conflit avec une donnée existante (doublon, état qui ne le permet plus)",
    "413": "Requête trop volumineuse",
    "422": "Données invalides (`errors` détaille chaque champ)",
    "503": "Base de données momentanément indisponible (Retry-After)",
}


def completed_openapi(app: FastAPI) -> dict[str, Any]:
    """The completed document served at /openapi.json (built on first request, then kept)."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        app.openapi_schema = complete_errors(schema)
    return app.openapi_schema


def complete_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared error answers to every operation; every error body is JSON."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    for model in (ErrorBody, FieldError, ValidationErrorBody):
        components[model.__name__] = model.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in _METHODS:
                _complete_operation(operation, writes=method not in ("get", "head", "options"))
    return schema


def _complete_operation(operation: dict[str, Any], *, writes: bool) -> None:
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    wanted = {"422", "503"}
    if writes:  # a unique or state rule, or a race only the database saw
        wanted.add("409")
    if has_body:
        wanted |= {"400", "413"}
    if operation.get("security"):
        wanted |= {"401", "403"}
    if any(p.get("in") == "path" or p.get("name") == "site_id" for p in parameters):
        wanted.add("404")
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status in wanted:
        responses.setdefault(status, {"description": _DESCRIPTIONS[status]})
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400:
            _json_error(status, response)


def _json_error(status: str, response: dict[str, Any]) -> None:
    if status == "422":
        response["content"] = {"application/json": {"schema": {"$ref": _VALIDATION}}}
        return
    json_schema = response.get("content", {}).get("application/json", {}).get("schema")
    # A route's own error model stays (the health check's 503 body); anything else is ours.
    if json_schema and json_schema.get("$ref") not in (None, _VALIDATION):
        response["content"] = {"application/json": {"schema": json_schema}}
        return
    response["content"] = {"application/json": {"schema": {"$ref": _ERROR}}}
