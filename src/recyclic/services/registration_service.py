"""Registrations: a Telegram account becomes a pending user attached to a site."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.security import TelegramIdentity
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus
from recyclic.repositories.site_repository import SiteRepository
from recyclic.repositories.user_repository import UserRepository


class RegistrationService:
    def __init__(self, session: AsyncSession) -> None:
        self.users = UserRepository(session)
        self.sites = SiteRepository(session)

    async def register(
        self, identity: TelegramIdentity, *, site_slug: str | None = None
    ) -> tuple[User, bool]:
        """The user for this Telegram account, created `pending` if unknown (True if created).

        The site comes from the bot link (`/start site_<slug>`), else from a single-site
        installation; otherwise a super admin assigns it when approving.
        """
        user = await self.users.get_by_telegram_id(identity.telegram_id)
        if user is not None:
            if user.status == UserStatus.PENDING and user.site_id is None:
                site = await self._site_for(site_slug)
                user.site_id = site.id if site else None
            return user, False
        site = await self._site_for(site_slug)
        user = User(
            telegram_id=identity.telegram_id,
            full_name=identity.full_name,
            username=identity.username,
            role=Role.OPERATOR,
            status=UserStatus.PENDING,
            is_active=True,
            site_id=site.id if site else None,
        )
        await self.users.add(user)
        return user, True

    async def _site_for(self, slug: str | None) -> Site | None:
        if slug:
            site = await self.sites.get_by_slug(slug)
            if site is not None:
                return site
        sites = await self.sites.list_all()
        return sites[0] if len(sites) == 1 else None
