"""What job handlers receive: settings, the database, a clock, and the outside services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.models.base import utcnow
from recyclic.services.messaging.telegram_service import send_message
from recyclic.services.reporting.export_jobs import ExportWriter
from recyclic.services.sync.config import SyncClients

if TYPE_CHECKING:
    from recyclic.services.ai.ai_service import AIService

Clock = Callable[[], datetime]
# One inline keyboard row is a list of buttons: {"text": …, "callback_data": …} or {"url": …}.
Buttons = list[list[dict[str, str]]]
# Sends one Telegram message; raises when it was not delivered.
NotificationSender = Callable[[int, str, Buttons | None], Awaitable[None]]


class NotificationsUnavailable(RuntimeError):
    """No Telegram bot token is configured: notifications cannot be sent."""


def load_notification_sender(settings: Settings) -> NotificationSender:
    """`send_message(settings, chat_id, text, buttons)` of the Telegram service.

    Hand-off with the Telegram side: that module owns the bot, timeouts and formatting; the
    job only brings chat ids, text and optional buttons as plain data.
    """
    if not settings.telegram_bot_token.get_secret_value():
        raise NotificationsUnavailable("no Telegram bot token is configured")
    return partial(send_message, settings)


@dataclass
class JobContext:
    """One per process; tests replace the outside services (clients, writer, sender, clock)."""

    settings: Settings
    database: Database
    clock: Clock = utcnow
    sync_clients: SyncClients | None = None
    export_writer: ExportWriter | None = None
    notification_sender: NotificationSender | None = None
    _ai: AIService | None = field(default=None, repr=False)

    def ai(self) -> AIService:
        """The AI pipeline, built on first use (it holds HTTP and Redis clients)."""
        if self._ai is None:
            from recyclic.services.ai.ai_service import AIService

            self._ai = AIService(self.settings)
        return self._ai

    async def aclose(self) -> None:
        """Release what was built on first use."""
        if self._ai is not None:
            await self._ai.aclose()
            self._ai = None
