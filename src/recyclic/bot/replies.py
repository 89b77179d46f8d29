"""What the bot says about one update, sent only once its unit of work has committed.

Handlers queue their answers here instead of calling Telegram themselves, for two reasons:
a confirmation ("✅ Dépôt enregistré") must never leave for a change that then fails to commit,
and no Telegram round trip may happen while the update holds the database (on SQLite the
write lock is shared with the till). The middleware sends the queue after the commit, or
replaces it with a French explanation when the update failed.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import InlineKeyboardMarkup, MaybeInaccessibleMessage, Message

logger = logging.getLogger(__name__)


class Replies:
    """The answers of one update: messages to its chat, edits, and the callback answer."""

    def __init__(self, chat_id: int | None, callback_id: str | None = None) -> None:
        self.chat_id = chat_id
        self.callback_id = callback_id
        self._methods: list[TelegramMethod[Any]] = []
        self._callback_answer: AnswerCallbackQuery | None = None

    def say(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """A new message in the update's chat."""
        if self.chat_id is not None:
            self.send(self.chat_id, text, markup)

    def send(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """A new message in any chat."""
        self._methods.append(SendMessage(chat_id=chat_id, text=text, reply_markup=markup))

    def edit(
        self,
        message: MaybeInaccessibleMessage | None,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        """Rewrite a message of the bot (a new message when it can no longer be edited)."""
        if not isinstance(message, Message):
            self.say(text, markup)
            return
        self._methods.append(
            EditMessageText(
                chat_id=message.chat.id,
                message_id=message.message_id,
                text=text,
                reply_markup=markup,
            )
        )

    def drop_buttons(self, message: MaybeInaccessibleMessage | None) -> None:
        """Remove the buttons of a message, so they cannot be pressed again."""
        if isinstance(message, Message) and message.reply_markup is not None:
            self._methods.append(
                EditMessageReplyMarkup(chat_id=message.chat.id, message_id=message.message_id)
            )

    def toast(self, text: str, *, alert: bool = False) -> None:
        """The short notice shown when a button is pressed."""
        if self.callback_id is not None:
            self._callback_answer = AnswerCallbackQuery(
                callback_query_id=self.callback_id, text=text, show_alert=alert
            )

    def discard(self) -> None:
        """Forget everything queued (the update failed)."""
        self._methods.clear()
        self._callback_answer = None

    @property
    def pending(self) -> list[TelegramMethod[Any]]:
        """What would be sent, in order (the callback answer first)."""
        methods: list[TelegramMethod[Any]] = []
        if self.callback_id is not None:
            methods.append(
                self._callback_answer or AnswerCallbackQuery(callback_query_id=self.callback_id)
            )
        return methods + self._methods

    async def flush(self, bot: Bot) -> None:
        """Send everything, in order; a refusal by Telegram is logged, not raised."""
        methods = self.pending
        self.discard()
        self.callback_id = None
        for method in methods:
            try:
                await bot(method)
            except TelegramBadRequest as exc:
                # Pressing a button twice edits a message into what it already is.
                if "not modified" not in exc.message:
                    logger.warning("Telegram refused %s: %s", method.__api_method__, exc.message)
            except TelegramAPIError as exc:
                logger.warning("Telegram call %s failed: %s", method.__api_method__, exc)
