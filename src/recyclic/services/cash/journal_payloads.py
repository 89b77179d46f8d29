"""What each till event writes into the journal (money in cents, weights in grams).

One definition for the live services and the bulk loader, so that both chain the same
payloads and `recyclic journal verify` cannot tell them apart.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from recyclic.models.cash import CashSession
from recyclic.models.sale import LineUnit
from recyclic.repositories.cash_repository import SessionFigures
from recyclic.services.cash.journal import utc_iso


def session_open_data(session: CashSession, proposed_float: int | None) -> dict[str, Any]:
    """What the journal records when a till opens."""
    return {
        "register_id": str(session.register_id),
        "cashier_id": str(session.cashier_id),
        "opening_cents": session.opening_cents,
        "proposed_float_cents": proposed_float,
        "opening_comment": session.opening_comment,
    }


def session_close_data(session: CashSession, figures: SessionFigures) -> dict[str, Any]:
    """What the journal records when a till closes."""
    return {
        "expected_cents": session.expected_cents,
        "actual_cents": session.actual_cents,
        "variance_cents": session.variance_cents,
        "kept_float_cents": session.kept_float_cents,
        "bank_deposit_cents": session.bank_deposit_cents,
        "sales_cents": figures.sales_cents,
        "refunds_cents": figures.refunds_cents,
        "payments": figures.payments,
        "change_cents": figures.change_cents,
        "movements_cents": figures.movements_cents,
    }


class TicketLike(Protocol):
    @property
    def session_id(self) -> uuid.UUID: ...
    @property
    def cashier_id(self) -> uuid.UUID: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def total_cents(self) -> int: ...
    @property
    def change_cents(self) -> int: ...
    @property
    def refund_of(self) -> uuid.UUID | None: ...
    @property
    def refund_reason(self) -> str | None: ...


class LineLike(Protocol):
    @property
    def category(self) -> str: ...
    @property
    def unit(self) -> LineUnit: ...
    @property
    def quantity(self) -> int: ...
    @property
    def unit_price_cents(self) -> int: ...
    @property
    def weight_g(self) -> int | None: ...
    @property
    def discount_cents(self) -> int: ...
    @property
    def line_total_cents(self) -> int: ...
    @property
    def vat_rate_bp(self) -> int: ...


class PaymentLike(Protocol):
    @property
    def method(self) -> str: ...
    @property
    def amount_cents(self) -> int: ...


def sale_journal_data(
    sale: TicketLike, lines: Sequence[LineLike], payments: Sequence[PaymentLike]
) -> dict[str, Any]:
    """What the journal records of a ticket (money in cents, weights in grams)."""
    return {
        "session_id": str(sale.session_id),
        "cashier_id": str(sale.cashier_id),
        "sold_at": utc_iso(sale.created_at),
        "total_cents": sale.total_cents,
        "change_cents": sale.change_cents,
        "refund_of": str(sale.refund_of) if sale.refund_of else None,
        "reason": sale.refund_reason,
        "lines": [
            {
                "category": line.category,
                "unit": line.unit.value,
                "quantity": line.quantity,
                "unit_price_cents": line.unit_price_cents,
                "weight_g": line.weight_g,
                "discount_cents": line.discount_cents,
                "line_total_cents": line.line_total_cents,
                "vat_rate_bp": line.vat_rate_bp,
            }
            for line in lines
        ],
        "payments": [{"method": p.method, "amount_cents": p.amount_cents} for p in payments],
    }
