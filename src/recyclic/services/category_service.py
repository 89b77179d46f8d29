"""Categories: reference data read by everyone."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.category import Category
from recyclic.repositories.category_repository import CategoryRepository


class CategoryService:
    def __init__(self, session: AsyncSession) -> None:
        self.categories = CategoryRepository(session)

    async def list_categories(self, *, include_inactive: bool = False) -> list[Category]:
        """Categories in display order; inactive ones only on request."""
        return await self.categories.list(active_only=not include_inactive)
