"""Shared fixtures of the AI pipeline tests: the fake Gemini server and configured services.

Import the fixtures into a `conftest.py` (as `tests/services/conftest.py` does) to use them.
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from uuid import uuid4

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

import recyclic
from recyclic.core.config import Settings
from recyclic.services.ai.ai_service import AIService, CategoryInfo
from tests.fakes.gemini_server import FakeGeminiServer

CATEGORIES_CSV = Path(recyclic.__file__).parent / "data" / "categories.csv"
# The reference categories, as callers hand them to the AI service.
CATEGORIES = [
    CategoryInfo(row["code"], row["label"], row["family"], int(row["weee_category"] or 0) or None)
    for row in csv.DictReader(CATEGORIES_CSV.open(encoding="utf-8"))
]
CODES = [category.code for category in CATEGORIES]

# A structured answer as Gemini would give it for a fridge.
FRIDGE = {
    "category": "EEE-1",
    "confidence": 92,
    "alternatives": [{"category": "EEE-4", "confidence": 5}, {"category": "DIV", "confidence": 1}],
    "quantity": 1,
    "weight_kg": 45,
}


@pytest.fixture
async def gemini_server() -> AsyncIterator[FakeGeminiServer]:
    server = FakeGeminiServer()
    await server.start()
    yield server
    await server.close()
    assert server.problems == []  # every request was well formed and planned


@pytest.fixture
async def gemini_settings(
    settings: Settings, gemini_server: FakeGeminiServer
) -> AsyncIterator[Settings]:
    """Gemini configured against the fake, with short delays so failures stay quick."""
    configured = settings.model_copy(
        update={
            "gemini_api_key": SecretStr("test-key"),
            "gemini_base_url": gemini_server.base_url,
            "ai_timeout_seconds": 5.0,
            "ai_total_timeout_seconds": 15.0,
            "ai_max_retries": 2,
            "ai_retry_initial_seconds": 0.01,
            "ai_retry_max_seconds": 0.05,
            # A fresh Redis namespace per test, so runs never see each other's entries.
            "redis_key_prefix": f"recyclic-test-{uuid4().hex}:",
        }
    )
    yield configured
    if configured.redis_url:
        await drop_redis_keys(configured)


async def redis_keys(settings: Settings) -> dict[str, int]:
    """The keys under the settings' prefix, with their remaining lifetime."""
    client = Redis.from_url(settings.redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=settings.redis_key_prefix + "*")]
        return {key.decode(): await client.ttl(key) for key in keys}
    finally:
        await client.aclose()


async def drop_redis_keys(settings: Settings) -> None:
    client = Redis.from_url(settings.redis_url)
    try:
        async for key in client.scan_iter(match=settings.redis_key_prefix + "*"):
            await client.delete(key)
    finally:
        await client.aclose()


@pytest.fixture
async def make_service() -> AsyncIterator[Callable[[Settings], AIService]]:
    """Build services and close them (HTTP sessions, Redis) on the test's event loop."""
    services: list[AIService] = []

    def make(settings: Settings) -> AIService:
        services.append(AIService(settings))
        return services[-1]

    yield make
    for service in services:
        await service.aclose()
