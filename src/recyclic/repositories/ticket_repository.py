"""Writing a ticket: the sale, its lines and payments, its journal entry and the new head.

Constant Core statements with bound parameters (lines and payments batched): SQLAlchemy
compiles them once per process, and nothing is rebuilt per ticket. On PostgreSQL the sale, the
journal entry and the head move are one statement (data-modifying CTEs, built once as well:
a CTE built per ticket costs more CPU than the round trips it saves — measured), and for a
sale that statement also re-reads what may have changed since the ticket was validated (the
re-checks under the head lock); SQLite takes them one by one (it has no DML in CTEs, and no
network between it and the app).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, exists, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.cash import CashSession, SessionStatus
from recyclic.models.journal import Closing, JournalEntry, JournalHead
from recyclic.models.sale import Sale, SaleLine, SalePayment
from recyclic.repositories.journal_repository import JournalRepository

_SALES = cast(Table, Sale.__table__)
_ENTRIES = cast(Table, JournalEntry.__table__)
_HEADS = cast(Table, JournalHead.__table__)
_INSERT_SALE = insert(_SALES)
_LINES = cast(Table, SaleLine.__table__)
_PAYMENTS = cast(Table, SalePayment.__table__)
_INSERT_LINES = insert(_LINES)
_INSERT_PAYMENTS = insert(_PAYMENTS)
_SESSIONS = cast(Table, CashSession.__table__)
_CLOSINGS = cast(Table, Closing.__table__)
_SHARED_LINE_COLUMNS = {"sale_id", "site_id", "created_at"}
_SHARED_PAYMENT_COLUMNS = {"sale_id", "site_id", "created_at", "session_id"}


@dataclass(frozen=True, slots=True)
class TicketChecks:
    """What may have changed since a sale was validated, read under the site's head lock:
    the session's status, whether the ticket's time lies in a closed period, whether a sale
    with its id exists. The sale was written only when the session is open, the period is
    not closed and the id is free."""

    session_status: str | None
    period_closed: bool
    id_taken: bool

    @property
    def passed(self) -> bool:
        return (
            self.session_status == SessionStatus.OPENED.value
            and not self.period_closed
            and not self.id_taken
        )


def _checks(session_id: Any, site_id: Any, moment: Any, sale_id: Any) -> tuple[Any, Any, Any]:
    """The re-checks as SQL expressions over the given parameters."""
    status = select(_SESSIONS.c.status).where(_SESSIONS.c.id == session_id).scalar_subquery()
    closed = exists().where(
        _CLOSINGS.c.site_id == site_id,
        _CLOSINGS.c.starts_at <= moment,
        _CLOSINGS.c.ends_at > moment,
    )
    taken = exists().where(_SALES.c.id == sale_id)
    return status, closed, taken


# SQLite: the re-checks on their own (BEGIN IMMEDIATE already holds the only write lock).
_TICKET_CHECKS = select(
    *(
        expression.label(name)
        for expression, name in zip(
            _checks(
                bindparam("session_id", type_=_SALES.c.session_id.type),
                bindparam("site_id", type_=_SALES.c.site_id.type),
                bindparam("moment", type_=_SALES.c.created_at.type),
                bindparam("sale_id", type_=_SALES.c.id.type),
            ),
            ("status", "closed", "taken"),
            strict=True,
        )
    )
)


def _rows_from_arrays(table: Table, prefix: str, shared: dict[str, str], written: Any) -> Any:
    """INSERT INTO `table` one row per element of the array parameters `<prefix><column>`
    (PostgreSQL's unnest: one constant statement whatever the number of rows); the columns
    in `shared` take the ticket's single value (parameter named there); nothing unless
    `written` holds."""
    varying = [c for c in table.columns if c.key not in shared]
    rows = (
        func.unnest(*[bindparam(f"{prefix}{c.key}", type_=ARRAY(c.type)) for c in varying])
        .table_valued(*[c.key for c in varying])
        .render_derived()
    )
    values = [
        bindparam(shared[c.key], type_=c.type) if c.key in shared else rows.c[c.key]
        for c in table.columns
    ]
    return insert(table).from_select([c.key for c in table.columns], select(*values).where(written))


def _chained_write(*, checked: bool) -> Any:
    """PostgreSQL: the whole ticket in one statement — INSERT the sale, its lines, its
    payments and its journal entry, and move the head. Parameters: `s_<column>` for the sale,
    `l_<column>` and `p_<column>` arrays for the lines and payments, `e_<column>` for the
    entry.

    `checked` (sales): the statement answers the re-checks (`TicketChecks`) and writes
    nothing unless they pass. They are read by this statement, sent once the head lock is
    held: in READ COMMITTED its snapshot includes whatever the previous lock holder committed
    (a statement that waited for the lock itself would not see it)."""
    sale_values = {c.key: bindparam(f"s_{c.key}", type_=c.type) for c in _SALES.columns}
    status, closed, taken = _checks(
        *(sale_values[key] for key in ("session_id", "site_id", "created_at", "id"))
    )
    if checked:
        passed = and_(status == SessionStatus.OPENED, ~closed, ~taken)
        sale = (
            insert(_SALES)
            .from_select(list(sale_values), select(*sale_values.values()).where(passed))
            .returning(_SALES.c.id)
            .cte("new_sale")
        )
        written: Any = exists(select(sale.c.id))
    else:
        sale = insert(_SALES).values(sale_values).cte("new_sale")
        written = literal(True)
    common = {"sale_id": "s_id", "site_id": "s_site_id", "created_at": "s_created_at"}
    lines = _rows_from_arrays(_LINES, "l_", common, written).cte("new_lines")
    payments = _rows_from_arrays(
        _PAYMENTS, "p_", {**common, "session_id": "s_session_id"}, written
    ).cte("new_payments")
    entry_values = {c.key: bindparam(f"e_{c.key}", type_=c.type) for c in _ENTRIES.columns}
    entry = (
        insert(_ENTRIES)
        .from_select(list(entry_values), select(*entry_values.values()).where(written))
        .cte("new_entry")
    )
    move = (
        update(_HEADS)
        .where(_HEADS.c.site_id == entry_values["site_id"], written)
        .values(seq=entry_values["seq"], hash=entry_values["hash"])
    )
    if not checked:
        return move.add_cte(sale, lines, payments, entry)
    # Data-modifying CTEs run to completion whether or not the main query reads them.
    return select(status, closed, taken).add_cte(sale, lines, payments, entry, move.cte("moved"))


def _chained_params(
    sale: dict[str, Any],
    lines: list[dict[str, Any]],
    payments: list[dict[str, Any]],
    entry: dict[str, Any],
) -> dict[str, Any]:
    """The parameters of `_chained_write`'s statements."""
    params = {f"s_{k}": v for k, v in sale.items()}
    params.update(_arrays("l_", lines, _SHARED_LINE_COLUMNS))
    params.update(_arrays("p_", payments, _SHARED_PAYMENT_COLUMNS))
    if not payments:  # no payment (a free ticket): empty arrays
        params.update({f"p_{c.key}": [] for c in _PAYMENTS.columns})
    params.update({f"e_{k}": v for k, v in entry.items()})
    return params


def _arrays(prefix: str, rows: list[dict[str, Any]], skip: set[str]) -> dict[str, list[Any]]:
    """Row dicts → one list per column, as `_rows_from_arrays` takes them."""
    keys = [k for k in (rows[0] if rows else {}) if k not in skip]
    return {f"{prefix}{k}": [row[k] for row in rows] for k in keys}


_CHAINED_WRITE = _chained_write(checked=False)
_CHECKED_WRITE = _chained_write(checked=True)


class TicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.journal = JournalRepository(session)

    async def write(
        self,
        sale: dict[str, Any],
        lines: list[dict[str, Any]],
        payments: list[dict[str, Any]],
        entry: dict[str, Any],
    ) -> None:
        """Insert the ticket rows and its journal entry, and move the site's head to it."""
        if self.session.get_bind().dialect.name == "postgresql":
            params = _chained_params(sale, lines, payments, entry)
            await self.session.execute(_CHAINED_WRITE, params)
            return
        await self._write_one_by_one(sale, lines, payments, entry)

    async def write_checked(
        self,
        sale: dict[str, Any],
        lines: list[dict[str, Any]],
        payments: list[dict[str, Any]],
        entry: dict[str, Any],
    ) -> TicketChecks:
        """`write`, for a sale whose head lock is held: first re-read what may have changed
        since it was validated (`TicketChecks`), and write only if the checks pass."""
        if self.session.get_bind().dialect.name == "postgresql":
            params = _chained_params(sale, lines, payments, entry)
            row = (await self.session.execute(_CHECKED_WRITE, params)).one()
        else:
            params = {
                "session_id": sale["session_id"],
                "site_id": sale["site_id"],
                "moment": sale["created_at"],
                "sale_id": sale["id"],
            }
            row = (await self.session.execute(_TICKET_CHECKS, params)).one()
        status = row[0].value if isinstance(row[0], SessionStatus) else row[0]
        checks = TicketChecks(
            session_status=status, period_closed=bool(row[1]), id_taken=bool(row[2])
        )
        if checks.passed and self.session.get_bind().dialect.name != "postgresql":
            await self._write_one_by_one(sale, lines, payments, entry)
        return checks

    async def _write_one_by_one(
        self,
        sale: dict[str, Any],
        lines: list[dict[str, Any]],
        payments: list[dict[str, Any]],
        entry: dict[str, Any],
    ) -> None:
        await self.session.execute(_INSERT_SALE, sale)
        await self.session.execute(_INSERT_LINES, lines)
        if payments:
            await self.session.execute(_INSERT_PAYMENTS, payments)
        await self.journal.insert_entry(entry)
        await self.journal.move_head(entry["site_id"], entry["seq"], entry["hash"])
