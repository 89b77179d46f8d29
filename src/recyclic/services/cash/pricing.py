"""Ticket arithmetic, in integer cents and grams: line totals, discounts, payments, change.

Pure functions: the server computes every total itself and never trusts the client's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from recyclic.core.exceptions import InvalidInput
from recyclic.services.cash.journal import canonical_json, utc_iso

MAX_LINE_CENTS = 100_000_00  # 100,000 € per line
MAX_TICKET_CENTS = 1_000_000_00  # 1,000,000 € per ticket
BASE_PAYMENT_METHODS = frozenset({"cash", "card", "check", "free"})


class PricingError(InvalidInput):
    code = "invalid_sale"


@dataclass(frozen=True, slots=True)
class LineInput:
    category: str
    description: str | None
    quantity: int
    unit: str  # "piece" | "kg"
    unit_price_cents: int
    weight_g: int | None
    discount_percent_bp: int | None
    discount_cents: int | None


@dataclass(frozen=True, slots=True)
class PricedLine:
    source: LineInput
    gross_cents: int
    discount_cents: int
    line_total_cents: int


@dataclass(frozen=True, slots=True)
class PaymentInput:
    method: str
    amount_cents: int


@dataclass(frozen=True, slots=True)
class PricedTicket:
    lines: list[PricedLine]
    total_cents: int
    payments: list[PaymentInput]
    change_cents: int


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero."""
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    quotient, remainder = divmod(abs(numerator), abs(denominator))
    if remainder * 2 >= abs(denominator):
        quotient += 1
    return sign * quotient


def price_line(line: LineInput) -> PricedLine:
    """Gross, discount and total of one line (a kg line is price per kg × weight)."""
    if line.unit == "kg":
        if not line.weight_g:
            raise PricingError(
                "Une vente au poids demande le poids (weight_kg).", code="weight_required"
            )
        gross = round_half_up(line.unit_price_cents * line.weight_g, 1000)
    else:
        gross = line.unit_price_cents * line.quantity
    if line.discount_percent_bp is not None:
        discount = round_half_up(gross * line.discount_percent_bp, 10_000)
    else:
        discount = line.discount_cents or 0
    if discount > gross:
        raise PricingError("La remise dépasse le montant de la ligne.", code="discount_too_large")
    total = gross - discount
    if total > MAX_LINE_CENTS:
        raise PricingError("Une ligne ne peut pas dépasser 100 000 €.", code="line_too_large")
    return PricedLine(
        source=line, gross_cents=gross, discount_cents=discount, line_total_cents=total
    )


def price_ticket(
    lines: list[LineInput], payments: list[PaymentInput], *, allowed_methods: frozenset[str]
) -> PricedTicket:
    """Price every line, check the payments cover the total, compute the change."""
    priced = [price_line(line) for line in lines]
    total = sum(p.line_total_cents for p in priced)
    if total > MAX_TICKET_CENTS:
        raise PricingError("Un ticket ne peut pas dépasser 1 000 000 €.", code="ticket_too_large")
    change = settle_payments(total, payments, allowed_methods=allowed_methods)
    return PricedTicket(lines=priced, total_cents=total, payments=payments, change_cents=change)


def settle_payments(
    total: int, payments: list[PaymentInput], *, allowed_methods: frozenset[str]
) -> int:
    """The change to give back in cash; refuse payments that do not settle `total`.

    Non-cash payments may not exceed what is due (a card is charged the exact amount); cash
    may, and the difference is the change. `free` is only for a 0 € ticket.
    """
    for payment in payments:
        if payment.method not in allowed_methods:
            raise PricingError(
                f"Moyen de paiement non accepté sur ce site : {payment.method}.",
                code="payment_method_not_allowed",
            )
        if payment.method == "free":
            if total != 0 or payment.amount_cents != 0:
                raise PricingError(
                    "« free » est réservé aux tickets à 0 €, pour un montant de 0.",
                    code="free_needs_zero_total",
                )
        elif payment.amount_cents <= 0:
            raise PricingError("Chaque paiement doit être positif.", code="invalid_payment")
    non_cash = sum(p.amount_cents for p in payments if p.method not in ("cash", "free"))
    cash = sum(p.amount_cents for p in payments if p.method == "cash")
    if non_cash > total:
        raise PricingError(
            "Les paiements hors espèces dépassent le montant dû.", code="overpayment"
        )
    if non_cash + cash < total:
        raise PricingError(
            "Les paiements ne couvrent pas le total du ticket.", code="payment_insufficient"
        )
    return non_cash + cash - total


def request_hash(
    *,
    session_id: object,
    created_at: datetime | None,
    lines: list[LineInput],
    payments: list[PaymentInput],
) -> str:
    """SHA-256 of the normalised request: amounts in cents, so 4.5 and 4.50 are the same."""
    document = {
        "session_id": str(session_id),
        "created_at": utc_iso(created_at) if created_at else None,
        "lines": [
            [
                line.category,
                line.description,
                line.quantity,
                line.unit,
                line.unit_price_cents,
                line.weight_g,
                line.discount_percent_bp,
                line.discount_cents,
            ]
            for line in lines
        ],
        "payments": [[p.method, p.amount_cents] for p in payments],
    }
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()


def proportional(total: int, part: int, whole: int) -> int:
    """`total` × part / whole, rounded half up (refunds of some units of a line)."""
    return round_half_up(total * part, whole)
