"""Admins: ✅/❌ on registrations (acting at once, with the role rules) and /stats."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from recyclic.bot import texts
from recyclic.bot.context import BotServices
from recyclic.bot.keyboards import MenuAction, RegistrationDecision
from recyclic.bot.replies import Replies
from recyclic.models.user import User, UserStatus
from recyclic.schemas.user import UserUpdate
from recyclic.services.people.users import UserNotFound
from recyclic.utils.dates import local_today

ADMIN = {"access": "admin"}


async def decide_registration(
    callback: CallbackQuery,
    callback_data: RegistrationDecision,
    services: BotServices,
    user: User,
    replies: Replies,
) -> None:
    try:
        applicant = await services.users.get_user(user, callback_data.user_id)
    except UserNotFound:
        replies.toast(texts.APPLICANT_GONE)
        replies.drop_buttons(callback.message)
        return
    if applicant.status != UserStatus.PENDING:
        # Another admin was quicker, or it was decided in the web app.
        replies.edit(callback.message, texts.already_decided(applicant))
        return
    approve = callback_data.decision == "approve"
    status = UserStatus.APPROVED if approve else UserStatus.REJECTED
    # The service applies the role rules and tells the applicant after the commit.
    await services.users.update_user(user, applicant.id, UserUpdate(status=status))
    replies.edit(callback.message, texts.decided(applicant, approve))


async def _stats(services: BotServices, user: User, replies: Replies) -> None:
    if user.site_id is None:
        replies.say(texts.NO_SITE)
        return
    site = await services.sites.get_site(user, user.site_id)
    today = local_today(site.timezone, services.now())
    summary = await services.stats.summary(user, site_id=site.id, first_day=today, last_day=today)
    takings = await services.sales.daily_total(user, site.id, today)
    rows = [
        (row.category, summary.labels.get(row.category, ""), row.deposits_count, row.weight_g)
        for row in summary.deposits.categories
    ]
    replies.say(texts.stats(site, today, rows, takings.sales_count, takings.total))


async def stats_command(
    message: Message, services: BotServices, user: User, replies: Replies
) -> None:
    await _stats(services, user, replies)


async def stats_button(
    callback: CallbackQuery, services: BotServices, user: User, replies: Replies
) -> None:
    await _stats(services, user, replies)


def create_router() -> Router:
    """A fresh router for this flow (a router belongs to one dispatcher)."""
    router = Router(name="admin")
    router.callback_query.register(decide_registration, RegistrationDecision.filter(), flags=ADMIN)
    router.message.register(stats_command, Command("stats"), flags={**ADMIN, "read_only": True})
    router.callback_query.register(
        stats_button, MenuAction.filter(F.action == "stats"), flags={**ADMIN, "read_only": True}
    )
    return router
