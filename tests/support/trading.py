"""A shop's history written through the real services with a moved clock: sales, refunds,
sessions — so that the journal, the lines and the payments are exactly what a till makes."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from recyclic.core.database import Database
from recyclic.models.cash import CashRegister, CashSession
from recyclic.models.user import User
from recyclic.schemas.cash import SessionClose, SessionOpen
from recyclic.schemas.sale import RefundCreate, SaleCreate
from recyclic.services.cash.refunds import RefundService
from recyclic.services.cash.sales import SaleService
from recyclic.services.cash.sessions import CashService
from recyclic.services.cash.tickets import SaleView


class Trader:
    """A cashier who sells and an admin who refunds, each with an open session."""

    def __init__(self, database: Database, cashier: User, admin: User) -> None:
        self.database = database
        self.cashier = cashier
        self.admin = admin
        self.sessions: dict[uuid.UUID, CashSession] = {}

    async def open(self, at: datetime, registers: tuple[CashRegister, CashRegister]) -> None:
        """Open one session per person, at `at`."""
        # The admin's drawer pays cash refunds back: a float large enough for all of them.
        floats = ("50", "5000")
        for person, register, float_ in zip(
            (self.cashier, self.admin), registers, floats, strict=True
        ):
            async with self.database.unit_of_work() as session:
                opened = await CashService(session, now=lambda: at).open_session(
                    person,
                    SessionOpen(register_id=register.id, opening_amount=float_),  # type: ignore[arg-type]
                )
            self.sessions[person.id] = opened

    async def sell(
        self, at: datetime, items: list[dict[str, Any]], payments: list[dict[str, Any]]
    ) -> SaleView:
        """A ticket made at `at`."""
        body = {
            "session_id": self.sessions[self.cashier.id].id,
            "items": items,
            "payments": payments,
        }
        async with self.database.unit_of_work() as session:
            created = await SaleService(session, now=lambda: at).create_sale(
                self.cashier, SaleCreate.model_validate(body)
            )
        return created.view

    async def refund(
        self,
        at: datetime,
        sale_id: uuid.UUID,
        items: list[dict[str, Any]] | None = None,
        method: str = "cash",
    ) -> SaleView:
        """A refund (all of the ticket, or some units of some lines) made at `at`."""
        body = {
            "session_id": self.sessions[self.admin.id].id,
            "items": items,
            "reason": "Article défectueux",
            "method": method,
        }
        async with self.database.unit_of_work() as session:
            return await RefundService(session, now=lambda: at).refund(
                self.admin, sale_id, RefundCreate.model_validate(body)
            )

    async def close(self, at: datetime) -> None:
        """Close both sessions, the counted cash equal to the expected cash."""
        for person in (self.cashier, self.admin):
            opened = self.sessions[person.id]
            async with self.database.unit_of_work() as session:
                service = CashService(session, now=lambda: at)
                view = await service.view(opened)
                assert view.figures is not None
                f = view.figures
                expected = opened.opening_cents + f.cash_net_cents + f.movements_cents
                await service.close_session(
                    person,
                    opened.id,
                    SessionClose(actual_amount=str(Decimal(expected) / 100)),  # type: ignore[arg-type]
                )


async def set_default_weights(database: Database, weights: dict[str, int]) -> None:
    """Set categories' default unit weights (grams) for the test's transaction."""
    from sqlalchemy import update

    from recyclic.models.category import Category

    async with database.unit_of_work() as session:
        for code, grams in weights.items():
            await session.execute(
                update(Category).where(Category.code == code).values(default_unit_weight_g=grams)
            )
