"""`recyclic worker` as a real process: it runs the jobs waiting in the outbox (through Redis in
the PostgreSQL + Redis run) and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.models.outbox import JobStatus, OutboxJob
from recyclic.models.worker import WorkerHeartbeat
from recyclic.services.messaging.outbox import JobTask
from tests.factories import Factory
from tests.support.databases import TestDatabase, prepare_test_database, redis_url

RECYCLIC = Path(sys.executable).with_name("recyclic")


@pytest.fixture(scope="module")
def worker_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    yield from prepare_test_database(tmp_path_factory.mktemp("worker"), suffix="_worker")


@pytest.fixture
async def committed(
    worker_database: TestDatabase, base_settings: Settings, tmp_path: Path
) -> AsyncIterator[tuple[Database, Settings]]:
    settings = base_settings.model_copy(
        update={
            "database_url": worker_database.url,
            "data_dir": tmp_path,
            "redis_url": redis_url(),
            "redis_key_prefix": f"test:{uuid.uuid4().hex}:",
        }
    )
    database = Database.from_settings(settings)
    await upgrade(database.bind)  # type: ignore[arg-type]
    yield database, settings
    await database.dispose()


def _environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECYCLIC_")}
    env.update(
        {
            "RECYCLIC_DATABASE_URL": settings.database_url,
            "RECYCLIC_DATA_DIR": str(settings.data_dir),
            "RECYCLIC_SECRET_KEY": settings.secret_key.get_secret_value(),
            "RECYCLIC_REDIS_URL": settings.redis_url,
            "RECYCLIC_REDIS_KEY_PREFIX": settings.redis_key_prefix,
            "RECYCLIC_JOBS_RELAY_INTERVAL_SECONDS": "0.2",
            "RECYCLIC_LOG_LEVEL": "INFO",
        }
    )
    return env


async def _status(database: Database, job_id: uuid.UUID) -> JobStatus:
    async with database.unit_of_work(write=False) as session:
        job = await session.get(OutboxJob, job_id, populate_existing=True)
        assert job is not None
        return job.status


async def _heartbeats(database: Database) -> list[WorkerHeartbeat]:
    async with database.unit_of_work(write=False) as session:
        return list((await session.execute(select(WorkerHeartbeat))).scalars())


async def test_the_worker_runs_waiting_jobs_and_stops_cleanly_on_sigterm(
    committed: tuple[Database, Settings],
) -> None:
    database, settings = committed
    factory = Factory(database, settings)
    site = await factory.site()
    # Enqueued by a process that had no broker: only the worker's relay can hand it over.
    job = await factory.job(site, task=JobTask.PURGE_AUDIO, run_at=datetime.now(UTC))
    process = await asyncio.create_subprocess_exec(
        str(RECYCLIC),
        "worker",
        env=_environment(settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        ready = await asyncio.wait_for(process.stdout.readline(), 30)
        assert "Recyclic worker prêt" in ready.decode(), ready
        mode = "file Redis" if settings.redis_url else "base de données"
        assert mode in ready.decode()
        async with asyncio.timeout(20):
            status = await _status(database, job.id)
            while status != JobStatus.DONE:
                await asyncio.sleep(0.1)
                status = await _status(database, job.id)
        # The worker says it is alive (`recyclic doctor` reads it).
        beating = await _heartbeats(database)
        assert len(beating) == 1
        assert beating[0].pid == process.pid
        process.send_signal(signal.SIGTERM)
        returncode = await asyncio.wait_for(process.wait(), 20)
        # A clean stop removes its heartbeat: gone, not dead.
        assert await _heartbeats(database) == []
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    out = (await process.stdout.read()).decode()
    err = (await process.stderr.read()).decode() if process.stderr else ""
    assert returncode == 0, err
    assert "Recyclic worker arrêté." in out
    assert "worker stopped" in err
    assert "Traceback" not in err
    if settings.redis_url:
        from redis.asyncio import Redis

        from recyclic.jobs.broker import queue_name

        client = Redis.from_url(settings.redis_url)
        await client.delete(queue_name(settings))
        await client.aclose()
