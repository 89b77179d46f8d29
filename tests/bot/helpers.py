"""Reading what the bot stored."""

from __future__ import annotations

from sqlalchemy import select

from recyclic.core.database import Database
from recyclic.models.deposit import Deposit
from recyclic.models.user import User


async def deposits_of(database: Database, user: User) -> list[Deposit]:
    """The user's deposits, oldest first."""
    async with database.unit_of_work(write=False) as session:
        rows = await session.scalars(
            select(Deposit).where(Deposit.created_by == user.id).order_by(Deposit.created_at)
        )
        return list(rows)


async def user_by_telegram_id(database: Database, telegram_id: int) -> User | None:
    async with database.unit_of_work(write=False) as session:
        return await session.scalar(select(User).where(User.telegram_id == telegram_id))
