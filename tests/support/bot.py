"""Driving the bot as people would: Telegram users sending messages, voice notes and button
presses to the real aiogram client, through the fake Bot API (polling) or our webhook route.

`BotHarness` runs one `BotRuntime` in either mode; `TelegramUser.send(...)`, `.press(...)`,
`.voice(...)` build genuine Bot API updates, deliver them, and return once the bot has
finished with them (its answers sent, its notifications delivered).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from recyclic.bot.runtime import BotRuntime, webhook_secret
from recyclic.models.user import User
from tests.fakes.telegram_api import FakeTelegram, SentMessage

Mode = Literal["polling", "webhook"]
_callback_ids = itertools.count(1)
_file_ids = itertools.count(1)


async def eventually(check: Callable[[], object], seconds: float = 10.0) -> None:
    """Wait until `check()` is true (something another task or process does)."""
    async with asyncio.timeout(seconds):
        while True:
            if check():
                return
            await asyncio.sleep(0.01)


class Clock:
    """An adjustable clock for the bot (conversation expiry)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


class UpdateTracker(BaseMiddleware):
    """Outer middleware recording which updates the dispatcher has finished."""

    def __init__(self) -> None:
        self.done: set[int] = set()
        self._changed = asyncio.Condition()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        finally:
            if isinstance(event, Update):
                async with self._changed:
                    self.done.add(event.update_id)
                    self._changed.notify_all()

    async def wait(self, update_id: int, seconds: float = 15.0) -> None:
        async with asyncio.timeout(seconds), self._changed:
            await self._changed.wait_for(lambda: update_id in self.done)


@dataclass
class BotHarness:
    """One bot in one mode, the fake Bot API it talks to, and how updates reach it."""

    mode: Mode
    runtime: BotRuntime
    telegram: FakeTelegram
    client: httpx.AsyncClient | None = None  # the app, in webhook mode
    tracker: UpdateTracker = field(default_factory=UpdateTracker)
    _polling: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.runtime.dispatcher.update.outer_middleware(self.tracker)
        if self.mode == "polling":
            self._polling = asyncio.create_task(self.runtime.run_polling(handle_signals=False))
            await eventually(lambda: self.telegram.calls_of("getUpdates"))

    async def stop(self) -> None:
        if self._polling is not None:
            await self.runtime.stop_polling()
            await self._polling
        await self.runtime.aclose()

    async def deliver(self, update: dict[str, Any]) -> None:
        """Hand the update to the bot and wait until it is fully handled."""
        if self.mode == "polling":
            await self.telegram.push_update(update)
        else:
            assert self.client is not None
            response = await self.client.post(
                "/api/v1/telegram/webhook",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": webhook_secret(self.runtime.settings)},
            )
            assert response.status_code == 200, response.text
        await self.tracker.wait(update["update_id"])
        await self.settle()

    async def settle(self) -> None:
        """Wait for the notifications sent in the background."""
        if self.runtime.notifier is not None:
            await self.runtime.notifier.drain(max_wait=10)

    def user(self, person: User | int, first_name: str = "Jeanne", **names: Any) -> TelegramUser:
        if isinstance(person, User):
            assert person.telegram_id is not None
            return TelegramUser(self, person.telegram_id, person.full_name.split()[0], **names)
        return TelegramUser(self, person, first_name, **names)


@dataclass
class TelegramUser:
    """A person writing to the bot in a private chat."""

    harness: BotHarness
    telegram_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None

    # --- What they do ---------------------------------------------------------------------

    async def send(self, text: str) -> None:
        message = self._message(text=text)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        await self._deliver({"message": message})

    async def voice(self, data: bytes, *, duration: int = 2, audio: bool = False) -> None:
        """A voice note (or, with `audio`, an audio file), uploaded to the fake first."""
        file_id = f"voice{next(_file_ids)}"
        self.harness.telegram.add_file(file_id, data)
        media = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        await self._deliver({"message": self._message(**{"audio" if audio else "voice": media})})

    async def sticker(self) -> None:
        sticker = {
            "file_id": "sticker1",
            "file_unique_id": "usticker1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        await self._deliver({"message": self._message(sticker=sticker)})

    async def photo(self) -> None:
        size = {"file_id": "photo1", "file_unique_id": "uphoto1", "width": 90, "height": 90}
        await self._deliver({"message": self._message(photo=[size])})

    async def press(self, button_text: str, *, on: SentMessage | None = None) -> None:
        """Press a button of `on` (default: the latest bot message carrying that button)."""
        message = on or self.message_with(button_text)
        await self.press_data(message.button(button_text)["callback_data"], on=message)

    async def press_data(self, data: str, *, on: SentMessage | None = None) -> None:
        """A button press with arbitrary callback data (forged, outdated…)."""
        message = on or self.inbox[-1]
        callback = {
            "id": str(next(_callback_ids)),
            "from": self._sender(),
            "chat_instance": "42",
            "data": data,
            "message": {
                "message_id": message.message_id,
                "date": int(time.time()),
                "chat": self._chat(),
                "from": {"id": 1, "is_bot": True, "first_name": "Recyclic"},
                "text": message.text,
                "reply_markup": {"inline_keyboard": message.buttons},
            },
        }
        await self._deliver({"callback_query": callback})

    # --- What they see --------------------------------------------------------------------

    @property
    def inbox(self) -> list[SentMessage]:
        """The bot's messages in this chat, oldest first, as they look now."""
        return self.harness.telegram.chat(self.telegram_id)

    @property
    def last(self) -> SentMessage:
        return self.inbox[-1]

    def texts(self) -> list[str]:
        return [message.text for message in self.inbox]

    def message_with(self, button_text: str) -> SentMessage:
        for message in reversed(self.inbox):
            if button_text in message.button_texts():
                return message
        raise AssertionError(f"no message with a {button_text!r} button in {self.texts()}")

    def toasts(self) -> list[str]:
        """Texts of the notices shown on this person's button presses."""
        return [
            str(call.params.get("text", ""))
            for call in self.harness.telegram.calls_of("answerCallbackQuery")
            if call.params.get("text")
        ]

    # --- Building updates -----------------------------------------------------------------

    async def _deliver(self, body: dict[str, Any]) -> None:
        update = {"update_id": self.harness.telegram.next_update_id(), **body}
        await self.harness.deliver(update)

    def _sender(self) -> dict[str, Any]:
        sender: dict[str, Any] = {
            "id": self.telegram_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "fr",
        }
        if self.last_name:
            sender["last_name"] = self.last_name
        if self.username:
            sender["username"] = self.username
        return sender

    def _chat(self) -> dict[str, Any]:
        return {"id": self.telegram_id, "type": "private", "first_name": self.first_name}

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(_file_ids) + 100_000,
            "date": int(time.time()),
            "chat": self._chat(),
            "from": self._sender(),
            **content,
        }
