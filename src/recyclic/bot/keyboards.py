"""Inline keyboards and their callback data (aiogram `CallbackData` factories).

Callback data is parsed and validated by the factories' filters: a button whose data does not
parse (an old version, a forged value) matches no handler and is answered by the fallback
router as expired.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Literal

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import Field

from recyclic.bot import texts
from recyclic.models.category import Category
from recyclic.services.messaging.telegram_service import Button
from recyclic.services.people.registration import DECISION_PREFIX


class MenuAction(CallbackData, prefix="menu"):
    """A menu entry: start a deposit, get a login code, help, today's figures."""

    action: Literal["deposit", "login", "help", "stats"]


class DepositAction(CallbackData, prefix="dep"):
    """A button of a deposit proposal; `rev` ties it to the proposal it was shown with."""

    action: Literal["ok", "fix", "no", "back"]
    deposit: uuid.UUID
    rev: int


class CategoryPick(CallbackData, prefix="cat"):
    """A category chosen while correcting a proposal."""

    deposit: uuid.UUID
    rev: int
    code: str = Field(max_length=16)


class RegistrationDecision(CallbackData, prefix=DECISION_PREFIX):
    """An admin's ✅/❌ on a registration (sent by `RegistrationService`'s notification)."""

    decision: Literal["approve", "reject"]
    user_id: uuid.UUID


def menu(*, can_deposit: bool, is_admin: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if can_deposit:
        builder.button(text=texts.BUTTON_DEPOSIT, callback_data=MenuAction(action="deposit"))
    builder.button(text=texts.BUTTON_LOGIN, callback_data=MenuAction(action="login"))
    if is_admin:
        builder.button(text=texts.BUTTON_STATS, callback_data=MenuAction(action="stats"))
    builder.button(text=texts.BUTTON_HELP, callback_data=MenuAction(action="help"))
    builder.adjust(1 if can_deposit else 2, 2)
    return builder.as_markup()


def proposal(deposit_id: uuid.UUID, rev: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for text, action in (
        (texts.BUTTON_VALIDATE, "ok"),
        (texts.BUTTON_CORRECT, "fix"),
        (texts.BUTTON_CANCEL, "no"),
    ):
        builder.button(
            text=text, callback_data=DepositAction(action=action, deposit=deposit_id, rev=rev)
        )
    builder.adjust(3)
    return builder.as_markup()


def categories(
    deposit_id: uuid.UUID, rev: int, choices: Iterable[Category]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for category in choices:
        if ":" in category.code:  # cannot travel in callback data (":" separates fields)
            continue
        builder.button(
            text=f"{category.code} · {category.label}",
            callback_data=CategoryPick(deposit=deposit_id, rev=rev, code=category.code),
        )
    builder.adjust(1)
    builder.row(
        InlineKeyboardButton(
            text=texts.BUTTON_BACK,
            callback_data=DepositAction(action="back", deposit=deposit_id, rev=rev).pack(),
        )
    )
    return builder.as_markup()


def another_deposit() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.BUTTON_ANOTHER, callback_data=MenuAction(action="deposit"))
    return builder.as_markup()


def from_buttons(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    """A keyboard from the services' plain buttons."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.callback_data) for b in row]
            for row in rows
        ]
    )
