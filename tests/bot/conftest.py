"""Bot tests: the fake Bot API, an adjustable clock, and the bot in polling or webhook mode."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest

from recyclic.bot.runtime import BotRuntime
from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.main import create_app
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.services.ai.ai_service import AIService
from recyclic.services.messaging.telegram_service import TelegramNotifier
from tests.factories import Factory
from tests.fakes.telegram_api import FakeTelegram
from tests.support.bot import BotHarness, Clock, Mode
from tests.support.gemini import drop_redis_keys, gemini_server, gemini_settings
from tests.support.telegram import TEST_BOT_TOKEN

__all__ = ["gemini_server", "gemini_settings"]

MakeBot = Callable[..., Awaitable[BotHarness]]


@pytest.fixture(autouse=True)
def _no_tls_grace_at_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiogram waits 250 ms after closing its HTTP session, for TLS connections to Telegram to
    finish closing; the fake Bot API speaks plain HTTP, so the bot tests close without it
    (48 tests: 12 s of waiting per run)."""
    from aiogram.client.session.aiohttp import AiohttpSession

    async def close(self: AiohttpSession) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    monkeypatch.setattr(AiohttpSession, "close", close)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(TEST_BOT_TOKEN)
    await server.start()
    yield server
    await server.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot_settings(settings: Settings, telegram: FakeTelegram) -> Settings:
    return settings.model_copy(update={"telegram_api_url": telegram.base_url})


@pytest.fixture
async def make_bot(
    bot_settings: Settings, database: Database, telegram: FakeTelegram, clock: Clock
) -> AsyncIterator[MakeBot]:
    """`await make_bot("polling" | "webhook", settings=…)`: a started bot, stopped afterwards."""
    started: list[tuple[BotHarness, list[Callable[[], Awaitable[None]]]]] = []

    async def make(mode: Mode = "webhook", *, settings: Settings | None = None) -> BotHarness:
        settings = settings or bot_settings
        closers: list[Callable[[], Awaitable[None]]] = []
        if mode == "webhook":
            app = create_app(settings, database=database)
            runtime = BotRuntime(
                settings,
                database,
                ai=app.state.ai_service,
                notifier=app.state.notifier,
                now=clock,
            )
            app.state.bot = runtime
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                base_url="http://testserver",
            )
            closers += [client.aclose, app.state.ai_service.aclose]
            harness = BotHarness(mode, runtime, telegram, client)
        else:
            ai = AIService(settings)
            runtime = BotRuntime(
                settings, database, ai=ai, notifier=TelegramNotifier(settings), now=clock
            )
            closers.append(ai.aclose)
            harness = BotHarness(mode, runtime, telegram)
        await harness.start()
        started.append((harness, closers))
        return harness

    yield make
    for harness, closers in started:
        await harness.settle()
        await harness.stop()
        for close in closers:
            await close()
    if bot_settings.redis_url:
        await drop_redis_keys(bot_settings)


@pytest.fixture(params=["polling", "webhook"])
async def bot(request: pytest.FixtureRequest, make_bot: MakeBot) -> BotHarness:
    """The bot in each mode in turn."""
    return await make_bot(request.param)


@dataclass
class Shop:
    site: Site
    admin: User
    volunteer: User


@pytest.fixture
async def shop(factory: Factory) -> Shop:
    site = await factory.site(name="Ressourcerie du Port")
    admin = await factory.user(site, role=Role.ADMIN, full_name="Paula Admin")
    volunteer = await factory.user(site, full_name="Victor Bénévole")
    return Shop(site, admin, volunteer)
