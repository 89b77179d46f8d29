"""Checking the hourly totals (`models/rollups.py`) against the rows they sum.

The database keeps the totals with triggers (migration 0014); this recomputes every total from
the rows and lists the differences. The test suite runs it after every test, and an operator
can run it on a live database (`recyclic db check-totals`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, select, text, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from recyclic.models.base import Base, UTCDateTime
from recyclic.models.deposit import Deposit, DepositStatus
from recyclic.models.rollups import (
    DepositCategoryHour,
    DepositOriginHour,
    PaymentHour,
    SaleHour,
    SaleLineHour,
)
from recyclic.models.sale import Sale, SaleLine, SalePayment
from recyclic.repositories.hourly import blank_if_none

HourOf = Callable[[Any], ColumnElement[Any]]
# The tables of hourly totals, in the order they are checked.
TABLES = (SaleHour, SaleLineHour, PaymentHour, DepositCategoryHour, DepositOriginHour)


@dataclass(frozen=True, slots=True)
class Drift:
    """One total that differs from its rows: the table, the key, stored and recomputed."""

    table: str
    key: tuple[Any, ...]
    stored: tuple[int, ...]
    expected: tuple[int, ...]


def _sources(hour: HourOf) -> list[tuple[type[Base], list[Any], list[Any], list[Any]]]:
    """Per totals table: (model, its key + value columns, the same computed from the rows,
    the rows' conditions)."""
    suggested = and_(Deposit.ai_category.is_not(None), Deposit.ai_provider.is_not(None))
    validated = [Deposit.status == DepositStatus.VALIDATED]
    return [
        (
            SaleHour,
            [SaleHour.site_id, SaleHour.hour],
            [
                Sale.site_id,
                hour(Sale.created_at),
                func.count(),
                func.sum(case((Sale.refund_of.is_not(None), 1), else_=0)),
                func.sum(Sale.total_cents),
                func.sum(Sale.change_cents),
            ],
            [],
        ),
        (
            SaleLineHour,
            [SaleLineHour.site_id, SaleLineHour.hour, SaleLineHour.category],
            [
                SaleLine.site_id,
                hour(SaleLine.created_at),
                SaleLine.category,
                func.count(),
                func.sum(SaleLine.quantity),
                func.sum(func.coalesce(SaleLine.weight_g, 0)),
                func.sum(case((SaleLine.weight_g.is_(None), SaleLine.quantity), else_=0)),
                func.sum(SaleLine.line_total_cents),
            ],
            [],
        ),
        (
            PaymentHour,
            [PaymentHour.site_id, PaymentHour.hour, PaymentHour.method],
            [
                SalePayment.site_id,
                hour(SalePayment.created_at),
                SalePayment.method,
                func.count(),
                func.sum(SalePayment.amount_cents),
            ],
            [],
        ),
        (
            DepositCategoryHour,
            [DepositCategoryHour.site_id, DepositCategoryHour.hour, DepositCategoryHour.category],
            [
                Deposit.site_id,
                hour(Deposit.created_at),
                func.coalesce(Deposit.category, ""),
                func.count(),
                func.sum(func.coalesce(Deposit.quantity, 0)),
                func.sum(func.coalesce(Deposit.weight_g, 0)),
            ],
            validated,
        ),
        (
            DepositOriginHour,
            [
                DepositOriginHour.site_id,
                DepositOriginHour.hour,
                DepositOriginHour.donor_type,
                DepositOriginHour.channel,
                DepositOriginHour.ai_provider,
            ],
            [
                Deposit.site_id,
                hour(Deposit.created_at),
                blank_if_none(Deposit.donor_type),
                blank_if_none(Deposit.channel),
                blank_if_none(Deposit.ai_provider),
                func.count(),
                func.sum(func.coalesce(Deposit.weight_g, 0)),
                func.sum(case((suggested, 1), else_=0)),
                func.sum(
                    case((and_(suggested, Deposit.ai_first_choice_kept.is_(True)), 1), else_=0)
                ),
            ],
            validated,
        ),
    ]


class RollupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _hour(self) -> HourOf:
        """The UTC hour of a timestamp, as the triggers compute it (and store it)."""
        if self.session.get_bind().dialect.name == "postgresql":
            return lambda column: type_coerce(func.date_trunc("hour", column, "UTC"), UTCDateTime())
        return lambda column: type_coerce(
            func.strftime("%Y-%m-%d %H:00:00.000000", column), UTCDateTime()
        )

    async def drift(self, done: Callable[[str], None] | None = None) -> list[Drift]:
        """Every total whose stored value differs from the sum of its rows (totals at zero
        and missing ones are the same thing). `done` is told each table checked."""
        found = []
        for model, keys, computed, conditions in _sources(self._hour()):
            width = len(keys)
            table = model.__table__
            stored_rows = await self.session.execute(select(table))
            stored = {tuple(row[:width]): tuple(int(v) for v in row[width:]) for row in stored_rows}
            statement = select(*computed).where(*conditions).group_by(*computed[:width])
            expected = {
                tuple(row[:width]): tuple(int(v or 0) for v in row[width:])
                for row in await self.session.execute(statement)
            }
            for key in sorted(stored.keys() | expected.keys(), key=repr):
                zero = (0,) * (len(computed) - width)
                have, want = stored.get(key, zero), expected.get(key, zero)
                if have != want:
                    found.append(Drift(str(model.__tablename__), key, have, want))
            if done is not None:
                done(str(model.__tablename__))
        return found

    async def rebuild(self) -> int:
        """Rewrite every total from the rows (after a drift was found); returns how many
        totals were written. Writers of sales and deposits wait until the transaction ends
        (PostgreSQL: SHARE locks; SQLite: its single writer)."""
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(
                text("LOCK TABLE sales, sale_lines, sale_payments, deposits IN SHARE MODE")
            )
        written = 0
        for model, keys, computed, conditions in _sources(self._hour()):
            width = len(keys)
            columns = [column.name for column in model.__table__.columns]
            await self.session.execute(delete(model))
            recomputed = select(*computed).where(*conditions).group_by(*computed[:width])
            result = await self.session.execute(insert(model).from_select(columns, recomputed))
            written += max(result.rowcount or 0, 0)  # type: ignore[attr-defined]
        return written
