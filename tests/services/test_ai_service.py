"""The AI pipeline end to end: the real LangChain/Gemini client against a local fake server."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

import recyclic
from recyclic.core.config import Settings
from recyclic.core.exceptions import RecyclicError
from recyclic.services.ai_service import (
    AIService,
    CategoryInfo,
    Classification,
    DescriptionEmpty,
    NoActiveCategory,
    TranscriptionEmpty,
    TranscriptionNotConfigured,
    TranscriptionUnavailable,
)
from recyclic.services.classification_cache import MemoryCache, NoCache, RedisCache
from recyclic.utils.audio import probe_audio
from tests.fakes.gemini_server import FakeGeminiServer, answer, error, hang, text
from tests.support.audio_files import m4a_bytes, ogg_opus_bytes

CATEGORIES_CSV = Path(recyclic.__file__).parent / "data" / "categories.csv"
CATEGORIES = [
    CategoryInfo(row["code"], row["label"], row["family"], int(row["weee_category"] or 0) or None)
    for row in csv.DictReader(CATEGORIES_CSV.open(encoding="utf-8"))
]
CODES = [category.code for category in CATEGORIES]

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
        await _drop_redis_keys(configured)


async def _redis_keys(settings: Settings) -> dict[str, int]:
    """The keys under the settings' prefix, with their remaining lifetime."""
    client = Redis.from_url(settings.redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=settings.redis_key_prefix + "*")]
        return {key.decode(): await client.ttl(key) for key in keys}
    finally:
        await client.aclose()


async def _drop_redis_keys(settings: Settings) -> None:
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


# ---------------------------------------------------------------------------- no key: local


@pytest.mark.parametrize("key", ["", "   "])
async def test_without_a_key_the_local_classifier_answers_without_network(
    settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
    key: str,
) -> None:
    service = make_service(
        settings.model_copy(
            update={"gemini_api_key": SecretStr(key), "gemini_base_url": gemini_server.base_url}
        )
    )

    result = await service.classify("un frigo, environ 40 kilos", CATEGORIES)

    assert not service.gemini_enabled
    assert (result.provider, result.category, result.quantity, result.weight_grams) == (
        "local",
        "EEE-1",
        1,
        40_000,
    )
    assert gemini_server.requests == []


async def test_without_a_key_transcription_says_it_is_not_configured(
    settings: Settings, make_service: Callable[[Settings], AIService]
) -> None:
    with pytest.raises(TranscriptionNotConfigured) as caught:
        await make_service(settings).transcribe(ogg_opus_bytes(1.0), "audio/ogg")
    assert (caught.value.status, caught.value.code) == (503, "transcription_not_configured")
    assert "par écrit" in caught.value.message


async def test_local_classifier_only_proposes_active_categories(
    settings: Settings, make_service: Callable[[Settings], AIService]
) -> None:
    active = [c for c in CATEGORIES if c.code not in ("EEE-1", "EEE-4", "EEE-5")]
    result = await make_service(settings).classify("un frigo", active)
    allowed = {c.code for c in active}
    assert result.category in allowed
    assert all(code in allowed for code, _ in result.alternatives)


async def test_empty_description_and_no_category_are_refused(
    settings: Settings, make_service: Callable[[Settings], AIService]
) -> None:
    service = make_service(settings)
    with pytest.raises(DescriptionEmpty) as empty:
        await service.classify("   ", CATEGORIES)
    assert (empty.value.status, empty.value.code) == (422, "description_empty")
    with pytest.raises(NoActiveCategory) as none:
        await service.classify("une chaise", [])
    assert none.value.code == "no_active_category"


# ------------------------------------------------------------------------- Gemini: happy path


