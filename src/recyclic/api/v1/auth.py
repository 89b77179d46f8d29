"""Authentication: Telegram (widget, Mini App), bot login code, PIN, refresh, logout."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse

from recyclic.api.deps import (
    CurrentUser,
    LoginSources,
    NotificationsDep,
    PinGuardDep,
    SessionDep,
    SettingsDep,
    limit_auth_by_ip,
)
from recyclic.schemas.auth import (
    CodeLogin,
    PendingResponse,
    PinLogin,
    RefreshRequest,
    TelegramWidgetLogin,
    TokenResponse,
    WebAppLogin,
)
from recyclic.schemas.common import ErrorBody
from recyclic.schemas.user import UserOut
from recyclic.services.people.auth import AuthService, IssuedTokens, LoginOutcome

router = APIRouter(
    prefix="/auth",
    tags=["authentification"],
    dependencies=[Depends(limit_auth_by_ip)],
    responses={
        401: {"model": ErrorBody, "description": "Identifiants invalides"},
        403: {"model": ErrorBody, "description": "Inscription refusée ou compte désactivé"},
        429: {"model": ErrorBody, "description": "Trop de tentatives (Retry-After)"},
    },
)

_LOGIN_RESPONSES: dict[int | str, dict[str, object]] = {
    202: {"model": PendingResponse, "description": "Inscription en attente de validation"}
}


def _tokens(issued: IssuedTokens) -> TokenResponse:
    return TokenResponse(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=issued.expires_in,
        user=UserOut.from_user(issued.user),
    )


def _login_answer(outcome: LoginOutcome) -> TokenResponse | JSONResponse:
    if isinstance(outcome, IssuedTokens):
        return _tokens(outcome)
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
    request: Request, session: SessionDep, settings: SettingsDep, notifications: NotificationsDep
) -> TokenResponse | JSONResponse:
    """Signed Login Widget payload → tokens; an unknown account becomes a pending registration.

    Limited per address only: a forged payload naming someone costs its sender, never the
    person it names (the signature cannot be guessed)."""
    body = await request.body()
    service = AuthService(session, settings, notifications=notifications)
    outcome = await service.login_with_widget(body)
    return _login_answer(outcome)


@router.post(
    "/telegram/webapp",
    response_model=TokenResponse,
    responses=_LOGIN_RESPONSES,
    summary="Connexion depuis la Mini App Telegram",
)
async def login_webapp(
    data: WebAppLogin, session: SessionDep, settings: SettingsDep, notifications: NotificationsDep
) -> TokenResponse | JSONResponse:
    """Mini App `initData` → tokens (or a pending registration)."""
    service = AuthService(session, settings, notifications=notifications)
    outcome = await service.login_with_webapp(data.init_data)
    return _login_answer(outcome)


@router.post("/code", response_model=TokenResponse, summary="Connexion par code du bot")
async def login_code(data: CodeLogin, session: SessionDep, settings: SettingsDep) -> TokenResponse:
    """A single-use code from the bot's /connexion → tokens."""
    return _tokens(await AuthService(session, settings).login_with_code(data.code))


@router.post("/pin", response_model=TokenResponse, summary="Connexion par code PIN")
async def login_pin(
    data: PinLogin,
    session: SessionDep,
    settings: SettingsDep,
    guard: PinGuardDep,
    sources: LoginSources,
) -> TokenResponse:
    """PIN login (till, volunteers without Telegram, shop offline from Telegram); wrong PINs
    lock the address (or device) that sent them, not the account."""
    issued = await AuthService(session, settings).login_with_pin(
        pin=data.pin,
        guard=guard,
        sources=sources,
        user_id=data.user_id,
        telegram_id=data.telegram_id,
    )
    return _tokens(issued)


@router.post("/refresh", response_model=TokenResponse, summary="Renouveler les jetons")
async def refresh(
    data: RefreshRequest, session: SessionDep, settings: SettingsDep
) -> TokenResponse:
    """Spend a refresh token for a new pair (rotation; reuse revokes the session)."""
    return _tokens(await AuthService(session, settings).refresh(data.refresh_token))


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
