"""Notifications to people on Telegram: sent after the commit, in the background, never blocking.

Other services call `NotificationService` (`notify_site_admins`, `notify_user`) inside their unit
of work. Nothing is sent then: each message is registered with `on_commit`, so a rolled-back
action never announces anything, and once the data is durable `TelegramNotifier.schedule` hands
it to a background task. That task calls `send_notification` with short timeouts and logs a
failure; the request that caused it has already answered, so it never waits on Telegram and
never fails because Telegram is unreachable.

Two routes, one sender: `send_notification(settings, notification)` is the only code that talks
to Telegram. Registrations, approvals and cash variances go the fast route above (best effort:
a failure is logged; the same facts stay visible in the web app and the API). Messages that must
survive an outage — the sync failure after the last retry — are `send_notification` jobs in the
outbox (`services/messaging/outbox.py`), retried by the job runner, which sends through
`send_message` (plain data). Moving a message to the durable route means enqueueing that job
instead of calling `_deliver_after_commit`; callers do not change.

No aiogram here (services do not import interfaces): the message goes out as one plain
`sendMessage` call, with inline buttons given as (text, callback data) pairs.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.config import Settings
from recyclic.core.database import on_commit
from recyclic.models.user import User
from recyclic.repositories.user_repository import UserRepository

logger = logging.getLogger(__name__)

# Telegram refuses longer texts; notifications are short, this only guards odd input.
_MAX_TEXT = 4096


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: its label and the callback data the bot will receive."""

    text: str
    callback_data: str


ButtonRows = Sequence[Sequence[Button]]


@dataclass(frozen=True, slots=True)
class Notification:
    """One message for one Telegram chat (plain text, optional inline buttons)."""

    chat_id: int
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()

    def send_message_body(self) -> dict[str, Any]:
        """The Bot API `sendMessage` parameters."""
        body: dict[str, Any] = {"chat_id": self.chat_id, "text": self.text[:_MAX_TEXT]}
        if self.buttons:
            body["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": b.text, "callback_data": b.callback_data} for b in row]
                    for row in self.buttons
                ]
            }
        return body

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for a job payload)."""
        return {
            "chat_id": self.chat_id,
            "text": self.text,
            "buttons": [[[b.text, b.callback_data] for b in row] for row in self.buttons],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Notification:
        """Inverse of `to_dict`."""
        return cls(
            chat_id=int(data["chat_id"]),
            text=str(data["text"]),
            buttons=tuple(
                tuple(Button(str(text), str(callback)) for text, callback in row)
                for row in data.get("buttons", [])
            ),
        )


class NotificationFailed(Exception):
    """Telegram did not accept the message (network error, timeout, or an error answer)."""


async def send_notification(settings: Settings, notification: Notification) -> None:
    """Send one notification now (raises NotificationFailed). The only call to Telegram."""
    import httpx  # only the processes that notify pay for it

    token = settings.telegram_bot_token.get_secret_value()
    url = f"{settings.telegram_api_url.rstrip('/')}/bot{token}/sendMessage"
    seconds = settings.telegram_notify_timeout_seconds
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(seconds, connect=seconds)) as client:
            response = await client.post(url, json=notification.send_message_body())
    except httpx.HTTPError as exc:
        raise NotificationFailed(f"{type(exc).__name__}: {exc}") from exc
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code != 200 or not answer.get("ok"):
        description = answer.get("description") or response.reason_phrase
        raise NotificationFailed(f"HTTP {response.status_code}: {description}")


async def send_message(
    settings: Settings,
    chat_id: int,
    text: str,
    buttons: list[list[dict[str, str]]] | None = None,
) -> None:
    """`send_notification` for plain data (the `send_notification` job's payload)."""
    rows = tuple(
        tuple(Button(b["text"], b["callback_data"]) for b in row if "callback_data" in b)
        for row in buttons or []
    )
    await send_notification(settings, Notification(chat_id=chat_id, text=text, buttons=rows))


Sender = Callable[[Settings, Notification], Awaitable[None]]


class TelegramNotifier:
    """Delivers notifications in background tasks; one per process (it tracks its tasks)."""

    def __init__(self, settings: Settings, *, send: Sender = send_notification) -> None:
        self.settings = settings
        self._send = send
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def enabled(self) -> bool:
        """True when a bot token is configured."""
        return bool(self.settings.telegram_bot_token.get_secret_value())

    def schedule(self, notification: Notification) -> None:
        """Send in the background; a failure is logged, never raised."""
        if not self.enabled:
            return
        task = asyncio.create_task(self._deliver(notification))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, notification: Notification) -> None:
        try:
            # Belt and braces: the HTTP timeouts should already bound the call.
            async with asyncio.timeout(self.settings.telegram_notify_timeout_seconds * 2):
                await self._send(self.settings, notification)
        except (NotificationFailed, TimeoutError) as exc:
            logger.warning("Telegram notification to chat %s failed: %s", notification.chat_id, exc)
        except Exception:
            logger.exception("Telegram notification to chat %s failed", notification.chat_id)

    async def drain(self, max_wait: float | None = None) -> None:
        """Wait for the notifications under way (tests, shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=max_wait)

    async def aclose(self, max_wait: float | None = None) -> None:
        """Give pending notifications a moment (by default their timeout), then drop them."""
        if max_wait is None:
            max_wait = self.settings.telegram_notify_timeout_seconds
        if max_wait > 0:
            await self.drain(max_wait=max_wait)
        for task in list(self._tasks):
            task.cancel()


class NotificationService:
    """What other services call to tell people something, once their change is committed."""

    def __init__(self, session: AsyncSession, notifier: TelegramNotifier | None) -> None:
        self.session = session
        self.notifier = notifier
        self.users = UserRepository(session)

    @property
    def enabled(self) -> bool:
        """False when no bot is configured: nothing is queried nor sent."""
        return self.notifier is not None and self.notifier.enabled

    async def notify_site_admins(
        self,
        site_id: uuid.UUID,
        text: str,
        buttons: ButtonRows | None = None,
        *,
        except_user: uuid.UUID | None = None,
    ) -> int:
        """Tell every active admin of the site who uses Telegram; returns how many."""
        if not self.enabled:
            return 0
        admins = [
            admin
            for admin in await self.users.list_admins(site_id)
            if admin.telegram_id is not None and admin.id != except_user
        ]
        for admin in admins:
            self._deliver_after_commit(_message(admin.telegram_id, text, buttons))  # type: ignore[arg-type]
        return len(admins)

    def notify_user(self, user: User, text: str, buttons: ButtonRows | None = None) -> bool:
        """Tell one person (if they use Telegram and are not disabled); True if queued."""
        if not self.enabled or user.telegram_id is None:
            return False
        if not user.is_active or user.anonymized_at is not None:
            return False
        self._deliver_after_commit(_message(user.telegram_id, text, buttons))
        return True

    def _deliver_after_commit(self, notification: Notification) -> None:
        # The seam for the job outbox (see the module docstring).
        notifier = self.notifier
        assert notifier is not None

        async def hand_over() -> None:
            notifier.schedule(notification)

        on_commit(self.session, hand_over)


def _message(chat_id: int, text: str, buttons: ButtonRows | None) -> Notification:
    rows = tuple(tuple(row) for row in buttons or ())
    return Notification(chat_id=chat_id, text=text, buttons=rows)
