"""A ticket as the till services hand it around, and the one way a ticket is written.

Sales and refunds are both tickets: they are written the same way, with their journal entry
chained after the site's locked head, in one round trip (`TicketRepository.write`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recyclic.models.sale import Sale, SaleLine, SalePayment
from recyclic.repositories.sale_repository import columns_of
from recyclic.repositories.ticket_repository import TicketRepository
from recyclic.schemas.site import SiteSettings
from recyclic.services.cash.journal import HeadLock, build_entry
from recyclic.services.cash.journal_payloads import sale_journal_data
from recyclic.services.cash.pricing import BASE_PAYMENT_METHODS


@dataclass(frozen=True, slots=True)
class SaleView:
    """A ticket with its lines and payments: ORM objects when just written, read-only rows
    with the same column names when listed (rows are much cheaper to load)."""

    sale: Sale | Any
    lines: list[SaleLine] | list[Any]
    payments: list[SalePayment] | list[Any]


@dataclass(frozen=True, slots=True)
class CreatedSale:
    view: SaleView
    replayed: bool


def allowed_methods(settings: SiteSettings) -> frozenset[str]:
    """cash, card, check and free, plus the methods the site enabled."""
    return BASE_PAYMENT_METHODS | frozenset(settings.payment_methods)


async def write_ticket(
    tickets: TicketRepository, lock: HeadLock, view: SaleView, *, kind: str, now: datetime
) -> None:
    """Write a sale or refund and chain its journal entry after the locked head."""
    entry = build_entry(
        site_id=lock.site_id,
        seq=lock.seq + 1,
        prev_hash=lock.hash,
        kind=kind,
        ref_id=view.sale.id,
        data=sale_journal_data(view.sale, view.lines, view.payments),
        now=now,
    )
    view.sale.journal_seq = entry["seq"]
    await tickets.write(
        columns_of(view.sale),
        [columns_of(line) for line in view.lines],
        [columns_of(p) for p in view.payments],
        entry,
    )
    lock.seq, lock.hash = entry["seq"], entry["hash"]
