"""Queries of the imports: cursors, refused rows, rows already there, imported sessions."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import delete, func, literal, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.base import utcnow
from recyclic.models.cash import CashSession
from recyclic.models.deposit import Deposit
from recyclic.models.imports import ImportCursor, ImportReject
from recyclic.models.outbound_flow import OutboundFlow
from recyclic.models.sale import Sale

_WITH_IDS: dict[str, Any] = {
    "deposits": Deposit,
    "outbound_flows": OutboundFlow,
    "sales": Sale,
    "cash_sessions": CashSession,
}


class ImportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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
        found: set[uuid.UUID] = set()
        for start in range(0, len(ids), 5000):
            chunk = list(ids[start : start + 5000])
            found.update(await self.session.scalars(select(model.id).where(model.id.in_(chunk))))
        return found

    async def forget_rejects(
        self, site_id: uuid.UUID, source: str, table: str, source_ids: Sequence[int]
    ) -> None:
        """Drop the refusals of rows read again (they are refused again, or now accepted)."""
        for start in range(0, len(source_ids), 5000):
            await self.session.execute(
                delete(ImportReject).where(
                    ImportReject.site_id == site_id,
                    ImportReject.source == source,
                    ImportReject.source_table == table,
                    ImportReject.source_id.in_(list(source_ids[start : start + 5000])),
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

    async def imported_sessions(self, ids: Sequence[uuid.UUID]) -> list[CashSession]:
        return list(await self.session.scalars(select(CashSession).where(CashSession.id.in_(ids))))
