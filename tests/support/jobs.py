"""Running the app's background jobs inside a test: in-process without Redis, and through the
real Redis broker (a taskiq receiver in the test's event loop) when the run has Redis."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from recyclic.core.database import Database
from recyclic.jobs.broker import queue_name
from recyclic.jobs.runtime import JobRuntime
from recyclic.models.outbox import JobStatus, OutboxJob
from recyclic.repositories.outbox_repository import JobRef


@dataclass
class SpyDispatcher:
    """Stands in for the job runtime: records what the outbox hands over after commits."""

    kicked: list[JobRef] = field(default_factory=list)

    def dispatch(self, job: JobRef) -> None:
        self.kicked.append(job)


async def jobs_by_status(database: Database) -> dict[JobStatus, int]:
    """How many outbox jobs are in each status."""
    async with database.unit_of_work(write=False) as session:
        rows = await session.execute(
            select(OutboxJob.status, func.count()).group_by(OutboxJob.status)
        )
        return {JobStatus(status): int(count) for status, count in rows.all()}


async def outstanding(database: Database) -> int:
    """Jobs that are due and not finished (pending and due, or running)."""
    async with database.unit_of_work(write=False) as session:
        due = (OutboxJob.status == JobStatus.PENDING) & (OutboxJob.run_at <= datetime.now(UTC))
        query = select(func.count()).where(due | (OutboxJob.status == JobStatus.RUNNING))
        return int(await session.scalar(query) or 0)


@dataclass
class JobHarness:
    """The app's job runtime plus, with Redis, a receiver consuming its queue."""

    runtime: JobRuntime
    database: Database

    @property
    def through_redis(self) -> bool:
        return not self.runtime.in_process

    async def drain(self, seconds: float = 20.0) -> None:
        """Wait until every due job has run (kicks sent, queue consumed, runs finished)."""
        async with asyncio.timeout(seconds):
            while True:
                await self.runtime.wait_idle()
                if await outstanding(self.database) == 0:
                    await self.runtime.wait_idle()
                    return
                await asyncio.sleep(0.02)


async def start_receiver(runtime: JobRuntime) -> tuple[asyncio.Event, asyncio.Task[Any]]:
    """A taskiq receiver on the runtime's (Redis) broker, as `recyclic worker` runs it."""
    from taskiq.receiver import Receiver

    broker = runtime.broker()
    broker.is_worker_process = True
    stop = asyncio.Event()
    receiver = Receiver(
        broker,
        executor=ThreadPoolExecutor(max_workers=1),
        run_startup=False,
        max_async_tasks=4,
        wait_tasks_timeout=10,
    )
    return stop, asyncio.create_task(receiver.listen(stop))


async def delete_queue(runtime: JobRuntime) -> None:
    """Remove the test's job queue key from Redis."""
    if runtime.in_process:
        return
    from redis.asyncio import Redis

    client = Redis.from_url(runtime.settings.redis_url)
    try:
        await client.delete(queue_name(runtime.settings))
    finally:
        await client.aclose()


@pytest.fixture
async def jobs(app: Any) -> AsyncIterator[JobHarness]:
    """The app's jobs, run through the Redis broker when the run has Redis."""
    runtime: JobRuntime = app.state.jobs
    harness = JobHarness(runtime, runtime.context.database)
    listener: asyncio.Task[Any] | None = None
    if harness.through_redis:
        stop, listener = await start_receiver(runtime)
    try:
        yield harness
    finally:
        if listener is not None:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(listener, 15)
            await delete_queue(runtime)
