"""The bot of one process, for webhook mode (`POST /api/v1/telegram/webhook`, served by the app)
and polling mode (`recyclic bot`).

Nothing here imports aiogram at module level: the app creates a `BotRuntime` whenever a token
is configured, and aiogram is loaded, the `Bot` and the `Dispatcher` built, only when the first
update arrives or the webhook is registered. An installation without a bot never loads it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.exceptions import InvalidInput, NotFound, PayloadTooLarge, RecyclicError
from recyclic.models.base import utcnow
from recyclic.services.ai.ai_service import AIService
from recyclic.services.messaging.telegram_service import TelegramNotifier

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher
    from aiogram.types import Update

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/api/v1/telegram/webhook"
# Telegram's updates are a few kilobytes; a voice note is fetched separately with getFile.
MAX_UPDATE_BYTES = 1024 * 1024
_SECRET_CONTEXT = b"recyclic telegram webhook secret"


class BotNotConfigured(NotFound):
    code = "telegram_not_configured"
    message = "Aucun bot Telegram n'est configuré sur cette installation."


class WebhookSecretInvalid(RecyclicError):
    status = 401
    code = "invalid_webhook_secret"
    message = "En-tête X-Telegram-Bot-Api-Secret-Token absent ou incorrect."


class InvalidUpdate(InvalidInput):
    code = "invalid_update"
    message = "Mise à jour Telegram illisible."


class UpdateTooLarge(PayloadTooLarge):
    code = "update_too_large"
    message = "Mise à jour Telegram trop volumineuse."


def webhook_secret(settings: Settings) -> str:
    """RECYCLIC_TELEGRAM_WEBHOOK_SECRET, else one derived from the secret key (stable across
    restarts and workers, and within Telegram's alphabet: hex)."""
    configured = settings.telegram_webhook_secret.get_secret_value()
    if configured:
        return configured
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, _SECRET_CONTEXT, hashlib.sha256).hexdigest()


class BotRuntime:
    """The Bot and Dispatcher of this process, built on first use."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        *,
        ai: AIService,
        notifier: TelegramNotifier | None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.database = database
        self.ai = ai
        self.notifier = notifier
        self.now = now
        self._bot: Bot | None = None
        self._dispatcher: Dispatcher | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # --- Lazy construction ----------------------------------------------------------------

    @property
    def bot(self) -> Bot:
        if self._bot is None:
            from recyclic.bot.dispatcher import create_bot

            self._bot = create_bot(self.settings)
        return self._bot

    @property
    def dispatcher(self) -> Dispatcher:
        if self._dispatcher is None:
            from recyclic.bot.dispatcher import build_dispatcher

            self._dispatcher = build_dispatcher(
                self.settings, self.database, ai=self.ai, notifier=self.notifier, now=self.now
            )
        return self._dispatcher

    # --- Webhook mode ---------------------------------------------------------------------

    def check_secret(self, header: str | None) -> None:
        """Constant-time check of Telegram's X-Telegram-Bot-Api-Secret-Token."""
        expected = webhook_secret(self.settings).encode()
        if header is None or not hmac.compare_digest(header.encode(), expected):
            raise WebhookSecretInvalid()

    def accept(self, body: bytes) -> int:
        """Parse an update and handle it in the background (Telegram gets its 200 at once);
        returns its update id. Malformed updates are refused (422), never half-handled."""
        if len(body) > MAX_UPDATE_BYTES:
            raise UpdateTooLarge()
        update = self._parse(body)
        if not _known_type(update):
            # Valid but of a kind this version does not know (Telegram adds some): acknowledged,
            # so that Telegram does not send it again, and left alone.
            logger.info("ignoring Telegram update %s of an unknown type", update.update_id)
            return update.update_id
        task = asyncio.create_task(self._handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return update.update_id

    def _parse(self, body: bytes) -> Update:
        from aiogram.types import Update
        from pydantic import ValidationError

        try:
            payload: Any = json.loads(body)
        except ValueError:
            raise InvalidUpdate("Corps JSON invalide.") from None
        if not isinstance(payload, dict):
            raise InvalidUpdate("Objet JSON attendu.")
        try:
            return Update.model_validate(payload, context={"bot": self.bot})
        except ValidationError as exc:
            raise InvalidUpdate(
                f"Mise à jour Telegram illisible ({exc.error_count()} erreur(s))."
            ) from None

    async def _handle(self, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(self.bot, update)
        except Exception:
            # The middlewares answer every failure of our handlers; this is aiogram itself.
            logger.exception("Telegram update %s could not be handled", update.update_id)

    @property
    def webhook_url(self) -> str:
        """Where Telegram must send updates: PUBLIC_URL + the webhook path."""
        return self.settings.public_url.rstrip("/") + WEBHOOK_PATH

    async def registered_webhook(self) -> str:
        """The URL Telegram sends updates to now (getWebhookInfo); "" when none."""
        info = await self.bot.get_webhook_info()
        return info.url or ""

    async def register_webhook(self) -> bool:
        """Tell Telegram where to send updates (`PUBLIC_URL` + webhook path, with the secret);
        a failure is logged, never raised: start-up never depends on the network."""
        from aiogram.exceptions import TelegramAPIError

        url = self.webhook_url
        try:
            await self.bot.set_webhook(
                url,
                secret_token=webhook_secret(self.settings),
                allowed_updates=self.dispatcher.resolve_used_update_types(),
            )
        except (TelegramAPIError, OSError, TimeoutError) as exc:
            logger.warning("could not register the Telegram webhook %s: %s", url, exc)
            return False
        logger.info("Telegram webhook registered: %s", url)
        return True

    # --- Polling mode ---------------------------------------------------------------------

    async def run_polling(self, *, handle_signals: bool = True) -> None:
        """Fetch updates with getUpdates until stopped (Ctrl-C, SIGTERM, `stop_polling`)."""
        # Telegram refuses getUpdates while a webhook is set: polling replaces it.
        await self.bot.delete_webhook(drop_pending_updates=False)
        await self.dispatcher.start_polling(
            self.bot, handle_signals=handle_signals, close_bot_session=False
        )

    async def stop_polling(self) -> None:
        await self.dispatcher.stop_polling()

    # --- Shutdown -------------------------------------------------------------------------

    async def drain(self, max_wait: float | None = None) -> None:
        """Wait for the webhook updates under way."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=max_wait)

    async def aclose(self) -> None:
        """Finish (briefly) what is under way, then close the HTTP session and the storage."""
        await self.drain(max_wait=10)
        for task in list(self._tasks):
            task.cancel()
        if self._dispatcher is not None:
            await self._dispatcher.fsm.close()
        if self._bot is not None:
            await self._bot.session.close()


def _known_type(update: Update) -> bool:
    from aiogram.types.update import UpdateTypeLookupError

    try:
        return bool(update.event_type)
    except UpdateTypeLookupError:
        return False
