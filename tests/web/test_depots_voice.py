"""Dictating a deposit in a real browser: Chromium's fake microphone plays a WAV file made
by the test (`--use-file-for-fake-audio-capture`), the page records it with MediaRecorder and
uploads it. With Gemini configured (the fake server of tests/fakes, reached by the real
client of a `recyclic serve` started here) the words come back and are classified; without
it, the recording is kept and the page asks to type the description."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import select

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.models.deposit import Deposit, DepositStatus
from tests.fakes.gemini_server import FakeGeminiServer, answer, text
from tests.support.audio_files import wav_bytes
from tests.support.server import RecyclicServer
from tests.web.accessibility import assert_accessible
from tests.web.conftest import CHROMIUM_FLAGS, BrowserPage, WebShop, new_browser_page, server_env
from tests.web.depots import Desk

SPOKEN = "Deux chaises en bois, environ douze kilos."
CHAIRS = {
    "category": "MOB",
    "confidence": 88,
    "alternatives": [{"category": "DEC", "confidence": 7}, {"category": "DIV", "confidence": 3}],
    "quantity": 2,
    "weight_kg": 12,
}
WEBM_MAGIC = bytes.fromhex("1a45dfa3")


@pytest.fixture(scope="module")
def spoken_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the fake microphone plays (a tone: the fake Gemini "hears" SPOKEN)."""
    path = tmp_path_factory.mktemp("voice") / "dictee.wav"
    path.write_bytes(wav_bytes(4.0, rate=48_000))
    return path


@pytest.fixture(scope="module")
async def voice_browser(shell_path: str, spoken_wav: Path) -> AsyncIterator[Any]:
    """A chromium whose microphone is the WAV file, permission granted."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=shell_path,
            args=[
                *CHROMIUM_FLAGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-audio-capture={spoken_wav}",
            ],
        )
        yield browser
        await browser.close()


@pytest.fixture(scope="module")
async def gemini() -> AsyncIterator[FakeGeminiServer]:
    server = FakeGeminiServer()
    await server.start()
    yield server
    await server.close()
    assert server.problems == []


@pytest.fixture(scope="module")
def gemini_web_server(
    web_db: Database,
    web_settings: Settings,
    gemini: FakeGeminiServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RecyclicServer]:
    """`recyclic serve` with a Gemini key, pointed at the fake (same database as the others)."""
    env = {
        **server_env(web_settings),
        "RECYCLIC_GEMINI_API_KEY": "test-key",
        "RECYCLIC_GEMINI_BASE_URL": gemini.base_url,
        "RECYCLIC_AI_TIMEOUT_SECONDS": "10",
        "RECYCLIC_AI_MAX_RETRIES": "0",
        # A fresh namespace: the AI's cache of an earlier run would answer without Gemini.
        "RECYCLIC_REDIS_KEY_PREFIX": f"webtest-voice-{uuid4().hex}:",
    }
    server = RecyclicServer(data_dir=tmp_path_factory.mktemp("voicedata"), env=env)
    server.start()
    yield server
    server.stop()


async def _page(browser: Any, base_url: str) -> BrowserPage:
    web = await new_browser_page(browser, base_url)
    await web.context.grant_permissions(["microphone"], origin=base_url)
    return web


async def _dictate(desk: Desk, seconds: float = 1.5) -> None:
    """Tap "Dicter", speak, tap "Terminer la dictée"."""
    await desk.tap("#dep-dictate")
    await desk.page.wait_for_selector('#dep-dictate[aria-pressed="true"]')
    await asyncio.sleep(seconds)
    await desk.tap("#dep-dictate")


async def _only_deposit(shop: WebShop) -> Deposit:
    async with shop.factory.database.unit_of_work() as session:
        (deposit,) = await session.scalars(select(Deposit).where(Deposit.site_id == shop.site.id))
        return deposit


async def test_a_dictated_deposit_is_transcribed_and_classified(
    voice_browser: Any,
    gemini_web_server: RecyclicServer,
    gemini: FakeGeminiServer,
    web_shop: WebShop,
) -> None:
    web = await _page(voice_browser, gemini_web_server.url)
    try:
        desk = Desk(web)
        page = web.page
        await desk.login(web_shop.cashier.telegram_id)  # type: ignore[arg-type]
        gemini.script(text(SPOKEN), answer(CHAIRS))
        desk.restart()
        await _dictate(desk)
        await desk.wait_for_proposal()
        assert await desk.value("#dep-description") == SPOKEN
        assert await desk.chosen() == "MOB"
        assert "88 %" in await page.inner_text("#dep-proposal .choice-first")
        assert "Gemini" in await page.inner_text("#dep-proposal-source")
        alternatives = page.locator("#dep-proposal .choice:not(.choice-first)")
        assert await alternatives.all_inner_texts() == [
            "DEC\nDécoration\n7 %",
            "DIV\nDivers\n3 %",
        ]
        assert (await desk.value("#dep-weight"), await desk.value("#dep-quantity")) == ("12", "2")
        async with desk.aside():
            await web.shot("depots-dictated")
            await assert_accessible(page, "dictated deposit")
        await desk.pick("destination", "reuse")
        seconds = await desk.validate()
        print(
            f"\ninteractions for a dictated deposit: {desk.interactions} ({desk.done}); "
            f"{seconds:.2f} s including 1.5 s of speech"
        )
        assert desk.interactions <= 4

        deposit = await _only_deposit(web_shop)
        assert deposit.status == DepositStatus.VALIDATED
        assert (deposit.category, deposit.weight_g, deposit.quantity) == ("MOB", 12_000, 2)
        assert deposit.transcription == deposit.description == SPOKEN
        assert deposit.ai_provider == "gemini"
        # The browser recorded WebM/Opus: kept as recorded, sent to Gemini as an Ogg copy.
        assert deposit.audio_file_path is not None
        stored = gemini_web_server.data_dir / deposit.audio_file_path
        assert stored.suffix == ".webm"
        assert stored.read_bytes().startswith(WEBM_MAGIC)
        assert gemini.pending == 0
        (sent,) = [part for request in gemini.requests for part in request.inline]
        assert sent.mime_type == "audio/ogg"
        assert sent.data.startswith(b"OggS")
        assert web.problems == []
    finally:
        await web.context.close()


async def test_without_gemini_the_page_asks_to_type(
    voice_browser: Any, web_server: RecyclicServer, web_shop: WebShop
) -> None:
    web = await _page(voice_browser, web_server.url)
    try:
        desk = Desk(web)
        page = web.page
        await desk.login(web_shop.cashier.telegram_id)  # type: ignore[arg-type]
        await _dictate(desk)
        await page.wait_for_selector('#dep-voice-status[data-state="type"]')
        message = await page.inner_text("#dep-voice-status")
        assert "décrivez l'objet par écrit" in message
        assert "conservé" in message
        await web.shot("depots-dictation-not-configured")
        # The recording waits with the draft; the typed words classify that same deposit.
        await desk.describe("un fauteuil en cuir, 25 kg")
        assert await desk.chosen() == "MOB"
        await desk.validate()
        deposit = await _only_deposit(web_shop)
        assert deposit.status == DepositStatus.VALIDATED
        assert deposit.weight_g == 25_000
        assert deposit.audio_file_path is not None
        assert deposit.transcription is None
        assert web.problems == []
    finally:
        await web.context.close()
