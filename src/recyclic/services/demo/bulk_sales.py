"""Sales history at scale (`recyclic demo seed --sales N`), loaded in bulk.

Tickets are generated in Python and written by COPY (PostgreSQL) or executemany (SQLite) in
chunks; the journal chain is still computed entry by entry with the same payloads the live
services write, so `recyclic journal verify` passes on the result.
"""

from __future__ import annotations

import asyncio
import math
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.cash import CashRegister, CashSession, SessionStatus
from recyclic.models.journal import JournalEntry
from recyclic.models.sale import LineUnit, Sale, SaleLine, SalePayment, SaleStatus
from recyclic.models.site import Site
from recyclic.models.user import User
from recyclic.repositories.bulk_repository import BulkRepository
from recyclic.repositories.cash_repository import CashRegisterRepository, SessionFigures
from recyclic.services.cash.journal import JournalService, build_entry
from recyclic.services.cash.journal_payloads import (
    sale_journal_data,
    session_close_data,
    session_open_data,
)
from recyclic.services.cash.pricing import LineInput, PaymentInput, price_line, request_hash
from recyclic.services.cash.z_report import session_report
from recyclic.services.demo.cash import CATALOGUE
from recyclic.utils.periods import zone

CHUNK = 20_000
_TABLES = ("cash_sessions", "sales", "sale_lines", "sale_payments", "journal_entries")
_SALE_COLUMNS = (
    "id",
    "site_id",
    "session_id",
    "cashier_id",
    "status",
    "total_cents",
    "change_cents",
    "request_hash",
    "created_at",
    "received_at",
    "journal_seq",
)
_LINE_COLUMNS = (
    "id",
    "sale_id",
    "site_id",
    "position",
    "category",
    "description",
    "unit",
    "quantity",
    "unit_price_cents",
    "weight_g",
    "discount_cents",
    "line_total_cents",
    "vat_rate_bp",
    "created_at",
)
_PAYMENT_COLUMNS = (
    "id",
    "sale_id",
    "site_id",
    "session_id",
    "method",
    "amount_cents",
    "created_at",
)
_SESSION_COLUMNS = (
    "id",
    "site_id",
    "register_id",
    "cashier_id",
    "status",
    "opening_cents",
    "opened_at",
    "closed_at",
    "closed_by",
    "expected_cents",
    "actual_cents",
    "variance_cents",
    "kept_float_cents",
    "bank_deposit_cents",
    "closing_report",
)
_JOURNAL_COLUMNS = (
    "site_id",
    "seq",
    "kind",
    "ref_id",
    "payload",
    "prev_hash",
    "hash",
    "created_at",
)


@dataclass(slots=True)
class _Line:
    """Just what the journal payload reads of a line."""

    category: str
    unit: LineUnit
    quantity: int
    unit_price_cents: int
    weight_g: int | None
    discount_cents: int
    line_total_cents: int
    vat_rate_bp: int


@dataclass(slots=True)
class _Payment:
    method: str
    amount_cents: int


@dataclass(slots=True)
class _Sale:
    session_id: uuid.UUID
    cashier_id: uuid.UUID
    created_at: datetime
    total_cents: int
    change_cents: int
    refund_of: None = None
    refund_reason: None = None


@dataclass(slots=True)
class BulkReport:
    sales: int = 0
    lines: int = 0
    sessions: int = 0
    journal_entries: int = 0


@dataclass(slots=True)
class _Buffers:
    sessions: list[tuple[Any, ...]] = field(default_factory=list)
    sales: list[tuple[Any, ...]] = field(default_factory=list)
    lines: list[tuple[Any, ...]] = field(default_factory=list)
    payments: list[tuple[Any, ...]] = field(default_factory=list)
    journal: list[tuple[Any, ...]] = field(default_factory=list)


def _catalogue_cents() -> list[tuple[str, str, str, int, int, int | None, int | None]]:
    rows = []
    for category, description, unit, (low, high), weights in CATALOGUE:
        grams = (int(weights[0] * 1000), int(weights[1] * 1000)) if weights else (None, None)
        rows.append((category, description, unit, int(low * 100), int(high * 100), *grams))
    return rows


