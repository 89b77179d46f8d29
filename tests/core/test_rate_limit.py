"""Sliding-window rate limits, in memory and in Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from recyclic.core.rate_limit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from tests.support.databases import redis_url


async def _limiters() -> list[RateLimiter]:
    limiters: list[RateLimiter] = [MemoryRateLimiter()]
    if redis_url():
        from recyclic.core.redis import create_redis

        limiters.append(RedisRateLimiter(create_redis(redis_url()), f"test:{uuid.uuid4().hex}:"))
    return limiters


async def test_the_limit_holds_across_a_window_boundary() -> None:
    for limiter in await _limiters():
        results = [await limiter.hit("k", 3, 1) for _ in range(5)]
        assert results[:3] == [None, None, None]
        assert all(r is not None and r >= 1 for r in results[3:])


async def test_events_leave_the_window_and_allow_again() -> None:
    for limiter in await _limiters():
        for _ in range(2):
            assert await limiter.hit("k2", 2, 1) is None
        assert await limiter.hit("k2", 2, 1) == 1
        await asyncio.sleep(1.05)
        assert await limiter.hit("k2", 2, 1) is None


async def test_keys_are_independent() -> None:
    for limiter in await _limiters():
        assert await limiter.hit("a", 1, 60) is None
        assert await limiter.hit("b", 1, 60) is None
        retry = await limiter.hit("a", 1, 60)
        assert retry is not None
        assert 55 <= retry <= 60


async def test_redis_outage_falls_back_to_memory() -> None:
    from redis.asyncio import Redis

    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    limiter = RedisRateLimiter(dead, "x:")
    assert await limiter.hit("k", 1, 60) is None
    assert await limiter.hit("k", 1, 60) is not None
    await dead.aclose()
    pytest.importorskip("redis")
