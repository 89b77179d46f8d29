"""Registrations waiting (`/admin/inscriptions`) and users (`/admin/utilisateurs`): approve
with a role or reject; change a role, (de)activate, set or remove a PIN, lift a PIN lock-out,
move to another site (super admin), anonymise. Every page is the API's users routes' (admin,
own site); the rules (last admin, no self-edit, super admins out of an admin's reach) are
`UserService`'s, which also says which buttons to show (`UserService.actions`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, BeforeValidator, Field

from recyclic.api.deps import NotificationsDep, PinGuardDep, SessionDep
from recyclic.models.user import Role, User, UserStatus
from recyclic.repositories.user_repository import UserFilters
from recyclic.schemas.user import UserUpdate
from recyclic.services.people.users import UserNotFound, UserService
from recyclic.web.admin.shell import (
    ROLE_LABELS,
    AdminContext,
    AdminPage,
    admin_router,
    read_form,
    render,
)

router = admin_router()

PAGE_SIZE = 25
STATUS_LABELS = {
    UserStatus.PENDING: "En attente",
    UserStatus.APPROVED: "Approuvé",
    UserStatus.REJECTED: "Refusé",
}
Cursor = Annotated[str | None, Query(max_length=500)]
# A filter form sends its empty choices ("Tous") as empty strings: no filter.
Blank = BeforeValidator(lambda value: None if value == "" else value)


class ApproveForm(BaseModel):
    role: Role = Role.OPERATOR
    site_id: uuid.UUID | None = None


class RoleForm(BaseModel):
    role: Role


class ActiveForm(BaseModel):
    actif: bool


class PinForm(BaseModel):
    pin: str = Field(min_length=4, max_length=8, pattern=r"^\d+$")


class SiteForm(BaseModel):
    site_id: uuid.UUID


class AnonymizeForm(BaseModel):
    # The box "I understand this cannot be undone" must be ticked.
    confirmation: Literal["oui"]


def _labels() -> dict[str, Any]:
    return {"role_labels": ROLE_LABELS, "status_labels": STATUS_LABELS}


# --- Registrations ------------------------------------------------------------------------


async def _registrations_page(
    ctx: AdminContext,
    service: UserService,
    *,
    vue: str,
    cursor: str | None,
    status_code: int = 200,
    **extra: Any,
) -> HTMLResponse:
    status = UserStatus.REJECTED if vue == "refusees" else UserStatus.PENDING
    page = await service.pending(
        ctx.user, site_id=ctx.site.id, status=status, limit=PAGE_SIZE, cursor=cursor
    )
    unassigned: list[User] = []
    if ctx.switches_sites and status == UserStatus.PENDING:
        unassigned = (
            await service.pending(
                ctx.user,
                site_id=None,
                status=status,
                limit=PAGE_SIZE,
                cursor=None,
                without_site=True,
            )
        ).items
    return render(
        ctx,
        "admin/inscriptions.html",
        status_code=status_code,
        vue="refusees" if status == UserStatus.REJECTED else "attente",
        registrations=page.items,
        unassigned=unassigned,
        next_cursor=page.next_cursor,
        roles=[role for role in Role if ctx.can(role)],
        errors=extra.pop("errors", {}),
        **_labels(),
        **extra,
    )


@router.get("/admin/inscriptions")
async def registrations(
    ctx: AdminPage, session: SessionDep, vue: str = "attente", cursor: Cursor = None
) -> HTMLResponse:
    """Registrations waiting for a decision (or those refused, which may be reconsidered)."""
    return await _registrations_page(ctx, UserService(session), vue=vue, cursor=cursor)


@router.post("/admin/inscriptions/{user_id}/approuver")
async def approve(
    user_id: uuid.UUID,
    request: Request,
    ctx: AdminPage,
    session: SessionDep,
    notifications: NotificationsDep,
    vue: str = "attente",
) -> HTMLResponse:
    """Approve with the chosen role (operator unless chosen); a super admin also names the
    site of a registration that has none."""
    service = UserService(session, notifications=notifications)
    form = await read_form(request, ApproveForm)
    if form.data is None:
        return await _registrations_page(
            ctx,
            service,
            vue=vue,
            cursor=None,
            status_code=422,
            errors={str(user_id): form.errors},
        )
    changes: dict[str, Any] = {"status": UserStatus.APPROVED, "role": form.data.role}
    if form.data.site_id is not None:
        changes["site_id"] = form.data.site_id
    user = await service.update_user(ctx.user, user_id, UserUpdate(**changes))
    done = f"{user.full_name} est approuvé·e ({ROLE_LABELS[user.role]})."
    return await _registrations_page(ctx, service, vue=vue, cursor=None, done=done)


@router.post("/admin/inscriptions/{user_id}/refuser")
async def reject(
    user_id: uuid.UUID,
    ctx: AdminPage,
    session: SessionDep,
    notifications: NotificationsDep,
) -> HTMLResponse:
    """Refuse a registration (it stays listed under "Refusées", where it may be approved)."""
    service = UserService(session, notifications=notifications)
    user = await service.update_user(ctx.user, user_id, UserUpdate(status=UserStatus.REJECTED))
    done = f"L'inscription de {user.full_name} est refusée."
    return await _registrations_page(ctx, service, vue="attente", cursor=None, done=done)


# --- Users --------------------------------------------------------------------------------


@router.get("/admin/utilisateurs")
async def users(
    ctx: AdminPage,
    session: SessionDep,
    role: Annotated[Role | None, Blank] = None,
    statut: Annotated[UserStatus | None, Blank] = None,
    actif: Annotated[Literal["oui", "non"] | None, Blank] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Cursor = None,
) -> HTMLResponse:
    """The site's users, newest first; the filters and the page are in the URL."""
    filters = UserFilters(
        role=role,
        status=statut,
        is_active=None if actif is None else actif == "oui",
        search=q.strip() if q and q.strip() else None,
    )
    page = await UserService(session).list_users(
        ctx.user, site_id=ctx.site.id, filters=filters, limit=PAGE_SIZE, cursor=cursor
    )
    return render(
        ctx,
        "admin/utilisateurs.html",
        users=page.items,
        next_cursor=page.next_cursor,
        filters={"role": role, "statut": statut, "actif": actif, "q": q or ""},
        first_page=cursor is None,
        **_labels(),
    )


