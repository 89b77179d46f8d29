"""The job machinery of one process: broker, dispatcher, runner, relay and scheduler loops.

- The **dispatcher** (`dispatch`, registered in `Database.session_info`) is what the outbox
  calls after a commit: it kicks the job in a background task with a short timeout, so a
  request never waits on Redis, and a refused kick only clears `kicked_at` for the relay.
- The **relay** (`relay_once`, every `jobs_relay_interval_seconds`) hands over due jobs that
  were never kicked, kicked too long ago, or whose worker vanished.
- The **scheduler** (`schedule_once`, every `jobs_scheduler_interval_seconds`) enqueues the
  daily runs (jobs/scheduler.py).

`recyclic worker` runs all three with a taskiq receiver; `recyclic serve` without Redis runs
them in-process with the in-memory broker; `recyclic serve` with Redis only dispatches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from recyclic.core.config import Settings
from recyclic.jobs.broker import create_broker, taskiq_name
from recyclic.jobs.context import JobContext
from recyclic.jobs.runner import JobRunner
from recyclic.jobs.scheduler import DailyScheduler
from recyclic.repositories.outbox_repository import JobRef
from recyclic.services.messaging.outbox import DISPATCHER_KEY, JobTask, OutboxService

if TYPE_CHECKING:
    from taskiq import AsyncBroker

logger = logging.getLogger(__name__)


class JobRuntime:
    """See the module docstring; one per process."""

    def __init__(self, context: JobContext, *, broker: AsyncBroker | None = None) -> None:
        self.context = context
        self.runner = JobRunner(context)
        self.scheduler = DailyScheduler(context)
        self._broker = broker
        self._kicks: set[asyncio.Task[None]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._stop_loops = asyncio.Event()
        self._broker_started = False

    @property
    def settings(self) -> Settings:
        return self.context.settings

    def install(self) -> JobRuntime:
        """Make the outbox of this process's units of work dispatch through us."""
        self.context.database.session_info[DISPATCHER_KEY] = self
        return self

    # --- Broker ---------------------------------------------------------------------------

    def broker(self) -> AsyncBroker:
        """The broker, created (and taskiq imported) on first use: an idle server stays lean."""
        if self._broker is None:
            self._broker = create_broker(self.settings)
        if self._broker.find_task(taskiq_name(JobTask.SYNC_SITE)) is None:
            self._register_tasks(self._broker)
        return self._broker

    def _register_tasks(self, broker: AsyncBroker) -> None:
        for task in JobTask:

            async def run(job_id: str) -> None:
                await self.runner.execute(uuid.UUID(job_id))

            broker.register_task(run, task_name=taskiq_name(task))

    @property
    def in_process(self) -> bool:
        """True when kicked jobs run in this process (no Redis: the in-memory broker)."""
        return not self.settings.redis_url

    # --- Dispatching ----------------------------------------------------------------------

    def dispatch(self, job: JobRef) -> None:
        """After a commit: kick `job` in the background; never blocks, never raises."""
        try:
            task = asyncio.get_running_loop().create_task(self._kick_later([job]))
        except RuntimeError:
            return  # no event loop (a synchronous caller): the relay will hand it over
        self._kicks.add(task)
        task.add_done_callback(self._kicks.discard)

    async def _kick_later(self, jobs: list[JobRef]) -> None:
        try:
            await self.kick(jobs)
        except Exception:
            logger.exception("kicking jobs failed")

    async def kick(self, jobs: list[JobRef]) -> list[JobRef]:
        """Hand jobs to the broker; returns those it did not take (and records that, so the
        relay retries them). Stops at the first refusal: the broker is down."""
        broker = self.broker()
        timeout = self.settings.jobs_kick_timeout_seconds
        refused: list[JobRef] = []
        for index, job in enumerate(jobs):
            task = broker.find_task(taskiq_name(job.task))
            if task is None:
                logger.error("job %s names an unknown task %r", job.id, job.task)
                continue
            try:
                async with asyncio.timeout(timeout):
                    await task.kicker().with_task_id(str(job.id)).kiq(job_id=str(job.id))
            except Exception as exc:
                refused = jobs[index:]
                logger.warning(
                    "broker unreachable (%s: %s): %d job(s) left to the relay",
                    type(exc).__name__,
                    exc,
                    len(refused),
                )
                break
        if refused:
            try:
                async with self.context.database.unit_of_work() as session:
                    await OutboxService(session).not_kicked([job.id for job in refused])
            except Exception:
                # Their `kicked_at` stays; the relay re-sends them once it is old enough.
                logger.warning("could not record %d refused kick(s)", len(refused))
        return refused

    # --- Relay and scheduler --------------------------------------------------------------

    async def relay_once(self, *, limit: int = 100) -> int:
        """Hand over due jobs the broker never took, lost, or whose worker vanished."""
        now = self.context.clock()
        redeliver = timedelta(seconds=self.settings.jobs_redeliver_after_seconds)
        # A read first: the common answer is "nothing", and SQLite has a single writer.
        async with self.context.database.unit_of_work(write=False) as session:
            if not await OutboxService(session).needs_relay(now=now, redeliver_after=redeliver):
                return 0
        async with self.context.database.unit_of_work() as session:
            outbox = OutboxService(session)
            released = await outbox.release_expired(now=now)
            jobs = await outbox.take_due(now=now, redeliver_after=redeliver, limit=limit)
        if released:
            logger.warning("%d job(s) whose worker stopped are run again", released)
        if not jobs:
            return 0
        refused = await self.kick(jobs)
        return len(jobs) - len(refused)

    async def schedule_once(self) -> list[uuid.UUID]:
        """Enqueue the daily runs that are due (ids of the jobs created now)."""
        return await self.scheduler.tick()

    def start_background(self, *, relay: bool = True, scheduler: bool = True) -> None:
        """Start the periodic loops of a worker or of the embedded server."""
        self._stop_loops.clear()
        if relay:
            interval = self.settings.jobs_relay_interval_seconds
            self._loops.append(asyncio.create_task(self._every(interval, self.relay_once)))
        if scheduler:
            interval = self.settings.jobs_scheduler_interval_seconds
            self._loops.append(asyncio.create_task(self._every(interval, self.schedule_once)))

    async def _every(self, seconds: float, work: Callable[[], Awaitable[Any]]) -> None:
        """`work` now and every `seconds`, until shutdown asks the loop to stop between two
        runs (cancelling a run mid-query would leave its database connection broken)."""
        while not self._stop_loops.is_set():
            try:
                await work()
            except Exception:
                # A database outage must not kill the loop: it simply tries again.
                logger.warning("background job loop failed, retrying", exc_info=True)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await self._stop_loops.wait()

    # --- Lifecycle ------------------------------------------------------------------------

    async def startup(self) -> None:
        """Start the broker (no network: Redis is contacted on the first kick)."""
        if not self._broker_started:
            await self.broker().startup()
            self._broker_started = True

    async def wait_idle(self) -> None:
        """Wait until no kick is pending and no in-process job runs (tests, shutdown); jobs
        that enqueue jobs are waited for too. Bound it with `asyncio.timeout`."""
        while True:
            pending: list[asyncio.Future[Any]] = [*self._kicks, *self.runner.running]
            # The in-memory broker's tasks that have not reached the runner yet.
            pending.extend(getattr(self._broker, "_running_tasks", ()))
            if not pending:
                return
            await asyncio.gather(*pending, return_exceptions=True)

    async def shutdown(self, *, grace: float | None = None) -> None:
        """Stop the loops after their current run, let kicks and in-process jobs finish (all
        within `grace`; what is left is cancelled), close."""
        grace = self.settings.jobs_shutdown_grace_seconds if grace is None else grace
        deadline = asyncio.get_running_loop().time() + max(grace, 0.01)
        self._stop_loops.set()
        if self._loops:
            _, unfinished = await asyncio.wait(
                self._loops, timeout=deadline - asyncio.get_running_loop().time()
            )
            for loop in unfinished:
                loop.cancel()
            for loop in unfinished:
                with contextlib.suppress(asyncio.CancelledError):
                    await loop
        self._loops.clear()
        try:
            async with asyncio.timeout_at(deadline):
                await self.wait_idle()
        except TimeoutError:
            logger.warning("jobs still running at shutdown: given back for another run")
            await self.runner.cancel_running()
        if self._broker is not None:
            await self._broker.shutdown()
            self._broker_started = False
        await self.context.aclose()
        if self.context.database.session_info.get(DISPATCHER_KEY) is self:
            del self.context.database.session_info[DISPATCHER_KEY]
