"""Sites: creation and lookup."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.exceptions import Conflict, NotFound
from recyclic.models.site import Site
from recyclic.repositories.site_repository import SiteRepository
from recyclic.utils.text import slugify


class SiteNotFound(NotFound):
    code = "site_not_found"
    message = "Site introuvable."


class SiteSlugTaken(Conflict):
    code = "site_slug_taken"
    message = "Un site utilise déjà cet identifiant court (slug)."


class SiteService:
    def __init__(self, session: AsyncSession) -> None:
        self.sites = SiteRepository(session)

    async def create_site(
        self, name: str, *, timezone: str, slug: str | None = None, **fields: object
    ) -> Site:
        """A new site; its slug comes from the name unless given, and must be free."""
        slug = slugify(slug or name)
        if await self.sites.get_by_slug(slug) is not None:
            raise SiteSlugTaken()
        site = Site(name=name.strip(), slug=slug, timezone=timezone, **fields)
        return await self.sites.add(site)

    async def find_by_name_or_slug(self, name_or_slug: str) -> Site | None:
        """The site named or slugged so, or None."""
        return await self.sites.get_by_slug(slugify(name_or_slug)) or await self.sites.get_by_name(
            name_or_slug.strip()
        )

    async def get_or_create(self, name: str, *, timezone: str) -> tuple[Site, bool]:
        """The site with this name or slug, created if missing; True when created."""
        site = await self.find_by_name_or_slug(name)
        if site is not None:
            return site, False
        return await self.create_site(name, timezone=timezone), True

    async def only_site(self) -> Site | None:
        """The site of a single-site installation; None when there are zero or several."""
        sites = await self.sites.list_all()
        return sites[0] if len(sites) == 1 else None