async def _user_page(
    ctx: AdminContext,
    service: UserService,
    user_id: uuid.UUID,
    *,
    status_code: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    user = await service.get_user(ctx.user, user_id)
    if user.site_id != ctx.site.id:
        # A super admin looking at another site's user from this site's pages: that site's.
        raise UserNotFound()
    return render(
        ctx,
        "admin/utilisateur.html",
        status_code=status_code,
        person=user,
        actions=await service.actions(ctx.user, user),
        errors=errors or {},
        done=done,
        **_labels(),
    )


@router.get("/admin/utilisateurs/{user_id}")
async def user_detail(user_id: uuid.UUID, ctx: AdminPage, session: SessionDep) -> HTMLResponse:
    """A user and what the person may do to them."""
    return await _user_page(ctx, UserService(session), user_id)


@router.post("/admin/utilisateurs/{user_id}/role")
async def change_role(
    user_id: uuid.UUID, request: Request, ctx: AdminPage, session: SessionDep
) -> HTMLResponse:
    service = UserService(session)
    form = await read_form(request, RoleForm)
    if form.data is None:
        errors = {"role": form.errors}
        return await _user_page(ctx, service, user_id, status_code=422, errors=errors)
    user = await service.update_user(ctx.user, user_id, UserUpdate(role=form.data.role))
    done = f"Rôle changé : {ROLE_LABELS[user.role]}."
    return await _user_page(ctx, service, user_id, done=done)


@router.post("/admin/utilisateurs/{user_id}/activation")
async def change_active(
    user_id: uuid.UUID, request: Request, ctx: AdminPage, session: SessionDep
) -> HTMLResponse:
    service = UserService(session)
    form = await read_form(request, ActiveForm)
    if form.data is None:
        return await _user_page(
            ctx, service, user_id, status_code=422, errors={"active": form.errors}
        )
    user = await service.update_user(ctx.user, user_id, UserUpdate(is_active=form.data.actif))
    done = "Compte réactivé." if user.is_active else "Compte désactivé : ses sessions sont closes."
    return await _user_page(ctx, service, user_id, done=done)


@router.post("/admin/utilisateurs/{user_id}/pin")
async def set_pin(
    user_id: uuid.UUID, request: Request, ctx: AdminPage, session: SessionDep
) -> HTMLResponse:
    service = UserService(session)
    form = await read_form(request, PinForm)
    if form.data is None:
        errors = {"pin": "Le code PIN doit comporter de 4 à 8 chiffres."}
        return await _user_page(ctx, service, user_id, status_code=422, errors={"pin": errors})
    await service.set_pin(ctx.user, user_id, form.data.pin)
    return await _user_page(ctx, service, user_id, done="Code PIN enregistré.")


@router.post("/admin/utilisateurs/{user_id}/pin/retirer")
async def remove_pin(user_id: uuid.UUID, ctx: AdminPage, session: SessionDep) -> HTMLResponse:
    service = UserService(session)
    await service.set_pin(ctx.user, user_id, None)
    return await _user_page(ctx, service, user_id, done="Code PIN retiré.")


@router.post("/admin/utilisateurs/{user_id}/pin/debloquer")
async def unlock_pin(
    user_id: uuid.UUID, ctx: AdminPage, session: SessionDep, guard: PinGuardDep
) -> HTMLResponse:
    service = UserService(session)
    await service.unlock_pin(ctx.user, user_id, guard)
    return await _user_page(ctx, service, user_id, done="Code PIN débloqué.")


@router.post("/admin/utilisateurs/{user_id}/site")
async def move_site(
    user_id: uuid.UUID, request: Request, ctx: AdminPage, session: SessionDep
) -> HTMLResponse:
    """A super admin moves a user to another site (then the user is that site's)."""
    service = UserService(session)
    form = await read_form(request, SiteForm)
    if form.data is None:
        errors = {"site": form.errors}
        return await _user_page(ctx, service, user_id, status_code=422, errors=errors)
    user = await service.update_user(ctx.user, user_id, UserUpdate(site_id=form.data.site_id))
    return await _users_moved(ctx, service, user)


async def _users_moved(ctx: AdminContext, service: UserService, user: User) -> HTMLResponse:
    site = next((s for s in ctx.sites if s.id == user.site_id), None)
    done = f"{user.full_name} est maintenant rattaché·e à {site.name if site else 'un autre site'}."
    page = await service.list_users(
        ctx.user, site_id=ctx.site.id, filters=UserFilters(), limit=PAGE_SIZE, cursor=None
    )
    return render(
        ctx,
        "admin/utilisateurs.html",
        users=page.items,
        next_cursor=page.next_cursor,
        filters={"role": None, "statut": None, "actif": None, "q": ""},
        first_page=True,
        done=done,
        **_labels(),
    )


@router.post("/admin/utilisateurs/{user_id}/anonymiser")
async def anonymize(
    user_id: uuid.UUID, request: Request, ctx: AdminPage, session: SessionDep
) -> HTMLResponse:
    """GDPR erasure, once the admin ticked that it cannot be undone."""
    service = UserService(session)
    form = await read_form(request, AnonymizeForm)
    if form.data is None:
        errors = {"confirmation": "Cochez la case pour confirmer l'anonymisation."}
        return await _user_page(
            ctx, service, user_id, status_code=422, errors={"anonymize": errors}
        )
    await service.anonymize(ctx.user, user_id)
    return await _user_page(
        ctx, service, user_id, done="Données personnelles effacées : le compte est anonymisé."
    )
