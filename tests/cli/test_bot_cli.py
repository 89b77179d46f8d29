"""`recyclic bot`: the real command, polling the fake Bot API until SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recyclic.cli import app
from recyclic.core.config import get_settings
from tests.fakes.telegram_api import FakeTelegram
from tests.support.bot import eventually
from tests.support.databases import TestDatabase, prepare_test_database
from tests.support.telegram import TEST_BOT_TOKEN


@pytest.fixture(scope="module")
def cli_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    yield from prepare_test_database(tmp_path_factory.mktemp("botcli"), suffix="_cli")


def test_without_a_token_the_command_says_what_is_missing(
    cli_database: TestDatabase, tmp_path: Path
) -> None:
    get_settings.cache_clear()
    env = {"RECYCLIC_DATA_DIR": str(tmp_path), "RECYCLIC_DATABASE_URL": cli_database.url}
    result = CliRunner().invoke(app, ["bot"], env=env)
    get_settings.cache_clear()
    assert result.exit_code == 1
    assert "RECYCLIC_TELEGRAM_BOT_TOKEN n'est pas configuré" in result.output


async def test_recyclic_bot_polls_answers_and_stops_on_sigterm(
    cli_database: TestDatabase, tmp_path: Path
) -> None:
    telegram = FakeTelegram(TEST_BOT_TOKEN)
    await telegram.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECYCLIC_")}
    env.update(
        RECYCLIC_DATA_DIR=str(tmp_path),
        RECYCLIC_DATABASE_URL=cli_database.url,
        RECYCLIC_TELEGRAM_BOT_TOKEN=TEST_BOT_TOKEN,
        RECYCLIC_TELEGRAM_API_URL=telegram.base_url,
        RECYCLIC_LOG_LEVEL="WARNING",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from recyclic.cli import app; app()",
        "bot",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await eventually(lambda: telegram.calls_of("getUpdates"), seconds=60)
        # A webhook left over would make Telegram refuse getUpdates: it is removed first.
        assert telegram.calls[0].method == "deleteWebhook" or telegram.calls_of("deleteWebhook")
        await telegram.push_update(
            {
                "update_id": telegram.next_update_id(),
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": 4242, "type": "private"},
                    "from": {"id": 4242, "is_bot": False, "first_name": "Zoé"},
                    "text": "/aide",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                },
            }
        )
        await eventually(lambda: telegram.chat(4242), seconds=30)
        assert telegram.chat(4242)[0].text.startswith("❓ Ce que je sais faire")
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        await telegram.close()
    assert process.returncode == 0, stderr.decode()
    assert "Bot Telegram en écoute" in stdout.decode()
