"""Classifications are cached: Redis when configured, an in-memory LRU otherwise."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from recyclic.core.config import Settings
from recyclic.services.ai.ai_service import AIService, Classification
from recyclic.services.ai.cache import (
    MemoryCache,
    NoCache,
    RedisCache,
    classification_cache_key,
)
from tests.fakes.gemini_server import FakeGeminiServer, answer, error
from tests.support.gemini import CATEGORIES, FRIDGE, redis_keys


async def test_identical_descriptions_call_gemini_once(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
) -> None:
    service = make_service(gemini_settings)
    # Redis when the suite runs with RECYCLIC_TEST_REDIS_URL, the in-memory LRU otherwise.
    expected_cache = RedisCache if gemini_settings.redis_url else MemoryCache
    assert isinstance(service.cache, expected_cache)
    gemini_server.script(answer(FRIDGE))

    first = await service.classify("Un frigo,  environ 45 kilos", CATEGORIES)
    second = await service.classify("un FRIGO, environ 45 kilos", CATEGORIES)

    assert first == second
    assert second.provider == "gemini"
    assert len(gemini_server.requests) == 1
    if gemini_settings.redis_url:
        # One prefixed key with the configured lifetime, shared by every process.
        (key, ttl), *others = (await redis_keys(gemini_settings)).items()
        assert others == []
        assert key.startswith(gemini_settings.redis_key_prefix + "ai:classification:")
        assert 0 < ttl <= gemini_settings.ai_cache_ttl_seconds
        other = make_service(gemini_settings)
        assert await other.classify("un frigo, environ 45 kilos", CATEGORIES) == first
        assert len(gemini_server.requests) == 1


async def test_other_active_categories_are_another_cache_entry(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
) -> None:
    service = make_service(gemini_settings)
    fewer = [c for c in CATEGORIES if c.code != "EEE-7"]
    gemini_server.script(answer(FRIDGE), answer(FRIDGE))

    await service.classify("un frigo", CATEGORIES)
    await service.classify("un frigo", fewer)

    assert len(gemini_server.requests) == 2
    enum = gemini_server.requests[1].response_schema["properties"]["category"]["enum"]  # type: ignore[index]
    assert "EEE-7" not in enum


async def test_fallback_answers_are_not_cached(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
) -> None:
    service = make_service(gemini_settings)
    gemini_server.script(error(500), error(500), error(500), answer(FRIDGE))

    assert (await service.classify("un frigo", CATEGORIES)).provider == "local"
    assert (await service.classify("un frigo", CATEGORIES)).provider == "gemini"


async def test_an_unreachable_redis_only_disables_the_cache(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
) -> None:
    settings = gemini_settings.model_copy(update={"redis_url": "redis://127.0.0.1:9/0"})
    service = make_service(settings)
    assert isinstance(service.cache, RedisCache)
    gemini_server.script(answer(FRIDGE), answer(FRIDGE))

    started = time.perf_counter()
    first = await service.classify("un frigo", CATEGORIES)
    second = await service.classify("un frigo", CATEGORIES)

    assert first.provider == second.provider == "gemini"
    assert len(gemini_server.requests) == 2  # no cache, but no failure either
    assert time.perf_counter() - started < 2.0


async def test_cache_can_be_disabled(
    gemini_settings: Settings, make_service: Callable[[Settings], AIService]
) -> None:
    service = make_service(gemini_settings.model_copy(update={"ai_cache_ttl_seconds": 0}))
    assert isinstance(service.cache, NoCache)


async def test_memory_cache_is_a_bounded_lru_with_expiry() -> None:
    cache = MemoryCache(max_entries=2, ttl_seconds=60)
    await cache.set("a", "1")
    await cache.set("b", "2")
    assert await cache.get("a") == "1"  # "a" becomes the most recent
    await cache.set("c", "3")
    assert (await cache.get("b"), await cache.get("a"), len(cache)) == (None, "1", 2)

    expired = MemoryCache(max_entries=2, ttl_seconds=0)
    await expired.set("a", "1")
    assert await expired.get("a") is None


def test_classification_survives_the_cache_format() -> None:
    result = Classification("EEE-5", 80, (("EEE-4", 15),), 2, 12_500, "gemini")
    assert Classification.from_cache(result.to_cache()) == result
    assert result.as_dict()["weight_kg"] == 12.5
    with pytest.raises(ValueError, match="unreadable"):
        Classification.from_cache('["EEE-5"]')


def test_cache_key_ignores_case_and_spacing_but_not_categories_or_model() -> None:
    key = classification_cache_key("Un frigo,  40 kilos", ["EEE-1", "MOB"], "gemini-2.5-flash")
    assert key == classification_cache_key(
        " un FRIGO, 40 kilos", ["MOB", "EEE-1"], "gemini-2.5-flash"
    )
    assert key != classification_cache_key("un frigo, 40 kilos", ["EEE-1"], "gemini-2.5-flash")
    assert key != classification_cache_key("un frigo, 40 kilos", ["EEE-1", "MOB"], "gemini-3-pro")
    assert key != classification_cache_key(
        "un frigo, 41 kilos", ["EEE-1", "MOB"], "gemini-2.5-flash"
    )
