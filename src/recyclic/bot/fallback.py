"""Anything no other handler took: a hint fitting the step, never silence, never a crash.

Included last. Stickers, photos, documents, wrong replies, unknown commands, and buttons whose
data no longer parses (or whose conversation is over) all end here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from recyclic.bot import texts
from recyclic.bot.replies import Replies
from recyclic.bot.states import DepositFlow

IN_CONVERSATION = {"access": "operator", "conversation": True, "read_only": True}
HINTS = {
    DepositFlow.describing: texts.DESCRIBE_HINT,
    DepositFlow.confirming: texts.USE_BUTTONS,
    DepositFlow.weight: texts.WEIGHT_HINT,
    DepositFlow.quantity: texts.QUANTITY_HINT,
}


def _hint_for(text: str) -> Callable[[Message, Replies], Awaitable[None]]:
    async def hint(message: Message, replies: Replies) -> None:
        if (message.text or "").startswith("/"):
            replies.say(texts.UNKNOWN_COMMAND)
        else:
            replies.say(text)

    return hint


async def unknown_command(message: Message, replies: Replies) -> None:
    replies.say(texts.UNKNOWN_COMMAND)


async def not_understood(message: Message, replies: Replies) -> None:
    replies.say(texts.NOT_UNDERSTOOD)


async def stale_button(callback: CallbackQuery, state: FSMContext, replies: Replies) -> None:
    replies.toast(texts.EXPIRED_BUTTON)
    if await state.get_state() is None:
        # No conversation under way: the buttons of that message lead nowhere any more.
        replies.drop_buttons(callback.message)


def create_router() -> Router:
    """A fresh router for this flow (a router belongs to one dispatcher)."""
    router = Router(name="fallback")
    for state, text in HINTS.items():
        router.message.register(_hint_for(text), state, flags=IN_CONVERSATION)
    router.message.register(unknown_command, F.text.startswith("/"), flags={"read_only": True})
    router.message.register(not_understood, flags={"read_only": True})
    router.callback_query.register(stale_button, flags={"access": "public", "read_only": True})
    return router
