"""The AI pipeline end to end: the real LangChain/Gemini client against a local fake server."""

from __future__ import annotations

import asyncio
import importlib
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from recyclic.core.config import Settings
from recyclic.core.exceptions import RecyclicError
from recyclic.services.ai.ai_service import (
    AIService,
    Classification,
    DescriptionEmpty,
    NoActiveCategory,
    TranscriptionEmpty,
    TranscriptionNotConfigured,
    TranscriptionUnavailable,
)
from recyclic.utils.audio import probe_audio
from tests.fakes.gemini_server import FakeGeminiServer, answer, error, hang, text
from tests.support.audio_files import m4a_bytes, mp3_bytes, ogg_opus_bytes, wav_bytes
from tests.support.gemini import CATEGORIES, CODES, FRIDGE

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
    assert classification.generation_config["temperature"] == 0
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


@pytest.mark.parametrize(
    ("make", "mime", "sent_mime"),
    [(mp3_bytes, "audio/mpeg", "audio/mp3"), (wav_bytes, "audio/wav", "audio/wav")],
    ids=["mp3", "wav"],
)
async def test_formats_gemini_lists_are_sent_as_they_are(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
    make: Callable[[], bytes],
    mime: str,
    sent_mime: str,
) -> None:
    recording = make()
    gemini_server.script(text("un grille-pain"))

    assert await make_service(gemini_settings).transcribe(recording, mime) == "un grille-pain"

    (sent,) = gemini_server.requests[0].inline
    assert (sent.mime_type, sent.data) == (sent_mime, recording)


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


async def _warmed_up(service: AIService, server: FakeGeminiServer) -> AIService:
    """Pay the one-off client build (LangChain import) before timing anything."""
    server.script(answer(FRIDGE))
    assert (await service.classify("un réfrigérateur", CATEGORIES)).provider == "gemini"
    server.requests.clear()
    return service


async def test_a_hanging_gemini_falls_back_within_a_bounded_time(
    gemini_settings: Settings,
    gemini_server: FakeGeminiServer,
    make_service: Callable[[Settings], AIService],
) -> None:
    settings = gemini_settings.model_copy(update={"ai_timeout_seconds": 0.5, "ai_max_retries": 1})
    service = await _warmed_up(make_service(settings), gemini_server)
    gemini_server.script(hang(30), hang(30))

    started = time.perf_counter()
    result = await service.classify("un frigo, 40 kilos", CATEGORIES)
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
    service = await _warmed_up(make_service(settings), gemini_server)
    gemini_server.script(*(hang(30) for _ in range(6)))

    started = time.perf_counter()
    result = await service.classify("un frigo", CATEGORIES)
    elapsed = time.perf_counter() - started

    assert result.provider == "local"
    assert elapsed < 1.5, elapsed
    assert len(gemini_server.requests) <= 3


async def test_an_unreachable_gemini_falls_back_quickly(
    gemini_settings: Settings, make_service: Callable[[Settings], AIService]
) -> None:
    settings = gemini_settings.model_copy(update={"gemini_base_url": "http://127.0.0.1:9"})
    await asyncio.to_thread(importlib.import_module, "langchain_google_genai")  # not timed

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


# ------------------------------------------------------------------------- footprint (P7)

_IMPORT_PROBE = """
import asyncio, sys
from pydantic import SecretStr
import recyclic.main
from recyclic.core.config import Settings
from recyclic.services.ai.ai_service import AIService, CategoryInfo

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
