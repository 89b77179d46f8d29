"""Conversation states (aiogram FSM)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class DepositFlow(StatesGroup):
    """/depot: description → proposal → (weight) → (quantity) → saved.

    State data: `deposit_id` (str), `rev` (the proposal shown, for its buttons), `weight_g`
    (a weight given while the quantity is still asked), `seen_at` (epoch seconds of the last
    update, for the expiry).
    """

    describing = State()
    confirming = State()
    weight = State()
    quantity = State()
