"""`recyclic worker`: a taskiq receiver on the job queue, plus the relay and the scheduler.

With Redis, any number of workers share the queue. Without Redis there is no queue to share:
the worker's relay finds due jobs in the database and runs them in-process (useful beside an
embedded server that is busy, or to run jobs while the API is stopped). SIGTERM and SIGINT
stop it cleanly: no new job is taken, running ones get `jobs_shutdown_grace_seconds` to
finish, the rest are given back for another run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from concurrent.futures import ThreadPoolExecutor

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.jobs.context import JobContext
from recyclic.jobs.runtime import JobRuntime
from recyclic.services.messaging.workers import WorkerHeartbeats, new_worker_id

logger = logging.getLogger(__name__)


async def run_worker(
    settings: Settings,
    *,
    context: JobContext | None = None,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
) -> None:
    """Run until `stop` is set (by SIGTERM/SIGINT when not given)."""
    from taskiq.receiver import Receiver

    owns_database = context is None
    context = context or JobContext(settings, Database.from_settings(settings.for_batch_work()))
    runtime = JobRuntime(context).install()
    stop = stop or _stop_on_signals()
    broker = runtime.broker()
    broker.is_worker_process = True
    await runtime.startup()
    runtime.start_background()
    worker_id = new_worker_id()
    heart = asyncio.create_task(_heartbeat(context, worker_id))
    listener: asyncio.Task[None] | None = None
    executor = ThreadPoolExecutor(max_workers=1)  # our tasks are async; taskiq wants one
    if not runtime.in_process:
        receiver = Receiver(
            broker,
            executor=executor,
            validate_params=True,
            max_async_tasks=settings.jobs_concurrency,
            run_startup=False,
            wait_tasks_timeout=settings.jobs_shutdown_grace_seconds,
        )
        listener = asyncio.create_task(receiver.listen(stop))
    mode = "in-process (database polling)" if runtime.in_process else "Redis queue"
    logger.info("worker started: %s, %d job(s) at once", mode, settings.jobs_concurrency)
    if ready is not None:
        ready.set()
    try:
        await stop.wait()
        logger.info("worker stopping")
        if listener is not None:
            # The receiver stops taking jobs and waits (up to the grace) for running ones.
            await listener
    finally:
        if listener is not None and not listener.done():
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        heart.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heart
        await runtime.shutdown()
        await _forget(context, worker_id)
        executor.shutdown(wait=False)
        if owns_database:
            await context.database.dispose()
    logger.info("worker stopped")


async def _heartbeat(context: JobContext, worker_id: str) -> None:
    """Record every `worker_heartbeat_seconds` that this worker is alive (`recyclic doctor`)."""
    settings = context.settings
    while True:
        try:
            async with context.database.unit_of_work() as session:
                await WorkerHeartbeats(session).beat(
                    worker_id, concurrency=settings.jobs_concurrency, now=context.clock()
                )
        except Exception:
            # A database outage must not stop the worker: the next beat tries again.
            logger.warning("could not record the worker's heartbeat", exc_info=True)
        await asyncio.sleep(settings.worker_heartbeat_seconds)


async def _forget(context: JobContext, worker_id: str) -> None:
    """A clean stop removes the heartbeat: the worker is gone, not dead."""
    try:
        async with context.database.unit_of_work() as session:
            await WorkerHeartbeats(session).forget(worker_id)
    except Exception:
        logger.warning("could not remove the worker's heartbeat", exc_info=True)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # Windows
            loop.add_signal_handler(signum, stop.set)
    return stop
