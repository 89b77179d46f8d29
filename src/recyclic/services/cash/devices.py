"""Paired tablets: an admin ties a browser to a register once; cashiers then unlock it with
their PIN. The credential is revocable and only its SHA-256 is stored."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.exceptions import NotFound, Unauthenticated
from recyclic.core.security import new_refresh_token, sha256_hex
from recyclic.models.base import utcnow
from recyclic.models.cash import CashRegister
from recyclic.models.device import PairedDevice
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.repositories.cash_repository import CashRegisterRepository, CashSessionRepository
from recyclic.repositories.device_repository import DeviceRepository
from recyclic.repositories.site_repository import SiteRepository
from recyclic.repositories.user_repository import UserRepository
from recyclic.services.access.audit import AuditService
from recyclic.services.access.scope import require_role, site_filter
from recyclic.services.cash.errors import RegisterInactive, RegisterNotFound


class DeviceNotFound(NotFound):
    code = "device_not_found"
    message = "Tablette introuvable."


class UnknownDevice(Unauthenticated):
    def __init__(self) -> None:
        super().__init__(
            "Cette tablette n'est pas (ou plus) associée à une caisse : "
            "un administrateur doit l'associer.",
            code="device_unknown",
        )


@dataclass(frozen=True, slots=True)
class PairedSecret:
    """A device just paired, and the secret its browser keeps (shown only once)."""

    device: PairedDevice
    secret: str


@dataclass(frozen=True, slots=True)
class DeviceContext:
    """What a paired tablet knows about itself: its register (and the float its last close
    kept), its site, who may unlock it."""

    device: PairedDevice
    register: CashRegister
    site: Site
    cashiers: list[User]
    proposed_float_cents: int | None


class DeviceService:
    def __init__(self, session: AsyncSession, *, now: Callable[[], datetime] = utcnow) -> None:
        self.now = now
        self.devices = DeviceRepository(session)
        self.registers = CashRegisterRepository(session)
        self.sessions = CashSessionRepository(session)
        self.sites = SiteRepository(session)
        self.users = UserRepository(session)
        self.audit = AuditService(session)

    async def pair(self, actor: User, register_id: uuid.UUID, name: str) -> PairedSecret:
        """Pair the actor's browser to an active register of their site (admins)."""
        require_role(actor, Role.ADMIN)
        register = await self.registers.get_in_site(register_id, site_filter(actor, None))
        if register is None:
            raise RegisterNotFound()
        if not register.is_active:
            raise RegisterInactive()
        secret = new_refresh_token()
        device = await self.devices.add(
            PairedDevice(
                site_id=register.site_id,
                register_id=register.id,
                name=name.strip(),
                secret_hash=sha256_hex(secret),
                created_by=actor.id,
                created_at=self.now(),
            )
        )
        await self.audit.record(
            actor=actor,
            action="device.pair",
            entity_type="device",
            entity_id=device.id,
            site_id=device.site_id,
            after={"name": device.name, "register_id": str(register.id)},
        )
        return PairedSecret(device=device, secret=secret)

    async def list_devices(self, actor: User, site_id: uuid.UUID | None) -> list[PairedDevice]:
        """The site's paired tablets, revoked ones last (admins)."""
        require_role(actor, Role.ADMIN)
        return await self.devices.list_for_site(site_filter(actor, site_id))

    async def rename(self, actor: User, device_id: uuid.UUID, name: str) -> PairedDevice:
        """Give a tablet a name people recognise (admins)."""
        device = await self._find(actor, device_id)
        before = {"name": device.name}
        device.name = name.strip()
        await self.audit.record(
            actor=actor,
            action="device.rename",
            entity_type="device",
            entity_id=device.id,
            site_id=device.site_id,
            before=before,
            after={"name": device.name},
        )
        return await self.devices.update(device, {})

    async def revoke(self, actor: User, device_id: uuid.UUID) -> PairedDevice:
        """The tablet's credential stops working at once (a lost or stolen tablet)."""
        device = await self._find(actor, device_id)
        if device.revoked_at is None:
            device.revoked_at = self.now()
            device.revoked_by = actor.id
            await self.audit.record(
                actor=actor,
                action="device.revoke",
                entity_type="device",
                entity_id=device.id,
                site_id=device.site_id,
            )
        return await self.devices.update(device, {})

    async def identify(self, secret: str) -> PairedDevice | None:
        """The live device holding this secret, or None (unknown or revoked)."""
        if not secret or len(secret) > 256:
            return None
        device = await self.devices.get_by_secret_hash(sha256_hex(secret))
        if device is None or device.revoked_at is not None:
            return None
        return device

    async def context(self, device: PairedDevice) -> DeviceContext:
        """The tablet's register, site and the people who may unlock it."""
        register = await self.registers.get(device.register_id)
        site = await self.sites.get(device.site_id)
        assert register is not None
        assert site is not None
        previous = await self.sessions.last_closed_for_register(register.id)
        return DeviceContext(
            device=device,
            register=register,
            site=site,
            cashiers=await self.users.list_cashiers(device.site_id),
            proposed_float_cents=previous.kept_float_cents if previous else None,
        )

    def seen(self, device: PairedDevice) -> None:
        """Remember when the tablet was last used to log in (written with that login)."""
        device.last_seen_at = self.now()

    async def _find(self, actor: User, device_id: uuid.UUID) -> PairedDevice:
        require_role(actor, Role.ADMIN)
        device = await self.devices.get_in_site(device_id, site_filter(actor, None))
        if device is None:
            raise DeviceNotFound()
        return device
