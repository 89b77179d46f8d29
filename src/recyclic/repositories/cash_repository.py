"""Queries on cash registers, sessions and movements, and a session's running totals."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, Row, Table, bindparam, func, select, true

from recyclic.models.cash import CashMovement, CashRegister, CashSession, SessionStatus
from recyclic.models.category import Category
from recyclic.models.journal import JournalHead
from recyclic.models.sale import Sale, SalePayment
from recyclic.models.site import Site
from recyclic.models.user import User
from recyclic.repositories.base import BaseRepository, KeysetPage
from recyclic.repositories.sale_repository import Takings, line_sums, ticket_counts


@dataclass(frozen=True, slots=True)
class OpenSession:
    id: uuid.UUID
    opened_at: datetime
    register: str
    cashier: str


# A session's figures are takings like a period's, plus the cash movements.
SessionFigures = Takings

_SESSIONS = cast(Table, CashSession.__table__)
_SITES = cast(Table, Site.__table__)
_SALES = cast(Table, Sale.__table__)
_CATEGORIES = cast(Table, Category.__table__)
_HEADS = cast(Table, JournalHead.__table__)


def _till_statements(dialect: str) -> tuple[Any, Any]:
    """The till-context query (any site, one site): constant Core statements, compiled once
    per process. The active categories' VAT rates come along as one JSON object, and the
    site's journal head: on PostgreSQL row-locked (`FOR UPDATE` in a lateral subquery, a
    round trip less per ticket); SQLite's writers hold its only write lock from BEGIN."""
    aggregate = func.json_object_agg if dialect == "postgresql" else func.json_group_object
    vat_rates = (
        select(aggregate(_CATEGORIES.c.code, _CATEGORIES.c.vat_rate_bp, type_=JSON))
        .where(_CATEGORIES.c.active.is_(True))
        .scalar_subquery()
        .label("vat_rates")
    )
    of_site = _HEADS.c.site_id == _SESSIONS.c.site_id
    if dialect == "postgresql":
        head = select(_HEADS.c.seq, _HEADS.c.hash).where(of_site).with_for_update().lateral()
        head_columns = [head.c.seq.label("head_seq"), head.c.hash.label("head_hash")]
    else:  # no LATERAL in SQLite
        head_columns = [
            select(column).where(of_site).scalar_subquery().label(f"head_{column.key}")
            for column in (_HEADS.c.seq, _HEADS.c.hash)
        ]
    any_site = (
        select(
            _SESSIONS.c.site_id,
            _SESSIONS.c.status,
            _SESSIONS.c.cashier_id,
            _SESSIONS.c.opened_at,
            _SITES.c.settings,
            select(_SALES.c.request_hash)
            .where(_SALES.c.id == bindparam("sale_id"))
            .scalar_subquery()
            .label("stored_hash"),
            vat_rates,
            *head_columns,
        )
        .join_from(_SESSIONS, _SITES, _SITES.c.id == _SESSIONS.c.site_id)
        .where(_SESSIONS.c.id == bindparam("session_id"))
    )
    if dialect == "postgresql":
        any_site = any_site.outerjoin(head, true())
    return any_site, any_site.where(_SESSIONS.c.site_id == bindparam("site_id"))


_TILL = {dialect: _till_statements(dialect) for dialect in ("postgresql", "sqlite")}


class CashRegisterRepository(BaseRepository[CashRegister]):
    model = CashRegister

    async def list_for_site(self, site_id: uuid.UUID | None) -> list[CashRegister]:
        statement = select(CashRegister).order_by(CashRegister.name)
        if site_id is not None:
            statement = statement.where(CashRegister.site_id == site_id)
        return await self.all(statement)

    async def get_in_site(
        self, register_id: uuid.UUID, site_id: uuid.UUID | None
    ) -> CashRegister | None:
        statement = select(CashRegister).where(CashRegister.id == register_id)
        if site_id is not None:
            statement = statement.where(CashRegister.site_id == site_id)
        return await self.one_or_none(statement)

    async def get_by_name(self, site_id: uuid.UUID, name: str) -> CashRegister | None:
        return await self.one_or_none(
            select(CashRegister).where(CashRegister.site_id == site_id, CashRegister.name == name)
        )


