"""Domain errors: a stable machine code, an HTTP status and a French message for people.

Services raise these; one handler (`recyclic.api.errors`) renders them as
`{"detail": "<français>", "code": "<code>"}`. Nothing below the interfaces knows about HTTP
beyond the status number carried here.
"""

from __future__ import annotations

from typing import Any


class ConfigurationError(Exception):
    """The installation is misconfigured; shown to the operator as one line, then exit 1."""


class RecyclicError(Exception):
    """Base of every error a person may see; subclasses set `status` and `code`."""

    status: int = 400
    code: str = "bad_request"
    message: str = "Requête invalide."
    # True for refusals whose side effects must persist (see Database.unit_of_work).
    commit_changes: bool = False

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.extra = extra or {}
        self.headers = headers or {}
        super().__init__(self.message)


class BadRequest(RecyclicError):
    status = 400
    code = "bad_request"


class Unauthenticated(RecyclicError):
    status = 401
    code = "unauthenticated"
    message = "Authentification requise."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(RecyclicError):
    status = 403
    code = "forbidden"
    message = "Vous n'avez pas les droits nécessaires pour cette action."


class NotFound(RecyclicError):
    status = 404
    code = "not_found"
    message = "Ressource introuvable."


class Conflict(RecyclicError):
    status = 409
    code = "conflict"
    message = "Cette action est en conflit avec l'état actuel."


class PayloadTooLarge(RecyclicError):
    status = 413
    code = "payload_too_large"
    message = "Le fichier envoyé est trop volumineux."


class InvalidInput(RecyclicError):
    status = 422
    code = "invalid_input"
    message = "Données invalides."


class RateLimited(RecyclicError):
    status = 429
    code = "rate_limited"
    message = "Trop de tentatives : réessayez dans un instant."

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Trop de tentatives : réessayez dans {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
            extra={"retry_after": retry_after},
        )


class ServiceUnavailable(RecyclicError):
    status = 503
    code = "service_unavailable"
    message = "Service momentanément indisponible, réessayez dans un instant."
