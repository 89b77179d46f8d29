"""Queries of the imports: cursors, refused rows, rows already there, imported sessions."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Uuid,
    bindparam,
    case,
    delete,
    func,
    literal,
    literal_column,
    null,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from recyclic.models.base import utcnow
from recyclic.models.cash import CashSession
from recyclic.models.deposit import Deposit
from recyclic.models.imports import ImportCursor, ImportReject
from recyclic.models.outbound_flow import OutboundFlow
from recyclic.models.sale import Sale, SaleLine, SalePayment
from recyclic.repositories.sale_repository import Takings

_WITH_IDS: dict[str, Any] = {
    "deposits": Deposit,
    "outbound_flows": OutboundFlow,
    "sales": Sale,
    "cash_sessions": CashSession,
}


class ImportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _among(
        self,
        column: ColumnElement[Any] | InstrumentedAttribute[Any],
        values: Sequence[Any],
        kind: Any,
    ) -> ColumnElement[bool]:
        """`column IN values` as one parameter (an array, or a JSON list on SQLite): a
        batch's thousands of ids cost one bind instead of thousands to compile."""
        if self.session.get_bind().dialect.name == "postgresql":
            return column == func.any(bindparam("b_among", list(values), type_=ARRAY(kind)))
        plain = [v.hex if isinstance(v, uuid.UUID) else v for v in values]
        listed: Select[Any] = select(literal_column("value")).select_from(
            func.json_each(bindparam("b_among", json.dumps(plain)))
        )
        return column.in_(listed.scalar_subquery())

    async def cursor(self, site_id: uuid.UUID, source: str, stream: str) -> int:
        """The last source id of `stream` already handled (0 when none)."""
        found = await self.session.scalar(
            select(ImportCursor.last_source_id).where(
                ImportCursor.site_id == site_id,
                ImportCursor.source == source,
                ImportCursor.stream == stream,
            )
        )
        return int(found or 0)

    async def move_cursor(
        self, site_id: uuid.UUID, source: str, stream: str, last_source_id: int
    ) -> None:
        dialect = self.session.get_bind().dialect.name
        maker = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = maker(ImportCursor).values(
            site_id=site_id,
            source=source,
            stream=stream,
            last_source_id=last_source_id,
            updated_at=utcnow(),
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["site_id", "source", "stream"],
                set_={"last_source_id": last_source_id, "updated_at": utcnow()},
            )
        )

    async def existing_ids(self, table: str, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these ids the table already holds (rows imported by an earlier run)."""
        if not ids:
            return set()
        model = _WITH_IDS[table]
        among = self._among(model.id, ids, Uuid())
        return set(await self.session.scalars(select(model.id).where(among)))

    async def forget_rejects(
        self, site_id: uuid.UUID, source: str, table: str, source_ids: Sequence[int]
    ) -> None:
        """Drop the refusals of rows read again (they are refused again, or now accepted)."""
        if not source_ids:
            return
        await self.session.execute(
            delete(ImportReject).where(
                ImportReject.site_id == site_id,
                ImportReject.source == source,
                ImportReject.source_table == table,
                self._among(ImportReject.source_id, source_ids, BigInteger()),
            )
        )

    async def rejects(self, site_id: uuid.UUID, source: str) -> AsyncIterator[ImportReject]:
        """Every refused row of the site's imports from `source`, by table then id (keyset
        pages: constant memory however many there are)."""
        after: tuple[str, int] = ("", -1)
        key = tuple_(ImportReject.source_table, ImportReject.source_id)
        while True:
            page = list(
                await self.session.scalars(
                    select(ImportReject)
                    .where(
                        ImportReject.site_id == site_id,
                        ImportReject.source == source,
                        key > tuple_(literal(after[0]), literal(after[1])),
                    )
                    .order_by(ImportReject.source_table, ImportReject.source_id)
                    .limit(1000)
                )
            )
            if not page:
                return
            for reject in page:
                yield reject
            after = (page[-1].source_table, page[-1].source_id)

    async def reject_counts(self, site_id: uuid.UUID, source: str) -> dict[str, int]:
        rows = await self.session.execute(
            select(ImportReject.reason, func.count())
            .where(ImportReject.site_id == site_id, ImportReject.source == source)
            .group_by(ImportReject.reason)
        )
        return {str(reason): int(count) for reason, count in rows}

    async def reopen_sessions(self, ids: Sequence[uuid.UUID]) -> None:
        """Mark imported sessions whose sales changed: their Z report is written again.
        (SQL NULL, not JSON null: `sessions_to_close` looks for IS NULL.)"""
        if ids:
            await self.session.execute(
                update(CashSession).where(CashSession.id.in_(ids)).values(closing_report=null())
            )

    async def sessions_to_close(self, site_id: uuid.UUID, *, limit: int) -> list[CashSession]:
        """Imported sessions of the site still waiting for their Z report."""
        return list(
            await self.session.scalars(
                select(CashSession)
                .where(
                    CashSession.site_id == site_id,
                    CashSession.imported_from.is_not(None),
                    CashSession.closing_report.is_(None),
                )
                .order_by(CashSession.id)
                .limit(limit)
            )
        )

    async def session_figures(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Takings]:
        """Each session's counts and sums (as `CashSessionRepository.figures`), for many
        sessions in four grouped statements; imported sessions have no cash movements."""
        figures = {session_id: Takings() for session_id in ids}
        is_refund = Sale.refund_of.is_not(None)
        tickets = await self.session.execute(
            select(
                Sale.session_id,
                func.count(case((~is_refund, 1))),
                func.count(case((is_refund, 1))),
                func.coalesce(func.sum(case((~is_refund, Sale.total_cents), else_=0)), 0),
                func.coalesce(func.sum(case((is_refund, Sale.total_cents), else_=0)), 0),
                func.coalesce(func.sum(Sale.change_cents), 0),
            )
            .where(Sale.session_id.in_(ids))
            .group_by(Sale.session_id)
        )
        for session_id, sales, refunds, sold, refunded, change in tickets:
            row = figures[session_id]
            row.sales_count, row.refunds_count = int(sales), int(refunds)
            row.sales_cents, row.refunds_cents = int(sold), int(refunded)
            row.change_cents = int(change)
        payments = await self.session.execute(
            select(SalePayment.session_id, SalePayment.method, func.sum(SalePayment.amount_cents))
            .where(SalePayment.session_id.in_(ids))
            .group_by(SalePayment.session_id, SalePayment.method)
            .order_by(SalePayment.session_id, SalePayment.method)
        )
        for session_id, method, total in payments:
            figures[session_id].payments[str(method)] = int(total or 0)
        categories = await self.session.execute(
            select(
                Sale.session_id,
                SaleLine.category,
                func.coalesce(func.sum(SaleLine.quantity), 0),
                func.coalesce(func.sum(SaleLine.line_total_cents), 0),
                func.coalesce(func.sum(SaleLine.weight_g), 0),
            )
            .join(Sale, Sale.id == SaleLine.sale_id)
            .where(Sale.session_id.in_(ids))
            .group_by(Sale.session_id, SaleLine.category)
            .order_by(Sale.session_id, SaleLine.category)
        )
        for session_id, code, quantity, cents, grams in categories:
            figures[session_id].categories.append(
                (str(code), int(quantity or 0), int(cents or 0), int(grams or 0))
            )
        rates = await self.session.execute(
            select(Sale.session_id, SaleLine.vat_rate_bp, func.sum(SaleLine.line_total_cents))
            .join(Sale, Sale.id == SaleLine.sale_id)
            .where(Sale.session_id.in_(ids))
            .group_by(Sale.session_id, SaleLine.vat_rate_bp)
            .order_by(Sale.session_id, SaleLine.vat_rate_bp)
        )
        for session_id, rate, cents in rates:
            figures[session_id].vat.append((int(rate), int(cents or 0)))
        return figures
