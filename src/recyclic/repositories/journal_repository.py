"""Queries on the journal: the per-site head lock, appends, and streaming for verification."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.cash import CashSession
from recyclic.models.journal import GENESIS_HASH, Closing, JournalEntry, JournalHead
from recyclic.models.sale import Sale

_HEADS = cast(Table, JournalHead.__table__)
_SESSIONS = cast(Table, CashSession.__table__)
_CLOSINGS = cast(Table, Closing.__table__)
_SALES = cast(Table, Sale.__table__)
_INSERT_ENTRY = insert(cast(Table, JournalEntry.__table__))
_MOVE_HEAD = (
    update(_HEADS)
    .where(_HEADS.c.site_id == bindparam("b_site"))
    .values(seq=bindparam("b_seq"), hash=bindparam("b_hash"))
)
# Constant Core statements (compiled once per process): the ticket hot path.
_LOCK_HEAD = (
    select(_HEADS.c.seq, _HEADS.c.hash)
    .where(_HEADS.c.site_id == bindparam("site_id"))
    .with_for_update()
)


class JournalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_head(self, site_id: uuid.UUID) -> tuple[int, str]:
        """(seq, hash) of the site's chain head, row-locked until the end of the transaction.

        On PostgreSQL the row lock serialises every append of the site; SQLite runs one
        writer at a time anyway (BEGIN IMMEDIATE).
        """
        params = {"site_id": site_id}
        row = (await self.session.execute(_LOCK_HEAD, params)).one_or_none()
        if row is None:
            dialect = self.session.get_bind().dialect.name
            maker = pg_insert if dialect == "postgresql" else sqlite_insert
            await self.session.execute(
                maker(JournalHead)
                .values(site_id=site_id, seq=0, hash=GENESIS_HASH)
                .on_conflict_do_nothing()
            )
            row = (await self.session.execute(_LOCK_HEAD, params)).one()
        return int(row.seq), str(row.hash)

    async def insert_entry(self, values: dict[str, Any]) -> None:
        """Append one entry (a constant statement: this is on the sale hot path)."""
        await self.session.execute(_INSERT_ENTRY, values)

    async def move_head(self, site_id: uuid.UUID, seq: int, hash_: str) -> None:
        """Point the site's head at its new last entry."""
        await self.session.execute(_MOVE_HEAD, {"b_site": site_id, "b_seq": seq, "b_hash": hash_})

    async def head(self, site_id: uuid.UUID) -> tuple[int, str]:
        """(seq, hash) of the head without locking; (0, genesis) for an empty chain."""
        row = (
            await self.session.execute(
                select(JournalHead.seq, JournalHead.hash).where(JournalHead.site_id == site_id)
            )
        ).one_or_none()
        return (int(row.seq), str(row.hash)) if row else (0, GENESIS_HASH)

    def _entry_columns(self) -> tuple[str, bool]:
        """The entry columns as plain SQL (the timestamp formatted by the database as ISO text
        with "Z"), and whether site ids are stored as hex text (SQLite)."""
        if self.session.get_bind().dialect.name == "postgresql":
            created = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
            return f"seq, kind, ref_id, payload, prev_hash, hash, {created}", False
        # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC (see models.base.UTCDateTime).
        return (
            "seq, kind, ref_id, payload, prev_hash, hash, replace(created_at, ' ', 'T') || 'Z'",
            True,
        )

    async def entries_after(
        self, site_id: uuid.UUID, after: int, *, limit: int, until: int | None = None
    ) -> Sequence[Any]:
        """Up to `limit` entries with seq > `after` (and ≤ `until`), in seq order: (seq, kind,
        ref_id, payload, prev_hash, hash, created_at as ISO text with "Z").

        Plain SQL with the timestamp formatted by the database: verifying or archiving a
        million entries must not pay for ORM rows and datetime objects.
        """
        columns, hex_ids = self._entry_columns()
        site: Any = site_id.hex if hex_ids else site_id
        bound = "" if until is None else "AND seq <= :until "
        statement = text(
            f"SELECT {columns} FROM journal_entries "  # noqa: S608 - our own column list
            f"WHERE site_id = :site AND seq > :after {bound}ORDER BY seq LIMIT :limit"
        )
        params: dict[str, Any] = {"site": site, "after": after, "limit": limit}
        if until is not None:
            params["until"] = until
        return (await self.session.execute(statement, params)).all()

    async def stream(
        self, site_id: uuid.UUID, *, batch_size: int = 20_000
    ) -> AsyncIterator[Sequence[Any]]:
        """Every entry of the site in seq order, in keyset batches: constant memory for any
        chain length."""
        after = 0
        while rows := await self.entries_after(site_id, after, limit=batch_size):
            yield rows
            after = rows[-1][0]

    async def last_seq_before(self, site_id: uuid.UUID, moment: datetime) -> int:
        """The last entry written before `moment` (0 when none): a year's chain ends there."""
        found = await self.session.scalar(
            select(func.max(JournalEntry.seq)).where(
                JournalEntry.site_id == site_id, JournalEntry.created_at < moment
            )
        )
        return int(found or 0)

    async def closings_between(self, site_id: uuid.UUID, first: date, last: date) -> list[Closing]:
        """Closings of periods starting in [first, last], in chain order."""
        rows = await self.session.scalars(
            select(Closing)
            .where(
                Closing.site_id == site_id,
                Closing.period_start >= first,
                Closing.period_start <= last,
            )
            .order_by(Closing.journal_seq)
        )
        return list(rows)

    async def entry_hash(self, site_id: uuid.UUID, seq: int) -> str | None:
        """The stored hash of one entry, or None."""
        return await self.session.scalar(
            select(JournalEntry.hash).where(
                JournalEntry.site_id == site_id, JournalEntry.seq == seq
            )
        )

    async def closing_heads(self, site_id: uuid.UUID) -> list[tuple[int, str, datetime]]:
        """(seq, hash, created_at) recorded by each closing of the site."""
        rows = await self.session.execute(
            select(Closing.journal_seq, Closing.journal_hash, Closing.created_at)
            .where(Closing.site_id == site_id)
            .order_by(Closing.journal_seq)
        )
        return [(int(r[0]), str(r[1]), r[2]) for r in rows]
