"""Authentication: Telegram (widget, Mini App), bot login code, PIN, refresh, logout.

API clients get both tokens in the body. The web app sends `X-Session-Mode: cookie`: its
refresh token then travels only in an HttpOnly cookie scoped to `/auth/refresh` (the body says
null), a CSRF token cookie comes with it, and it refreshes and logs out with that cookie.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse

from recyclic.api.cookies import (
    CSRF_COOKIE,
    REFRESH_COOKIE,
    check_csrf,
    clear_refresh_cookie,
    new_csrf_token,
    set_csrf_cookie,
    set_refresh_cookie,
    wants_cookie_session,
)
from recyclic.api.deps import (
    CurrentUser,
    LoginSources,
    NotificationsDep,
    PairedDeviceDep,
    PinGuardDep,
    SessionDep,
    SettingsDep,
    limit_auth_by_ip,
)
from recyclic.core.config import Settings
from recyclic.schemas.auth import (
    CodeLogin,
    CsrfResponse,
    PendingResponse,
    PinLogin,
    RefreshRequest,
    TelegramWidgetLogin,
    TokenResponse,
    WebAppLogin,
)
from recyclic.schemas.user import UserOut
from recyclic.services.cash.devices import DeviceService
from recyclic.services.people.auth import (
    AuthService,
    IssuedTokens,
    LoginOutcome,
    RefreshTokenInvalid,
)

router = APIRouter(
    prefix="/auth",
    tags=["authentification"],
    dependencies=[Depends(limit_auth_by_ip)],
    responses={
        401: {"description": "Identifiants invalides"},
        403: {"description": "Inscription refusée ou compte désactivé"},
        429: {"description": "Trop de tentatives (Retry-After)"},
    },
)

_LOGIN_RESPONSES: dict[int | str, dict[str, object]] = {
    202: {"model": PendingResponse, "description": "Inscription en attente de validation"}
}


def _tokens(
    issued: IssuedTokens, request: Request, response: Response, settings: Settings
) -> TokenResponse:
    """The token pair for an API client; for the web app, the refresh token as a cookie."""
    refresh_token: str | None = issued.refresh_token
    if wants_cookie_session(request):
        set_refresh_cookie(response, issued.refresh_token, days=settings.refresh_token_days)
        if not request.cookies.get(CSRF_COOKIE):
            set_csrf_cookie(response, new_csrf_token(settings.secret_key.get_secret_value()))
        refresh_token = None
    return TokenResponse(
        access_token=issued.access_token,
        refresh_token=refresh_token,
        expires_in=issued.expires_in,
        user=UserOut.from_user(issued.user),
    )


def _login_answer(
    outcome: LoginOutcome, request: Request, response: Response, settings: Settings
) -> TokenResponse | JSONResponse:
    if isinstance(outcome, IssuedTokens):
        return _tokens(outcome, request, response, settings)
    # Documented as the 202 response; sent as is (the route's model is the 200 one).
    return JSONResponse(PendingResponse().model_dump(), status_code=status.HTTP_202_ACCEPTED)


@router.post(
    "/telegram",
    response_model=TokenResponse,
    responses=_LOGIN_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": TelegramWidgetLogin.model_json_schema()}},
        }
    },
    summary="Connexion par le widget Telegram",
)
async def login_telegram(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    notifications: NotificationsDep,
) -> TokenResponse | JSONResponse:
    """Signed Login Widget payload → tokens; an unknown account becomes a pending registration.

    Limited per address only: a forged payload naming someone costs its sender, never the
    person it names (the signature cannot be guessed)."""
    body = await request.body()
    service = AuthService(session, settings, notifications=notifications)
    outcome = await service.login_with_widget(body)
    return _login_answer(outcome, request, response, settings)


@router.post(
    "/telegram/webapp",
    response_model=TokenResponse,
    responses=_LOGIN_RESPONSES,
    summary="Connexion depuis la Mini App Telegram",
)
async def login_webapp(
    data: WebAppLogin,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    notifications: NotificationsDep,
) -> TokenResponse | JSONResponse:
    """Mini App `initData` → tokens (or a pending registration)."""
    service = AuthService(session, settings, notifications=notifications)
    outcome = await service.login_with_webapp(data.init_data)
    return _login_answer(outcome, request, response, settings)


@router.post("/code", response_model=TokenResponse, summary="Connexion par code du bot")
async def login_code(
    data: CodeLogin,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenResponse:
    """A single-use code from the bot's /connexion → tokens."""
    issued = await AuthService(session, settings).login_with_code(data.code)
    return _tokens(issued, request, response, settings)


@router.post("/pin", response_model=TokenResponse, summary="Connexion par code PIN")
async def login_pin(
    data: PinLogin,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    guard: PinGuardDep,
    sources: LoginSources,
    device: PairedDeviceDep,
) -> TokenResponse:
    """PIN login (till, volunteers without Telegram, shop offline from Telegram). On a paired
    tablet (device cookie) only the people of the tablet's site can log in. Wrong PINs lock
    the address and the tablet that sent them, not the account."""
    issued = await AuthService(session, settings).login_with_pin(
        pin=data.pin,
        guard=guard,
        sources=sources,
        user_id=data.user_id,
        telegram_id=data.telegram_id,
        site_id=device.site_id if device else None,
    )
    if device is not None:
        DeviceService(session).seen(device)
    return _tokens(issued, request, response, settings)


@router.post(
    "/refresh",
    response_model=TokenResponse,
    summary="Renouveler les jetons",
    openapi_extra={"requestBody": {"required": False}},
)
async def refresh(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    data: RefreshRequest | None = None,
) -> TokenResponse:
    """Spend a refresh token for a new pair (rotation; reuse revokes the session). The web
    app sends no body: its token is the HttpOnly cookie, and it echoes the CSRF token."""
    token = data.refresh_token if data is not None else _cookie_refresh_token(request, settings)
    issued = await AuthService(session, settings).refresh(token)
    return _tokens(issued, request, response, settings)


@router.delete(
    "/refresh",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Déconnexion de l'application web",
    response_class=Response,
)
async def end_web_session(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Revoke the session held in the refresh cookie and forget the cookie."""
    token = _cookie_refresh_token(request, settings)
    await AuthService(session, settings).end_session(token)
    answer = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_refresh_cookie(answer)
    return answer


def _cookie_refresh_token(request: Request, settings: Settings) -> str:
    """The refresh token of the web app's cookie (401 without one; CSRF checked)."""
    token = request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise RefreshTokenInvalid()
    check_csrf(request, settings.secret_key.get_secret_value())
    return token


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Déconnexion",
    response_class=Response,
)
async def logout(
    data: RefreshRequest, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Revoke the session (the refresh token's family)."""
    await AuthService(session, settings).logout(data.refresh_token, user=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# Not rate-limited: it reveals nothing and costs nothing, and every page asks for it once.
session_router = APIRouter(prefix="/auth", tags=["authentification"])


@session_router.get("/csrf", response_model=CsrfResponse, summary="Jeton anti-CSRF")
async def csrf_token(request: Request, response: Response, settings: SettingsDep) -> CsrfResponse:
    """The CSRF token the web app echoes on cookie-authenticated requests (set as a cookie
    when the browser has none yet)."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        token = new_csrf_token(settings.secret_key.get_secret_value())
        set_csrf_cookie(response, token)
    response.headers["Cache-Control"] = "no-store"
    return CsrfResponse(csrf_token=token)
