"""Queries on sales, their lines and payments, and period sums."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.base import Base
from recyclic.models.cash import CashSession
from recyclic.models.journal import Closing
from recyclic.models.sale import Sale, SaleLine, SalePayment
from recyclic.repositories.base import BaseRepository, KeysetPage


@dataclass(frozen=True, slots=True)
class SaleFilters:
    session_id: uuid.UUID | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    category: str | None = None
    payment_method: str | None = None


@dataclass(slots=True)
class Takings:
    """Sums over a set of tickets — a cash session's or a period's — in cents and grams.

    Refunds are negative tickets: `refunds_cents` is negative and `net_cents` is the takings.
    """

    sales_count: int = 0
    refunds_count: int = 0
    sales_cents: int = 0
    refunds_cents: int = 0
    change_cents: int = 0
    movements_cents: int = 0
    payments: dict[str, int] = field(default_factory=dict)
    categories: list[tuple[str, int, int, int]] = field(default_factory=list)
    vat: list[tuple[int, int]] = field(default_factory=list)

    @property
    def net_cents(self) -> int:
        """Sales net of refunds."""
        return self.sales_cents + self.refunds_cents

    @property
    def cash_net_cents(self) -> int:
        """Cash taken, net of change given and of cash refunds."""
        return self.payments.get("cash", 0) - self.change_cents

    def expected_cash(self, opening_cents: int) -> int:
        """What the drawer should hold: the float, plus cash taken net of change and of cash
        refunds, plus the movements in and out."""
        return opening_cents + self.cash_net_cents + self.movements_cents

    def payments_net_of_change(self) -> dict[str, int]:
        """Totals per method; cash is what stayed in the drawer (change given back)."""
        result = dict(self.payments)
        if self.change_cents:
            result["cash"] = result.get("cash", 0) - self.change_cents
        return result


async def ticket_counts(session: AsyncSession, *conditions: ColumnElement[bool]) -> Takings:
    """Counts and sums of the tickets matching `conditions` (payments and lines not read)."""
    is_refund = Sale.refund_of.is_not(None)
    row = (
        await session.execute(
            select(
                func.count(case((~is_refund, 1))),
                func.count(case((is_refund, 1))),
                func.coalesce(func.sum(case((~is_refund, Sale.total_cents), else_=0)), 0),
                func.coalesce(func.sum(case((is_refund, Sale.total_cents), else_=0)), 0),
                func.coalesce(func.sum(Sale.change_cents), 0),
            ).where(*conditions)
        )
    ).one()
    sales, refunds, sales_cents, refunds_cents, change = (int(v) for v in row)
    return Takings(
        sales_count=sales,
        refunds_count=refunds,
        sales_cents=sales_cents,
        refunds_cents=refunds_cents,
        change_cents=change,
    )


_SALES = cast(Table, Sale.__table__)
_LINES = cast(Table, SaleLine.__table__)
_PAYMENTS = cast(Table, SalePayment.__table__)


def columns_of(row: Base) -> dict[str, Any]:
    """The column values of a transient row (every column, so INSERTs stay batchable)."""
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


async def line_sums(
    session: AsyncSession, *conditions: ColumnElement[bool], join_sales: bool = False
) -> tuple[list[tuple[str, int, int, int]], list[tuple[int, int]]]:
    """Sale lines matching `conditions`, summed per category (quantity, cents, grams) and
    per VAT rate (cents). `join_sales` lets conditions name `Sale` columns."""
    per_category = select(
        SaleLine.category,
        func.coalesce(func.sum(SaleLine.quantity), 0),
        func.coalesce(func.sum(SaleLine.line_total_cents), 0),
        func.coalesce(func.sum(SaleLine.weight_g), 0),
    )
    per_rate = select(SaleLine.vat_rate_bp, func.coalesce(func.sum(SaleLine.line_total_cents), 0))
    if join_sales:
        per_category = per_category.join(Sale, Sale.id == SaleLine.sale_id)
        per_rate = per_rate.join(Sale, Sale.id == SaleLine.sale_id)
    categories = await session.execute(
        per_category.where(*conditions).group_by(SaleLine.category).order_by(SaleLine.category)
    )
    rates = await session.execute(
        per_rate.where(*conditions).group_by(SaleLine.vat_rate_bp).order_by(SaleLine.vat_rate_bp)
    )
    return (
        [(code, int(q or 0), int(c or 0), int(g or 0)) for code, q, c, g in categories],
        [(int(rate), int(total or 0)) for rate, total in rates],
    )


def _imported_sessions(site_id: uuid.UUID) -> Select[uuid.UUID]:
    """The site's sessions holding imported history (their sales are not till events)."""
    return select(CashSession.id).where(
        CashSession.site_id == site_id, CashSession.imported_from.is_not(None)
    )


