"""The services one update works with, all sharing the update's unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.config import Settings
from recyclic.models.category import Category
from recyclic.models.user import User
from recyclic.schemas.deposit import DepositUpdate
from recyclic.services.ai.ai_service import AIService
from recyclic.services.cash.sales import SaleService
from recyclic.services.catalog.categories import CategoryService
from recyclic.services.deposits.deposits import DepositService
from recyclic.services.deposits.errors import DepositNotFound, InvalidDepositTransition
from recyclic.services.messaging.telegram_service import NotificationService, TelegramNotifier
from recyclic.services.people.auth import AuthService
from recyclic.services.people.registration import RegistrationService
from recyclic.services.people.sites import SiteService
from recyclic.services.people.users import UserService
from recyclic.services.reporting.stats import StatsService


class BotServices:
    """The same services as the API (no HTTP hop to ourselves), built on first use."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        settings: Settings,
        ai: AIService,
        notifier: TelegramNotifier | None,
        now: Callable[[], datetime],
    ) -> None:
        self.session = session
        self.settings = settings
        self.ai = ai
        self.notifier = notifier
        self.now = now
        self._categories: list[Category] | None = None

    @property
    def conversation_minutes(self) -> int:
        """How long a silent conversation lasts, in whole minutes (for messages)."""
        return max(1, self.settings.bot_conversation_timeout_seconds // 60)

    @cached_property
    def notifications(self) -> NotificationService:
        return NotificationService(self.session, self.notifier)

    @cached_property
    def registrations(self) -> RegistrationService:
        return RegistrationService(self.session, notifications=self.notifications)

    @cached_property
    def users(self) -> UserService:
        return UserService(self.session, notifications=self.notifications)

    @cached_property
    def auth(self) -> AuthService:
        return AuthService(self.session, self.settings, now=self.now)

    @cached_property
    def deposits(self) -> DepositService:
        return DepositService(self.session, settings=self.settings, ai=self.ai)

    @cached_property
    def sales(self) -> SaleService:
        return SaleService(self.session, now=self.now)

    @cached_property
    def stats(self) -> StatsService:
        return StatsService(self.session)

    @cached_property
    def sites(self) -> SiteService:
        return SiteService(self.session)

    async def abandon_deposit(self, user: User, deposit_id: uuid.UUID) -> bool:
        """Cancel a deposit left unfinished, if it is still open (True if it was)."""
        try:
            await self.deposits.update(user, deposit_id, DepositUpdate(status="cancelled"))
        except (DepositNotFound, InvalidDepositTransition):
            return False  # deleted, validated or cancelled meanwhile: nothing to abandon
        return True

    async def active_categories(self) -> list[Category]:
        """The active categories, in display order (read once per update)."""
        if self._categories is None:
            self._categories = await CategoryService(self.session).list_categories()
        return self._categories

    async def category_labels(self) -> dict[str, str]:
        """Label of every category, inactive ones included (old deposits may use them)."""
        rows = await CategoryService(self.session).list_categories(include_inactive=True)
        return {row.code: row.label for row in rows}
