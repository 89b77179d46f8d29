"""The webhook route and its registration: secret checked in constant time, malformed updates
refused, start-up never waiting on Telegram, aiogram loaded only when needed."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

import httpx
import pytest
from pydantic import SecretStr

from recyclic.bot.runtime import WEBHOOK_PATH, webhook_secret
from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.main import create_app
from tests.bot.conftest import Shop
from tests.fakes.telegram_api import FakeTelegram
from tests.support.bot import eventually

URL = "/api/v1/telegram/webhook"
SECRET = "X-Telegram-Bot-Api-Secret-Token"


def _client(settings: Settings, database: Database) -> httpx.AsyncClient:
    app = create_app(settings, database=database)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_without_a_token_the_webhook_does_not_exist(
    settings: Settings, database: Database
) -> None:
    no_bot = settings.model_copy(update={"telegram_bot_token": SecretStr("")})
    async with _client(no_bot, database) as client:
        response = await client.post(URL, json={"update_id": 1}, headers={SECRET: "x"})
    assert response.status_code == 404
    assert response.json()["code"] == "telegram_not_configured"


@pytest.mark.parametrize("header", [None, "", "wrong", "a" * 300])
async def test_a_missing_or_wrong_secret_is_refused(
    bot_settings: Settings, database: Database, header: str | None
) -> None:
    headers = {SECRET: header} if header is not None else {}
    async with _client(bot_settings, database) as client:
        response = await client.post(URL, json={"update_id": 1}, headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "detail": "En-tête X-Telegram-Bot-Api-Secret-Token absent ou incorrect.",
        "code": "invalid_webhook_secret",
        "request_id": response.json()["request_id"],
    }


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 422, "invalid_update"),
        (b"[1, 2]", 422, "invalid_update"),
        (b'{"update_id": "abc"}', 422, "invalid_update"),
        (b'{"message": {"text": "hi"}}', 422, "invalid_update"),
        (b'{"update_id": 1, "message": {"chat": 5}}', 422, "invalid_update"),
        # Refused by the app-wide body limit (1 MiB) before the webhook reads it.
        (json.dumps({"update_id": 1, "x": "y" * 2_000_000}).encode(), 413, "payload_too_large"),
    ],
)
async def test_malformed_updates_are_refused(
    bot_settings: Settings, database: Database, body: bytes, status: int, code: str
) -> None:
    headers = {SECRET: webhook_secret(bot_settings), "content-type": "application/json"}
    async with _client(bot_settings, database) as client:
        response = await client.post(URL, content=body, headers=headers)
    assert (response.status_code, response.json()["code"]) == (status, code)


async def test_the_configured_secret_is_the_one_checked(
    bot_settings: Settings, database: Database, telegram: FakeTelegram
) -> None:
    configured = bot_settings.model_copy(
        update={"telegram_webhook_secret": SecretStr("s3cr3t-from-the-env_42")}
    )
    async with _client(configured, database) as client:
        derived = webhook_secret(bot_settings)
        refused = await client.post(URL, json={"update_id": 7}, headers={SECRET: derived})
        accepted = await client.post(
            URL, json={"update_id": 7}, headers={SECRET: "s3cr3t-from-the-env_42"}
        )
    assert refused.status_code == 401
    assert accepted.status_code == 200
    assert accepted.json() == {"ok": True, "update_id": 7}


async def test_serve_registers_the_webhook_in_the_background(
    bot_settings: Settings, database: Database, telegram: FakeTelegram
) -> None:
    public = bot_settings.model_copy(update={"public_url": "https://recyclic.example.org/"})
    app = create_app(public, database=database)
    async with app.router.lifespan_context(app):
        await eventually(lambda: telegram.calls_of("setWebhook"))
    [call] = telegram.calls_of("setWebhook")
    assert call.params["url"] == f"https://recyclic.example.org{WEBHOOK_PATH}"
    assert call.params["secret_token"] == webhook_secret(public)
    assert set(call.params["allowed_updates"]) == {"message", "callback_query"}


@pytest.mark.parametrize("failure", ["error", "hang", "unreachable"])
async def test_start_up_never_waits_on_telegram(
    bot_settings: Settings,
    database: Database,
    telegram: FakeTelegram,
    failure: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = bot_settings.model_copy(update={"public_url": "https://recyclic.example.org"})
    if failure == "error":
        telegram.fail("setWebhook", 500)
    elif failure == "hang":
        telegram.hang("setWebhook", 30)
    else:
        settings = settings.model_copy(update={"telegram_api_url": "http://127.0.0.1:9"})
    app = create_app(settings, database=database)
    started = time.perf_counter()
    async with app.router.lifespan_context(app):
        assert time.perf_counter() - started < 2.0  # waiting would take the 30 s hang
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/api/v1/health")).status_code == 200
        if failure != "hang":
            await eventually(lambda: "could not register the Telegram webhook" in caplog.text)


async def test_no_public_url_no_registration(
    bot_settings: Settings, database: Database, telegram: FakeTelegram
) -> None:
    app = create_app(bot_settings, database=database)
    async with app.router.lifespan_context(app):
        await asyncio.sleep(0.05)
    assert telegram.calls == []


def test_aiogram_is_loaded_only_when_the_bot_is_used() -> None:
    script = """
import sys
from pydantic import SecretStr
from recyclic.core.config import Settings
from recyclic.main import create_app
for token in ("", "1:abc"):
    settings = Settings(_env_file=None, data_dir="/tmp/recyclic-lazy-bot", telegram_bot_token=token)
    app = create_app(settings)
    assert (app.state.bot is None) == (token == ""), token
    app.openapi()
    assert not [m for m in sys.modules if m.startswith("aiogram")], token
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr


async def test_an_update_is_answered_at_once_and_handled_behind(
    bot_settings: Settings, database: Database, telegram: FakeTelegram, shop: Shop
) -> None:
    telegram.hang("sendMessage", 3)  # a slow Telegram delays the answer, not the webhook
    app = create_app(bot_settings, database=database)
    update = {
        "update_id": 99,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": shop.volunteer.telegram_id, "type": "private"},
            "from": {"id": shop.volunteer.telegram_id, "is_bot": False, "first_name": "V"},
            "text": "/aide",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        started = time.perf_counter()
        headers = {SECRET: webhook_secret(bot_settings)}
        response = await client.post(URL, json=update, headers=headers)
        assert response.status_code == 200
        assert time.perf_counter() - started < 1.5
    await app.state.bot.drain(max_wait=10)
    [sent] = telegram.calls_of("sendMessage")
    assert sent.params["text"].startswith("❓")
    await app.state.bot.aclose()
