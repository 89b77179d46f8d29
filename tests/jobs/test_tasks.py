"""Each task, run by the runner: notifications, export generation, asynchronous
classification, recording purge — each safe to deliver twice."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.jobs.context import JobContext
from recyclic.jobs.runner import JobRunner
from recyclic.models.deposit import Deposit, DepositStatus
from recyclic.models.outbox import JobStatus, OutboxJob
from recyclic.models.user import Role
from recyclic.services.deposits.errors import InvalidDepositTransition
from recyclic.services.deposits.jobs import request_classification
from recyclic.services.messaging.outbox import DISPATCHER_KEY, JobTask, enqueue
from recyclic.services.reporting.export_jobs import ExportRequest
from tests.factories import Factory
from tests.support.jobs import SpyDispatcher
from tests.support.sync import recording


@pytest.fixture
def spy(database: Database) -> SpyDispatcher:
    spy = SpyDispatcher()
    database.session_info[DISPATCHER_KEY] = spy
    return spy


async def _job(database: Database, job_id: uuid.UUID) -> OutboxJob:
    async with database.unit_of_work(write=False) as session:
        job = await session.get(OutboxJob, job_id, populate_existing=True)
        assert job is not None
        return job


async def _enqueue(database: Database, task: JobTask, payload: dict[str, Any]) -> uuid.UUID:
    async with database.unit_of_work() as session:
        return (await enqueue(session, task, payload)).id


async def _make_due(database: Database, job_id: uuid.UUID) -> None:
    async with database.unit_of_work() as session:
        job = await session.get(OutboxJob, job_id)
        assert job is not None
        job.run_at = datetime.now(UTC)


async def test_a_notification_reaches_each_chat_once_across_retries(
    database: Database, settings: Settings, spy: SpyDispatcher
) -> None:
    sent: list[int] = []
    telegram_down_for = {222}

    async def telegram(chat_id: int, text: str, buttons: Any) -> None:
        if chat_id in telegram_down_for:
            raise TimeoutError("Telegram did not answer")
        sent.append(chat_id)

    context = JobContext(settings, database, notification_sender=telegram)
    runner = JobRunner(context)
    job_id = await _enqueue(
        database,
        JobTask.SEND_NOTIFICATION,
        {"chat_ids": [111, 222], "text": "⚠️ Synchronisation incomplète", "buttons": None},
    )
    assert await runner.execute(job_id) == JobStatus.PENDING
    job = await _job(database, job_id)
    assert job.payload["delivered"] == [111]
    assert "222: Telegram did not answer" in (job.last_error or "")

    telegram_down_for.clear()
    await _make_due(database, job_id)
    assert await runner.execute(job_id) == JobStatus.DONE
    assert sent == [111, 222]  # 111 was not sent twice


async def test_a_notification_without_a_bot_fails_visibly_at_once(
    database: Database, settings: Settings, spy: SpyDispatcher
) -> None:
    no_bot = settings.model_copy(update={"telegram_bot_token": SecretStr("")})
    runner = JobRunner(JobContext(no_bot, database))
    job_id = await _enqueue(database, JobTask.SEND_NOTIFICATION, {"chat_ids": [1], "text": "x"})
    assert await runner.execute(job_id) == JobStatus.FAILED
    assert "no Telegram bot token" in ((await _job(database, job_id)).last_error or "")


async def test_an_export_is_written_in_place_and_then_synced(
    database: Database, settings: Settings, factory: Factory, spy: SpyDispatcher
) -> None:
    site = await factory.site()
    asked: list[ExportRequest] = []

    async def engine(
        session: AsyncSession, _: Settings, request: ExportRequest, path: Path
    ) -> None:
        asked.append(request)
        await asyncio.to_thread(path.write_bytes, b"site,period_start\n")

    runner = JobRunner(JobContext(settings, database, export_writer=engine))
    request = ExportRequest(site.id, "ecologic", "monthly", "2026-10", "csv-fr")
    job_id = await _enqueue(database, JobTask.GENERATE_EXPORT, request.as_payload())

    assert await runner.execute(job_id) == JobStatus.DONE
    path = f"exports/{site.id}/2026/10/ecologic_{site.slug}_2026-10-fr.csv"
    assert (await _job(database, job_id)).result == {"path": path}
    assert (settings.data_dir / path).read_bytes() == b"site,period_start\n"
    assert asked == [request]
    assert not list((settings.data_dir / path).parent.glob(".*"))  # no temporary file left
    async with database.unit_of_work(write=False) as session:
        syncs = (
            await session.execute(select(OutboxJob).where(OutboxJob.task == "sync_site"))
        ).scalars()
        assert [job.payload["reason"] for job in syncs] == ["export"]


async def test_an_export_job_runs_the_real_exports_engine(
    database: Database, settings: Settings, factory: Factory, spy: SpyDispatcher
) -> None:
    site = await factory.site()
    runner = JobRunner(JobContext(settings, database))
    request = ExportRequest(site.id, "ecologic", "monthly", "2026-10", "csv-fr")
    job_id = await _enqueue(database, JobTask.GENERATE_EXPORT, request.as_payload())
    assert await runner.execute(job_id) == JobStatus.DONE
    path = settings.data_dir / f"exports/{site.id}/2026/10/ecologic_{site.slug}_2026-10-fr.csv"
    content = path.read_bytes().decode("utf-8-sig")
    assert content.startswith("site;period_start;period_end;category_code")
    assert ";EEE-1;" in content
    unknown = ExportRequest(site.id, "stock", "monthly", "2026-10")
    failed = await _enqueue(database, JobTask.GENERATE_EXPORT, unknown.as_payload())
    assert await runner.execute(failed) == JobStatus.FAILED
    assert "Export inconnu" in ((await _job(database, failed)).last_error or "")


async def test_a_deposit_is_classified_in_the_background_once(
    database: Database, settings: Settings, factory: Factory, spy: SpyDispatcher
) -> None:
    site = await factory.site()
    volunteer = await factory.user(site)
    draft = await factory.deposit(site, volunteer, description="un frigo, environ 40 kilos")
    async with database.unit_of_work() as session:
        job = await request_classification(session, settings, volunteer, draft.id)
    runner = JobRunner(JobContext(settings, database))
    assert await runner.execute(job.id) == JobStatus.DONE
    assert (await _job(database, job.id)).result == {"classified": True, "category": "EEE-1"}
    async with database.unit_of_work(write=False) as session:
        deposit = await session.get(Deposit, draft.id, populate_existing=True)
        assert deposit is not None
        assert deposit.status == DepositStatus.CLASSIFIED
        assert deposit.ai_provider == "local"
        assert deposit.weight_g == 40_000
        classified_at = deposit.updated_at
    # Delivered again (at least once): the deposit changed since the request, nothing happens.
    async with database.unit_of_work() as session:
        again = await enqueue(
            session,
            JobTask.CLASSIFY_DEPOSIT,
            {"deposit_id": draft.id, "version": job.payload["version"]},
        )
    assert await runner.execute(again.id) == JobStatus.DONE
    assert (await _job(database, again.id)).result == {"classified": False}
    async with database.unit_of_work(write=False) as session:
        deposit = await session.get(Deposit, draft.id, populate_existing=True)
        assert deposit is not None
        assert deposit.updated_at == classified_at


async def test_the_background_classification_uses_what_the_site_validated(
    database: Database, settings: Settings, factory: Factory, spy: SpyDispatcher
) -> None:
    site, elsewhere = await factory.site(), await factory.site()
    volunteer = await factory.user(site)
    for _ in range(2):
        await factory.deposit(
            site, volunteer, status=DepositStatus.VALIDATED, description="une panosse",
            category="TLC",
        )  # fmt: skip
    stranger = await factory.user(elsewhere)
    ours = await factory.deposit(site, volunteer, description="une panosse grise")
    theirs = await factory.deposit(elsewhere, stranger, description="une panosse grise")
    async with database.unit_of_work() as session:
        jobs = [
            await request_classification(session, settings, volunteer, ours.id),
            await request_classification(session, settings, stranger, theirs.id),
        ]
    runner = JobRunner(JobContext(settings, database))
    for job in jobs:
        assert await runner.execute(job.id) == JobStatus.DONE
    results = [(await _job(database, job.id)).result for job in jobs]
    assert results == [
        {"classified": True, "category": "TLC"},
        {"classified": True, "category": "DIV"},
    ]


async def test_the_ai_never_overwrites_a_persons_change(
    database: Database, settings: Settings, factory: Factory, spy: SpyDispatcher
) -> None:
    site = await factory.site()
    volunteer = await factory.user(site)
    draft = await factory.deposit(site, volunteer, description="un frigo")
    async with database.unit_of_work() as session:
        job = await request_classification(session, settings, volunteer, draft.id)
    async with database.unit_of_work() as session:  # a person chose before the AI answered
        deposit = await session.get(Deposit, draft.id)
        assert deposit is not None
        deposit.category = "MOB"
        deposit.status = DepositStatus.CLASSIFIED
    assert await JobRunner(JobContext(settings, database)).execute(job.id) == JobStatus.DONE
    async with database.unit_of_work(write=False) as session:
        deposit = await session.get(Deposit, draft.id, populate_existing=True)
        assert deposit is not None
        assert (deposit.category, deposit.ai_category) == ("MOB", None)


async def test_classification_is_only_requested_for_open_deposits_of_ones_site(
    database: Database, settings: Settings, factory: Factory, spy: SpyDispatcher
) -> None:
    site = await factory.site()
    volunteer = await factory.user(site)
    done = await factory.deposit(site, volunteer, status=DepositStatus.VALIDATED)
    with pytest.raises(InvalidDepositTransition):
        async with database.unit_of_work() as session:
            await request_classification(session, settings, volunteer, done.id)
    stranger = await factory.user(await factory.site(), role=Role.ADMIN)
    draft = await factory.deposit(site, volunteer)
    with pytest.raises(Exception, match="introuvable"):
        async with database.unit_of_work() as session:
            await request_classification(session, settings, stranger, draft.id)
    assert spy.kicked == []


async def test_the_purge_job_deletes_expired_recordings(
    database: Database, settings: Settings, factory: Factory, spy: SpyDispatcher
) -> None:
    site = await factory.site()
    volunteer = await factory.user(site)
    old = await factory.deposit(site, volunteer, created_at=datetime.now(UTC) - timedelta(days=40))
    fresh = await factory.deposit(site, volunteer)
    old_path = await recording(database, settings, old, b"old")
    fresh_path = await recording(database, settings, fresh, b"fresh")
    job_id = await _enqueue(database, JobTask.PURGE_AUDIO, {"site_id": site.id})
    runner = JobRunner(JobContext(settings, database))
    assert await runner.execute(job_id) == JobStatus.DONE
    assert (await _job(database, job_id)).result == {"purged": 1}
    assert not (settings.data_dir / old_path).exists()
    assert (settings.data_dir / fresh_path).exists()