class SaleRepository(BaseRepository[Sale]):
    model = Sale

    async def get_in_site(self, sale_id: uuid.UUID, site_id: uuid.UUID | None) -> Sale | None:
        statement = select(Sale).where(Sale.id == sale_id)
        if site_id is not None:
            statement = statement.where(Sale.site_id == site_id)
        return await self.one_or_none(statement)

    async def find_by_id(self, sale_id: uuid.UUID) -> Sale | None:
        """Any site's sale with this id (idempotency check of a client-supplied id)."""
        return await self.session.get(Sale, sale_id, populate_existing=True)

    async def lines_for(self, sale_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
        """Lines of several sales in one query, in ticket order (plain rows: read-only)."""
        if not sale_ids:
            return {}
        rows = await self.session.execute(
            select(*_LINES.columns)
            .where(_LINES.c.sale_id.in_(sale_ids))
            .order_by(_LINES.c.position)
        )
        grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for line in rows:
            grouped[line.sale_id].append(line)
        return grouped

    async def payments_for(self, sale_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
        """Payments of several sales in one query (plain rows: read-only)."""
        if not sale_ids:
            return {}
        rows = await self.session.execute(
            select(*_PAYMENTS.columns)
            .where(_PAYMENTS.c.sale_id.in_(sale_ids))
            .order_by(_PAYMENTS.c.created_at, _PAYMENTS.c.id)
        )
        grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for payment in rows:
            grouped[payment.sale_id].append(payment)
        return grouped

    async def refunded_by_line(self, sale_id: uuid.UUID) -> dict[uuid.UUID, tuple[int, int, int]]:
        """Per original line: (units, cents, grams) already refunded, as positive numbers."""
        rows = await self.session.execute(
            select(
                SaleLine.refund_of_line,
                func.sum(SaleLine.quantity),
                func.sum(SaleLine.line_total_cents),
                func.coalesce(func.sum(SaleLine.weight_g), 0),
            )
            .join(Sale, Sale.id == SaleLine.sale_id)
            .where(Sale.refund_of == sale_id)
            .group_by(SaleLine.refund_of_line)
        )
        return {
            line_id: (-int(q or 0), -int(c or 0), -int(g or 0))
            for line_id, q, c, g in rows
            if line_id
        }

    async def page(
        self, site_id: uuid.UUID | None, filters: SaleFilters, *, limit: int, cursor: str | None
    ) -> KeysetPage[Any]:
        """Newest first by keyset on (created_at, id): a deep page costs what the first does.
        Plain rows (read-only), so that a page of 500 tickets is cheap to build."""
        statement = select(*_SALES.columns)
        if site_id is not None:
            statement = statement.where(Sale.site_id == site_id)
        if filters.session_id is not None:
            statement = statement.where(Sale.session_id == filters.session_id)
        if filters.starts_at is not None:
            statement = statement.where(Sale.created_at >= filters.starts_at)
        if filters.ends_at is not None:
            statement = statement.where(Sale.created_at < filters.ends_at)
        if filters.category:
            statement = statement.where(
                exists().where(SaleLine.sale_id == Sale.id, SaleLine.category == filters.category)
            )
        if filters.payment_method:
            statement = statement.where(
                exists().where(
                    SalePayment.sale_id == Sale.id, SalePayment.method == filters.payment_method
                )
            )
        return await self.paginate_rows(
            statement, keys=(Sale.created_at, Sale.id), limit=limit, cursor=cursor
        )

    async def period_figures(
        self,
        site_id: uuid.UUID,
        starts_at: datetime,
        ends_at: datetime,
        *,
        till_only: bool = False,
    ) -> Takings:
        """Counts and sums of the sales made in [starts_at, ends_at); `till_only` leaves out
        the history imported from another till (a closing's own totals)."""
        own: list[ColumnElement[bool]] = []
        if till_only:
            own = [Sale.session_id.not_in(_imported_sessions(site_id))]
        figures = await ticket_counts(
            self.session,
            Sale.site_id == site_id,
            Sale.created_at >= starts_at,
            Sale.created_at < ends_at,
            *own,
        )
        paid = [SalePayment.session_id.not_in(_imported_sessions(site_id))] if till_only else []
        payments = await self.session.execute(
            select(SalePayment.method, func.sum(SalePayment.amount_cents))
            .where(
                SalePayment.site_id == site_id,
                SalePayment.created_at >= starts_at,
                SalePayment.created_at < ends_at,
                *paid,
            )
            .group_by(SalePayment.method)
            .order_by(SalePayment.method)
        )
        figures.payments = {method: int(total or 0) for method, total in payments}
        figures.categories, figures.vat = await line_sums(
            self.session,
            SaleLine.site_id == site_id,
            SaleLine.created_at >= starts_at,
            SaleLine.created_at < ends_at,
            *own,
            join_sales=till_only,
        )
        return figures

    async def grand_total(self, site_id: uuid.UUID, before: datetime) -> int:
        """Perpetual total of the till's own sales (net of refunds) made before `before`:
        history imported from another till (Oressource) never counts in it."""
        return int(
            await self.session.scalar(
                select(func.coalesce(func.sum(Sale.total_cents), 0)).where(
                    Sale.site_id == site_id,
                    Sale.created_at < before,
                    Sale.session_id.not_in(_imported_sessions(site_id)),
                )
            )
            or 0
        )

    async def is_period_closed(self, site_id: uuid.UUID, moment: datetime) -> bool:
        """True when a daily, monthly or yearly closing covers `moment`."""
        found = await self.session.scalar(
            select(Closing.id)
            .where(
                Closing.site_id == site_id, Closing.starts_at <= moment, Closing.ends_at > moment
            )
            .limit(1)
        )
        return found is not None
