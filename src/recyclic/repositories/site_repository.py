"""Queries on sites."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from recyclic.models.site import Site
from recyclic.repositories.base import BaseRepository


class SiteRepository(BaseRepository[Site]):
    model = Site

    async def get_by_slug(self, slug: str) -> Site | None:
        """The site with this slug, or None."""
        return await self.one_or_none(select(Site).where(Site.slug == slug))

    async def get_by_name(self, name: str) -> Site | None:
        """The site with exactly this name (case-insensitive), or None."""
        return await self.one_or_none(select(Site).where(func.lower(Site.name) == name.lower()))

    async def settings_of(self, site_id: uuid.UUID) -> dict[str, Any]:
        """A site's settings document alone (the till reads it on every ticket)."""
        return dict(
            await self.session.scalar(select(Site.settings).where(Site.id == site_id)) or {}
        )

    async def list_all(self) -> list[Site]:
        """Every site, by name."""
        return await self.all(select(Site).order_by(Site.name, Site.id))

    async def count(self) -> int:
        """How many sites the installation has."""
        return int(await self.session.scalar(select(func.count()).select_from(Site)) or 0)
