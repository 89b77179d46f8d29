"""The shared Redis client (production mode only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis.asyncio import Redis


def create_redis(url: str) -> Redis:
    """A pooled asyncio Redis client with short timeouts: a dead Redis must not stall us."""
    from redis.asyncio import Redis

    return Redis.from_url(
        url,
        socket_connect_timeout=1.0,
        socket_timeout=1.0,
        health_check_interval=30,
        decode_responses=False,
    )