class BulkSalesLoader:
    """Generates `count` tickets over the `days` days before today, one session per day."""

    def __init__(self, session: AsyncSession, site: Site, cashier: User, *, seed: int = 7) -> None:
        self.db = session
        self.site = site
        self.cashier = cashier
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self.bulk = BulkRepository(session)
        self.journal = JournalService(session)
        self.catalogue = _catalogue_cents()
        self.buffers = _Buffers()
        self.writer: asyncio.Task[None] | None = None
        self.report = BulkReport()

    async def load(
        self,
        count: int,
        days: int,
        progress: Callable[[int], None],
        *,
        before_days: int = 15,
        last_day: date | None = None,
    ) -> BulkReport:
        """`count` tickets over `days` days ending `before_days` days ago (older than the
        detailed recent history, whose days are closed), or ending on `last_day`."""
        lock = await self.journal.lock(self.site.id)
        self.seq, self.prev = lock.seq, lock.hash
        # Reproducible for a given site and chain position, yet never the same ids twice:
        # another site, or a second load on the same site, draws other UUIDs.
        self.rng.seed(f"{self.site.id}:{self.seq}:{self.seed}")
        register = await self._register()
        tz = zone(self.site.timezone)
        end = last_day or datetime.now(tz).date() - timedelta(days=before_days + 1)
        per_day = math.ceil(count / days)
        remaining = count
        for offset in range(days, 0, -1):
            if remaining <= 0:
                break
            day = end - timedelta(days=offset - 1)
            todays = min(per_day, remaining)
            await self._trade(
                register, datetime.combine(day, time(9, 0), tzinfo=tz), todays, progress
            )
            remaining -= todays
            if len(self.buffers.sales) >= CHUNK or remaining <= 0:
                progress(await self._flush())
        await self._wait_for_writer()
        await self.journal.move_head(lock, self.seq, self.prev)
        await self.bulk.refresh_statistics(_TABLES)
        return self.report

    async def _register(self) -> CashRegister:
        registers = CashRegisterRepository(self.db)
        found = await registers.get_by_name(self.site.id, "Caisse historique")
        return found or await registers.add(
            CashRegister(site_id=self.site.id, name="Caisse historique")
        )

    def _uuid(self) -> uuid.UUID:
        """A version-4 UUID from the seeded generator: reproducible demo data, and no system
        call per row (there are millions)."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _chain(self, kind: str, ref_id: object, data: dict[str, Any], now: datetime) -> int:
        self.seq += 1
        row = build_entry(
            site_id=self.site.id,
            seq=self.seq,
            prev_hash=self.prev,
            kind=kind,
            ref_id=ref_id,
            data=data,
            now=now,
        )
        self.prev = row["hash"]
        self.buffers.journal.append(tuple(row[c] for c in _JOURNAL_COLUMNS))
        self.report.journal_entries += 1
        return self.seq

    async def _trade(
        self,
        register: CashRegister,
        opened_at: datetime,
        tickets: int,
        progress: Callable[[int], None],
    ) -> None:
        # A transient row: it is written closed, with the day's sales, by the bulk writer.
        session = CashSession(
            id=self._uuid(),
            site_id=self.site.id,
            register_id=register.id,
            cashier_id=self.cashier.id,
            status=SessionStatus.OPENED,
            opening_cents=5000,
            opened_at=opened_at,
        )
        self._chain("session_open", session.id, session_open_data(session, 5000), opened_at)
        figures = SessionFigures()
        categories: dict[str, list[int]] = {}
        step = timedelta(seconds=36_000 / max(tickets, 1))
        for n in range(tickets):
            self._ticket(session, opened_at + step * n, figures, categories)
            if n % 500 == 499:
                await asyncio.sleep(0)  # let the writer stream the previous chunk meanwhile
        closed_at = opened_at + timedelta(hours=10, minutes=5)
        figures.categories = [(c, q, t, w) for c, (q, t, w) in sorted(categories.items())]
        expected = session.opening_cents + figures.cash_net_cents
        session.status = SessionStatus.CLOSED
        session.closed_at = closed_at
        session.closed_by = self.cashier.id
        session.expected_cents = session.actual_cents = expected
        session.variance_cents = 0
        session.kept_float_cents = 5000
        session.bank_deposit_cents = expected - 5000
        report = session_report(
            session, figures, site=self.site, register=register, vat_mode="none", stale=False
        )
        self.buffers.sessions.append(
            (
                session.id,
                session.site_id,
                session.register_id,
                session.cashier_id,
                SessionStatus.CLOSED.value,
                session.opening_cents,
                session.opened_at,
                closed_at,
                self.cashier.id,
                expected,
                expected,
                0,
                5000,
                expected - 5000,
                orjson.dumps(report).decode(),
            )
        )
        self._chain("session_close", session.id, session_close_data(session, figures), closed_at)
        self.report.sessions += 1

    def _ticket(
        self,
        session: CashSession,
        at: datetime,
        figures: SessionFigures,
        categories: dict[str, list[int]],
    ) -> None:
        rng = self.rng
        sale_id = self._uuid()
        inputs: list[LineInput] = []
        for _ in range(rng.choices((1, 2, 3), cum_weights=(50, 80, 100))[0]):
            category, description, unit, low, high, w_low, w_high = rng.choice(self.catalogue)
            price = rng.randint(low // 10, high // 10) * 10 or 10
            weight = rng.randint(w_low, w_high) if w_low and w_high else None
            inputs.append(LineInput(category, description, 1, unit, price, weight, None, None))
        priced = [price_line(i) for i in inputs]
        total = sum(p.line_total_cents for p in priced)
        method = "card" if rng.random() < 0.3 else "cash"
        handed = total if method == "card" else math.ceil(total / 500) * 500
        payments = [PaymentInput(method, handed)]
        sale = _Sale(session.id, self.cashier.id, at, total, handed - total)
        lines = [
            _Line(
                p.source.category,
                LineUnit(p.source.unit),
                1,
                p.source.unit_price_cents,
                p.source.weight_g,
                0,
                p.line_total_cents,
                0,
            )
            for p in priced
        ]
        seq = self._chain(
            "sale",
            sale_id,
            sale_journal_data(
                sale,
                lines,
                [_Payment(method, handed)],
            ),
            at,
        )
        digest = request_hash(session_id=session.id, created_at=at, lines=inputs, payments=payments)
        self.buffers.sales.append(
            (
                sale_id,
                self.site.id,
                session.id,
                self.cashier.id,
                SaleStatus.COMPLETED.value,
                total,
                handed - total,
                digest,
                at,
                at,
                seq,
            )
        )
        for position, line in enumerate(lines, start=1):
            self.buffers.lines.append(
                (
                    self._uuid(),
                    sale_id,
                    self.site.id,
                    position,
                    line.category,
                    None,
                    line.unit.value,
                    1,
                    line.unit_price_cents,
                    line.weight_g,
                    0,
                    line.line_total_cents,
                    0,
                    at,
                )
            )
            sums = categories.setdefault(line.category, [0, 0, 0])
            sums[0] += 1
            sums[1] += line.line_total_cents
            sums[2] += line.weight_g or 0
        self.buffers.payments.append(
            (self._uuid(), sale_id, self.site.id, session.id, method, handed, at)
        )
        figures.sales_count += 1
        figures.sales_cents += total
        figures.change_cents += handed - total
        figures.payments[method] = figures.payments.get(method, 0) + handed
        self.report.sales += 1
        self.report.lines += len(lines)

    async def _flush(self) -> int:
        """Hand the buffered rows to the writer; return how many tickets that was.

        The writer streams one chunk while the next is being generated: the database works on
        its own core while Python builds tickets (there is one connection, so one chunk is in
        flight at a time). Chunks end on a day boundary, so a session row always lands with or
        before its sales.
        """
        await self._wait_for_writer()
        buffers, self.buffers = self.buffers, _Buffers()
        self.writer = asyncio.create_task(self._write(buffers))
        return len(buffers.sales)

    async def _write(self, buffers: _Buffers) -> None:
        await self.bulk.copy(CashSession.__tablename__, _SESSION_COLUMNS, buffers.sessions)
        await self.bulk.copy(Sale.__tablename__, _SALE_COLUMNS, buffers.sales)
        await self.bulk.copy(SaleLine.__tablename__, _LINE_COLUMNS, buffers.lines)
        await self.bulk.copy(SalePayment.__tablename__, _PAYMENT_COLUMNS, buffers.payments)
        await self.bulk.copy(JournalEntry.__tablename__, _JOURNAL_COLUMNS, buffers.journal)

    async def _wait_for_writer(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            await writer
