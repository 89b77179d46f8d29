"""Counts read at each scrape of GET /metrics: a few GROUP BY over indexed columns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.deposit import Deposit
from recyclic.models.outbox import JobStatus, OutboxJob
from recyclic.models.sync_log import SyncLog


class MetricsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _pairs(self, statement: Select[Any, Any]) -> dict[str, int]:
        rows = await self.session.execute(statement)
        return {str(key): int(count) for key, count in rows.all()}

    async def deposits_by_status(self) -> dict[str, int]:
        return await self._pairs(select(Deposit.status, func.count()).group_by(Deposit.status))

    async def jobs_by_status(self) -> dict[str, int]:
        return await self._pairs(select(OutboxJob.status, func.count()).group_by(OutboxJob.status))

    async def failed_jobs_by_task(self) -> dict[str, int]:
        return await self._pairs(
            select(OutboxJob.task, func.count())
            .where(OutboxJob.status == JobStatus.FAILED)
            .group_by(OutboxJob.task)
        )

    async def sync_attempts_by_service(self) -> dict[tuple[str, str], int]:
        """Every recorded attempt of an upload or append (runs excluded), by service and
        outcome."""
        rows = await self.session.execute(
            select(SyncLog.service, SyncLog.status, func.count())
            .where(SyncLog.operation != "sync.run")
            .group_by(SyncLog.service, SyncLog.status)
        )
        return {(str(service), str(status)): int(count) for service, status, count in rows.all()}

    async def sync_runs_by_outcome(self) -> dict[str, int]:
        return await self._pairs(
            select(SyncLog.status, func.count())
            .where(SyncLog.operation == "sync.run")
            .group_by(SyncLog.status)
        )
