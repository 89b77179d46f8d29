"""Writing one converted batch in its own unit of work: the rows not already there (by their
source-derived ids), the refusals, the imported sessions' Z reports, an `import` journal
entry with the SHA-256 of the rows written, and the stream's cursor."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.cash import CashRegister, SessionStatus
from recyclic.models.site import Site
from recyclic.repositories.bulk_repository import BulkRepository
from recyclic.repositories.import_repository import ImportRepository
from recyclic.schemas.site import SiteSettings
from recyclic.services.cash.journal import JournalService
from recyclic.services.cash.z_report import session_report
from recyclic.services.imports.oressource.convert import (
    DEPOSIT_COLUMNS,
    FLOW_COLUMNS,
    SOURCE,
    Context,
    Converted,
)
from recyclic.services.imports.oressource.sales import (
    LINE_COLUMNS,
    PAYMENT_COLUMNS,
    SALE_COLUMNS,
    SESSION_COLUMNS,
)

JOURNAL_KIND = "import"
_COLUMNS = {
    "cash_sessions": SESSION_COLUMNS,
    "sales": SALE_COLUMNS,
    "sale_lines": LINE_COLUMNS,
    "sale_payments": PAYMENT_COLUMNS,
    "deposits": DEPOSIT_COLUMNS,
    "outbound_flows": FLOW_COLUMNS,
}
# Parents first: a sale's session, a line's sale.
_ORDER = ("cash_sessions", "sales", "sale_lines", "sale_payments", "deposits", "outbound_flows")
_REJECT_COLUMNS = (
    "id", "site_id", "source", "source_table", "source_id", "reason", "detail", "year",
    "contributions", "created_at",
)  # fmt: skip


@dataclass(slots=True)
class BatchResult:
    written: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    digest: str = ""


@dataclass(frozen=True, slots=True)
class Batch:
    """What one batch read and made: its source ids, first to last, and the rows."""

    stream: str
    source_ids: list[int]
    converted: Converted


@dataclass(slots=True)
class RunInfo:
    run_id: uuid.UUID
    origin: str
    since: str | None
    registers: dict[uuid.UUID, CashRegister]


class BatchWriter:
    def __init__(self, session: AsyncSession, ctx: Context, site: Site, run: RunInfo) -> None:
        self.session = session
        self.ctx = ctx
        self.site = site
        self.run = run
        self.imports = ImportRepository(session)
        self.bulk = BulkRepository(session)

    async def write(self, batch: Batch, now: datetime, *, move_cursor: bool) -> BatchResult:
        converted, result = batch.converted, BatchResult()
        rows = await self._new_rows(converted)
        digest = hashlib.sha256()
        for table in _ORDER:
            for row in rows.get(table, []):
                digest.update(orjson.dumps(row, default=str) + b"\n")
            await self.bulk.copy(table, _COLUMNS[table], rows.get(table, []))
            if rows.get(table):
                result.written[table] = len(rows[table])
        refused_tables = {r.table for r in converted.refusals} | {batch.stream}
        for table in refused_tables:
            await self.imports.forget_rejects(self.site.id, SOURCE, table, batch.source_ids)
        await self.bulk.copy("import_rejects", _REJECT_COLUMNS, self._rejects(converted, now))
        result.refused = len(converted.refusals)
        # Their Z reports are written again once the stream is over (`close_sessions`).
        await self.imports.reopen_sessions(list(converted.sessions))
        result.digest = digest.hexdigest()
        if result.written or result.refused:
            await self._journal(batch, result, now)
        if move_cursor:
            await self.imports.move_cursor(self.site.id, SOURCE, batch.stream, batch.source_ids[-1])
        return result

    async def _new_rows(self, converted: Converted) -> dict[str, list[tuple[Any, ...]]]:
        """The batch's rows minus those an earlier run already wrote (same ids)."""
        rows = dict(converted.rows)
        for table in ("deposits", "outbound_flows", "sales"):
            if rows.get(table):
                there = await self.imports.existing_ids(table, [r[0] for r in rows[table]])
                if there:
                    rows[table] = [r for r in rows[table] if r[0] not in there]
                    if table == "sales":
                        for child in ("sale_lines", "sale_payments"):
                            rows[child] = [r for r in rows.get(child, []) if r[1] not in there]
        wanted = list(converted.sessions)
        there = await self.imports.existing_ids("cash_sessions", wanted)
        rows["cash_sessions"] = [
            self._session_row(sid, *converted.sessions[sid]) for sid in wanted if sid not in there
        ]
        return rows

    def _session_row(self, session_id: uuid.UUID, point_id: int, day: Any) -> tuple[Any, ...]:
        opened, closed = self.ctx.day_bounds(day)
        return (
            session_id, self.site.id, self.ctx.register_id(point_id), self.ctx.user_id,
            SessionStatus.CLOSED.value, 0, opened, closed, self.ctx.user_id,
            f"{SOURCE}:ventes:{point_id}:{day.isoformat()}",
        )  # fmt: skip

    def _rejects(self, converted: Converted, now: datetime) -> list[tuple[Any, ...]]:
        return [
            (
                uuid.uuid4(), self.site.id, SOURCE, r.table, r.source_id, r.reason, r.detail,
                r.year, orjson.dumps(r.contributions).decode(), now,
            )
            for r in converted.refusals
        ]  # fmt: skip

    async def _journal(self, batch: Batch, result: BatchResult, now: datetime) -> None:
        journal = JournalService(self.session)
        lock = await journal.lock(self.site.id)
        await journal.append(
            lock,
            kind=JOURNAL_KIND,
            ref_id=self.run.run_id,
            now=now,
            data={
                "part": "batch",
                "source": SOURCE,
                "origin": self.run.origin,
                "since": self.run.since,
                "stream": batch.stream,
                "first_source_id": batch.source_ids[0],
                "last_source_id": batch.source_ids[-1],
                "read": len(batch.source_ids),
                "written": result.written,
                "refused": result.refused,
                "rows_sha256": result.digest,
            },
        )


async def close_sessions(session: AsyncSession, site: Site, run: RunInfo, *, limit: int) -> int:
    """Write the totals and Z report of up to `limit` imported sessions waiting for them;
    how many were closed (0: none left)."""
    imports = ImportRepository(session)
    waiting = await imports.sessions_to_close(site.id, limit=limit)
    if not waiting:
        return 0
    figures = await imports.session_figures([s.id for s in waiting])
    vat_mode = SiteSettings.of(site.settings).vat_mode
    for cash_session in waiting:
        totals = figures[cash_session.id]
        expected = totals.expected_cash(cash_session.opening_cents)
        cash_session.expected_cents = cash_session.actual_cents = expected
        cash_session.variance_cents = cash_session.kept_float_cents = 0
        cash_session.bank_deposit_cents = expected
        cash_session.closing_report = session_report(
            cash_session,
            totals,
            site=site,
            register=run.registers.get(cash_session.register_id),
            vat_mode=vat_mode,
            stale=False,
        )
    return len(waiting)
