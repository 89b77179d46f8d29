"""Row-by-row exports read in keyset batches: each call returns the next `limit` rows after
a key, in a stable order, so an export of any size holds one batch at a time.

The first columns of every row are its key (the ORDER BY), passed back as `after`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from recyclic.models.cash import CashRegister, CashSession
from recyclic.models.deposit import Deposit
from recyclic.models.outbound_flow import OutboundFlow
from recyclic.models.sale import Sale, SaleLine, SalePayment

Key = tuple[Any, ...]


def _after(columns: Sequence[Any], after: Key | None) -> ColumnElement[bool] | None:
    """Rows strictly after `after` in the order of `columns`; the first column's own bound
    keeps the index range usable where row values are not (older SQLite planners)."""
    if after is None:
        return None
    return and_(columns[0] >= after[0], tuple_(*columns) > tuple(after))


class ExportRowsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _rows(
        self, statement: Any, keys: Sequence[Any], after: Key | None, limit: int
    ) -> list[Row[Any]]:
        condition = _after(keys, after)
        if condition is not None:
            statement = statement.where(condition)
        result = await self.session.execute(statement.order_by(*keys).limit(limit))
        return list(result.all())

    async def sale_lines(
        self,
        site_id: uuid.UUID,
        starts_at: datetime,
        ends_at: datetime,
        after: Key | None,
        limit: int,
    ) -> list[Row[Any]]:
        """Sale lines made in [starts_at, ends_at) with their ticket, oldest first."""
        keys = (SaleLine.created_at, SaleLine.sale_id, SaleLine.position)
        statement = (
            select(
                *keys,
                Sale.journal_seq,
                Sale.status,
                Sale.refund_of,
                Sale.session_id,
                Sale.cashier_id,
                Sale.total_cents,
                SaleLine.id,
                SaleLine.category,
                SaleLine.description,
                SaleLine.unit,
                SaleLine.quantity,
                SaleLine.unit_price_cents,
                SaleLine.discount_cents,
                SaleLine.line_total_cents,
                SaleLine.weight_g,
                SaleLine.vat_rate_bp,
            )
            .join(Sale, Sale.id == SaleLine.sale_id)
            .where(
                SaleLine.site_id == site_id,
                SaleLine.created_at >= starts_at,
                SaleLine.created_at < ends_at,
            )
        )
        return await self._rows(statement, keys, after, limit)

    async def payment_methods(self, sale_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
        """The payment methods of some tickets, sorted."""
        if not sale_ids:
            return {}
        rows = await self.session.execute(
            select(SalePayment.sale_id, SalePayment.method)
            .where(SalePayment.sale_id.in_(list(set(sale_ids))))
            .distinct()
        )
        found: dict[uuid.UUID, list[str]] = {}
        for sale_id, method in rows:
            found.setdefault(sale_id, []).append(method)
        return {k: sorted(v) for k, v in found.items()}

    async def deposits(
        self,
        site_id: uuid.UUID,
        starts_at: datetime,
        ends_at: datetime,
        after: Key | None,
        limit: int,
    ) -> list[Row[Any]]:
        """Deposits (every status) created in [starts_at, ends_at), oldest first."""
        keys = (Deposit.created_at, Deposit.id)
        statement = select(
            *keys,
            Deposit.status,
            Deposit.category,
            Deposit.quantity,
            Deposit.weight_g,
            Deposit.destination,
            Deposit.donor_type,
            Deposit.postal_code,
            Deposit.channel,
            Deposit.description,
            Deposit.ai_category,
            Deposit.ai_confidence,
            Deposit.ai_provider,
            Deposit.ai_first_choice_kept,
            Deposit.human_validated,
            Deposit.validated_at,
            Deposit.created_by,
            Deposit.validated_by,
        ).where(
            Deposit.site_id == site_id,
            Deposit.created_at >= starts_at,
            Deposit.created_at < ends_at,
        )
        return await self._rows(statement, keys, after, limit)

    async def cash_sessions(
        self,
        site_id: uuid.UUID,
        starts_at: datetime,
        ends_at: datetime,
        after: Key | None,
        limit: int,
    ) -> list[Row[Any]]:
        """Cash sessions opened in [starts_at, ends_at), with their register, oldest first."""
        keys = (CashSession.opened_at, CashSession.id)
        statement = (
            select(
                *keys,
                CashRegister.name,
                CashSession.cashier_id,
                CashSession.status,
                CashSession.closed_at,
                CashSession.opening_cents,
                CashSession.expected_cents,
                CashSession.actual_cents,
                CashSession.variance_cents,
                CashSession.variance_comment,
                CashSession.kept_float_cents,
                CashSession.bank_deposit_cents,
                CashSession.closing_report,
            )
            .join(CashRegister, CashRegister.id == CashSession.register_id)
            .where(
                CashSession.site_id == site_id,
                CashSession.opened_at >= starts_at,
                CashSession.opened_at < ends_at,
            )
        )
        return await self._rows(statement, keys, after, limit)

    async def outbound_flows(
        self, site_id: uuid.UUID, first_day: date, last_day: date, after: Key | None, limit: int
    ) -> list[Row[Any]]:
        """Outbound flows dated in [first_day, last_day], oldest first."""
        keys = (OutboundFlow.date, OutboundFlow.id)
        statement = select(
            *keys,
            OutboundFlow.category,
            OutboundFlow.destination,
            OutboundFlow.weight_g,
            OutboundFlow.partner,
            OutboundFlow.document_ref,
            OutboundFlow.notes,
            OutboundFlow.created_by,
            OutboundFlow.created_at,
        ).where(
            OutboundFlow.site_id == site_id,
            OutboundFlow.date >= first_day,
            OutboundFlow.date <= last_day,
        )
        return await self._rows(statement, keys, after, limit)