class CashSessionRepository(BaseRepository[CashSession]):
    model = CashSession

    async def get_in_site(
        self, session_id: uuid.UUID, site_id: uuid.UUID | None
    ) -> CashSession | None:
        statement = select(CashSession).where(CashSession.id == session_id)
        if site_id is not None:
            statement = statement.where(CashSession.site_id == site_id)
        return await self.one_or_none(statement)

    async def till_context(
        self, session_id: uuid.UUID, site_id: uuid.UUID | None, sale_id: uuid.UUID
    ) -> (
        Row[
            uuid.UUID,
            SessionStatus,
            uuid.UUID,
            datetime,
            dict[str, Any],
            str | None,
            dict[str, int] | None,
            int | None,
            str | None,
        ]
        | None
    ):
        """What a ticket needs to know, in one query: (site_id, status, cashier_id, opened_at,
        site settings, request hash of the sale already stored under `sale_id` or None, VAT
        rate of each active category as {code: rate} or None when there is none, and the
        seq and hash of the site's journal head, None when the site has no head yet).

        Takes the site's journal lock (the head row, until the end of the transaction) on
        PostgreSQL. What it reads besides the head may predate a wait for that lock (READ
        COMMITTED): what matters is re-read under the lock (`TicketRepository.write_checked`).
        """
        any_site, one_site = _TILL[self.session.get_bind().dialect.name]
        statement = any_site if site_id is None else one_site
        params = {"session_id": session_id, "sale_id": sale_id, "site_id": site_id}
        return (await self.session.execute(statement, params)).one_or_none()

    async def site_of(self, session_id: uuid.UUID) -> uuid.UUID | None:
        """The site of a session (a cheap read taken before the journal lock)."""
        return await self.session.scalar(
            select(CashSession.site_id).where(CashSession.id == session_id)
        )

    async def open_for_register(self, register_id: uuid.UUID) -> CashSession | None:
        return await self.one_or_none(
            select(CashSession).where(
                CashSession.register_id == register_id, CashSession.status == SessionStatus.OPENED
            )
        )

    async def open_for_cashier(self, cashier_id: uuid.UUID) -> CashSession | None:
        return await self.one_or_none(
            select(CashSession).where(
                CashSession.cashier_id == cashier_id, CashSession.status == SessionStatus.OPENED
            )
        )

    async def last_closed_for_register(self, register_id: uuid.UUID) -> CashSession | None:
        return await self.one_or_none(
            select(CashSession)
            .where(
                CashSession.register_id == register_id, CashSession.status == SessionStatus.CLOSED
            )
            .order_by(CashSession.closed_at.desc())
            .limit(1)
        )

    async def open_during(
        self, site_id: uuid.UUID, starts_at: datetime, ends_at: datetime
    ) -> list[CashSession]:
        """Sessions of the site still open that were opened before `ends_at`."""
        return await self.all(
            select(CashSession).where(
                CashSession.site_id == site_id,
                CashSession.status == SessionStatus.OPENED,
                CashSession.opened_at < ends_at,
            )
        )

    async def open_with_names(self, site_id: uuid.UUID) -> list[OpenSession]:
        """The site's open sessions, oldest first, with their register's and cashier's name."""
        statement = (
            select(CashSession.id, CashSession.opened_at, CashRegister.name, User.full_name)
            .join(CashRegister, CashRegister.id == CashSession.register_id)
            .join(User, User.id == CashSession.cashier_id)
            .where(CashSession.site_id == site_id, CashSession.status == SessionStatus.OPENED)
            .order_by(CashSession.opened_at, CashSession.id)
        )
        rows = (await self.session.execute(statement)).all()
        return [
            OpenSession(i, opened, str(register), str(name)) for i, opened, register, name in rows
        ]

    async def page(
        self,
        site_id: uuid.UUID | None,
        *,
        status: SessionStatus | None,
        register_id: uuid.UUID | None,
        cashier_id: uuid.UUID | None,
        opened_from: datetime | None,
        opened_to: datetime | None,
        limit: int,
        cursor: str | None,
    ) -> KeysetPage[CashSession]:
        statement = select(CashSession)
        if site_id is not None:
            statement = statement.where(CashSession.site_id == site_id)
        if status is not None:
            statement = statement.where(CashSession.status == status)
        if register_id is not None:
            statement = statement.where(CashSession.register_id == register_id)
        if cashier_id is not None:
            statement = statement.where(CashSession.cashier_id == cashier_id)
        if opened_from is not None:
            statement = statement.where(CashSession.opened_at >= opened_from)
        if opened_to is not None:
            statement = statement.where(CashSession.opened_at < opened_to)
        return await self.paginate(
            statement, keys=(CashSession.opened_at, CashSession.id), limit=limit, cursor=cursor
        )

    async def add_movement(self, movement: CashMovement) -> CashMovement:
        self.session.add(movement)
        await self.session.flush()
        return movement

    async def figures(self, session_id: uuid.UUID) -> SessionFigures:
        """Counts and sums of a session, computed in SQL."""
        figures = await ticket_counts(self.session, Sale.session_id == session_id)
        payments = await self.session.execute(
            select(SalePayment.method, func.sum(SalePayment.amount_cents))
            .where(SalePayment.session_id == session_id)
            .group_by(SalePayment.method)
            .order_by(SalePayment.method)
        )
        figures.payments = {method: int(total or 0) for method, total in payments}
        figures.categories, figures.vat = await line_sums(
            self.session, Sale.session_id == session_id, join_sales=True
        )
        figures.movements_cents = int(
            await self.session.scalar(
                select(func.coalesce(func.sum(CashMovement.amount_cents), 0)).where(
                    CashMovement.session_id == session_id
                )
            )
            or 0
        )
        return figures
