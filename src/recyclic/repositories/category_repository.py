"""Queries on categories."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, select

from recyclic.models.category import Category
from recyclic.repositories.base import BaseRepository

_CATEGORIES = cast(Table, Category.__table__)
_ACTIVE_VAT_RATES = select(_CATEGORIES.c.code, _CATEGORIES.c.vat_rate_bp).where(
    _CATEGORIES.c.active.is_(True)
)


class CategoryRepository(BaseRepository[Category]):
    model = Category

    async def list(self, *, active_only: bool = True) -> list[Category]:
        """Categories in display order."""
        statement = select(Category).order_by(Category.display_order, Category.code)
        if active_only:
            statement = statement.where(Category.active.is_(True))
        return await self.all(statement)

    async def active_vat_rates(self, codes: set[str]) -> dict[str, int]:
        """VAT rate of each of these codes that is an active category."""
        # Every active category (a few dozen rows) with one constant statement: cheaper than
        # an IN list, which SQLAlchemy expands and renders again on every call.
        rows = await self.session.execute(_ACTIVE_VAT_RATES)
        return {code: int(rate) for code, rate in rows if code in codes}

    async def get_by_code(self, code: str) -> Category | None:
        """The category with this code, or None."""
        return await self.get(code)
