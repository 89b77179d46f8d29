"""Checking (and, if ever needed, rebuilding) the hourly totals the dashboard and the reports
read (`models/rollups.py`). The database keeps them with triggers; this is the operator's
way to prove they still equal the rows — after restoring a partial dump, say."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.repositories.rollup_repository import TABLES, Drift, RollupRepository

# How many tables a check goes through (for a progress bar).
TABLE_COUNT = len(TABLES)


class HourlyTotalsService:
    def __init__(self, session: AsyncSession) -> None:
        self.rollups = RollupRepository(session)

    async def check(self, done: Callable[[str], None] | None = None) -> list[Drift]:
        """Every total that differs from the sum of its rows (none: all is well); `done` is
        told each table checked."""
        return await self.rollups.drift(done)

    async def rebuild(self) -> int:
        """Recompute every total from the rows, in the caller's transaction."""
        return await self.rollups.rebuild()
