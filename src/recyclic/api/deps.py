"""FastAPI dependencies as typed aliases: settings, database, unit of work, current user,
roles, site scope and rate limits.

Every dependency is `async def`: FastAPI runs plain `def` dependencies in a thread pool, a
hand-off that costs more than the work of these small functions.
"""

# No `from __future__ import annotations` here: FastAPI reads the signature of these
# dependencies again for every route that uses them, and string annotations would be
# eval()-ed each time (hundreds of times at start-up).

import email.message
import json
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.api.cookies import DEVICE_COOKIE, check_csrf
from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.exceptions import Unauthenticated
from recyclic.core.rate_limit import RateLimiter, enforce
from recyclic.models.device import PairedDevice
from recyclic.models.user import Role, User
from recyclic.services.access.scope import require_role as check_role
from recyclic.services.access.scope import site_filter, target_site
from recyclic.services.ai.ai_service import AIService
from recyclic.services.cash.devices import DeviceService
from recyclic.services.messaging.telegram_service import NotificationService, TelegramNotifier
from recyclic.services.people.auth import Actor, AuthService
from recyclic.services.people.pin_guard import PinGuard

_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_settings_dep(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    """The app's database."""
    database: Database = request.app.state.database
    return database


async def get_rate_limiter(request: Request) -> RateLimiter:
    """The app's rate limiter (memory, or Redis in production)."""
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One unit of work per request: committed when the endpoint returns, before the
    response is sent (dependency scope "function"); rolled back on any exception."""
    database: Database = request.app.state.database
    async with database.unit_of_work(write=request.method not in _READ_ONLY_METHODS) as session:
        yield session


async def get_ai_service(request: Request) -> AIService:
    """The app's AI pipeline (Gemini when a key is set, the local classifier otherwise)."""
    ai_service: AIService = request.app.state.ai_service
    return ai_service


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DatabaseDep = Annotated[Database, Depends(get_database)]
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]
AIServiceDep = Annotated[AIService, Depends(get_ai_service)]


async def get_notifications(request: Request, session: SessionDep) -> NotificationService:
    """Notifications sent after this request's commit (nothing when no bot is configured)."""
    notifier: TelegramNotifier | None = getattr(request.app.state, "notifier", None)
    return NotificationService(session, notifier)


NotificationsDep = Annotated[NotificationService, Depends(get_notifications)]

# auto_error=False: a missing header is our own French 401, not FastAPI's English 403.
_bearer = HTTPBearer(auto_error=False, description="Jeton d'accès (POST /api/v1/auth/...)")


