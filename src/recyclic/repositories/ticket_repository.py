"""Writing a ticket: the sale, its lines and payments, its journal entry and the new head.

Constant Core statements with bound parameters (lines and payments batched): SQLAlchemy
compiles them once per process, and nothing is rebuilt per ticket. On PostgreSQL the sale, the
journal entry and the head move are one statement (data-modifying CTEs, built once as well:
a CTE built per ticket costs more CPU than the round trips it saves — measured); SQLite takes
them one by one (it has no DML in CTEs, and no network between it and the app).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.journal import JournalEntry, JournalHead
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
_SHARED_LINE_COLUMNS = {"sale_id", "site_id", "created_at"}
_SHARED_PAYMENT_COLUMNS = {"sale_id", "site_id", "created_at", "session_id"}


def _rows_from_arrays(table: Table, prefix: str, shared: dict[str, str]) -> Any:
    """INSERT INTO `table` one row per element of the array parameters `<prefix><column>`
    (PostgreSQL's unnest: one constant statement whatever the number of rows); the columns
    in `shared` take the ticket's single value (parameter named there)."""
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
    return insert(table).from_select([c.key for c in table.columns], select(*values))


def _chained_write() -> Any:
    """PostgreSQL: the whole ticket in one statement — INSERT the sale, its lines, its
    payments and its journal entry, and move the head. Parameters: `s_<column>` for the sale,
    `l_<column>` and `p_<column>` arrays for the lines and payments, `e_<column>` for the
    entry."""
    sale = (
        insert(_SALES)
        .values({c.key: bindparam(f"s_{c.key}", type_=c.type) for c in _SALES.columns})
        .cte("new_sale")
    )
    common = {"sale_id": "s_id", "site_id": "s_site_id", "created_at": "s_created_at"}
    lines = _rows_from_arrays(_LINES, "l_", common).cte("new_lines")
    payments = _rows_from_arrays(_PAYMENTS, "p_", {**common, "session_id": "s_session_id"}).cte(
        "new_payments"
    )
    entry = (
        insert(_ENTRIES)
        .values({c.key: bindparam(f"e_{c.key}", type_=c.type) for c in _ENTRIES.columns})
        .cte("new_entry")
    )
    return (
        update(_HEADS)
        .where(_HEADS.c.site_id == bindparam("e_site_id", type_=_ENTRIES.c.site_id.type))
        .values(seq=bindparam("e_seq"), hash=bindparam("e_hash"))
        .add_cte(sale)
        .add_cte(lines)
        .add_cte(payments)
        .add_cte(entry)
    )


def _arrays(prefix: str, rows: list[dict[str, Any]], skip: set[str]) -> dict[str, list[Any]]:
    """Row dicts → one list per column, as `_rows_from_arrays` takes them."""
    keys = [k for k in (rows[0] if rows else {}) if k not in skip]
    return {f"{prefix}{k}": [row[k] for row in rows] for k in keys}


_CHAINED_WRITE = _chained_write()


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
            params = {f"s_{k}": v for k, v in sale.items()}
            params.update(_arrays("l_", lines, _SHARED_LINE_COLUMNS))
            params.update(_arrays("p_", payments, _SHARED_PAYMENT_COLUMNS))
            if not payments:  # no payment (a free ticket): empty arrays
                params.update({f"p_{c.key}": [] for c in _PAYMENTS.columns})
            params.update({f"e_{k}": v for k, v in entry.items()})
            await self.session.execute(_CHAINED_WRITE, params)
            return
        await self.session.execute(_INSERT_SALE, sale)
        await self.session.execute(_INSERT_LINES, lines)
        if payments:
            await self.session.execute(_INSERT_PAYMENTS, payments)
        await self.journal.insert_entry(entry)
        await self.journal.move_head(entry["site_id"], entry["seq"], entry["hash"])
