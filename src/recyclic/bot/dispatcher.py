"""Building the bot: the aiogram `Bot` (pointed at the configured Bot API server), its FSM
storage (Redis when configured, memory otherwise) and the `Dispatcher` with our middlewares and
one router per flow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType, ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation

from recyclic.bot import account, admin, deposit, fallback, start
from recyclic.bot.middlewares import (
    ConversationMiddleware,
    RepliesMiddleware,
    UnitOfWorkMiddleware,
    VoiceMiddleware,
)
from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.models.base import utcnow
from recyclic.services.ai.ai_service import AIService
from recyclic.services.messaging.telegram_service import TelegramNotifier

# Conversations expire by the clock (ConversationMiddleware); this only lets Redis forget
# abandoned ones.
_STORAGE_TTL_SECONDS = 24 * 3600
# Each Bot API call; getUpdates' long poll adds its own wait to it.
_REQUEST_TIMEOUT_SECONDS = 20


def create_bot(settings: Settings) -> Bot:
    """The Bot for the configured token and Bot API base URL (RECYCLIC_TELEGRAM_API_URL)."""
    session = AiohttpSession(
        api=TelegramAPIServer.from_base(settings.telegram_api_url),
        timeout=_REQUEST_TIMEOUT_SECONDS,
    )
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def create_storage(settings: Settings) -> tuple[BaseStorage, BaseEventIsolation]:
    """Redis (shared by every process, our key prefix) or memory (embedded mode); updates of
    one person are handled one at a time (a double tap on ✅ cannot validate twice)."""
    if not settings.redis_url:
        return MemoryStorage(), SimpleEventIsolation()
    from aiogram.fsm.storage.redis import RedisStorage

    from recyclic.core.redis import create_redis

    storage = RedisStorage(
        create_redis(settings.redis_url),
        key_builder=DefaultKeyBuilder(prefix=f"{settings.redis_key_prefix}bot", with_bot_id=True),
        state_ttl=_STORAGE_TTL_SECONDS,
        data_ttl=_STORAGE_TTL_SECONDS,
    )
    return storage, storage.create_isolation()


def build_dispatcher(
    settings: Settings,
    database: Database,
    *,
    ai: AIService,
    notifier: TelegramNotifier | None,
    now: Callable[[], datetime] = utcnow,
    storage: tuple[BaseStorage, BaseEventIsolation] | None = None,
) -> Dispatcher:
    """The dispatcher with our middlewares and routers (private chats only)."""
    fsm_storage, isolation = storage or create_storage(settings)
    dispatcher = Dispatcher(storage=fsm_storage, events_isolation=isolation)
    dispatcher.message.filter(F.chat.type == ChatType.PRIVATE)
    middlewares = (
        RepliesMiddleware(),
        VoiceMiddleware(settings),
        UnitOfWorkMiddleware(database, settings, ai=ai, notifier=notifier, now=now),
        ConversationMiddleware(settings, now=now),
    )
    for observer in (dispatcher.message, dispatcher.callback_query):
        for middleware in middlewares:
            observer.middleware(middleware)
    # Commands first, so that /annuler is never taken for an answer; the fallback last.
    dispatcher.include_routers(
        *(flow.create_router() for flow in (start, account, admin, deposit, fallback))
    )
    return dispatcher
