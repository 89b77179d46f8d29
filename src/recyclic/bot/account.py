"""/aide, /annuler and /connexion (a single-use code for the web app)."""

from __future__ import annotations

import uuid

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from recyclic.bot import texts
from recyclic.bot.context import BotServices
from recyclic.bot.keyboards import MenuAction
from recyclic.bot.replies import Replies
from recyclic.models.user import User


async def help_command(
    message: Message, services: BotServices, user: User | None, replies: Replies
) -> None:
    replies.say(texts.help_text(user, services.conversation_minutes))


async def help_button(
    callback: CallbackQuery, services: BotServices, user: User, replies: Replies
) -> None:
    replies.say(texts.help_text(user, services.conversation_minutes))


async def cancel(
    message: Message, state: FSMContext, services: BotServices, user: User, replies: Replies
) -> None:
    values = await state.get_data()
    had_state = await state.get_state() is not None
    await state.clear()
    if values.get("deposit_id"):
        await services.abandon_deposit(user, uuid.UUID(values["deposit_id"]))
    replies.say(texts.CANCELLED if had_state else texts.NOTHING_TO_CANCEL)


async def _login_code(services: BotServices, user: User, replies: Replies) -> None:
    code = await services.auth.issue_login_code(user)
    settings = services.settings
    replies.say(texts.login_code(code, settings.login_code_minutes, settings.public_url))


async def login_command(
    message: Message, services: BotServices, user: User, replies: Replies
) -> None:
    await _login_code(services, user, replies)


async def login_button(
    callback: CallbackQuery, services: BotServices, user: User, replies: Replies
) -> None:
    await _login_code(services, user, replies)


def create_router() -> Router:
    """A fresh router for this flow (a router belongs to one dispatcher)."""
    router = Router(name="account")
    router.message.register(
        help_command, Command("aide", "help"), flags={"access": "public", "read_only": True}
    )
    router.callback_query.register(
        help_button, MenuAction.filter(F.action == "help"), flags={"read_only": True}
    )
    router.message.register(cancel, Command("annuler", "cancel"))
    router.message.register(login_command, Command("connexion", "login"))
    router.callback_query.register(login_button, MenuAction.filter(F.action == "login"))
    return router
