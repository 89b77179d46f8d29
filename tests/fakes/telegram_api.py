"""A fake Telegram Bot API on 127.0.0.1 (random port), for the real aiogram client.

It speaks what the bot calls: `POST /bot<token>/<method>` with form fields (aiogram: JSON-encoded
values for objects) or a JSON body (our notification sender), answering `{"ok": true, "result":
…}` or Telegram's error shape; `GET /file/bot<token>/<path>` serves files registered with
`add_file`. Implemented: getMe, getUpdates (long poll on a queue the test feeds), sendMessage,
editMessageText, editMessageReplyMarkup, answerCallbackQuery, sendChatAction, getFile,
setWebhook, deleteWebhook, getWebhookInfo.

It keeps every call (`calls`) and the current state of every message the bot sent
(`messages`, edits applied), so tests assert what a person would see. `fail(method, status)`
and `hang(method, seconds)` inject failures.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 123456789
BOT_USERNAME = "recyclic_test_bot"
_LONG_POLL_CAP = 1.0  # seconds; aiogram simply polls again


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class SentMessage:
    """A message of the bot as the chat shows it now (edits applied)."""

    chat_id: int
    message_id: int
    raw: str  # as sent (Telegram HTML when parse_mode is HTML)
    buttons: list[list[dict[str, Any]]]
    html: bool = False
    edits: int = 0

    @property
    def text(self) -> str:
        """What the person reads (HTML rendered to plain text)."""
        return _plain(self.raw) if self.html else self.raw

    def button_texts(self) -> list[str]:
        return [button["text"] for row in self.buttons for button in row]

    def button(self, text: str) -> dict[str, Any]:
        for row in self.buttons:
            for button in row:
                if button["text"] == text:
                    return button
        raise KeyError(f"no button {text!r} in {self.button_texts()}")


class FakeTelegram:
    """Start with `await server.start()`; `server.base_url` goes into RECYCLIC_TELEGRAM_API_URL."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.base_url = ""
        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[int, int], SentMessage] = {}
        self.files: dict[str, bytes] = {}
        self.webhook: dict[str, Any] = {}
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._update_ids = itertools.count(1)
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Condition()
        self._failures: dict[str, int] = {}
        self._delays: dict[str, float] = {}
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None

    # --- Life cycle -----------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self.base_url

    async def close(self) -> None:
        self._closing.set()
        async with self._new_update:
            self._new_update.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- What the test does ---------------------------------------------------------------

    def next_update_id(self) -> int:
        return next(self._update_ids)

    async def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (polling mode)."""
        async with self._new_update:
            self._updates.append(update)
            self._new_update.notify_all()

    def add_file(self, file_id: str, data: bytes) -> None:
        self.files[file_id] = data

    def fail(self, method: str, status: int = 500) -> None:
        """Answer `method` with this HTTP error from now on (0 to stop)."""
        if status:
            self._failures[method.lower()] = status
        else:
            self._failures.pop(method.lower(), None)

    def hang(self, method: str, seconds: float) -> None:
        """Answer `method` only after `seconds`."""
        self._delays[method.lower()] = seconds

    def calls_of(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def chat(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages in a chat, oldest first."""
        found = [m for (chat, _), m in self.messages.items() if chat == chat_id]
        return sorted(found, key=lambda m: m.message_id)

    # --- The API --------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append(ApiCall(method, params))
        key = method.lower()
        if key in self._delays:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), timeout=self._delays[key])
        if key in self._failures:
            return _error(self._failures[key], "Internal Server Error: scripted failure")
        handler = getattr(self, f"_m_{key}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        result = await handler(params)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].rsplit("/", 1)[-1].split(".", 1)[0]
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id], content_type="application/octet-stream")

    async def _m_getme(self, params: dict[str, Any]) -> Any:
        return _bot_user()

    async def _m_getupdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), _LONG_POLL_CAP)
        async with self._new_update:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and wait and not self._closing.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), timeout=wait)
            return list(self._updates)

    async def _m_sendmessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        message_id = next(self._message_ids[chat_id])
        message = SentMessage(
            chat_id,
            message_id,
            str(params["text"]),
            _buttons(params.get("reply_markup")),
            html=params.get("parse_mode") == "HTML",
        )
        self.messages[(chat_id, message_id)] = message
        return _message_json(message)

    async def _m_editmessagetext(self, params: dict[str, Any]) -> Any:
        message = self._find(params)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        text, buttons = str(params["text"]), _buttons(params.get("reply_markup"))
        if (text, buttons) == (message.raw, message.buttons):
            return _error(400, "Bad Request: message is not modified")
        message.raw, message.buttons = text, buttons
        message.html = params.get("parse_mode") == "HTML"
        message.edits += 1
        return _message_json(message)

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> Any:
        message = self._find(params)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        buttons = _buttons(params.get("reply_markup"))
        if buttons == message.buttons:
            return _error(400, "Bad Request: message is not modified")
        message.buttons = buttons
        message.edits += 1
        return _message_json(message)

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_sendchataction(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_getfile(self, params: dict[str, Any]) -> Any:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            return _error(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": f"voice/{file_id}.oga",
        }

    async def _m_setwebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = dict(params)
        return True

    async def _m_deletewebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {}
        return True

    async def _m_getwebhookinfo(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    def _find(self, params: dict[str, Any]) -> SentMessage | None:
        return self.messages.get((int(params["chat_id"]), int(params["message_id"])))


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        body = await request.json()
        return dict(body) if isinstance(body, dict) else {}
    form = await request.post() if request.can_read_body else {}
    params: dict[str, Any] = dict(request.query)
    for key, value in form.items():
        text = value if isinstance(value, str) else ""
        # aiogram sends objects and lists as JSON text
        if text[:1] in ("{", "["):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(text)
                continue
        params[key] = text
    return params


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _buttons(markup: Any) -> list[list[dict[str, Any]]]:
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not isinstance(markup, dict):
        return []
    return [list(row) for row in markup.get("inline_keyboard", [])]


def _bot_user() -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": "Recyclic", "username": BOT_USERNAME}


def _message_json(message: SentMessage) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": message.message_id,
        "date": int(time.time()),
        "chat": {"id": message.chat_id, "type": "private"},
        "from": _bot_user(),
        "text": message.text,
    }
    if message.buttons:
        body["reply_markup"] = {"inline_keyboard": message.buttons}
    return body


def _error(status: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": status, "description": description}, status=status
    )
