"""Queries on categories."""

from __future__ import annotations

from sqlalchemy import select

from recyclic.models.category import Category
from recyclic.repositories.base import BaseRepository


class CategoryRepository(BaseRepository[Category]):
    model = Category

    async def list(self, *, active_only: bool = True) -> list[Category]:
        """Categories in display order."""
        statement = select(Category).order_by(Category.display_order, Category.code)
        if active_only:
            statement = statement.where(Category.active.is_(True))
        return await self.all(statement)

    async def get_by_code(self, code: str) -> Category | None:
        """The category with this code, or None."""
        return await self.get(code)
