"""The taskiq broker: Redis (a list) when RECYCLIC_REDIS_URL is set, in-process otherwise.

Why a Redis *list* (LPUSH/BRPOP) rather than a stream: the outbox table is already the durable
record with redelivery (the relay) and exactly-one claims, so the broker is only a fast way to
wake a worker. A list is the simplest structure for that; a stream's consumer groups,
acknowledgements and XAUTOCLAIM would duplicate the relay's work and keep growing without a
MAXLEN. A message lost with a worker that popped it and died is handed over again by the
relay once the job's lease or `jobs_redeliver_after_seconds` has passed.

Only the job id travels (`recyclic.<task>(job_id=…)`); the payload stays in the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from recyclic.core.config import Settings

if TYPE_CHECKING:
    from taskiq import AsyncBroker

logger = logging.getLogger(__name__)

TASK_PREFIX = "recyclic."
_POLL_SECONDS = 2  # BRPOP timeout: a stopping worker notices within this


def taskiq_name(task: str) -> str:
    """The taskiq task name of one of our job tasks."""
    return f"{TASK_PREFIX}{task}"


def queue_name(settings: Settings) -> str:
    """The Redis key of the job queue (under the installation's key prefix)."""
    return f"{settings.redis_key_prefix}jobs"


def create_broker(settings: Settings) -> AsyncBroker:
    """The broker of this process (tasks are registered by the runtime)."""
    if settings.redis_url:
        return _redis_broker(settings)
    from taskiq import InMemoryBroker

    # Runs each kicked task as an asyncio task of this process (the embedded server).
    return InMemoryBroker(max_async_tasks=settings.jobs_concurrency, propagate_exceptions=False)


def _redis_broker(settings: Settings) -> AsyncBroker:
    from redis.exceptions import RedisError
    from taskiq_redis import ListQueueBroker

    class RedisListBroker(ListQueueBroker):
        """taskiq-redis's list broker, whose listener survives Redis outages.

        The library's loop catches only the built-in ConnectionError and retries at once;
        redis-py raises its own errors, and a dead Redis would make it spin. Here a failure
        is logged once and retried with a growing pause, and BRPOP has a timeout shorter
        than the socket timeout so an idle queue is not mistaken for a dead server.
        """

        async def listen(self) -> AsyncGenerator[bytes, None]:
            from redis.asyncio import Redis

            pause = 0.5
            down = False
            while True:
                try:
                    async with Redis(connection_pool=self.connection_pool) as redis:
                        popped: Any = await redis.brpop([self.queue_name], timeout=_POLL_SECONDS)
                except (RedisError, OSError) as exc:
                    if not down:
                        logger.warning("job queue: Redis unreachable (%s), retrying", exc)
                        down = True
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, 10.0)
                    continue
                if down:
                    logger.info("job queue: Redis reachable again")
                    down, pause = False, 0.5
                if popped is not None:
                    yield popped[1]

    timeout = settings.jobs_kick_timeout_seconds
    broker: AsyncBroker = RedisListBroker(
        settings.redis_url,
        queue_name=queue_name(settings),
        max_connection_pool_size=max(settings.jobs_concurrency + 4, 8),
        # A dead Redis must fail a kick fast, never hang a caller.
        socket_connect_timeout=timeout,
        socket_timeout=_POLL_SECONDS + timeout,
        timeout=timeout,  # wait for a free pooled connection
    )
    return broker
