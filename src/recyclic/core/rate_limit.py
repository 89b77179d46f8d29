"""Fixed-window rate limiting: in memory (embedded) or in Redis (shared by all workers)."""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Protocol

from recyclic.core.exceptions import RateLimited

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        """Count one event; return the seconds to wait when `limit` is exceeded, else None."""
        ...


class MemoryRateLimiter:
    """Counters in a bounded dict: enough for one embedded process."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self._windows: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self._max_keys = max_keys

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        now = time.time()
        window = int(now // window_seconds)
        current_window, count = self._windows.pop(key, (window, 0))
        if current_window != window:
            count = 0
        count += 1
        self._windows[key] = (window, count)
        while len(self._windows) > self._max_keys:
            self._windows.popitem(last=False)
        if count > limit:
            return max(1, math.ceil((window + 1) * window_seconds - now))
        return None


class RedisRateLimiter:
    """INCR + EXPIRE per window in Redis; falls back to memory when Redis is unreachable."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._fallback = MemoryRateLimiter()

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        now = time.time()
        window = int(now // window_seconds)
        redis_key = f"{self._prefix}ratelimit:{key}:{window}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(redis_key)
                pipe.expire(redis_key, window_seconds + 1)
                count, _ = await pipe.execute()
        except Exception as exc:  # an outage must not lock everyone out
            logger.warning("rate limiter: Redis unavailable, counting in memory: %s", exc)
            return await self._fallback.hit(key, limit, window_seconds)
        if int(count) > limit:
            return max(1, math.ceil((window + 1) * window_seconds - now))
        return None


async def enforce(limiter: RateLimiter, key: str, limit: int, window_seconds: int = 60) -> None:
    """Raise RateLimited (429 with Retry-After) when `key` went over `limit`."""
    retry_after = await limiter.hit(key, limit, window_seconds)
    if retry_after is not None:
        raise RateLimited(retry_after)