async def get_current_user(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The approved, active user of the bearer token — re-read from the database, so a
    deactivation or a demotion takes effect on the very next request."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated()
    return await AuthService(session, settings).authenticate(credentials.credentials)


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_operator_actor(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """An operator or above, checked like `get_current_user` + `require_role` (role and
    status re-read from the database on every request) but without loading the user as an
    ORM object, and with fewer dependencies to resolve: for the till's hot path."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated()
    settings: Settings = request.app.state.settings
    actor = await AuthService(session, settings).authenticate_actor(credentials.credentials)
    check_role(actor, Role.OPERATOR)
    return actor


# An operator (or above) as plain values: for routes whose services take an `ActingUser`.
OperatorActor = Annotated[Actor, Depends(get_operator_actor)]


class OperatorBodyRoute(APIRoute):
    """The route class of the till's hot path (POST /sales): for an endpoint declared
    `(data: <body model>, user: OperatorActor, session: SessionDep)`.

    The declaration stays the documentation and the contract; at run time the three values
    are produced here, in FastAPI's order and with FastAPI's answers, without its generic
    dependency solver (a measurable share of a ticket's CPU): the body is read and decoded
    first (unreadable: 400, malformed JSON: 422), then the unit of work opens and the token,
    role and status are checked (401/403), then the body is validated against the model
    (422), then the endpoint runs; the unit of work commits before the answer leaves.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        field = self.body_field
        if field is None or len(self.dependant.dependencies) != 2:
            raise TypeError(f"{self.path}: expected (data, user: OperatorActor, session)")
        endpoint = self.endpoint

        async def handler(request: Request) -> Response:
            body = await _decoded_body(request)
            database: Database = request.app.state.database
            async with database.unit_of_work() as session:
                user = await get_operator_actor(request, session, await _bearer(request))
                if body is _NO_BODY:
                    data, errors = None, [_MISSING_BODY]
                else:
                    data, errors = field.validate(body, {}, loc=("body",))
                if errors:
                    raise RequestValidationError(errors, body=body)
                response: Response = await endpoint(data, user, session)
            return response

        return handler


_NO_BODY = object()
_MISSING_BODY = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}


async def _decoded_body(request: Request) -> Any:
    """The request body as FastAPI reads it for a JSON model: JSON-decoded when the content
    type says JSON, the raw bytes otherwise (refused by validation), `_NO_BODY` if empty."""
    raw = await request.body()
    if not raw:
        return _NO_BODY
    content_type = request.headers.get("content-type")
    if not content_type:
        return raw
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    if message.get_content_maintype() != "application" or not (
        subtype == "json" or subtype.endswith("+json")
    ):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        error = {
            "type": "json_invalid",
            "loc": ("body", exc.pos),
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": exc.msg},
        }
        raise RequestValidationError([error], body=exc.doc) from exc
    except ValueError as exc:  # not UTF-8 (or UTF-16/32) text
        raise HTTPException(400, "There was an error parsing the body") from exc


def require_role(minimum: Role) -> Callable[[User], Coroutine[Any, Any, User]]:
    """A dependency returning the current user when they hold at least `minimum` (else 403)."""

    async def checker(user: CurrentUser) -> User:
        check_role(user, minimum)
        return user

    checker.__name__ = f"require_{minimum.value}"
    return checker


ViewerUser = Annotated[User, Depends(require_role(Role.VIEWER))]
OperatorUser = Annotated[User, Depends(require_role(Role.OPERATOR))]
AdminUser = Annotated[User, Depends(require_role(Role.ADMIN))]
SuperAdminUser = Annotated[User, Depends(require_role(Role.SUPER_ADMIN))]

SiteIdQuery = Annotated[
    uuid.UUID | None,
    Query(description="Site visé (super admin uniquement ; les autres agissent sur le leur)."),
]


async def current_site_id(user: CurrentUser, site_id: SiteIdQuery = None) -> uuid.UUID:
    """The site the request acts on; another site's id is a 404 unless super admin."""
    return target_site(user, site_id)


async def current_site_filter(user: CurrentUser, site_id: SiteIdQuery = None) -> uuid.UUID | None:
    """For listings: the user's site, or None (every site) for a super admin."""
    return site_filter(user, site_id)


SiteId = Annotated[uuid.UUID, Depends(current_site_id)]
SiteFilter = Annotated[uuid.UUID | None, Depends(current_site_filter)]


def client_ip(request: Request) -> str:
    """The client's address (from X-Forwarded-For only behind RECYCLIC_TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


async def get_pin_guard(limiter: RateLimiterDep, settings: SettingsDep) -> PinGuard:
    """Counts wrong PINs per source and account."""
    return PinGuard(limiter, settings)


PinGuardDep = Annotated[PinGuard, Depends(get_pin_guard)]


async def limit_auth_by_ip(
    request: Request, limiter: RateLimiterDep, settings: SettingsDep
) -> None:
    """30 authentication requests per minute per IP (429 with Retry-After beyond)."""
    await enforce(limiter, f"auth:ip:{client_ip(request)}", settings.auth_rate_limit_per_ip)


async def get_paired_device(
    request: Request, session: SessionDep, settings: SettingsDep
) -> PairedDevice | None:
    """The paired tablet behind the request's device cookie, if any and still valid.

    A request that presents the cookie is cookie-authenticated: unless it only reads, it
    must echo the CSRF token."""
    secret = request.cookies.get(DEVICE_COOKIE)
    if not secret:
        return None
    if request.method not in _READ_ONLY_METHODS:
        check_csrf(request, settings.secret_key.get_secret_value())
    return await DeviceService(session).identify(secret)


PairedDeviceDep = Annotated[PairedDevice | None, Depends(get_paired_device)]


async def login_sources(request: Request, device: PairedDeviceDep) -> tuple[str, ...]:
    """Where a login attempt comes from, for counting wrong PINs (services/people/pin_guard):
    the client address, and the paired tablet when the request comes from one."""
    address = f"ip:{client_ip(request)}"
    return (address, f"device:{device.id}") if device is not None else (address,)


LoginSources = Annotated[tuple[str, ...], Depends(login_sources)]
