"""A ticket as the till services hand it around, and the one way a ticket is written.

Sales and refunds are both tickets: they are written the same way, with their journal entry
chained after the site's locked head, in one round trip (`TicketRepository.write`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from recyclic.models.sale import Sale, SaleLine, SalePayment
from recyclic.repositories.sale_repository import columns_of
from recyclic.repositories.ticket_repository import TicketChecks, TicketRepository
from recyclic.schemas.site import SiteSettings
from recyclic.services.cash.journal import HeadLock, build_entry
from recyclic.services.cash.journal_payloads import sale_journal_data
from recyclic.services.cash.pricing import BASE_PAYMENT_METHODS


@dataclass(frozen=True, slots=True)
class SaleView:
    """A ticket with its lines and payments: `TicketRow`s (or ORM objects, for a refund)
    when just written, read-only rows with the same column names when listed (rows are much
    cheaper to load)."""

    sale: Sale | Any
    lines: list[SaleLine] | list[Any]
    payments: list[SalePayment] | list[Any]


class TicketRow(SimpleNamespace):
    """A row of a new ticket, every column of its table as an attribute: all that the Core
    INSERTs, the journal payload and the answer read. Building ORM instances that nothing
    flushes cost a new sale more CPU than its pricing (measured)."""


def _columns(row: Any) -> dict[str, Any]:
    return dict(vars(row)) if isinstance(row, TicketRow) else columns_of(row)


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
    sale, lines, payments, entry = _ticket_rows(lock, view, kind=kind, now=now)
    await tickets.write(sale, lines, payments, entry)
    lock.seq, lock.hash = entry["seq"], entry["hash"]


async def write_checked_ticket(
    tickets: TicketRepository, lock: HeadLock, view: SaleView, *, now: datetime
) -> TicketChecks:
    """`write_ticket` for a new sale, in the same round trip as the re-checks under the lock
    (`TicketRepository.write_checked`): nothing is written unless they pass."""
    sale, lines, payments, entry = _ticket_rows(lock, view, kind="sale", now=now)
    checks = await tickets.write_checked(sale, lines, payments, entry)
    if checks.passed:
        lock.seq, lock.hash = entry["seq"], entry["hash"]
    return checks


def _ticket_rows(
    lock: HeadLock, view: SaleView, *, kind: str, now: datetime
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """The ticket's rows as column dicts, and its journal entry chained after the head."""
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
    return (
        _columns(view.sale),
        [_columns(line) for line in view.lines],
        [_columns(p) for p in view.payments],
        entry,
    )
