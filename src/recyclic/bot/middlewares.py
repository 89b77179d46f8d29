"""The bot's middlewares, applied to every handled message and button press, in this order:

1. `RepliesMiddleware` — gives handlers a `Replies` queue and sends it once the update
   succeeded; on any failure it restores the conversation state, says why in French (a
   service's refusal) or apologises (anything else), and nothing is half-saved.
2. `VoiceMiddleware` — for handlers flagged `voice`, downloads the recording first, so no
   database transaction is open during the download.
3. `UnitOfWorkMiddleware` — one unit of work per update: resolves the Telegram user to our
   `User`, refuses those who may not use the handler, builds the services; the unit commits
   when the handler returns and rolls back if it raises.
4. `ConversationMiddleware` — a conversation silent for longer than the timeout expires: its
   open deposit is cancelled and the person is told; handlers of that conversation do not run.

Handler flags: `access` ("public", "member" — the default —, "operator", "admin"), `voice`,
`conversation` (the handler continues a conversation), `read_only` (no write transaction
needed when no conversation is under way).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.flags import get_flag
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject
from aiogram.utils.chat_action import ChatActionSender

from recyclic.bot import texts
from recyclic.bot.context import BotServices
from recyclic.bot.replies import Replies
from recyclic.bot.voice import download_voice
from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.exceptions import RecyclicError
from recyclic.models.user import Role, User, UserStatus
from recyclic.services.ai.ai_service import AIService
from recyclic.services.messaging.telegram_service import TelegramNotifier

logger = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
_ROLE_NEEDED = {"operator": Role.OPERATOR, "admin": Role.ADMIN}


class RepliesMiddleware(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        callback_id = event.id if isinstance(event, CallbackQuery) else None
        replies = Replies(chat.id if chat else None, callback_id)
        data["replies"] = replies
        state: FSMContext | None = data.get("state")
        saved = (await state.get_state(), await state.get_data()) if state else None
        result = None
        try:
            result = await handler(event, data)
        except RecyclicError as exc:
            # A refusal: the unit of work rolled back (or kept what the error asked to keep).
            if state is not None and saved is not None and not exc.commit_changes:
                await state.set_state(saved[0])
                await state.set_data(saved[1])
            replies.discard()
            replies.say(texts.refusal(exc))
        except Exception:
            logger.exception("bot update failed")
            if state is not None and saved is not None:
                await state.set_state(saved[0])
                await state.set_data(saved[1])
            replies.discard()
            replies.say(texts.APOLOGY)
        bot: Bot = data["bot"]
        await replies.flush(bot)
        return result


class VoiceMiddleware(BaseMiddleware):
    def __init__(self, settings: Settings) -> None:
        self.max_bytes = settings.audio_max_bytes

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not get_flag(data, "voice") or not isinstance(event, Message):
            return await handler(event, data)
        media = event.voice or event.audio
        if media is None:
            return await handler(event, data)
        bot: Bot = data["bot"]
        # "typing…" while the recording is fetched, transcribed and classified.
        async with ChatActionSender.typing(bot=bot, chat_id=event.chat.id):
            data["audio"] = await download_voice(bot, media, max_bytes=self.max_bytes)
            return await handler(event, data)


def access_refusal(user: User | None, access: str) -> str | None:
    """Why `user` may not use a handler needing `access`, or None."""
    if user is not None and user.status == UserStatus.REJECTED:
        return texts.REJECTED
    if user is not None and (not user.is_active or user.anonymized_at is not None):
        return texts.DISABLED
    if access == "public":
        return None
    if user is None:
        return texts.UNKNOWN_USER
    if user.status != UserStatus.APPROVED:
        return texts.PENDING
    needed = _ROLE_NEEDED.get(access)
    if needed is not None and not user.role.at_least(needed):
        return texts.ADMINS_ONLY if needed == Role.ADMIN else texts.OPERATORS_ONLY
    return None


class UnitOfWorkMiddleware(BaseMiddleware):
    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        ai: AIService,
        notifier: TelegramNotifier | None,
        now: Callable[[], datetime],
    ) -> None:
        self.database = database
        self.settings = settings
        self.ai = ai
        self.notifier = notifier
        self.now = now

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        telegram_user = data.get("event_from_user")
        if telegram_user is None:
            return None
        state: FSMContext | None = data.get("state")
        in_conversation = state is not None and await state.get_state() is not None
        write = not get_flag(data, "read_only") or in_conversation
        replies: Replies = data["replies"]
        async with self.database.unit_of_work(write=write) as session:
            services = BotServices(
                session, settings=self.settings, ai=self.ai, notifier=self.notifier, now=self.now
            )
            user = await services.registrations.find(telegram_user.id)
            refusal = access_refusal(user, get_flag(data, "access", default="member"))
            if refusal is not None:
                if in_conversation and state is not None:
                    await state.clear()  # e.g. deactivated in the middle of a deposit
                replies.say(refusal)
                return None
            data["services"] = services
            data["user"] = user
            return await handler(event, data)


class ConversationMiddleware(BaseMiddleware):
    def __init__(self, settings: Settings, *, now: Callable[[], datetime]) -> None:
        self.timeout = settings.bot_conversation_timeout_seconds
        self.now = now

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        state: FSMContext | None = data.get("state")
        if state is None:
            return await handler(event, data)
        if await state.get_state() is not None:
            values = await state.get_data()
            seen_at = values.get("seen_at")
            if seen_at is not None and self.now().timestamp() - float(seen_at) > self.timeout:
                await self._expire(state, values, data)
                if get_flag(data, "conversation"):
                    return None
        result = await handler(event, data)
        if await state.get_state() is not None:
            await state.update_data(seen_at=self.now().timestamp())
        return result

    async def _expire(
        self, state: FSMContext, values: dict[str, Any], data: dict[str, Any]
    ) -> None:
        await state.clear()
        services: BotServices = data["services"]
        user: User | None = data.get("user")
        if user is not None and values.get("deposit_id"):
            await services.abandon_deposit(user, uuid.UUID(values["deposit_id"]))
        replies: Replies = data["replies"]
        replies.say(texts.expired_conversation(services.conversation_minutes))
