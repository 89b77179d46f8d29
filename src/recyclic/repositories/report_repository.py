"""Aggregates of the exports and the dashboard, computed by the database (GROUP BY).

Every figure is a sum over integer cents and grams, so SQLite and PostgreSQL give exactly the
same numbers; no query here returns one row per sale.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy import Date, case, cast, func, literal, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from recyclic.models.category import Category
from recyclic.models.rollups import PaymentHour, SaleHour, SaleLineHour
from recyclic.models.sale import Sale, SaleLine, SalePayment
from recyclic.repositories.hourly import AnySelect, hours_and_edges
from recyclic.utils.periods import Period, offset_segments


@dataclass(frozen=True, slots=True)
class SoldTotal:
    """Sale lines of a category, net of refunds (negative lines) and discounts."""

    category: str
    items: int
    weight_g: int
    cents: int


@dataclass(frozen=True, slots=True)
class Takings:
    """Money taken on a local day, by one payment method, for one category (may be < 0)."""

    day: date
    method: str
    category: str
    cents: int


@dataclass(frozen=True, slots=True)
class RangeSales:
    """Tickets of a time range: sales and refunds counted apart, their net total (refunds are
    negative) and the change given back."""

    sales: int
    refunds: int
    cents: int
    change_cents: int


@dataclass(frozen=True, slots=True)
class SplitTicket:
    """A ticket paid by several methods: its per-category and per-method amounts."""

    sale_id: uuid.UUID
    created_at: datetime
    categories: list[tuple[str, int]]
    methods: list[tuple[str, int]]


def local_day(column: Any, period: Period, dialect: str) -> ColumnElement[Any]:
    """The site-local calendar date of a UTC timestamp column, computed by the database.

    PostgreSQL converts with its own time zone data; SQLite has none, so the offsets in force
    during the period are spelt out (one CASE branch per daylight-saving segment).
    """
    if dialect == "postgresql":
        return cast(func.timezone(literal(period.timezone), column), Date)
    segments = offset_segments(period)
    branches = [
        (column >= start, func.date(column, f"{seconds:+d} seconds"))
        for start, seconds in reversed(segments[1:])
    ]
    fallback = func.date(column, f"{segments[0][1]:+d} seconds")
    return case(*branches, else_=fallback) if branches else fallback


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _ticket_totals(site_id: uuid.UUID, n: int, within: Sequence[ColumnElement[bool]]) -> AnySelect:
    """Range `n`'s whole hours: tickets, refunds, net total, change."""
    return select(
        literal(n),
        func.sum(SaleHour.tickets),
        func.sum(SaleHour.refunds),
        func.sum(SaleHour.cents),
        func.sum(SaleHour.change_cents),
    ).where(SaleHour.site_id == site_id, *within)


