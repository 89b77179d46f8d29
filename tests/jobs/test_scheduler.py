"""The daily sync: at the site's hour in the site's time zone, once per local day, whatever
the number of workers — daylight-saving changes included."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.jobs.context import JobContext
from recyclic.jobs.scheduler import DailyScheduler, daily_instant, due_run
from recyclic.models.outbox import OutboxJob
from recyclic.models.site import Site
from recyclic.services.messaging.outbox import DISPATCHER_KEY
from tests.factories import Factory
from tests.support.jobs import SpyDispatcher

KDRIVE = {"kdrive_url": "https://123.connect.kdrive.infomaniak.com"}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "hour", "zone", "expected"),
    [
        (date(2026, 1, 15), 3, "Europe/Paris", "2026-01-15T02:00"),  # CET, UTC+1
        (date(2026, 7, 15), 3, "Europe/Paris", "2026-07-15T01:00"),  # CEST, UTC+2
        # Spring forward (29 March 2026, 02:00 → 03:00): 03:00 exists, 02:00 does not and
        # means the instant it would have been, 03:00 CEST.
        (date(2026, 3, 29), 3, "Europe/Paris", "2026-03-29T01:00"),
        (date(2026, 3, 29), 2, "Europe/Paris", "2026-03-29T01:00"),
        (date(2026, 3, 28), 3, "Europe/Paris", "2026-03-28T02:00"),
        # Fall back (25 October 2026, 03:00 → 02:00): 02:00 happens twice, the first counts.
        (date(2026, 10, 25), 2, "Europe/Paris", "2026-10-25T00:00"),
        (date(2026, 10, 25), 3, "Europe/Paris", "2026-10-25T02:00"),
        (date(2026, 11, 26), 3, "America/Guadeloupe", "2026-11-26T07:00"),
        (date(2026, 11, 26), 3, "Pacific/Noumea", "2026-11-25T16:00"),
    ],
)
def test_the_daily_run_is_at_the_sites_hour_in_its_time_zone(
    day: date, hour: int, zone: str, expected: str
) -> None:
    assert daily_instant(day, hour, zone) == utc(expected)


def test_a_run_is_due_from_its_hour_on_that_local_day() -> None:
    assert due_run(utc("2026-03-29T00:59"), 3, "Europe/Paris") is None
    assert due_run(utc("2026-03-29T01:00"), 3, "Europe/Paris") == (
        date(2026, 3, 29),
        utc("2026-03-29T01:00"),
    )
    # 23:30 UTC on the 28th is already the 29th in Paris, before 3 o'clock.
    assert due_run(utc("2026-03-28T23:30"), 3, "Europe/Paris") is None
    assert due_run(utc("2026-03-28T23:30"), 0, "Europe/Paris") == (
        date(2026, 3, 29),
        utc("2026-03-28T23:00"),
    )


class Clock:
    def __init__(self, now: str) -> None:
        self.now = utc(now)

    def __call__(self) -> datetime:
        return self.now


async def _daily_jobs(database: Database, site: Site) -> list[tuple[str, str, datetime]]:
    async with database.unit_of_work(write=False) as session:
        rows = await session.execute(
            select(OutboxJob.task, OutboxJob.dedupe_key, OutboxJob.run_at)
            .where(OutboxJob.site_id == site.id)
            .order_by(OutboxJob.run_at, OutboxJob.task)
        )
        return [(task, key or "", run_at) for task, key, run_at in rows.all()]


@pytest.fixture
def spy(database: Database) -> SpyDispatcher:
    spy = SpyDispatcher()
    database.session_info[DISPATCHER_KEY] = spy
    return spy


async def test_several_workers_enqueue_one_daily_sync_across_a_dst_change(
    database: Database, settings: Settings, factory: Factory, spy: SpyDispatcher
) -> None:
    site = await factory.site(sync_config=KDRIVE, settings={"sync_hour": 3})
    clock = Clock("2026-03-29T00:59")  # 01:59 CET, a minute before the clocks jump
    workers = [DailyScheduler(JobContext(settings, database, clock=clock)) for _ in range(3)]
    for worker in workers:
        assert await worker.tick() == []
    clock.now = utc("2026-03-29T01:00")  # 03:00 CEST, the first hour after the change
    created = [job for worker in workers for job in await worker.tick()]
    assert len(created) == 2  # one sync, one recording purge: by the first worker only
    for worker in workers:  # and again a minute later: nothing new
        assert await worker.tick() == []
    clock.now = utc("2026-03-30T00:59")  # 02:59 CEST on the 30th: not yet
    assert [job for worker in workers for job in await worker.tick()] == []
    clock.now = utc("2026-03-30T01:00")
    assert len([job for worker in workers for job in await worker.tick()]) == 2
    jobs = await _daily_jobs(database, site)
    assert jobs == [
        ("purge_audio", f"daily-purge:{site.id}:2026-03-29", utc("2026-03-29T01:00")),
        ("sync_site", f"daily-sync:{site.id}:2026-03-29", utc("2026-03-29T01:00")),
        ("purge_audio", f"daily-purge:{site.id}:2026-03-30", utc("2026-03-30T01:00")),
        ("sync_site", f"daily-sync:{site.id}:2026-03-30", utc("2026-03-30T01:00")),
    ]
    assert len(spy.kicked) == 4  # each handed over once, after its commit


async def test_each_site_runs_at_its_own_hour_and_zone(
    database: Database, settings: Settings, factory: Factory, spy: SpyDispatcher
) -> None:
    paris = await factory.site(sync_config=KDRIVE, settings={"sync_hour": 3})
    antilles = await factory.site(
        sync_config=KDRIVE, timezone="America/Guadeloupe", settings={"sync_hour": 22}
    )
    clock = Clock("2026-11-26T02:30")  # 03:30 in Paris, 22:30 on the 25th in Guadeloupe
    scheduler = DailyScheduler(JobContext(settings, database, clock=clock))
    await scheduler.tick()
    assert [j[1] for j in await _daily_jobs(database, paris) if j[0] == "sync_site"] == [
        f"daily-sync:{paris.id}:2026-11-26"
    ]
    assert [j[1] for j in await _daily_jobs(database, antilles) if j[0] == "sync_site"] == [
        f"daily-sync:{antilles.id}:2026-11-25"
    ]


async def test_a_site_without_sync_or_retention_gets_no_daily_job(
    database: Database, settings: Settings, factory: Factory, spy: SpyDispatcher
) -> None:
    settings = settings.model_copy(update={"audio_retention_days": 0})
    site = await factory.site(settings={"sync_hour": 3})
    await factory.site()  # two sites: the installation's kDrive settings serve neither
    settings = settings.model_copy(update={"kdrive_url": "https://x.example"})
    scheduler = DailyScheduler(JobContext(settings, database, clock=Clock("2026-11-26T12:00")))
    assert await scheduler.tick() == []
    assert await _daily_jobs(database, site) == []


async def test_a_single_site_uses_the_installation_settings(
    database: Database, settings: Settings, factory: Factory, spy: SpyDispatcher
) -> None:
    settings = settings.model_copy(
        update={"kdrive_url": "https://x.example", "audio_retention_days": 0}
    )
    site = await factory.site(settings={"sync_hour": 3})
    scheduler = DailyScheduler(JobContext(settings, database, clock=Clock("2026-11-26T12:00")))
    assert len(await scheduler.tick()) == 1
    assert [j[0] for j in await _daily_jobs(database, site)] == ["sync_site"]
