"""Writing a ticket: the sale, its lines and payments, its journal entry and the new head.

Constant Core statements with bound parameters (lines and payments batched): SQLAlchemy
compiles them once per process, and nothing is rebuilt per ticket. On PostgreSQL the sale, the
journal entry and the head move are one statement (data-modifying CTEs, built once as well:
a CTE built per ticket costs more CPU than the round trips it saves — measured); SQLite takes
them one by one (it has no DML in CTEs, and no network between it and the app).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.journal import JournalEntry, JournalHead
from recyclic.models.sale import Sale, SaleLine, SalePayment
from recyclic.repositories.journal_repository import JournalRepository

_SALES = cast(Table, Sale.__table__)
_ENTRIES = cast(Table, JournalEntry.__table__)
_HEADS = cast(Table, JournalHead.__table__)
_INSERT_SALE = insert(_SALES)
_INSERT_LINES = insert(cast(Table, SaleLine.__table__))
_INSERT_PAYMENTS = insert(cast(Table, SalePayment.__table__))


def _chained_write() -> Any:
    """PostgreSQL: INSERT the sale and the journal entry, and move the head, in one statement.
    Parameters: `s_<column>` for the sale, `e_<column>` for the entry."""
    sale = (
        insert(_SALES)
        .values({c.key: bindparam(f"s_{c.key}", type_=c.type) for c in _SALES.columns})
        .cte("new_sale")
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
        .add_cte(entry)
    )


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
            params.update({f"e_{k}": v for k, v in entry.items()})
            await self.session.execute(_CHAINED_WRITE, params)
        else:
            await self.session.execute(_INSERT_SALE, sale)
        await self.session.execute(_INSERT_LINES, lines)
        if payments:
            await self.session.execute(_INSERT_PAYMENTS, payments)
        if self.session.get_bind().dialect.name != "postgresql":
            await self.journal.insert_entry(entry)
            await self.journal.move_head(entry["site_id"], entry["seq"], entry["hash"])
