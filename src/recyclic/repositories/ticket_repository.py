"""Writing a ticket: the sale, its lines and payments, its journal entry and the new head.

Constant Core statements with bound parameters (lines and payments batched): SQLAlchemy
compiles them once, and nothing is rebuilt per ticket. (One data-modifying CTE on PostgreSQL
saves round trips but costs more CPU to build per ticket than it saves — measured.)
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.sale import Sale, SaleLine, SalePayment
from recyclic.repositories.journal_repository import JournalRepository

_INSERT_SALE = insert(cast(Table, Sale.__table__))
_INSERT_LINES = insert(cast(Table, SaleLine.__table__))
_INSERT_PAYMENTS = insert(cast(Table, SalePayment.__table__))


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
        await self.session.execute(_INSERT_SALE, sale)
        await self.session.execute(_INSERT_LINES, lines)
        if payments:
            await self.session.execute(_INSERT_PAYMENTS, payments)
        await self.journal.insert_entry(entry)
        await self.journal.move_head(entry["site_id"], entry["seq"], entry["hash"])
