"""The outbox: jobs written with their data, handed over after the commit, run once, retried,
and failed visibly when they keep failing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.jobs.context import JobContext
from recyclic.jobs.runner import JobRunner
from recyclic.jobs.tasks import JobRun
from recyclic.models.outbox import JobStatus, OutboxJob
from recyclic.models.site import Site
from recyclic.models.user import Role
from recyclic.repositories.outbox_repository import JobRef
from recyclic.services.messaging.outbox import (
    DISPATCHER_KEY,
    JobTask,
    PermanentJobError,
    enqueue,
    plain_payload,
    retry_delay,
)
from tests.factories import Factory
from tests.support.jobs import JobHarness, SpyDispatcher


async def _job(database: Database, job_id: uuid.UUID) -> OutboxJob:
    async with database.unit_of_work(write=False) as session:
        job = await session.get(OutboxJob, job_id)
        assert job is not None
        return job


async def _count(database: Database) -> int:
    async with database.unit_of_work(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxJob)) or 0)


@pytest.fixture
def spy(database: Database) -> SpyDispatcher:
    spy = SpyDispatcher()
    database.session_info[DISPATCHER_KEY] = spy
    return spy


async def test_a_job_is_written_in_the_callers_unit_and_kicked_only_after_its_commit(
    database: Database, factory: Factory, spy: SpyDispatcher
) -> None:
    site = await factory.site()
    async with database.unit_of_work() as session:
        job = await enqueue(session, JobTask.PURGE_AUDIO, {"site_id": site.id}, site_id=site.id)
        assert await session.get(OutboxJob, job.id) is not None  # same transaction
        assert spy.kicked == []  # nothing handed over before the commit
    assert spy.kicked == [JobRef(job.id, "purge_audio")]
    stored = await _job(database, job.id)
    assert stored.status == JobStatus.PENDING
    assert stored.payload == {"site_id": str(site.id)}
    assert stored.kicked_at is not None


async def test_a_rolled_back_unit_leaves_no_job_and_kicks_nothing(
    database: Database, factory: Factory, spy: SpyDispatcher
) -> None:
    site = await factory.site()
    before = await _count(database)
    with pytest.raises(RuntimeError):
        async with database.unit_of_work() as session:
            await enqueue(session, JobTask.PURGE_AUDIO, {"site_id": site.id})
            raise RuntimeError("the request failed after enqueueing")
    assert await _count(database) == before
    assert spy.kicked == []


async def test_a_request_that_fails_after_enqueueing_leaves_no_job(
    app: FastAPI, client_as: Any, factory: Factory, database: Database, monkeypatch: Any
) -> None:
    site = await factory.site(sync_config={"kdrive_url": "http://127.0.0.1:9/dav"})
    admin = await factory.user(site, role=Role.ADMIN)

    def broken(**_: object) -> object:
        raise RuntimeError("answer could not be built")

    # The job is enqueued by the service, then the router fails: the request's unit rolls back.
    monkeypatch.setattr("recyclic.api.v1.sync.SyncRunAccepted", broken)
    before = await _count(database)
    response = await client_as(admin).post("/api/v1/sync/run")
    assert response.status_code == 500
    assert await _count(database) == before
    await app.state.jobs.wait_idle()


async def test_the_jobs_written_by_a_request_are_those_it_answers_with(
    client_as: Any, factory: Factory, database: Database, jobs: JobHarness
) -> None:
    site = await factory.site(sync_config={"kdrive_url": "http://127.0.0.1:9/dav"})
    admin = await factory.user(site, role=Role.ADMIN)
    response = await client_as(admin).post("/api/v1/sync/run")
    assert response.status_code == 202, response.text
    body = response.json()
    job = await _job(database, uuid.UUID(body["job_id"]))
    assert job.task == "sync_site"
    assert job.site_id == site.id
    assert job.payload["site_id"] == str(site.id)
    assert job.payload["requested_by"] == str(admin.id)
    assert job.lock_key == f"sync:{site.id}"
    await jobs.drain()


def test_payloads_carry_ids_and_plain_values_not_objects() -> None:
    site_id = uuid.uuid4()
    assert plain_payload({"site_id": site_id, "n": [1, "a", None]}) == {
        "site_id": str(site_id),
        "n": [1, "a", None],
    }
    with pytest.raises(TypeError, match="not Site objects"):
        plain_payload({"site": Site(name="x", slug="x")})


async def test_a_dedupe_key_never_makes_a_second_job(
    database: Database, factory: Factory, spy: SpyDispatcher
) -> None:
    site = await factory.site()
    async with database.unit_of_work() as session:
        first = await enqueue(session, JobTask.PURGE_AUDIO, {"site_id": site.id}, dedupe_key="k-1")
    async with database.unit_of_work() as session:
        again = await enqueue(session, JobTask.PURGE_AUDIO, {"site_id": site.id}, dedupe_key="k-1")
    assert again.id == first.id
    assert len(spy.kicked) == 1


async def test_a_job_due_later_is_not_kicked_at_commit(
    database: Database, factory: Factory, spy: SpyDispatcher
) -> None:
    site = await factory.site()
    later = datetime.now(UTC) + timedelta(hours=1)
    async with database.unit_of_work() as session:
        job = await enqueue(session, JobTask.PURGE_AUDIO, {"site_id": site.id}, run_at=later)
    assert spy.kicked == []
    assert (await _job(database, job.id)).kicked_at is None


def _runner(
    database: Database, settings: Settings, handler: Any, **setting_changes: Any
) -> JobRunner:
    settings = settings.model_copy(update={"jobs_retry_base_seconds": 0, **setting_changes})
    context = JobContext(settings, database)
    return JobRunner(context, handlers={JobTask.PURGE_AUDIO: handler})


async def test_a_job_delivered_twice_runs_once(
    database: Database, settings: Settings, factory: Factory
) -> None:
    calls: list[uuid.UUID] = []

    async def handler(_: JobContext, run: JobRun) -> dict[str, Any]:
        calls.append(run.job_id)
        return {"ok": True}

    runner = _runner(database, settings, handler)
    job = await factory.job(None, run_at=datetime.now(UTC))
    assert await runner.execute(job.id) == JobStatus.DONE
    assert await runner.execute(job.id) is None  # duplicate delivery: nothing to do
    assert calls == [job.id]
    done = await _job(database, job.id)
    assert done.status == JobStatus.DONE
    assert done.result == {"ok": True}
    assert done.attempts == 1


async def test_a_failing_job_is_retried_with_backoff_then_failed_with_its_error(
    database: Database, settings: Settings, factory: Factory
) -> None:
    async def handler(_: JobContext, run: JobRun) -> None:
        raise ConnectionError(f"Telegram down (attempt {run.attempt})")

    runner = _runner(database, settings, handler, jobs_retry_base_seconds=60)
    job = await factory.job(None, run_at=datetime.now(UTC))
    waits = []
    for attempt in range(1, 4):
        async with database.unit_of_work() as session:  # make it due now
            row = await session.get(OutboxJob, job.id)
            assert row is not None
            waits.append(row.run_at)
            row.run_at = datetime.now(UTC)
        status = await runner.execute(job.id)
        stored = await _job(database, job.id)
        assert stored.attempts == attempt
        assert stored.last_error == f"ConnectionError: Telegram down (attempt {attempt})"
        if attempt < 3:
            assert status == JobStatus.PENDING
            delay = (stored.run_at - datetime.now(UTC)).total_seconds()
            # 60 s × 2^(attempt − 1), plus up to 60 s of jitter
            assert 60 * 2 ** (attempt - 1) - 5 <= delay <= 60 * 2 ** (attempt - 1) + 60
        else:
            assert status == JobStatus.FAILED  # purge jobs get 3 attempts
            assert stored.finished_at is not None


async def test_a_permanent_error_fails_the_job_at_once(
    database: Database, settings: Settings, factory: Factory
) -> None:
    async def handler(_: JobContext, __: JobRun) -> None:
        raise PermanentJobError("payload without a valid site_id")

    runner = _runner(database, settings, handler)
    job = await factory.job(None, run_at=datetime.now(UTC))
    assert await runner.execute(job.id) == JobStatus.FAILED
    stored = await _job(database, job.id)
    assert stored.attempts == 1
    assert "payload without a valid site_id" in (stored.last_error or "")


def test_backoff_doubles_and_is_capped() -> None:
    assert 10 <= retry_delay(1, base=10, cap=1000) <= 20
    assert 40 <= retry_delay(3, base=10, cap=1000) <= 50
    assert 100 <= retry_delay(10, base=10, cap=100) <= 110


async def test_jobs_sharing_a_lock_never_run_together(
    database: Database, settings: Settings, factory: Factory
) -> None:
    runner_holder: list[JobRunner] = []
    inner: list[JobStatus | None] = []

    async def handler(_: JobContext, run: JobRun) -> None:
        if run.payload.get("first"):
            # While the first runs, the second (same lock) cannot be claimed: it is put off.
            inner.append(await runner_holder[0].execute(second.id))

    runner = _runner(database, settings, handler)
    runner_holder.append(runner)
    now = datetime.now(UTC)
    first = await factory.job(None, payload={"first": True}, run_at=now, lock_key="sync:x")
    second = await factory.job(None, payload={}, run_at=now, lock_key="sync:x")
    assert await runner.execute(first.id) == JobStatus.DONE
    assert inner == [None]
    postponed = await _job(database, second.id)
    assert postponed.status == JobStatus.PENDING
    assert postponed.attempts == 0
    assert postponed.run_at > datetime.now(UTC) + timedelta(seconds=20)


async def test_failed_jobs_are_listed_for_the_sites_admins(
    database: Database, settings: Settings, factory: Factory, client_as: Any
) -> None:
    site, other = await factory.site(), await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    client: httpx.AsyncClient = client_as(admin)
    database.session_info[DISPATCHER_KEY] = SpyDispatcher()  # only our runner runs them

    async def handler(_: JobContext, __: JobRun) -> None:
        raise PermanentJobError("boom")

    runner = _runner(database, settings, handler)
    mine = await factory.job(site, run_at=datetime.now(UTC))
    theirs = await factory.job(other, run_at=datetime.now(UTC))
    await runner.execute(mine.id)
    await runner.execute(theirs.id)
    listed = await client.get("/api/v1/jobs", params={"status": "failed"})
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [str(mine.id)]
    one = await client.get(f"/api/v1/jobs/{mine.id}")
    assert one.json()["status"] == "failed"
    assert one.json()["last_error"] == "PermanentJobError: boom"
    assert (await client.get(f"/api/v1/jobs/{theirs.id}")).status_code == 404
