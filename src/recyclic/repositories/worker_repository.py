"""Queries on the job workers' heartbeats."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update

from recyclic.models.worker import WorkerHeartbeat
from recyclic.repositories.base import BaseRepository


class WorkerRepository(BaseRepository[WorkerHeartbeat]):
    model = WorkerHeartbeat

    async def beat(
        self, worker_id: str, *, hostname: str, pid: int, concurrency: int, now: datetime
    ) -> None:
        """Refresh this worker's row (created on its first beat, or again if it was pruned)."""
        statement = (
            update(WorkerHeartbeat)
            .where(WorkerHeartbeat.id == worker_id)
            .values(seen_at=now)
            .execution_options(synchronize_session=False)
        )
        result = cast("CursorResult[Any]", await self.session.execute(statement))
        if not result.rowcount:
            self.session.add(
                WorkerHeartbeat(
                    id=worker_id,
                    hostname=hostname[:255],
                    pid=pid,
                    concurrency=concurrency,
                    started_at=now,
                    seen_at=now,
                )
            )
            await self.session.flush()

    async def forget(self, worker_id: str) -> None:
        """A worker that stops cleanly removes its row."""
        await self.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.id == worker_id))

    async def prune(self, *, seen_before: datetime) -> int:
        """Delete the rows of workers silent since `seen_before` (long dead)."""
        result = cast(
            "CursorResult[Any]",
            await self.session.execute(
                delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < seen_before)
            ),
        )
        return int(result.rowcount or 0)

    async def every(self) -> list[WorkerHeartbeat]:
        """All known workers, the most recently seen first."""
        return await self.all(select(WorkerHeartbeat).order_by(WorkerHeartbeat.seen_at.desc()))
