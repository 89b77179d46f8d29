"""Cache of AI classifications: in-memory LRU (embedded) or Redis (production).

Values are opaque strings (the service serialises). The cache is an optimisation only: every
Redis failure is logged and answered as a miss, never raised, and after a failure Redis is left
alone for a short while so an outage does not add a timeout to every classification.
"""

from __future__ import annotations

import hashlib
import logging
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from recyclic.core.config import Settings

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

KEY_NAMESPACE = "ai:classification:"
# Short socket timeouts: a cache that answers slower than that is worth less than no cache.
_REDIS_TIMEOUT_SECONDS = 0.5
_REDIS_PAUSE_SECONDS = 30.0


def normalized_text(text: str) -> str:
    """Text as the cache compares it: NFC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def classification_cache_key(
    text: str,
    category_codes: Iterable[str],
    model: str,
    examples: Sequence[tuple[str, str]] = (),
) -> str:
    """Hash of what determines an answer: the text, the active categories, the model and the
    site's validated examples put in the prompt."""
    parts = [normalized_text(text), ",".join(sorted(category_codes)), model]
    parts.extend(f"{normalized_text(example)}\x1e{code}" for example, code in examples)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class ClassificationCache(Protocol):
    """What the AI service needs from a cache."""

    async def get(self, key: str) -> str | None: ...
    async def set(self, key: str, value: str) -> None: ...
    async def aclose(self) -> None: ...


class NoCache:
    """Caching disabled."""

    async def get(self, key: str) -> str | None:
        return None

    async def set(self, key: str, value: str) -> None:
        return None

    async def aclose(self) -> None:
        return None


class MemoryCache:
    """A bounded LRU with a time to live, for one process."""

    def __init__(self, max_entries: int, ttl_seconds: float) -> None:
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        if expires_at <= time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    async def set(self, key: str, value: str) -> None:
        self._entries[key] = (time.monotonic() + self.ttl_seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def aclose(self) -> None:
        self._entries.clear()


class RedisCache:
    """Shared by every API worker and job process; entries expire after the TTL."""

    def __init__(self, url: str, *, prefix: str, ttl_seconds: int) -> None:
        self.url = url
        self.prefix = prefix + KEY_NAMESPACE
        self.ttl_seconds = ttl_seconds
        self._client: Redis | None = None
        self._paused_until = 0.0

    def _redis(self) -> Redis | None:
        if time.monotonic() < self._paused_until:
            return None
        if self._client is None:
            from redis.asyncio import Redis
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff

            self._client = Redis.from_url(
                self.url,
                socket_timeout=_REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=_REDIS_TIMEOUT_SECONDS,
                # redis-py retries connection errors by default; one try is enough for a cache.
                retry=Retry(NoBackoff(), 0),
                decode_responses=True,
            )
        return self._client

    def _failed(self, operation: str, exc: Exception) -> None:
        self._paused_until = time.monotonic() + _REDIS_PAUSE_SECONDS
        logger.warning(
            "classification cache: Redis %s failed (%s: %s); running without cache for %.0f s",
            operation,
            type(exc).__name__,
            exc,
            _REDIS_PAUSE_SECONDS,
        )

    async def get(self, key: str) -> str | None:
        client = self._redis()
        if client is None:
            return None
        try:
            value = await client.get(self.prefix + key)
        except Exception as exc:  # any Redis or network failure is a miss
            self._failed("GET", exc)
            return None
        return value if isinstance(value, str) else None

    async def set(self, key: str, value: str) -> None:
        client = self._redis()
        if client is None:
            return
        try:
            await client.set(self.prefix + key, value, ex=self.ttl_seconds)
        except Exception as exc:
            self._failed("SET", exc)

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            try:
                await client.aclose()
            except Exception as exc:  # closing a broken connection must not fail shutdown
                logger.debug("classification cache: closing Redis failed: %s", exc)


def build_classification_cache(settings: Settings) -> ClassificationCache:
    """Redis when configured, else an in-memory LRU; nothing when disabled by settings."""
    if settings.ai_cache_ttl_seconds <= 0:
        return NoCache()
    if settings.redis_url:
        return RedisCache(
            settings.redis_url,
            prefix=settings.redis_key_prefix,
            ttl_seconds=settings.ai_cache_ttl_seconds,
        )
    if settings.ai_cache_size <= 0:
        return NoCache()
    return MemoryCache(settings.ai_cache_size, settings.ai_cache_ttl_seconds)
