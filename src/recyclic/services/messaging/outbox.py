"""The job outbox: enqueue work in the caller's transaction, hand it over after the commit.

`enqueue(session, task, payload)` writes a job row in the same unit of work as the data it
concerns, so a job exists exactly when that data does. After the commit the job is handed to
the broker (through the dispatcher the process registered in `Database.session_info`); when
the broker is unreachable, or the process dies in between, the relay hands it over later.
Delivery is at least once: every task checks state or uses dedupe keys, never assumes it runs
once. Payloads carry ids and plain values, never objects.
"""

from __future__ import annotations

import enum
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.database import on_commit
from recyclic.core.exceptions import NotFound
from recyclic.models.base import utcnow
from recyclic.models.outbox import JobStatus, OutboxJob
from recyclic.models.user import Role, User
from recyclic.repositories.base import KeysetPage
from recyclic.repositories.outbox_repository import JobRef, OutboxRepository
from recyclic.services.access.scope import is_super_admin, require_role

# Key of `AsyncSession.info` (filled from `Database.session_info`) holding the dispatcher.
DISPATCHER_KEY = "recyclic_job_dispatcher"
# Longest error text kept on a job (a traceback's last line is what admins need).
_MAX_ERROR_LENGTH = 2000


class JobTask(enum.StrEnum):
    """Every background task; `recyclic.jobs.tasks` maps each to its handler."""

    SYNC_SITE = "sync_site"
    GENERATE_EXPORT = "generate_export"
    CLASSIFY_DEPOSIT = "classify_deposit"
    SEND_NOTIFICATION = "send_notification"
    PURGE_AUDIO = "purge_audio"


# Runs of a job before it is failed. Sync and purge runs are redone by the next daily run;
# a notification is worth insisting on while Telegram is down.
MAX_ATTEMPTS: dict[str, int] = {
    JobTask.SYNC_SITE: 3,
    JobTask.GENERATE_EXPORT: 5,
    JobTask.CLASSIFY_DEPOSIT: 5,
    JobTask.SEND_NOTIFICATION: 8,
    JobTask.PURGE_AUDIO: 3,
}
DEFAULT_MAX_ATTEMPTS = 5


class JobDispatcher(Protocol):
    """Hands committed jobs to the broker without making the caller wait (jobs/runtime.py)."""

    def dispatch(self, job: JobRef) -> None:
        """Queue `job` for a kick; never raises, never blocks."""


class JobNotFound(NotFound):
    code = "job_not_found"
    message = "Tâche introuvable."


class PermanentJobError(Exception):
    """A job that cannot succeed by trying again (bad payload, missing feature): failed now."""


