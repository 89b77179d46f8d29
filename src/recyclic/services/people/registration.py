"""Registrations: a Telegram account becomes a pending user attached to a site."""

from __future__ import annotations

import uuid
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.security import TelegramIdentity
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus
from recyclic.repositories.site_repository import SiteRepository
from recyclic.repositories.user_repository import UserRepository
from recyclic.services.messaging.telegram_service import Button, NotificationService

Decision = Literal["approve", "reject"]
# Callback data of the admins' ✅/❌ buttons: "reg:<decision>:<user id hex>". The bot parses it
# with an aiogram CallbackData of the same prefix and fields (bot/keyboards.py; a test checks
# that both agree).
DECISION_PREFIX = "reg"


def decision_callback(decision: Decision, user_id: uuid.UUID) -> str:
    """The callback data of an approve/reject button."""
    return f"{DECISION_PREFIX}:{decision}:{user_id.hex}"


def decision_buttons(user: User) -> list[list[Button]]:
    """✅ Approuver / ❌ Refuser for a pending registration."""
    return [
        [
            Button("✅ Approuver", decision_callback("approve", user.id)),
            Button("❌ Refuser", decision_callback("reject", user.id)),
        ]
    ]


def describe_applicant(user: User) -> str:
    """ "Jeanne Lefèvre (@jeanne_l)"."""
    return f"{user.full_name} (@{user.username})" if user.username else user.full_name


class RegistrationService:
    def __init__(
        self, session: AsyncSession, *, notifications: NotificationService | None = None
    ) -> None:
        self.users = UserRepository(session)
        self.sites = SiteRepository(session)
        self.notifications = notifications

    async def find(self, telegram_id: int) -> User | None:
        """The user of a Telegram account, whatever their status."""
        return await self.users.get_by_telegram_id(telegram_id)

    async def register(
        self, identity: TelegramIdentity, *, site_slug: str | None = None
    ) -> tuple[User, bool]:
        """The user for this Telegram account, created `pending` if unknown (True if created).

        The site comes from the bot link (`/start site_<slug>`), else from a single-site
        installation; otherwise a super admin assigns it when approving. The site's admins
        are told as soon as the registration names a site.
        """
        user = await self.users.get_by_telegram_id(identity.telegram_id)
        if user is not None:
            if user.status == UserStatus.PENDING and user.site_id is None:
                site = await self._site_for(site_slug)
                user.site_id = site.id if site else None
                if site is not None:
                    await self._announce(user, site)
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
        if site is not None:
            await self._announce(user, site)
        return user, True

    async def site_of(self, user: User) -> Site | None:
        """The user's site, if any."""
        return await self.sites.get(user.site_id) if user.site_id else None

    async def _announce(self, user: User, site: Site) -> None:
        if self.notifications is None:
            return
        await self.notifications.notify_site_admins(
            site.id,
            f"🆕 Nouvelle inscription : {describe_applicant(user)} souhaite rejoindre {site.name}.",
            decision_buttons(user),
        )

    async def _site_for(self, slug: str | None) -> Site | None:
        if slug:
            site = await self.sites.get_by_slug(slug)
            if site is not None:
                return site
        sites = await self.sites.list_all()
        return sites[0] if len(sites) == 1 else None
