"""Queries on paired tablets."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from recyclic.models.device import PairedDevice
from recyclic.repositories.base import BaseRepository


class DeviceRepository(BaseRepository[PairedDevice]):
    model = PairedDevice

    async def get_by_secret_hash(self, secret_hash: str) -> PairedDevice | None:
        """The device holding this secret (revoked or not)."""
        return await self.one_or_none(
            select(PairedDevice).where(PairedDevice.secret_hash == secret_hash)
        )

    async def get_in_site(
        self, device_id: uuid.UUID, site_id: uuid.UUID | None
    ) -> PairedDevice | None:
        """The device if it belongs to `site_id` (None: any site)."""
        statement = select(PairedDevice).where(PairedDevice.id == device_id)
        if site_id is not None:
            statement = statement.where(PairedDevice.site_id == site_id)
        return await self.one_or_none(statement)

    async def list_for_site(self, site_id: uuid.UUID | None) -> list[PairedDevice]:
        """Devices of a site (None: every site), live ones first, newest first."""
        statement = select(PairedDevice).order_by(
            PairedDevice.revoked_at.is_not(None), PairedDevice.created_at.desc()
        )
        if site_id is not None:
            statement = statement.where(PairedDevice.site_id == site_id)
        return await self.all(statement)