async def test_voice_note_is_transcribed_then_classified_by_gemini(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
) -> None:
    recording = ogg_opus_bytes(2.0)
    info = probe_audio(recording)
    spoken = "Un réfrigérateur Bosch qui marche encore, environ 45 kilos."
    gemini_server.script(text(spoken), answer(FRIDGE))

    result = await make_service(gemini_settings).transcribe_and_classify(
        recording, info.mime, CATEGORIES
    )

    assert result == Classification(
        category="EEE-1",
        confidence=92,
        alternatives=(("EEE-4", 5), ("DIV", 1)),
        quantity=1,
        weight_grams=45_000,
        provider="gemini",
        transcription=spoken,
    )
    transcription, classification = gemini_server.requests
    # The recording went inline, base64, byte for byte, with its MIME type.
    assert [(part.mime_type, part.data) for part in transcription.inline] == [
        ("audio/ogg", recording)
    ]
    assert transcription.api_key == "test-key"
    assert transcription.model == classification.model == "gemini-2.5-flash"
    assert "Transcris" in transcription.texts[0]
    # Structured output: JSON constrained to the active codes, prompt built from the table.
    assert classification.generation_config["responseMimeType"] == "application/json"
    schema = classification.response_schema
    assert schema is not None
    assert schema["properties"]["category"]["enum"] == CODES
    assert "EEE-1 : Équipements d'échange thermique (froid)" in classification.system_instruction
    assert "« une paire de skis »" in classification.system_instruction
    assert spoken in classification.texts[0]


async def test_formats_gemini_does_not_list_are_sent_as_an_ogg_opus_copy(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
) -> None:
    memo = m4a_bytes(3.0)
    gemini_server.script(text("deux chaises"))

    assert await make_service(gemini_settings).transcribe(memo, "audio/mp4") == "deux chaises"

    (sent,) = gemini_server.requests[0].inline
    assert sent.mime_type == "audio/ogg"
    copy = probe_audio(sent.data)
    assert (copy.format.name, copy.codec) == ("ogg", "opus")
    assert copy.duration_seconds == pytest.approx(3.0, abs=0.1)


# ------------------------------------------------------------------- Gemini: bad answers


@pytest.mark.parametrize(
    "reply",
    [
        text('{"category": "EEE-1", "confidence": '),  # truncated JSON
        text("C'est sûrement un frigo."),  # prose instead of JSON
        answer({**FRIDGE, "category": "FRIGO"}),  # not an active code
        answer({**FRIDGE, "confidence": 140}),
        answer({**FRIDGE, "confidence": 0.92}),  # a probability, not a percentage
        answer({**FRIDGE, "alternatives": [{"category": "DIV", "confidence": 1}] * 4}),
        answer([FRIDGE]),
    ],
    ids=["truncated", "prose", "unknown-code", "over-100", "fraction", "4-alternatives", "list"],
)
async def test_unusable_answer_falls_back_to_local_without_retrying(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
    reply: Any,
) -> None:
    gemini_server.script(reply)

    result = await make_service(gemini_settings).classify("un frigo, 40 kilos", CATEGORIES)

    assert (result.provider, result.category, result.weight_grams) == ("local", "EEE-1", 40_000)
    assert len(gemini_server.requests) == 1


# ------------------------------------------------------------- Gemini: retries and timeouts


@pytest.mark.parametrize("failures", [[429], [500, 503]], ids=["429", "500-503"])
async def test_transient_errors_are_retried_then_gemini_answers(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
    failures: list[int],
) -> None:
    gemini_server.script(*(error(status) for status in failures), answer(FRIDGE))

    result = await make_service(gemini_settings).classify("un frigo", CATEGORIES)

    assert result.provider == "gemini"
    assert len(gemini_server.requests) == len(failures) + 1


async def test_retries_are_bounded_and_not_multiplied_by_the_sdk(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
) -> None:
    gemini_server.script(error(500), error(500), error(500), answer(FRIDGE))

    result = await make_service(gemini_settings).classify("un frigo", CATEGORIES)

    assert result.provider == "local"
    # 1 + ai_max_retries attempts, one HTTP request each (the SDK alone would make 5 each).
    assert len(gemini_server.requests) == 3
    assert gemini_server.pending == 1  # the answer that would have come next was never asked


