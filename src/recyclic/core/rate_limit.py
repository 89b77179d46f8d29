"""Sliding-window rate limiting: in memory (embedded) or in Redis (shared by all workers).

A sliding window counts the events of the last `window` seconds exactly: unlike fixed
windows, a burst straddling a minute boundary cannot pass twice the limit.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections import OrderedDict, deque
from typing import TYPE_CHECKING, Protocol

from recyclic.core.exceptions import RateLimited

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        """Count one event; return the seconds to wait when `limit` is exceeded, else None."""
        ...

    async def peek(self, key: str, limit: int, window_seconds: int) -> int | None:
        """Like `hit` without counting: the seconds to wait if `key` is at its limit."""
        ...

    async def clear(self, key: str) -> None:
        """Forget the events of `key` (and of every key beginning with `key` when it ends
        with ':')."""
        ...


class MemoryRateLimiter:
    """Event times per key in a bounded dict: enough for one embedded process."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._max_keys = max_keys

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        return self._count(key, limit, window_seconds, record=True)

    async def peek(self, key: str, limit: int, window_seconds: int) -> int | None:
        return self._count(key, limit, window_seconds, record=False)

    async def clear(self, key: str) -> None:
        if key.endswith(":"):
            for name in [k for k in self._events if k.startswith(key)]:
                del self._events[name]
        else:
            self._events.pop(key, None)

    def _count(self, key: str, limit: int, window_seconds: int, *, record: bool) -> int | None:
        now = time.monotonic()
        events = self._events.pop(key, None) or deque()
        while events and events[0] <= now - window_seconds:
            events.popleft()
        self._events[key] = events
        while len(self._events) > self._max_keys:
            self._events.popitem(last=False)
        if len(events) >= limit:
            # Refused attempts are not counted: waiting Retry-After is enough.
            return max(1, math.ceil(events[0] + window_seconds - now))
        if record:
            events.append(now)
        return None


# Atomic in Redis: trim the window, count, and record the event only when allowed.
_SLIDING_WINDOW = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return tostring(oldest[2])
end
if ARGV[4] ~= '' then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('EXPIRE', key, math.ceil(window) + 1)
end
return false
"""


class RedisRateLimiter:
    """A sorted set of event times per key in Redis; memory fallback when it is unreachable."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._script = redis.register_script(_SLIDING_WINDOW)
        self._prefix = prefix
        self._fallback = MemoryRateLimiter()

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        return await self._count(key, limit, window_seconds, record=True)

    async def peek(self, key: str, limit: int, window_seconds: int) -> int | None:
        return await self._count(key, limit, window_seconds, record=False)

    async def clear(self, key: str) -> None:
        name = f"{self._prefix}ratelimit:{key}"
        try:
            if key.endswith(":"):
                names = [found async for found in self._redis.scan_iter(match=f"{name}*")]
                if names:
                    await self._redis.delete(*names)
            else:
                await self._redis.delete(name)
        except Exception as exc:
            logger.warning("rate limiter: Redis unavailable, clearing in memory: %s", exc)
        await self._fallback.clear(key)

    async def _count(
        self, key: str, limit: int, window_seconds: int, *, record: bool
    ) -> int | None:
        now = time.time()
        member = f"{now}:{uuid.uuid4().hex[:8]}" if record else ""
        try:
            oldest = await self._script(
                keys=[f"{self._prefix}ratelimit:{key}"], args=[now, window_seconds, limit, member]
            )
        except Exception as exc:  # an outage must not lock everyone out
            logger.warning("rate limiter: Redis unavailable, counting in memory: %s", exc)
            fallback = self._fallback.hit if record else self._fallback.peek
            return await fallback(key, limit, window_seconds)
        if oldest is None:
            return None
        return max(1, math.ceil(float(oldest) + window_seconds - now))


async def enforce(limiter: RateLimiter, key: str, limit: int, window_seconds: int = 60) -> None:
    """Raise RateLimited (429 with Retry-After) when `key` went over `limit`."""
    retry_after = await limiter.hit(key, limit, window_seconds)
    if retry_after is not None:
        raise RateLimited(retry_after)
