"""Queries on users."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from recyclic.models.user import User
from recyclic.repositories.base import BaseRepository


class UserRepository(BaseRepository[User]):
    model = User

    async def get_by_telegram_id(self, telegram_id: int) -> User | None:
        """The user linked to this Telegram account, or None."""
        return await self.one_or_none(select(User).where(User.telegram_id == telegram_id))

    async def get_in_site(self, user_id: uuid.UUID, site_id: uuid.UUID) -> User | None:
        """The user if it belongs to `site_id`; None otherwise (other sites do not exist)."""
        return await self.one_or_none(
            select(User).where(User.id == user_id, User.site_id == site_id)
        )
