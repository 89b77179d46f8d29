"""Queries on the job outbox: claiming, finishing, and what the relay must hand over again."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, exists, func, or_, select, update

from recyclic.models.outbox import JobStatus, OutboxJob
from recyclic.repositories.base import BaseRepository, KeysetPage


@dataclass(frozen=True, slots=True)
class JobRef:
    """What the broker carries: a job's id and its task name."""

    id: uuid.UUID
    task: str


class OutboxRepository(BaseRepository[OutboxJob]):
    model = OutboxJob

    async def get_by_dedupe_key(self, key: str) -> OutboxJob | None:
        """The job enqueued under this key, whatever its status."""
        return await self.one_or_none(select(OutboxJob).where(OutboxJob.dedupe_key == key))

    async def _update(self, *conditions: Any, **values: Any) -> int:
        statement = (
            update(OutboxJob)
            .where(*conditions)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        result = cast("CursorResult[Any]", await self.session.execute(statement))
        return int(result.rowcount or 0)

    async def claim(self, job_id: uuid.UUID, *, now: datetime, lease_until: datetime) -> bool:
        """Mark a due pending job (or a running one whose worker vanished) as running by us.

        One conditional UPDATE: of two workers handed the same job, only one gets a row.
        Raises IntegrityError when another job with the same lock key is running.
        """
        return (
            await self._update(
                OutboxJob.id == job_id,
                or_(
                    (OutboxJob.status == JobStatus.PENDING) & (OutboxJob.run_at <= now),
                    (OutboxJob.status == JobStatus.RUNNING) & (OutboxJob.lease_until < now),
                ),
                status=JobStatus.RUNNING,
                attempts=OutboxJob.attempts + 1,
                started_at=now,
                finished_at=None,
                lease_until=lease_until,
                kicked_at=None,
            )
            == 1
        )

    async def postpone(self, job_id: uuid.UUID, *, run_at: datetime) -> None:
        """Put a pending job off (its lock is held by another running job)."""
        await self._update(
            OutboxJob.id == job_id,
            OutboxJob.status == JobStatus.PENDING,
            run_at=run_at,
            kicked_at=None,
        )

    async def renew_lease(self, job_id: uuid.UUID, attempt: int, *, lease_until: datetime) -> bool:
        """Extend our lease on a running job; False when it is no longer ours."""
        return (
            await self._update(
                OutboxJob.id == job_id,
                OutboxJob.status == JobStatus.RUNNING,
                OutboxJob.attempts == attempt,
                lease_until=lease_until,
            )
            == 1
        )

    async def set_payload(self, job_id: uuid.UUID, attempt: int, payload: dict[str, Any]) -> bool:
        """Replace the payload of our running job (progress a later attempt must know)."""
        return (
            await self._update(
                OutboxJob.id == job_id,
                OutboxJob.status == JobStatus.RUNNING,
                OutboxJob.attempts == attempt,
                payload=payload,
            )
            == 1
        )

    async def finish(self, job_id: uuid.UUID, attempt: int, **values: Any) -> bool:
        """Record the end of our attempt, unless the job was taken from us meanwhile."""
        return (
            await self._update(
                OutboxJob.id == job_id,
                OutboxJob.status == JobStatus.RUNNING,
                OutboxJob.attempts == attempt,
                lease_until=None,
                **values,
            )
            == 1
        )

    async def release_expired(self, *, now: datetime) -> int:
        """Running jobs whose worker stopped renewing its lease: run again, or failed when
        that was their last attempt."""
        lost = "Le processus qui exécutait la tâche s'est arrêté."
        expired = (OutboxJob.status == JobStatus.RUNNING, OutboxJob.lease_until < now)
        failed = await self._update(
            *expired,
            OutboxJob.attempts >= OutboxJob.max_attempts,
            status=JobStatus.FAILED,
            lease_until=None,
            finished_at=now,
            last_error=lost,
        )
        retried = await self._update(
            *expired,
            status=JobStatus.PENDING,
            lease_until=None,
            kicked_at=None,
            last_error=lost,
        )
        return failed + retried

    async def due(self, *, now: datetime, kicked_before: datetime, limit: int) -> list[OutboxJob]:
        """Pending jobs that are due and were never handed over, or too long ago."""
        statement = (
            select(OutboxJob)
            .where(
                OutboxJob.status == JobStatus.PENDING,
                OutboxJob.run_at <= now,
                or_(OutboxJob.kicked_at.is_(None), OutboxJob.kicked_at < kicked_before),
            )
            .order_by(OutboxJob.run_at, OutboxJob.id)
            .limit(limit)
        )
        return await self.all(statement)

    async def anything_to_relay(self, *, now: datetime, kicked_before: datetime) -> bool:
        """Is any job due for a kick, or running past its lease?"""
        due = (
            (OutboxJob.status == JobStatus.PENDING)
            & (OutboxJob.run_at <= now)
            & or_(OutboxJob.kicked_at.is_(None), OutboxJob.kicked_at < kicked_before)
        )
        expired = (OutboxJob.status == JobStatus.RUNNING) & (OutboxJob.lease_until < now)
        statement = select(exists().where(or_(due, expired)))
        return bool(await self.session.scalar(statement))

    async def backlog(self, *, now: datetime) -> tuple[int, datetime | None]:
        """How many pending jobs are due now, and since when the oldest one waits."""
        row = (
            await self.session.execute(
                select(func.count(), func.min(OutboxJob.run_at)).where(
                    OutboxJob.status == JobStatus.PENDING, OutboxJob.run_at <= now
                )
            )
        ).one()
        return int(row[0]), row[1]

    async def failed_since(self, since: datetime) -> int:
        """Jobs that failed for good since `since`."""
        return int(
            await self.session.scalar(
                select(func.count()).where(
                    OutboxJob.status == JobStatus.FAILED, OutboxJob.updated_at >= since
                )
            )
            or 0
        )

    async def mark_kicked(
        self, job_id: uuid.UUID, *, previous: datetime | None, now: datetime
    ) -> bool:
        """Take the right to hand a job over: only one relay wins (compare-and-set)."""
        return (
            await self._update(
                OutboxJob.id == job_id,
                OutboxJob.status == JobStatus.PENDING,
                OutboxJob.kicked_at.is_not_distinct_from(previous),
                kicked_at=now,
            )
            == 1
        )

    async def clear_kicked(self, job_ids: list[uuid.UUID]) -> None:
        """The broker did not take these jobs: the relay will hand them over again."""
        if job_ids:
            await self._update(
                OutboxJob.id.in_(job_ids),
                OutboxJob.status == JobStatus.PENDING,
                kicked_at=None,
            )

    async def page(
        self,
        site_id: uuid.UUID | None,
        *,
        status: JobStatus | None,
        task: str | None,
        limit: int,
        cursor: str | None,
    ) -> KeysetPage[OutboxJob]:
        """Newest first; `site_id` None means every site and installation-wide jobs."""
        statement = select(OutboxJob)
        if site_id is not None:
            statement = statement.where(OutboxJob.site_id == site_id)
        if status is not None:
            statement = statement.where(OutboxJob.status == status)
        if task is not None:
            statement = statement.where(OutboxJob.task == task)
        return await self.paginate(
            statement, keys=(OutboxJob.created_at, OutboxJob.id), limit=limit, cursor=cursor
        )