def plain_payload(value: Any) -> Any:
    """`value` as JSON-ready plain data (UUIDs and dates as strings); objects are refused."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain_payload(item) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("job payload keys must be strings")
        return {key: plain_payload(item) for key, item in value.items()}
    raise TypeError(f"jobs carry ids and plain values, not {type(value).__name__} objects")


async def enqueue(
    session: AsyncSession,
    task: JobTask | str,
    payload: dict[str, Any],
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
    *,
    site_id: uuid.UUID | None = None,
    lock_key: str | None = None,
    max_attempts: int | None = None,
) -> OutboxJob:
    """Write a job in this unit of work; it is handed to the broker once the unit commits.

    `dedupe_key`: a job already enqueued under this key (whatever its status) is returned
    instead of a new one — how concurrent schedulers avoid running a daily sync twice.
    `lock_key`: jobs sharing it never run at the same time (one site's syncs).
    """
    name = JobTask(task).value
    repository = OutboxRepository(session)
    if dedupe_key is not None:
        existing = await repository.get_by_dedupe_key(dedupe_key)
        if existing is not None:
            return existing
    now = utcnow()
    due = run_at is None or run_at <= now
    dispatcher: JobDispatcher | None = session.info.get(DISPATCHER_KEY)
    job = OutboxJob(
        task=name,
        payload=plain_payload(payload),
        status=JobStatus.PENDING,
        site_id=site_id,
        dedupe_key=dedupe_key,
        lock_key=lock_key,
        attempts=0,
        max_attempts=max_attempts or MAX_ATTEMPTS.get(name, DEFAULT_MAX_ATTEMPTS),
        run_at=run_at or now,
        # Handed over right after the commit; if that kick is lost with the process, the
        # relay sees an old `kicked_at` and hands it over again.
        kicked_at=now if due and dispatcher is not None else None,
    )
    try:
        async with session.begin_nested():
            session.add(job)
            await session.flush()
    except IntegrityError:
        # Another transaction enqueued the same dedupe key first.
        if dedupe_key is None:
            raise
        existing = await repository.get_by_dedupe_key(dedupe_key)
        if existing is None:
            raise
        return existing
    if job.kicked_at is not None and dispatcher is not None:
        ref = JobRef(job.id, name)

        async def kick() -> None:
            dispatcher.dispatch(ref)

        on_commit(session, kick)
    return job


def retry_delay(attempt: int, *, base: float, cap: float) -> float:
    """Seconds before run `attempt + 1`: base × 2^(attempt − 1), capped, plus jitter."""
    exponential = min(base * 2.0 ** max(attempt - 1, 0), cap)
    # Jitter spreads apart jobs that failed together (a whole batch during an outage).
    jitter: float = random.uniform(0, min(base, cap))  # noqa: S311 - not cryptographic
    return exponential + jitter


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job this worker now runs: its id, task, payload and attempt number."""

    id: uuid.UUID
    task: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    site_id: uuid.UUID | None


class OutboxService:
    """The job lifecycle as the runner and the relay drive it (each call in its own unit)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.jobs = OutboxRepository(session)

    async def claim(
        self, job_id: uuid.UUID, *, now: datetime, lease: timedelta, busy_delay: timedelta
    ) -> ClaimedJob | None:
        """The job, now running for us; None when it is not ours to run (done, running
        elsewhere, not due, or postponed because its lock is held)."""
        try:
            async with self.session.begin_nested():
                claimed = await self.jobs.claim(job_id, now=now, lease_until=now + lease)
        except IntegrityError:
            await self.jobs.postpone(job_id, run_at=now + busy_delay)
            return None
        if not claimed:
            return None
        job = await self.jobs.get(job_id)
        assert job is not None
        await self.session.refresh(job)
        return ClaimedJob(
            job.id, job.task, dict(job.payload), job.attempts, job.max_attempts, job.site_id
        )

    async def renew_lease(self, job: ClaimedJob, *, until: datetime) -> bool:
        """Keep a long job ours; False when the relay already gave it away."""
        return await self.jobs.renew_lease(job.id, job.attempt, lease_until=until)

    async def save_progress(self, job: ClaimedJob, updates: dict[str, Any]) -> None:
        """Merge `updates` into the payload, for the next attempt (e.g. chats already served)."""
        job.payload.update(plain_payload(updates))
        await self.jobs.set_payload(job.id, job.attempt, dict(job.payload))

    async def succeed(
        self, job: ClaimedJob, *, now: datetime, result: dict[str, Any] | None
    ) -> None:
        """The job is done."""
        await self.jobs.finish(
            job.id,
            job.attempt,
            status=JobStatus.DONE,
            finished_at=now,
            last_error=None,
            result=plain_payload(result) if result is not None else None,
        )

    async def fail(
        self,
        job: ClaimedJob,
        *,
        now: datetime,
        error: str,
        retry_in: timedelta | None,
    ) -> JobStatus:
        """Record a failed run: pending again after `retry_in`, or failed for good when
        `retry_in` is None or this was the last attempt."""
        error = error[:_MAX_ERROR_LENGTH]
        if retry_in is None or job.attempt >= job.max_attempts:
            await self.jobs.finish(
                job.id, job.attempt, status=JobStatus.FAILED, finished_at=now, last_error=error
            )
            return JobStatus.FAILED
        await self.jobs.finish(
            job.id,
            job.attempt,
            status=JobStatus.PENDING,
            run_at=now + retry_in,
            kicked_at=None,
            last_error=error,
        )
        return JobStatus.PENDING

    async def give_back(self, job: ClaimedJob, *, now: datetime) -> None:
        """The worker stops mid-run (shutdown): the attempt does not count, run it again."""
        await self.jobs.finish(
            job.id,
            job.attempt,
            status=JobStatus.PENDING,
            attempts=job.attempt - 1,
            run_at=now,
            kicked_at=None,
        )

    async def release_expired(self, *, now: datetime) -> int:
        """Jobs whose worker vanished go back to pending (or failed after their last try)."""
        return await self.jobs.release_expired(now=now)

    async def needs_relay(self, *, now: datetime, redeliver_after: timedelta) -> bool:
        """True when some job is due for a (re-)kick or was left running by a vanished worker."""
        return await self.jobs.anything_to_relay(now=now, kicked_before=now - redeliver_after)

    async def take_due(
        self, *, now: datetime, redeliver_after: timedelta, limit: int = 100
    ) -> list[JobRef]:
        """Due jobs the broker never took (or lost), each now marked as handed over by us."""
        taken = []
        for job in await self.jobs.due(now=now, kicked_before=now - redeliver_after, limit=limit):
            if await self.jobs.mark_kicked(job.id, previous=job.kicked_at, now=now):
                taken.append(JobRef(job.id, job.task))
        return taken

    async def not_kicked(self, job_ids: list[uuid.UUID]) -> None:
        """The broker refused these jobs: hand them over again at the relay's next turn."""
        await self.jobs.clear_kicked(job_ids)

    async def get(self, job_id: uuid.UUID) -> OutboxJob:
        """A job by id (no access check: jobs and the CLI)."""
        job = await self.jobs.get(job_id)
        if job is None:
            raise JobNotFound()
        return job

    async def get_for(self, actor: User, job_id: uuid.UUID) -> OutboxJob:
        """A job of the actor's site (installation-wide jobs: super admins only); else 404."""
        require_role(actor, Role.ADMIN)
        job = await self.jobs.get(job_id)
        if job is None or not (is_super_admin(actor) or job.site_id == actor.site_id):
            raise JobNotFound()
        return job

    async def page(
        self,
        actor: User,
        site_id: uuid.UUID | None,
        *,
        status: JobStatus | None,
        task: str | None,
        limit: int,
        cursor: str | None,
    ) -> KeysetPage[OutboxJob]:
        """Jobs of a site for its admins (a super admin sees every site), newest first."""
        require_role(actor, Role.ADMIN)
        return await self.jobs.page(site_id, status=status, task=task, limit=limit, cursor=cursor)
