"""/start: the menu for members; a registration, announced to the site's admins, for others."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import InlineKeyboardMarkup, Message

from recyclic.bot import keyboards, texts
from recyclic.bot.context import BotServices
from recyclic.bot.replies import Replies
from recyclic.core.security import TelegramIdentity
from recyclic.models.user import Role, User, UserStatus

_SITE_LINK_PREFIX = "site_"


def site_slug(args: str | None) -> str | None:
    """The site named by a `/start site_<slug>` deep link."""
    if args and args.startswith(_SITE_LINK_PREFIX):
        return args[len(_SITE_LINK_PREFIX) :].strip() or None
    return None


def main_menu(user: User) -> tuple[str, InlineKeyboardMarkup]:
    """The welcome message and menu of an approved member."""
    markup = keyboards.menu(
        can_deposit=user.role.at_least(Role.OPERATOR), is_admin=user.role.at_least(Role.ADMIN)
    )
    return texts.welcome(user), markup


async def start(
    message: Message,
    command: CommandObject,
    services: BotServices,
    user: User | None,
    replies: Replies,
) -> None:
    if user is not None and user.status == UserStatus.APPROVED:
        replies.say(*main_menu(user))
        return
    sender = message.from_user
    assert sender is not None  # UnitOfWorkMiddleware only lets identified people through
    identity = TelegramIdentity(
        telegram_id=sender.id,
        first_name=sender.first_name,
        last_name=sender.last_name,
        username=sender.username,
    )
    had_site = user is not None and user.site_id is not None
    user, created = await services.registrations.register(
        identity, site_slug=site_slug(command.args)
    )
    site = await services.registrations.site_of(user)
    if created or (site is not None and not had_site):
        replies.say(texts.registered(site))
    else:
        replies.say(texts.PENDING if site is not None else texts.registered(None))


def create_router() -> Router:
    """A fresh router for this flow (a router belongs to one dispatcher)."""
    router = Router(name="start")
    router.message.register(start, CommandStart(), flags={"access": "public"})
    return router
