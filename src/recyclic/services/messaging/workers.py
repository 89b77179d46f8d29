"""Job workers' heartbeats: who is running the queue, as `recyclic doctor` sees it."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.repositories.worker_repository import WorkerRepository

# Rows of workers silent this long are deleted (a crashed worker never removes its own).
_FORGET_AFTER = timedelta(days=7)


def new_worker_id() -> str:
    """host:pid:random — unique for each start of a worker process."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True, slots=True)
class WorkerState:
    id: str
    hostname: str
    pid: int
    concurrency: int
    started_at: datetime
    seen_at: datetime
    alive: bool


class WorkerHeartbeats:
    """Service over the heartbeat table (never commits: the caller's unit of work does)."""

    def __init__(self, session: AsyncSession) -> None:
        self.workers = WorkerRepository(session)

    async def beat(self, worker_id: str, *, concurrency: int, now: datetime) -> None:
        await self.workers.beat(
            worker_id,
            hostname=worker_id.split(":", 1)[0],
            pid=os.getpid(),
            concurrency=concurrency,
            now=now,
        )
        await self.workers.prune(seen_before=now - _FORGET_AFTER)

    async def forget(self, worker_id: str) -> None:
        await self.workers.forget(worker_id)

    async def states(self, *, now: datetime, stale_after: timedelta) -> list[WorkerState]:
        """Every known worker, alive when seen within `stale_after`."""
        return [
            WorkerState(
                id=row.id,
                hostname=row.hostname,
                pid=row.pid,
                concurrency=row.concurrency,
                started_at=row.started_at,
                seen_at=row.seen_at,
                alive=now - row.seen_at <= stale_after,
            )
            for row in await self.workers.every()
        ]
