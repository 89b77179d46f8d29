"""Setting up an installation: the first administrators and their site."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.exceptions import InvalidInput
from recyclic.core.security import hash_pin
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus
from recyclic.repositories.site_repository import SiteRepository
from recyclic.repositories.user_repository import UserRepository
from recyclic.services.people.auth import check_pin_strength
from recyclic.services.people.sites import SiteService
from recyclic.services.people.users import TelegramIdTaken

DEFAULT_SITE_NAME = "Ma ressourcerie"


class SiteRequired(InvalidInput):
    code = "site_required"
    message = "Plusieurs sites existent : précisez lequel (--site)."


@dataclass(slots=True)
class AdminCreated:
    user: User
    site: Site | None
    site_created: bool


class SetupService:
    def __init__(self, session: AsyncSession) -> None:
        self.users = UserRepository(session)
        self.sites = SiteRepository(session)
        self.site_service = SiteService(session)

    async def create_admin(
        self,
        *,
        telegram_id: int | None,
        full_name: str,
        site_name: str | None,
        super_admin: bool,
        default_timezone: str,
        pin: str | None = None,
    ) -> AdminCreated:
        """An approved admin (or super admin); the site is created when it is new.

        A PIN lets the first admin log in before the bot or the Telegram widget are set up.
        """
        if not full_name.strip():
            raise InvalidInput("Le nom ne peut pas être vide.", code="name_required")
        if pin is not None:
            check_pin_strength(pin)
        if telegram_id is not None:
            existing = await self.users.get_by_telegram_id(telegram_id)
            if existing is not None:
                raise TelegramIdTaken(
                    f"Un utilisateur avec l'identifiant Telegram {telegram_id} existe déjà "
                    f"({existing.full_name})."
                )
        site, created = await self._resolve_site(site_name, super_admin, default_timezone)
        user = User(
            telegram_id=telegram_id,
            full_name=full_name.strip(),
            role=Role.SUPER_ADMIN if super_admin else Role.ADMIN,
            status=UserStatus.APPROVED,
            is_active=True,
            site_id=site.id if site else None,
            pin_hash=await hash_pin(pin) if pin else None,
        )
        await self.users.add(user)
        return AdminCreated(user=user, site=site, site_created=created)

    async def _resolve_site(
        self, site_name: str | None, super_admin: bool, timezone: str
    ) -> tuple[Site | None, bool]:
        if site_name:
            return await self.site_service.get_or_create(site_name, timezone=timezone)
        only = await self.site_service.only_site()
        if only is not None:
            return only, False
        if await self.sites.count() == 0:
            return await self.site_service.create_site(DEFAULT_SITE_NAME, timezone=timezone), True
        if super_admin:
            return None, False
        raise SiteRequired()
