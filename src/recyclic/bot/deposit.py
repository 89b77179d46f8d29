"""/depot: a voice note or a description → a classified deposit → ✅ Valider / ✏️ Corriger /
❌ Annuler → (the weight, the quantity, when unknown) → saved; ➕ for the next one.

The deposit exists from the first description on (a draft, classified at once), as in the API;
it is validated only by ✅ (and the answers that follow). An abandoned deposit — ❌, /annuler,
a new /depot, an expired conversation — is cancelled, so nothing unconfirmed is ever counted.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, MaybeInaccessibleMessage, Message

from recyclic.bot import keyboards, texts
from recyclic.bot.context import BotServices
from recyclic.bot.keyboards import CategoryPick, DepositAction, MenuAction
from recyclic.bot.replies import Replies
from recyclic.bot.states import DepositFlow
from recyclic.models.deposit import Deposit, DepositStatus
from recyclic.models.user import User
from recyclic.schemas.deposit import (
    MAX_DESCRIPTION_CHARS,
    MAX_WEIGHT_KG,
    DepositCreate,
    DepositUpdate,
    DepositValidate,
)
from recyclic.services.ai.ai_service import DescriptionTooLong
from recyclic.services.ai.local_classifier import parse_quantity_reply, parse_weight_reply
from recyclic.services.deposits.errors import DepositNotFound, RecordingKeptUntranscribed
from recyclic.utils.formatting import GRAMS_PER_KG

OPERATOR = {"access": "operator"}
CONVERSATION = {"access": "operator", "conversation": True}
_OPEN = (DepositStatus.DRAFT, DepositStatus.CLASSIFIED)
_NOT_A_COMMAND = ~F.text.startswith("/")

# --- Starting -------------------------------------------------------------------------------


async def begin(state: FSMContext, services: BotServices, user: User, replies: Replies) -> None:
    """Ask for a description; an unfinished deposit is abandoned (cancelled)."""
    values = await state.get_data()
    if values.get("deposit_id"):
        await services.abandon_deposit(user, uuid.UUID(values["deposit_id"]))
    await state.set_state(DepositFlow.describing)
    await state.set_data({})
    replies.say(texts.ASK_DESCRIPTION)


async def deposit_command(
    message: Message, state: FSMContext, services: BotServices, user: User, replies: Replies
) -> None:
    await begin(state, services, user, replies)


async def deposit_button(
    callback: CallbackQuery,
    state: FSMContext,
    services: BotServices,
    user: User,
    replies: Replies,
) -> None:
    """📦 in the menu, or ➕ Un autre dépôt under a finished one."""
    await begin(state, services, user, replies)


# --- Describing -----------------------------------------------------------------------------


async def describe_in_words(
    message: Message, state: FSMContext, services: BotServices, user: User, replies: Replies
) -> None:
    text = (message.text or "").strip()
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise DescriptionTooLong()
    # A recording kept without its words is completed by this description.
    deposit = await _awaiting_words(state, services, user)
    if deposit is not None:
        deposit = (await services.deposits.classify_text(user, deposit.id, text)).deposit
    else:
        deposit = await services.deposits.create(user, DepositCreate(description=text))
    await _propose(deposit, state, services, replies)


async def describe_by_voice(
    message: Message,
    state: FSMContext,
    services: BotServices,
    user: User,
    replies: Replies,
    audio: bytes,
) -> None:
    deposit = await _awaiting_words(state, services, user)
    if deposit is None:
        deposit = await services.deposits.create(user, DepositCreate())
    try:
        result = await services.deposits.classify_audio(user, deposit.id, audio)
    except RecordingKeptUntranscribed:
        # No speech recognition here (no Gemini key) or Gemini is down: the recording is kept
        # with the draft, as the API does, and the words are asked for in writing.
        await state.update_data(deposit_id=str(deposit.id))
        replies.say(texts.VOICE_KEPT)
        return
    await _propose(result.deposit, state, services, replies)


async def _awaiting_words(state: FSMContext, services: BotServices, user: User) -> Deposit | None:
    deposit_id = (await state.get_data()).get("deposit_id")
    if not deposit_id:
        return None
    try:
        deposit = await services.deposits.get_deposit(user, uuid.UUID(deposit_id))
    except DepositNotFound:
        return None  # deleted meanwhile: start afresh
    return deposit if deposit.status in _OPEN else None


async def _propose(
    deposit: Deposit,
    state: FSMContext,
    services: BotServices,
    replies: Replies,
    *,
    edit: MaybeInaccessibleMessage | None = None,
) -> None:
    """Show the proposal with ✅ ✏️ ❌; each showing gets a new `rev`, older buttons expire."""
    rev = int((await state.get_data()).get("rev", 0)) + 1
    await state.set_state(DepositFlow.confirming)
    await state.set_data({"deposit_id": str(deposit.id), "rev": rev})
    text = texts.proposal(deposit, await services.category_labels())
    markup = keyboards.proposal(deposit.id, rev)
    if edit is not None:
        replies.edit(edit, text, markup)
    else:
        replies.say(text, markup)


# --- The proposal's buttons -----------------------------------------------------------------


async def proposal_button(
    callback: CallbackQuery,
    callback_data: DepositAction,
    state: FSMContext,
    services: BotServices,
    user: User,
    replies: Replies,
) -> None:
    deposit = await _pressed(
        callback, callback_data.deposit, callback_data.rev, state, services, user, replies
    )
    if deposit is None:
        return
    labels = await services.category_labels()
    if callback_data.action == "ok":
        await _validate_or_ask(callback.message, deposit, state, services, user, replies)
    elif callback_data.action == "fix":
        choices = await services.active_categories()
        replies.edit(
            callback.message,
            texts.choosing(deposit, labels),
            keyboards.categories(deposit.id, callback_data.rev, choices),
        )
    elif callback_data.action == "back":
        replies.edit(
            callback.message,
            texts.proposal(deposit, labels),
            keyboards.proposal(deposit.id, callback_data.rev),
        )
    else:
        await services.abandon_deposit(user, deposit.id)
        await state.clear()
        replies.edit(callback.message, texts.CANCELLED, keyboards.another_deposit())


async def category_button(
    callback: CallbackQuery,
    callback_data: CategoryPick,
    state: FSMContext,
    services: BotServices,
    user: User,
    replies: Replies,
) -> None:
    deposit = await _pressed(
        callback, callback_data.deposit, callback_data.rev, state, services, user, replies
    )
    if deposit is None:
        return
    deposit = await services.deposits.update(
        user, deposit.id, DepositUpdate(category=callback_data.code)
    )
    await _propose(deposit, state, services, replies, edit=callback.message)


async def _pressed(
    callback: CallbackQuery,
    deposit_id: uuid.UUID,
    rev: int,
    state: FSMContext,
    services: BotServices,
    user: User,
    replies: Replies,
) -> Deposit | None:
    """The deposit a button acts on, if the button belongs to the proposal on screen."""
    values = await state.get_data()
    if values.get("deposit_id") != str(deposit_id) or values.get("rev") != rev:
        replies.toast(texts.EXPIRED_BUTTON)
        replies.drop_buttons(callback.message)
        return None
    return await _still_open(deposit_id, state, services, user, replies, callback.message)


async def _still_open(
    deposit_id: uuid.UUID,
    state: FSMContext,
    services: BotServices,
    user: User,
    replies: Replies,
    message: MaybeInaccessibleMessage | None = None,
) -> Deposit | None:
    """The deposit, unless it was deleted, validated or cancelled meanwhile (then say so)."""
    try:
        deposit = await services.deposits.get_deposit(user, deposit_id)
    except DepositNotFound:
        await state.clear()
        _tell(replies, message, texts.DEPOSIT_GONE)
        return None
    if deposit.status not in _OPEN:
        await state.clear()
        _tell(replies, message, texts.deposit_closed(deposit))
        return None
    return deposit


def _tell(replies: Replies, message: MaybeInaccessibleMessage | None, text: str) -> None:
    if message is not None:
        replies.edit(message, text)
    else:
        replies.say(text)


async def _validate_or_ask(
    message: MaybeInaccessibleMessage | None,
    deposit: Deposit,
    state: FSMContext,
    services: BotServices,
    user: User,
    replies: Replies,
) -> None:
    """✅: saved at once when weight and quantity are known, else ask for what is missing."""
    labels = await services.category_labels()
    if deposit.weight_g is not None and deposit.quantity is not None:
        saved = await services.deposits.validate(user, deposit.id, DepositValidate())
        await state.clear()
        replies.edit(message, texts.saved(saved, labels), keyboards.another_deposit())
        return
    replies.edit(message, texts.proposal(deposit, labels))  # the same text, without buttons
    if deposit.weight_g is None:
        await state.set_state(DepositFlow.weight)
        replies.say(texts.ASK_WEIGHT)
    else:
        await state.set_state(DepositFlow.quantity)
        replies.say(texts.ASK_QUANTITY)


# --- What was missing -----------------------------------------------------------------------


async def weight_answer(
    message: Message, state: FSMContext, services: BotServices, user: User, replies: Replies
) -> None:
    grams = parse_weight_reply(message.text or "")
    if grams is None or not 0 < grams <= MAX_WEIGHT_KG * GRAMS_PER_KG:
        replies.say(texts.BAD_WEIGHT)
        return
    deposit = await _still_open(_deposit_id(await state.get_data()), state, services, user, replies)
    if deposit is None:
        return
    if deposit.quantity is None:
        await state.update_data(weight_g=grams)
        await state.set_state(DepositFlow.quantity)
        replies.say(texts.ASK_QUANTITY)
        return
    await _save(deposit, state, services, user, replies, weight_g=grams)


async def quantity_answer(
    message: Message, state: FSMContext, services: BotServices, user: User, replies: Replies
) -> None:
    quantity = parse_quantity_reply(message.text or "")
    if quantity is None:
        replies.say(texts.BAD_QUANTITY)
        return
    values = await state.get_data()
    deposit = await _still_open(_deposit_id(values), state, services, user, replies)
    if deposit is None:
        return
    weight_g = values.get("weight_g")
    await _save(deposit, state, services, user, replies, weight_g=weight_g, quantity=quantity)


def _deposit_id(values: dict[str, object]) -> uuid.UUID:
    return uuid.UUID(str(values["deposit_id"]))


async def _save(
    deposit: Deposit,
    state: FSMContext,
    services: BotServices,
    user: User,
    replies: Replies,
    *,
    weight_g: int | None = None,
    quantity: int | None = None,
) -> None:
    data = DepositValidate(
        weight_kg=None if weight_g is None else Decimal(weight_g) / GRAMS_PER_KG,
        quantity=quantity,
    )
    saved = await services.deposits.validate(user, deposit.id, data)
    await state.clear()
    replies.say(texts.saved(saved, await services.category_labels()), keyboards.another_deposit())


def create_router() -> Router:
    """A fresh router for this flow (a router belongs to one dispatcher)."""
    router = Router(name="deposit")
    router.message.register(deposit_command, Command("depot", "dépôt", "depots"), flags=OPERATOR)
    router.callback_query.register(
        deposit_button, MenuAction.filter(F.action == "deposit"), flags=OPERATOR
    )
    router.message.register(
        describe_in_words, DepositFlow.describing, F.text, _NOT_A_COMMAND, flags=CONVERSATION
    )
    router.message.register(
        describe_by_voice,
        DepositFlow.describing,
        F.voice | F.audio,
        flags={**CONVERSATION, "voice": True},
    )
    router.callback_query.register(
        proposal_button, DepositFlow.confirming, DepositAction.filter(), flags=CONVERSATION
    )
    router.callback_query.register(
        category_button, DepositFlow.confirming, CategoryPick.filter(), flags=CONVERSATION
    )
    router.message.register(
        weight_answer, DepositFlow.weight, F.text, _NOT_A_COMMAND, flags=CONVERSATION
    )
    router.message.register(
        quantity_answer, DepositFlow.quantity, F.text, _NOT_A_COMMAND, flags=CONVERSATION
    )
    return router