def _ticket_rows(site_id: uuid.UUID, n: int, within: Sequence[ColumnElement[bool]]) -> AnySelect:
    """The same sums over range `n`'s tickets at its edges."""
    return select(
        literal(n),
        func.count(),
        func.sum(case((Sale.refund_of.is_not(None), 1), else_=0)),
        func.sum(Sale.total_cents),
        func.sum(Sale.change_cents),
    ).where(Sale.site_id == site_id, *within)


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def plan_with_actual_values(self) -> None:
        """PostgreSQL: plan the rest of this transaction's statements with their actual
        parameters. A prepared statement run a sixth time on a pooled connection may switch
        to a generic plan, which cannot know that a period spans a year (not a day): the
        dashboard's sums then took twice as long (benchmarks/bench_dashboard.py)."""
        if self.dialect == "postgresql":
            await self.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))

    async def sold_by_category(
        self, site_id: uuid.UUID, starts_at: datetime, ends_at: datetime
    ) -> list[SoldTotal]:
        """Items, weight and money of the sale lines made in [starts_at, ends_at), per category.

        Whole hours come from the hourly totals, the minutes at the edges from the lines. A line
        without a weight weighs quantity × its category's default unit weight: grams weighed
        and units sold without a weight are summed apart, and the default applies to those
        sums — a join on the few category rows, so a changed default applies to the past too.
        """

        def totals(within: Sequence[ColumnElement[bool]]) -> AnySelect:
            hours = SaleLineHour
            return select(
                hours.category, hours.items, hours.weighed_g, hours.unweighed_units, hours.cents
            ).where(hours.site_id == site_id, *within)

        def rows(within: Sequence[ColumnElement[bool]]) -> AnySelect:
            line = SaleLine
            return select(
                line.category,
                line.quantity,
                func.coalesce(line.weight_g, 0),
                case((line.weight_g.is_(None), line.quantity), else_=0),
                line.line_total_cents,
            ).where(line.site_id == site_id, *within)

        parts = hours_and_edges(
            starts_at,
            ends_at,
            totals=totals,
            hour=SaleLineHour.hour,
            rows=rows,
            created_at=SaleLine.created_at,
        )
        if not parts:
            return []
        shares = union_all(*parts).subquery()
        category, items, weighed, unweighed, cents = shares.c
        sums = (
            select(
                category.label("category"),
                func.sum(items).label("items_sold"),
                func.sum(weighed).label("weighed"),
                func.sum(unweighed).label("unweighed"),
                func.sum(cents).label("cents"),
            )
            .group_by(category)
            .subquery()
        )
        default_weight = func.coalesce(Category.default_unit_weight_g, 0)
        statement = select(
            sums.c.category,
            sums.c.items_sold,
            sums.c.weighed + sums.c.unweighed * default_weight,
            sums.c.cents,
        ).join(Category, Category.code == sums.c.category)
        found = (await self.session.execute(statement)).all()
        return [SoldTotal(str(c), int(i or 0), int(g or 0), int(m or 0)) for c, i, g, m in found]

    def _payments_in(self, site_id: uuid.UUID, period: Period) -> tuple[ColumnElement[bool], ...]:
        return (
            SalePayment.site_id == site_id,
            SalePayment.created_at >= period.starts_at,
            SalePayment.created_at < period.ends_at,
        )

    async def takings_of_single_method_tickets(
        self, site_id: uuid.UUID, period: Period
    ) -> list[Takings]:
        """Per local day, method and category: the line totals of the tickets paid by one
        method (nearly all of them). Their lines total what was kept of the payment, so cash
        is net of the change given back."""
        single = (
            select(SalePayment.sale_id, func.min(SalePayment.method).label("method"))
            .where(*self._payments_in(site_id, period))
            .group_by(SalePayment.sale_id)
            .having(func.count(func.distinct(SalePayment.method)) == 1)
            .subquery()
        )
        day = local_day(SaleLine.created_at, period, self.dialect).label("day")
        statement = (
            select(day, single.c.method, SaleLine.category, func.sum(SaleLine.line_total_cents))
            .join(single, single.c.sale_id == SaleLine.sale_id)
            .where(
                SaleLine.site_id == site_id,
                SaleLine.created_at >= period.starts_at,
                SaleLine.created_at < period.ends_at,
            )
            .group_by(day, single.c.method, SaleLine.category)
        )
        rows = (await self.session.execute(statement)).all()
        return [Takings(_as_date(d), str(m), str(c), int(t or 0)) for d, m, c, t in rows]

    async def split_tickets(
        self, site_id: uuid.UUID, period: Period, *, after: uuid.UUID | None, limit: int
    ) -> list[SplitTicket]:
        """The next `limit` tickets (by id) paid by several methods, with their category and
        method totals; cash is net of the change given back."""
        ids_statement = (
            select(SalePayment.sale_id)
            .where(*self._payments_in(site_id, period))
            .group_by(SalePayment.sale_id)
            .having(func.count(func.distinct(SalePayment.method)) > 1)
            .order_by(SalePayment.sale_id)
            .limit(limit)
        )
        if after is not None:
            ids_statement = ids_statement.where(SalePayment.sale_id > after)
        ids = list(await self.session.scalars(ids_statement))
        if not ids:
            return []
        sales = await self.session.execute(
            select(Sale.id, Sale.created_at, Sale.change_cents).where(Sale.id.in_(ids))
        )
        tickets = {
            sale_id: SplitTicket(sale_id, created_at, [], [("cash", -int(change))])
            for sale_id, created_at, change in sales
        }
        lines = await self.session.execute(
            select(SaleLine.sale_id, SaleLine.category, func.sum(SaleLine.line_total_cents))
            .where(SaleLine.sale_id.in_(ids))
            .group_by(SaleLine.sale_id, SaleLine.category)
            .order_by(SaleLine.sale_id, func.min(SaleLine.position))
        )
        for sale_id, category, cents in lines:
            tickets[sale_id].categories.append((str(category), int(cents or 0)))
        payments = await self.session.execute(
            select(SalePayment.sale_id, SalePayment.method, func.sum(SalePayment.amount_cents))
            .where(SalePayment.sale_id.in_(ids))
            .group_by(SalePayment.sale_id, SalePayment.method)
            .order_by(SalePayment.sale_id, SalePayment.method)
        )
        for sale_id, method, cents in payments:
            tickets[sale_id].methods.append((str(method), int(cents or 0)))
        return [tickets[i] for i in ids]

    async def sales_by_range(
        self, site_id: uuid.UUID, ranges: Sequence[tuple[datetime, datetime]]
    ) -> list[RangeSales]:
        """Tickets of each [start, end) range (a local day or month, cut by the caller): sales
        and refunds counted apart, net total, change. One statement: per range, the sum of its
        whole hours' totals and of the tickets at its edges, if any."""

        parts: list[AnySelect] = []
        for n, (start, end) in enumerate(ranges):
            parts += hours_and_edges(
                start,
                end,
                totals=partial(_ticket_totals, site_id, n),
                hour=SaleHour.hour,
                rows=partial(_ticket_rows, site_id, n),
                created_at=Sale.created_at,
            )
        sums = [[0, 0, 0, 0] for _ in ranges]
        if parts:
            for n, *values in (await self.session.execute(union_all(*parts))).all():
                for i, value in enumerate(values):
                    sums[int(n)][i] += int(value or 0)
        return [
            RangeSales(tickets - refunds, refunds, cents, change)
            for tickets, refunds, cents, change in sums
        ]

    async def paid_by_method(self, site_id: uuid.UUID, period: Period) -> dict[str, int]:
        """What was handed over per payment method in the period (negative: given back in a
        refund); the change given back on cash is not taken off here. Methods whose total is
        nil are left out."""

        def totals(within: Sequence[ColumnElement[bool]]) -> AnySelect:
            return (
                select(PaymentHour.method, func.sum(PaymentHour.cents))
                .where(PaymentHour.site_id == site_id, *within)
                .group_by(PaymentHour.method)
            )

        def rows(within: Sequence[ColumnElement[bool]]) -> AnySelect:
            return (
                select(SalePayment.method, func.sum(SalePayment.amount_cents))
                .where(SalePayment.site_id == site_id, *within)
                .group_by(SalePayment.method)
            )

        parts = hours_and_edges(
            period.starts_at,
            period.ends_at,
            totals=totals,
            hour=PaymentHour.hour,
            rows=rows,
            created_at=SalePayment.created_at,
        )
        totals_by_method: dict[str, int] = {}
        if parts:
            for method, cents in (await self.session.execute(union_all(*parts))).all():
                totals_by_method[str(method)] = totals_by_method.get(str(method), 0) + int(cents)
        return {method: cents for method, cents in totals_by_method.items() if cents}
