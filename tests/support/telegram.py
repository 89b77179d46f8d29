"""Signing Telegram login payloads the way Telegram does, with the test bot token."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

TEST_BOT_TOKEN = "123456789:TEST-bot-token-for-the-suite_abcdefghij"
# A closed local port (discard): a Bot API call fails at once, without leaving the machine.
UNREACHABLE_TELEGRAM = "http://127.0.0.1:9"


def sign_widget(fields: dict[str, Any], *, bot_token: str = TEST_BOT_TOKEN) -> dict[str, Any]:
    """A Login Widget payload with its `hash`."""
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    secret = hashlib.sha256(bot_token.encode()).digest()
    return {**fields, "hash": hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()}


def widget_payload(
    telegram_id: int,
    *,
    first_name: str = "Jeanne",
    last_name: str | None = "Lefèvre",
    username: str | None = "jeanne_l",
    auth_date: int | None = None,
    bot_token: str = TEST_BOT_TOKEN,
) -> dict[str, Any]:
    """A valid, fresh Login Widget payload."""
    fields: dict[str, Any] = {
        "id": telegram_id,
        "first_name": first_name,
        "auth_date": int(time.time()) if auth_date is None else auth_date,
    }
    if last_name:
        fields["last_name"] = last_name
    if username:
        fields["username"] = username
    return sign_widget(fields, bot_token=bot_token)


def webapp_init_data(
    telegram_id: int,
    *,
    first_name: str = "Jeanne",
    auth_date: int | None = None,
    bot_token: str = TEST_BOT_TOKEN,
    extra: dict[str, str] | None = None,
) -> str:
    """A valid Mini App initData query string."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": telegram_id, "first_name": first_name}, separators=(",", ":")),
        "auth_date": str(int(time.time()) if auth_date is None else auth_date),
        **(extra or {}),
    }
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)
