"""After each test: the hourly totals the triggers keep equal the sums of the rows."""

from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from recyclic.models.deposit import Deposit
from recyclic.models.sale import Sale, SaleLine, SalePayment
from recyclic.repositories.rollup_repository import TABLES, RollupRepository

# Both sides of the comparison: with none of these rows, there is nothing to compare (most
# tests write no sale and no deposit, and the full comparison costs ten queries).
_ANY_ROW = select(
    or_(
        *(
            exists().select_from(m.__table__)
            for m in (Sale, SaleLine, SalePayment, Deposit, *TABLES)
        )
    )
)


async def assert_hourly_totals_match(connection: AsyncConnection) -> None:
    """Every writer (till, refunds, imports, demo loaders, deposit corrections…) runs in some
    test: a total that drifts from its rows fails the test that wrote them."""
    async with AsyncSession(bind=connection) as session:
        if not await session.scalar(_ANY_ROW):
            return
        drift = await RollupRepository(session).drift()
    assert drift == [], f"hourly totals differ from their rows: {drift[:5]}"
