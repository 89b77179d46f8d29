"""After each test: the hourly totals the triggers keep equal the sums of the rows."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from recyclic.repositories.rollup_repository import RollupRepository


async def assert_hourly_totals_match(connection: AsyncConnection) -> None:
    """Every writer (till, refunds, imports, demo loaders, deposit corrections…) runs in some
    test: a total that drifts from its rows fails the test that wrote them."""
    async with AsyncSession(bind=connection) as session:
        drift = await RollupRepository(session).drift()
    assert drift == [], f"hourly totals differ from their rows: {drift[:5]}"
