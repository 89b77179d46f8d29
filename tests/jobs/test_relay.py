"""The relay hands over again what the broker never took: broker down at commit time, a
process killed between commit and kick, a worker that died mid-run."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from taskiq import InMemoryBroker
from taskiq.message import BrokerMessage

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.jobs.context import JobContext
from recyclic.jobs.runtime import JobRuntime
from recyclic.models.outbox import JobStatus, OutboxJob
from recyclic.services.messaging.outbox import DISPATCHER_KEY, JobTask, OutboxService, enqueue
from tests.factories import Factory
from tests.support.jobs import SpyDispatcher


class FlakyBroker(InMemoryBroker):
    """An in-process broker that can be made unreachable."""

    def __init__(self) -> None:
        super().__init__(propagate_exceptions=False)
        self.down = False
        self.kicks = 0

    async def kick(self, message: BrokerMessage) -> None:
        if self.down:
            raise ConnectionError("Connection refused (broker down)")
        self.kicks += 1
        await super().kick(message)


class Clock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def runtime(
    database: Database, settings: Settings, clock: Clock
) -> AsyncIterator[tuple[JobRuntime, FlakyBroker]]:
    broker = FlakyBroker()
    runtime = JobRuntime(JobContext(settings, database, clock=clock), broker=broker).install()
    yield runtime, broker
    await runtime.shutdown(grace=5)


async def _status(database: Database, job_id: uuid.UUID) -> OutboxJob:
    async with database.unit_of_work(write=False) as session:
        job = await session.get(OutboxJob, job_id)
        assert job is not None
        await session.refresh(job)
        return job


async def _purge_job(database: Database, factory: Factory) -> uuid.UUID:
    site = await factory.site()
    async with database.unit_of_work() as session:
        job = await enqueue(session, JobTask.PURGE_AUDIO, {"site_id": site.id}, site_id=site.id)
    return job.id


async def test_the_relay_hands_over_jobs_the_broker_refused_once_it_is_back(
    runtime: tuple[JobRuntime, FlakyBroker], database: Database, factory: Factory
) -> None:
    jobs, broker = runtime
    broker.down = True
    job_id = await _purge_job(database, factory)  # committed; the kick after it fails
    await jobs.wait_idle()
    job = await _status(database, job_id)
    assert job.status == JobStatus.PENDING
    assert job.kicked_at is None  # left to the relay
    assert await jobs.relay_once() == 0  # still down: nothing handed over, nothing lost
    assert (await _status(database, job_id)).kicked_at is None

    broker.down = False
    assert await jobs.relay_once() == 1
    await jobs.wait_idle()
    done = await _status(database, job_id)
    assert done.status == JobStatus.DONE
    assert done.attempts == 1
    assert broker.kicks == 1


async def test_a_kick_lost_with_its_process_is_handed_over_after_the_redelivery_delay(
    runtime: tuple[JobRuntime, FlakyBroker],
    database: Database,
    factory: Factory,
    settings: Settings,
    clock: Clock,
) -> None:
    jobs, _ = runtime
    database.session_info[DISPATCHER_KEY] = SpyDispatcher()  # commits, then "dies": no kick
    job_id = await _purge_job(database, factory)
    assert (await _status(database, job_id)).kicked_at is not None
    assert await jobs.relay_once() == 0  # handed over a moment ago, maybe still queued
    clock.offset = timedelta(seconds=settings.jobs_redeliver_after_seconds + 1)
    assert await jobs.relay_once() == 1
    await jobs.wait_idle()
    assert (await _status(database, job_id)).status == JobStatus.DONE


async def test_a_job_whose_worker_died_mid_run_runs_again(
    runtime: tuple[JobRuntime, FlakyBroker],
    database: Database,
    factory: Factory,
    settings: Settings,
    clock: Clock,
) -> None:
    jobs, _ = runtime
    database.session_info[DISPATCHER_KEY] = SpyDispatcher()
    job_id = await _purge_job(database, factory)
    async with database.unit_of_work() as session:  # a worker claims it, then is killed
        claimed = await OutboxService(session).claim(
            job_id, now=clock(), lease=timedelta(seconds=60), busy_delay=timedelta(seconds=1)
        )
    assert claimed is not None
    assert await jobs.relay_once() == 0  # its lease still runs
    clock.offset = timedelta(seconds=61)
    assert await jobs.relay_once() == 1
    await jobs.wait_idle()
    job = await _status(database, job_id)
    assert job.status == JobStatus.DONE
    assert job.attempts == 2


async def test_a_dead_workers_job_without_attempts_left_is_failed(
    runtime: tuple[JobRuntime, FlakyBroker], database: Database, factory: Factory, clock: Clock
) -> None:
    jobs, _ = runtime
    database.session_info[DISPATCHER_KEY] = SpyDispatcher()
    site = await factory.site()
    async with database.unit_of_work() as session:
        job = await enqueue(session, JobTask.PURGE_AUDIO, {"site_id": site.id}, max_attempts=1)
    async with database.unit_of_work() as session:
        await OutboxService(session).claim(
            job.id, now=clock(), lease=timedelta(seconds=1), busy_delay=timedelta(seconds=1)
        )
    clock.offset = timedelta(seconds=5)
    await jobs.relay_once()
    failed = await _status(database, job.id)
    assert failed.status == JobStatus.FAILED
    assert "s'est arrêté" in (failed.last_error or "")


async def test_the_relay_is_a_read_when_there_is_nothing_to_do(
    runtime: tuple[JobRuntime, FlakyBroker], monkeypatch: Any
) -> None:
    jobs, broker = runtime
    taken: list[object] = []
    monkeypatch.setattr(OutboxService, "take_due", lambda *a, **k: taken.append(1))
    assert await jobs.relay_once() == 0
    assert taken == []
    assert broker.kicks == 0


async def test_shutdown_lets_a_loop_finish_its_run_instead_of_cutting_it(
    runtime: tuple[JobRuntime, FlakyBroker], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relay run cut mid-query would leave its database connection broken: shutdown stops
    the loops between two runs, and cancels only what outlives the grace."""
    jobs, _ = runtime
    runs: list[str] = []

    async def slow_relay() -> int:
        runs.append("started")
        await asyncio.sleep(0.3)  # a query under way
        runs.append("finished")
        return 0

    monkeypatch.setattr(jobs, "relay_once", slow_relay)
    jobs.start_background(relay=True, scheduler=False)
    await asyncio.sleep(0.05)
    assert runs == ["started"]
    await jobs.shutdown(grace=5)
    assert runs == ["started", "finished"]  # finished, and not started again

    runs.clear()
    jobs.start_background(relay=True, scheduler=False)
    await asyncio.sleep(0.05)
    await jobs.shutdown(grace=0.1)  # the grace is shorter than the run: cut
    assert runs == ["started"]
