"""The daily runs: each site's sync (and recording purge) at its `sync_hour`, in its time zone.

A small loop on top of the outbox rather than taskiq's scheduler: taskiq's cron sources fire
from one scheduler process and know one time zone per schedule, while each site has its own
hour and zone, changeable at any time. Every minute, each worker (and the embedded server)
asks for every active site: is today's run — today in the site's zone — due? If so it
enqueues it with the dedupe key `daily-sync:<site>:<local date>`; the unique key makes every
other worker's attempt a no-op, so several workers never run a day twice. A worker that was
down at that hour enqueues the run as soon as it is back (the same day).

Local times are built with `zoneinfo`: on the spring-forward day a nonexistent hour (02:00 in
Paris) means 03:00 (the instant it would have been), and on the fall-back day an ambiguous
hour means its first occurrence — one run per local day either way.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.jobs.context import JobContext
from recyclic.models.outbox import OutboxJob
from recyclic.models.site import Site
from recyclic.repositories.outbox_repository import OutboxRepository
from recyclic.repositories.site_repository import SiteRepository
from recyclic.schemas.site import SiteSettings
from recyclic.services.deposits.audio import retention_days
from recyclic.services.messaging.outbox import JobTask, enqueue
from recyclic.services.sync.sync_service import enqueue_sync, sync_configured

logger = logging.getLogger(__name__)


def daily_instant(day: date, hour: int, timezone: str) -> datetime:
    """The UTC instant of `hour`:00 on the local `day` in `timezone` (see module docstring)."""
    local = datetime.combine(day, time(hour), tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)


def due_run(now: datetime, hour: int, timezone: str) -> tuple[date, datetime] | None:
    """(local date, instant) of today's run when it is due at `now`, else None."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    instant = daily_instant(today, hour, timezone)
    return (today, instant) if now >= instant else None


def daily_sync_key(site_id: uuid.UUID, day: date) -> str:
    """The dedupe key of a site's daily sync."""
    return f"daily-sync:{site_id}:{day.isoformat()}"


def daily_purge_key(site_id: uuid.UUID, day: date) -> str:
    """The dedupe key of a site's daily recording purge."""
    return f"daily-purge:{site_id}:{day.isoformat()}"


class DailyScheduler:
    """Enqueues the daily jobs that are due; safe to run in every worker at once."""

    def __init__(self, context: JobContext) -> None:
        self.context = context
        # Runs this process already made sure of: no query for them until tomorrow.
        self._done: set[str] = set()

    async def tick(self) -> list[uuid.UUID]:
        """One pass over the sites; the ids of the jobs this pass enqueued."""
        now = self.context.clock()
        planned: list[tuple[Site, JobTask, datetime, str]] = []
        # A read first: most minutes there is nothing to enqueue (SQLite has one writer).
        async with self.context.database.unit_of_work(write=False) as session:
            outbox = OutboxRepository(session)
            sites = await SiteRepository(session).list_all()
            single_site = len(sites) == 1
            for site in sites:
                due = due_run(now, SiteSettings.of(site.settings).sync_hour, site.timezone)
                if not site.is_active or due is None:
                    continue
                day, instant = due
                for key, task in self._wanted(site, day, single_site):
                    if key in self._done:
                        continue
                    if await outbox.get_by_dedupe_key(key) is not None:
                        self._done.add(key)
                    else:
                        planned.append((site, task, instant, key))
        created: list[uuid.UUID] = []
        if planned:
            async with self.context.database.unit_of_work() as session:
                for site, task, instant, key in planned:
                    created.append((await self._enqueue(session, site, task, instant, key)).id)
            # Only once committed: a failed pass is tried again at the next tick.
            self._done.update(key for *_, key in planned)
        self._forget_before(now)
        return created

    def _wanted(self, site: Site, day: date, single_site: bool) -> list[tuple[str, JobTask]]:
        settings = self.context.settings
        wanted: list[tuple[str, JobTask]] = []
        if sync_configured(site, settings, single_site=single_site):
            wanted.append((daily_sync_key(site.id, day), JobTask.SYNC_SITE))
        if retention_days(site, settings.audio_retention_days) is not None:
            wanted.append((daily_purge_key(site.id, day), JobTask.PURGE_AUDIO))
        return wanted

    @staticmethod
    async def _enqueue(
        session: AsyncSession, site: Site, task: JobTask, instant: datetime, key: str
    ) -> OutboxJob:
        if task == JobTask.SYNC_SITE:
            return await enqueue_sync(
                session, site.id, reason="daily", run_at=instant, dedupe_key=key
            )
        return await enqueue(
            session, task, {"site_id": site.id}, run_at=instant, dedupe_key=key, site_id=site.id
        )

    def _forget_before(self, now: datetime) -> None:
        # Keys end with their local date; two days back is safely past for every zone.
        if len(self._done) > 10_000:
            self._done.clear()
        cutoff = now.date().toordinal() - 2
        self._done = {
            key for key in self._done if date.fromisoformat(key[-10:]).toordinal() >= cutoff
        }
