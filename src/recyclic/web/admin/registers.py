"""Registers and paired tablets (`/admin/caisses`): create, rename, (de)activate a register
(the API's `/cash-registers`, admin); pair the browser showing the page to a register, rename
or revoke a tablet (the API's `/devices`, admin). Pairing works like `POST /api/v1/devices`:
the browser that asks receives the tablet's credential as an HttpOnly cookie, so an admin
opens this page on the tablet itself."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from recyclic.api.cookies import set_device_cookie
from recyclic.api.deps import SessionDep, SettingsDep
from recyclic.schemas.cash import RegisterCreate, RegisterUpdate
from recyclic.services.cash.devices import DeviceService
from recyclic.services.cash.sessions import CashService
from recyclic.web.admin.shell import AdminContext, AdminPage, admin_router, read_form, render

router = admin_router()


class NameForm(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=r"\S")


class ActiveForm(BaseModel):
    actif: bool


async def _page(
    ctx: AdminContext,
    cash: CashService,
    devices: DeviceService,
    *,
    status_code: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, Any] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    registers = await cash.list_registers(ctx.user, ctx.site.id)
    tablets = await devices.list_devices(ctx.user, ctx.site.id)
    return render(
        ctx,
        "admin/caisses.html",
        status_code=status_code,
        registers=registers,
        tablets_of={r.id: [t for t in tablets if t.register_id == r.id] for r in registers},
        errors=errors or {},
        values=values or {},
        done=done,
    )


def _services(session: SessionDep) -> tuple[CashService, DeviceService]:
    return CashService(session), DeviceService(session)


@router.get("/admin/caisses")
async def registers(ctx: AdminPage, session: SessionDep) -> HTMLResponse:
    """The site's registers, each with its paired tablets."""
    return await _page(ctx, *_services(session))


@router.post("/admin/caisses")
async def create_register(request: Request, ctx: AdminPage, session: SessionDep) -> HTMLResponse:
    cash, devices = _services(session)
    form = await read_form(request, NameForm)
    if form.data is None:
        return await _page(
            ctx, cash, devices, status_code=422, errors={"new": form.errors}, values=form.values
        )
    register = await cash.create_register(
        ctx.user, RegisterCreate(name=form.data.name, site_id=ctx.site.id)
    )
    return await _page(ctx, cash, devices, done=f"Caisse « {register.name} » créée.")


@router.post("/admin/caisses/{register_id}/renommer")
async def rename_register(
    register_id: uuid.UUID, request: Request, ctx: AdminPage, session: SessionDep
) -> HTMLResponse:
    cash, devices = _services(session)
    form = await read_form(request, NameForm)
    if form.data is None:
        return await _page(
            ctx, cash, devices, status_code=422, errors={str(register_id): form.errors}
        )
    register = await cash.update_register(
        ctx.user, register_id, RegisterUpdate(name=form.data.name)
    )
    return await _page(ctx, cash, devices, done=f"Caisse renommée « {register.name} ».")


@router.post("/admin/caisses/{register_id}/activation")
async def register_activation(
    register_id: uuid.UUID, request: Request, ctx: AdminPage, session: SessionDep
) -> HTMLResponse:
    cash, devices = _services(session)
    form = await read_form(request, ActiveForm)
    if form.data is None:
        return await _page(
            ctx, cash, devices, status_code=422, errors={str(register_id): form.errors}
        )
    register = await cash.update_register(
        ctx.user, register_id, RegisterUpdate(is_active=form.data.actif)
    )
    state = "réactivée" if register.is_active else "désactivée"
    return await _page(ctx, cash, devices, done=f"Caisse « {register.name} » {state}.")


@router.post("/admin/caisses/{register_id}/associer")
async def pair_tablet(
    register_id: uuid.UUID,
    request: Request,
    ctx: AdminPage,
    session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """Pair this browser (the tablet the admin holds) to the register."""
    cash, devices = _services(session)
    form = await read_form(request, NameForm)
    if form.data is None:
        return await _page(
            ctx, cash, devices, status_code=422, errors={f"pair-{register_id}": form.errors}
        )
    paired = await devices.pair(ctx.user, register_id, form.data.name)
    response = await _page(
        ctx,
        cash,
        devices,
        done=(
            f"Cette tablette est associée : « {paired.device.name} ». Déconnectez-vous : "
            "elle affichera l'écran de verrouillage de sa caisse."
        ),
    )
    set_device_cookie(response, paired.secret, days=settings.device_cookie_days)
    return response


@router.post("/admin/caisses/tablettes/{device_id}/renommer")
async def rename_tablet(
    device_id: uuid.UUID, request: Request, ctx: AdminPage, session: SessionDep
) -> HTMLResponse:
    cash, devices = _services(session)
    form = await read_form(request, NameForm)
    if form.data is None:
        return await _page(
            ctx, cash, devices, status_code=422, errors={str(device_id): form.errors}
        )
    device = await devices.rename(ctx.user, device_id, form.data.name)
    return await _page(ctx, cash, devices, done=f"Tablette renommée « {device.name} ».")


@router.post("/admin/caisses/tablettes/{device_id}/revoquer")
async def revoke_tablet(device_id: uuid.UUID, ctx: AdminPage, session: SessionDep) -> HTMLResponse:
    """The tablet's credential stops working at once (lost, stolen or replaced)."""
    cash, devices = _services(session)
    device = await devices.revoke(ctx.user, device_id)
    return await _page(
        ctx,
        cash,
        devices,
        done=f"Tablette « {device.name} » révoquée : elle ne peut plus rien ouvrir.",
    )