@pytest.mark.parametrize("status", [400, 401, 403])
async def test_permanent_errors_fall_back_at_once(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
    status: int,
) -> None:
    gemini_server.script(error(status))
    result = await make_service(gemini_settings).classify("un frigo", CATEGORIES)
    assert result.provider == "local"
    assert len(gemini_server.requests) == 1


async def test_a_hanging_gemini_falls_back_within_a_bounded_time(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
) -> None:
    settings = gemini_settings.model_copy(update={"ai_timeout_seconds": 0.5, "ai_max_retries": 1})
    gemini_server.script(hang(30), hang(30))

    started = time.perf_counter()
    result = await make_service(settings).classify("un frigo, 40 kilos", CATEGORIES)
    elapsed = time.perf_counter() - started

    assert result.provider == "local"
    assert len(gemini_server.requests) == 2
    # Two attempts of 0.5 s and one short backoff, then the local answer.
    assert 1.0 <= elapsed < 2.0, elapsed


async def test_the_overall_deadline_cuts_the_retries_short(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
) -> None:
    settings = gemini_settings.model_copy(
        update={"ai_timeout_seconds": 0.4, "ai_max_retries": 5, "ai_total_timeout_seconds": 1.0}
    )
    gemini_server.script(*(hang(30) for _ in range(6)))

    started = time.perf_counter()
    result = await make_service(settings).classify("un frigo", CATEGORIES)
    elapsed = time.perf_counter() - started

    assert result.provider == "local"
    assert elapsed < 1.5, elapsed
    assert len(gemini_server.requests) <= 3


async def test_an_unreachable_gemini_falls_back_quickly(
    gemini_settings: Settings, make_service: Callable[[Settings], AIService]
) -> None:
    settings = gemini_settings.model_copy(update={"gemini_base_url": "http://127.0.0.1:9"})

    started = time.perf_counter()
    result = await make_service(settings).classify("un frigo", CATEGORIES)

    assert result.provider == "local"
    assert time.perf_counter() - started < 2.0  # no hidden SDK sleep of 1-10 s


async def test_transcription_failure_is_a_clear_domain_error(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
) -> None:
    gemini_server.script(error(503), error(503), error(503))

    with pytest.raises(TranscriptionUnavailable) as caught:
        await make_service(gemini_settings).transcribe(ogg_opus_bytes(1.0), "audio/ogg")

    assert isinstance(caught.value, RecyclicError)
    assert (caught.value.status, caught.value.code) == (503, "transcription_unavailable")
    assert "par écrit" in caught.value.message
    assert len(gemini_server.requests) == 3


async def test_a_recording_without_words_is_reported(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
) -> None:
    gemini_server.script(text('  ""  '))
    with pytest.raises(TranscriptionEmpty) as caught:
        await make_service(gemini_settings).transcribe(ogg_opus_bytes(1.0), "audio/ogg")
    assert (caught.value.status, caught.value.code) == (422, "transcription_empty")


# --------------------------------------------------------------------------------- cache


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
        (key, ttl), *others = (await _redis_keys(gemini_settings)).items()
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


# ------------------------------------------------------------------------- footprint (P7)

_IMPORT_PROBE = """
import asyncio, sys
from pydantic import SecretStr
import recyclic.main
from recyclic.core.config import Settings
from recyclic.services.ai_service import AIService, CategoryInfo

settings = Settings(_env_file=None, data_dir=sys.argv[1])
local = asyncio.run(AIService(settings).classify("un frigo", [CategoryInfo("EEE-1", "Froid")]))
AIService(settings.model_copy(update={"gemini_api_key": SecretStr("key")}))
heavy = ("langchain", "langchain_core", "langchain_google_genai", "google.genai", "av")
print(local.provider, sorted({m.split(".")[0] for m in sys.modules if m.startswith(heavy)}))
"""


def test_importing_the_app_and_the_service_loads_no_heavy_library(tmp_path: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["local", "[]"]
