"""Paired tablets: pair this browser to a register (admin), list, rename, revoke; a paired
tablet reads its own register, site and the cashiers who may unlock it."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from recyclic.api.cookies import set_device_cookie
from recyclic.api.deps import AdminUser, PairedDeviceDep, SessionDep, SettingsDep, SiteFilter
from recyclic.schemas.device import (
    Cashier,
    DeviceContextOut,
    DeviceOut,
    DevicePair,
    DeviceRegister,
    DeviceRename,
    DeviceSite,
)
from recyclic.services.cash.devices import DeviceService, UnknownDevice

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Non authentifié ou tablette non appairée"},
    403: {"description": "Rôle insuffisant ou jeton anti-CSRF absent"},
    404: {"description": "Introuvable (ou autre site)"},
}
router = APIRouter(prefix="/devices", tags=["tablettes"], responses=_ERRORS)


@router.post("", response_model=DeviceOut, status_code=status.HTTP_201_CREATED)
async def pair_device(
    data: DevicePair,
    response: Response,
    user: AdminUser,
    session: SessionDep,
    settings: SettingsDep,
) -> DeviceOut:
    """Pair the browser making this request to a register (admin, on the tablet itself): it
    receives its credential as an HttpOnly cookie."""
    paired = await DeviceService(session).pair(user, data.register_id, data.name)
    set_device_cookie(response, paired.secret, days=settings.device_cookie_days)
    return DeviceOut.model_validate(paired.device)


@router.get("", response_model=list[DeviceOut])
async def list_devices(
    user: AdminUser, session: SessionDep, site_id: SiteFilter
) -> list[DeviceOut]:
    """The site's paired tablets, revoked ones last."""
    devices = await DeviceService(session).list_devices(user, site_id)
    return [DeviceOut.model_validate(d) for d in devices]


@router.get("/current", response_model=DeviceContextOut)
async def current_device(session: SessionDep, device: PairedDeviceDep) -> DeviceContextOut:
    """This tablet's register, site and cashiers (device cookie); 401 `device_unknown` when
    the browser is not paired or its pairing was revoked."""
    if device is None:
        raise UnknownDevice()
    context = await DeviceService(session).context(device)
    register = DeviceRegister.model_validate(context.register)
    register.proposed_float = context.proposed_float_cents
    return DeviceContextOut(
        device=DeviceOut.model_validate(device),
        cash_register=register,
        site=DeviceSite.model_validate(context.site),
        cashiers=[Cashier.model_validate(c) for c in context.cashiers],
    )


@router.patch("/{device_id}", response_model=DeviceOut)
async def rename_device(
    device_id: uuid.UUID, data: DeviceRename, user: AdminUser, session: SessionDep
) -> DeviceOut:
    """Rename a tablet."""
    return DeviceOut.model_validate(await DeviceService(session).rename(user, device_id, data.name))


@router.post("/{device_id}/revoke", response_model=DeviceOut)
async def revoke_device(device_id: uuid.UUID, user: AdminUser, session: SessionDep) -> DeviceOut:
    """Revoke a tablet's credential (lost, stolen or replaced tablet)."""
    return DeviceOut.model_validate(await DeviceService(session).revoke(user, device_id))
