"""Users: one's own profile and PIN; management by admins."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from recyclic.api.deps import (
    AdminUser,
    CurrentUser,
    NotificationsDep,
    PinGuardDep,
    SessionDep,
    SettingsDep,
    SiteIdQuery,
)
from recyclic.models.user import Role, UserStatus
from recyclic.repositories.user_repository import UserFilters
from recyclic.schemas.common import Page
from recyclic.schemas.user import PinSet, UserCreate, UserOut, UserUpdate
from recyclic.services.people.auth import AuthService
from recyclic.services.people.users import UserService

router = APIRouter(
    prefix="/users",
    tags=["utilisateurs"],
    responses={
        401: {"description": "Non authentifié"},
        403: {"description": "Rôle insuffisant"},
        404: {"description": "Introuvable (ou autre site)"},
    },
)


@router.get("/me", response_model=UserOut, summary="Mon profil")
async def me(user: CurrentUser) -> UserOut:
    """The current user."""
    return UserOut.from_user(user)


@router.put("/me/pin", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def set_my_pin(
    data: PinSet, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Set or change one's PIN (4 to 8 digits)."""
    await AuthService(session, settings).set_pin(user, data.pin)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("", response_model=Page[UserOut], summary="Liste des utilisateurs")
async def list_users(
    actor: AdminUser,
    session: SessionDep,
    site_id: SiteIdQuery = None,
    role: Role | None = None,
    status_: Annotated[UserStatus | None, Query(alias="status")] = None,
    is_active: bool | None = None,
    search: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Page[UserOut]:
    """Users of the site, newest first (filters: role, status, is_active, search)."""
    page = await UserService(session).list_users(
        actor,
        site_id=site_id,
        filters=UserFilters(role=role, status=status_, is_active=is_active, search=search),
        limit=limit,
        cursor=cursor,
    )
    return Page(items=[UserOut.from_user(u) for u in page.items], next_cursor=page.next_cursor)


@router.post("", response_model=UserOut, status_code=status.HTTP_201_CREATED)
async def create_user(
    data: UserCreate, actor: AdminUser, session: SessionDep, notifications: NotificationsDep
) -> UserOut:
    """Create an approved user by Telegram id, or a PIN-only user without Telegram."""
    service = UserService(session, notifications=notifications)
    return UserOut.from_user(await service.create_user(actor, data))


@router.get("/{user_id}", response_model=UserOut)
async def get_user(user_id: uuid.UUID, actor: AdminUser, session: SessionDep) -> UserOut:
    """One user of the site."""
    return UserOut.from_user(await UserService(session).get_user(actor, user_id))


@router.patch("/{user_id}", response_model=UserOut)
async def update_user(
    user_id: uuid.UUID,
    data: UserUpdate,
    actor: AdminUser,
    session: SessionDep,
    notifications: NotificationsDep,
) -> UserOut:
    """Approve or reject, change role, (de)activate, rename; move site (super admin)."""
    service = UserService(session, notifications=notifications)
    return UserOut.from_user(await service.update_user(actor, user_id, data))


@router.put(
    "/{user_id}/pin",
    response_model=UserOut,
    summary="Fixer le code PIN d'un utilisateur",
    responses={409: {"description": "Compte anonymisé"}},
)
async def set_user_pin(
    user_id: uuid.UUID, data: PinSet, actor: AdminUser, session: SessionDep
) -> UserOut:
    """Set a user's PIN (4 to 8 digits; a forgotten PIN, a volunteer without Telegram)."""
    return UserOut.from_user(await UserService(session).set_pin(actor, user_id, data.pin))


@router.delete("/{user_id}/pin", response_model=UserOut, summary="Retirer le code PIN")
async def remove_user_pin(user_id: uuid.UUID, actor: AdminUser, session: SessionDep) -> UserOut:
    """Remove a user's PIN: they can no longer log in with one until a new one is set."""
    return UserOut.from_user(await UserService(session).set_pin(actor, user_id, None))


@router.post("/{user_id}/pin/unlock", response_model=UserOut, summary="Débloquer le code PIN")
async def unlock_pin(
    user_id: uuid.UUID, actor: AdminUser, session: SessionDep, guard: PinGuardDep
) -> UserOut:
    """Lift the locks that wrong PINs put on a user's PIN (from every address and device)."""
    return UserOut.from_user(await UserService(session).unlock_pin(actor, user_id, guard))


@router.post("/{user_id}/anonymize", response_model=UserOut)
async def anonymize_user(user_id: uuid.UUID, actor: AdminUser, session: SessionDep) -> UserOut:
    """GDPR erasure of a user's personal data (their history stays, anonymous)."""
    return UserOut.from_user(await UserService(session).anonymize(actor, user_id))
