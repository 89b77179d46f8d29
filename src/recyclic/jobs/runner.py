"""Running one job: claim it, run its handler under a renewed lease, record the outcome.

Whatever delivered the job id (the broker, the relay, `recyclic sync run --now`), the claim —
one conditional UPDATE — lets exactly one runner have it; a duplicate delivery finds it
running or done and does nothing. A failure is retried later with exponential backoff until
the task's last attempt, then the job is `failed` with its error (GET /api/v1/jobs).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta
from typing import Any

from recyclic.jobs.context import JobContext
from recyclic.jobs.tasks import HANDLERS, Handler, JobRun, is_permanent
from recyclic.models.outbox import JobStatus
from recyclic.services.messaging.outbox import ClaimedJob, OutboxService, retry_delay

logger = logging.getLogger(__name__)

# A job whose lock is held (another run of the same site's sync) is tried again after this.
BUSY_RETRY = timedelta(seconds=30)


class JobRunner:
    """Executes jobs by id in this process."""

    def __init__(self, context: JobContext, handlers: dict[str, Handler] | None = None) -> None:
        self.context = context
        self.handlers = handlers if handlers is not None else HANDLERS
        self.running: set[asyncio.Task[Any]] = set()

    async def execute(self, job_id: uuid.UUID) -> JobStatus | None:
        """Run the job if it is ours to run; its status afterwards, or None when skipped."""
        task = asyncio.current_task()
        if task is not None:
            self.running.add(task)
        try:
            return await self._execute(job_id)
        finally:
            if task is not None:
                self.running.discard(task)

    async def _execute(self, job_id: uuid.UUID) -> JobStatus | None:
        settings, clock = self.context.settings, self.context.clock
        units = self.context.database.unit_of_work
        async with units() as session:
            job = await OutboxService(session).claim(
                job_id,
                now=clock(),
                lease=timedelta(seconds=settings.jobs_lease_seconds),
                busy_delay=BUSY_RETRY,
            )
        if job is None:
            logger.debug("job %s is not ours to run (done, running or not due)", job_id)
            return None
        handler = self.handlers.get(job.task)
        if handler is None or job.attempt > job.max_attempts:
            reason = f"unknown task {job.task!r}" if handler is None else "no attempt left"
            return await self._finish(job, RuntimeError(reason), permanent=True)
        logger.info("job %s (%s) attempt %d started", job.id, job.task, job.attempt)
        heartbeat = asyncio.create_task(self._keep_lease(job))
        try:
            run = JobRun(job.id, job.attempt, job.payload, self._progress_saver(job))
            result = await handler(self.context, run)
        except asyncio.CancelledError:
            # The worker is stopping: give the job back untouched, another run will do it.
            await asyncio.shield(self._give_back(job))
            raise
        except Exception as exc:
            return await self._finish(job, exc, permanent=is_permanent(exc))
        finally:
            heartbeat.cancel()
        async with units() as session:
            await OutboxService(session).succeed(job, now=clock(), result=result)
        logger.info("job %s (%s) done", job.id, job.task)
        return JobStatus.DONE

    async def _finish(self, job: ClaimedJob, error: BaseException, *, permanent: bool) -> JobStatus:
        settings = self.context.settings
        delay = None
        if not permanent:
            delay = timedelta(
                seconds=retry_delay(
                    job.attempt,
                    base=settings.jobs_retry_base_seconds,
                    cap=settings.jobs_retry_max_seconds,
                )
            )
        message = f"{type(error).__name__}: {error}"
        async with self.context.database.unit_of_work() as session:
            status = await OutboxService(session).fail(
                job, now=self.context.clock(), error=message, retry_in=delay
            )
        if status == JobStatus.FAILED:
            logger.error(
                "job %s (%s) failed after %d attempt(s): %s",
                job.id,
                job.task,
                job.attempt,
                message,
                exc_info=error if not permanent else None,
            )
        else:
            logger.warning(
                "job %s (%s) attempt %d failed, retried later: %s",
                job.id,
                job.task,
                job.attempt,
                message,
            )
        return status

    def _progress_saver(self, job: ClaimedJob) -> Any:
        async def save(updates: dict[str, Any]) -> None:
            async with self.context.database.unit_of_work() as session:
                await OutboxService(session).save_progress(job, updates)

        return save

    async def _keep_lease(self, job: ClaimedJob) -> None:
        lease = self.context.settings.jobs_lease_seconds
        while True:
            await asyncio.sleep(lease / 3)
            try:
                async with self.context.database.unit_of_work() as session:
                    ours = await OutboxService(session).renew_lease(
                        job, until=self.context.clock() + timedelta(seconds=lease)
                    )
            except Exception:
                logger.warning("could not renew the lease of job %s", job.id, exc_info=True)
                continue
            if not ours:
                logger.warning("job %s was handed to another worker (lease lost)", job.id)
                return

    async def _give_back(self, job: ClaimedJob) -> None:
        try:
            async with self.context.database.unit_of_work() as session:
                await OutboxService(session).give_back(job, now=self.context.clock())
        except Exception:
            # The lease will expire and the relay will hand the job over again.
            logger.warning("could not give job %s back", job.id, exc_info=True)

    async def cancel_running(self) -> None:
        """Stop the jobs still running (shutdown grace exhausted); they are given back."""
        tasks = list(self.running)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
