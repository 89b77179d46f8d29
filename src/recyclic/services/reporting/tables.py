"""Row-by-row exports (sales lines, deposits, cash sessions, outbound flows), streamed.

Memory stays flat whatever the size: rows are read in keyset batches, each in its own short
read unit of work (no transaction stays open while a slow client downloads), and each batch
is encoded and handed to the response before the next is read. CSV goes out as it is made;
XLSX is a ZIP whose directory comes last, so openpyxl's write-only workbook spools the rows
to temporary files, and the finished file is streamed back, then deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import anyio
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.database import Database
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.repositories.export_rows_repository import ExportRowsRepository, Key
from recyclic.repositories.site_repository import SiteRepository
from recyclic.services.access.scope import require_role, target_site
from recyclic.services.people.sites import SiteNotFound
from recyclic.services.reporting.files import ExportFile, batch_reader
from recyclic.services.reporting.tabular import (
    Column,
    CsvEncoder,
    ExportFormat,
    Kind,
    XlsxWriter,
    discard_xlsx,
)
from recyclic.utils.dates import local_today
from recyclic.utils.periods import Period, custom_period

BATCH_ROWS = 2_000
_READ_CHUNK = 256 * 1024
# Without `from`, an export starts at the beginning of the shop's history.
EARLIEST = date(2000, 1, 1)
_KINDS = {k.value: k for k in Kind}


class Table(enum.StrEnum):
    SALES = "sales"
    DEPOSITS = "deposits"
    CASH_SESSIONS = "cash-sessions"
    OUTBOUND_FLOWS = "outbound-flows"


def _columns(spec: str) -> tuple[Column, ...]:
    """'sold_at:timestamp quantity:int description' → columns (text by default)."""
    columns = []
    for item in spec.split():
        name, _, kind = item.partition(":")
        column_kind = _KINDS[kind or "text"]
        columns.append(Column(name, column_kind, 20 if column_kind is Kind.TIMESTAMP else 14))
    return tuple(columns)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class _Scope:
    site: Site
    period: Period
    labels: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Batch:
    rows: list[tuple[Any, ...]]
    fetched: int
    last_key: Key | None


Reader = Callable[[AsyncSession, _Scope, Key | None, int], Awaitable[_Batch]]


def _batch(raw: list[Row[Any]], rows: list[tuple[Any, ...]], key_size: int) -> _Batch:
    return _Batch(rows, len(raw), tuple(raw[-1][:key_size]) if raw else None)


async def _sales(db: AsyncSession, s: _Scope, after: Key | None, limit: int) -> _Batch:
    repo = ExportRowsRepository(db)
    raw = await repo.sale_lines(s.site.id, s.period.starts_at, s.period.ends_at, after, limit)
    methods = await repo.payment_methods([r.sale_id for r in raw])
    rows = [
        (r.created_at, r.journal_seq, str(r.sale_id), _text(r.status), _text(r.refund_of),
         str(r.session_id), str(r.cashier_id), str(r.id), r.position, r.category,
         s.labels.get(r.category), r.description, _text(r.unit), r.quantity, r.unit_price_cents,
         r.discount_cents, r.line_total_cents, r.weight_g, r.vat_rate_bp, r.total_cents,
         ", ".join(methods.get(r.sale_id, [])))
        for r in raw
    ]  # fmt: skip
    return _batch(raw, rows, 3)


async def _deposits(db: AsyncSession, s: _Scope, after: Key | None, limit: int) -> _Batch:
    raw = await ExportRowsRepository(db).deposits(
        s.site.id, s.period.starts_at, s.period.ends_at, after, limit
    )
    rows = [
        (r.created_at, str(r.id), _text(r.status), r.category, s.labels.get(r.category or ""),
         r.quantity, r.weight_g, _text(r.destination), _text(r.donor_type), r.postal_code,
         _text(r.channel), r.description, r.ai_category, r.ai_confidence, _text(r.ai_provider),
         r.ai_first_choice_kept, r.human_validated, r.validated_at, str(r.created_by),
         _text(r.validated_by))
        for r in raw
    ]  # fmt: skip
    return _batch(raw, rows, 2)


def _report_figures(report: dict[str, Any] | None) -> tuple[Any, ...]:
    """Counts and per-method totals of a closed session's Z report (blank while open)."""
    if not report:
        return (None,) * 7
    payments: dict[str, int] = dict(report.get("payments_cents") or {})
    main = [payments.pop(m, 0) for m in ("cash", "card", "check")]
    counts, totals = report.get("counts") or {}, report.get("totals") or {}
    others = sum(payments.values())
    return (counts.get("sales"), counts.get("refunds"), totals.get("net_cents"), *main, others)


async def _cash_sessions(db: AsyncSession, s: _Scope, after: Key | None, limit: int) -> _Batch:
    raw = await ExportRowsRepository(db).cash_sessions(
        s.site.id, s.period.starts_at, s.period.ends_at, after, limit
    )
    rows = [
        (r.opened_at, str(r.id), r.name, str(r.cashier_id), _text(r.status), r.closed_at,
         r.opening_cents, *_report_figures(r.closing_report), r.expected_cents, r.actual_cents,
         r.variance_cents, r.variance_comment, r.kept_float_cents, r.bank_deposit_cents)
        for r in raw
    ]  # fmt: skip
    return _batch(raw, rows, 2)


async def _outbound_flows(db: AsyncSession, s: _Scope, after: Key | None, limit: int) -> _Batch:
    raw = await ExportRowsRepository(db).outbound_flows(
        s.site.id, s.period.start, s.period.end, after, limit
    )
    rows = [
        (r.date, str(r.id), r.category, s.labels.get(r.category), _text(r.destination),
         r.weight_g, r.partner, r.document_ref, r.notes, str(r.created_by), r.created_at)
        for r in raw
    ]  # fmt: skip
    return _batch(raw, rows, 2)


@dataclass(frozen=True, slots=True)
class _Spec:
    stem: str
    title: str
    columns: tuple[Column, ...]
    read: Reader


SPECS: dict[Table, _Spec] = {
    Table.SALES: _Spec(
        "ventes",
        "Ventes",
        _columns(
            "sold_at:timestamp ticket_number:int sale_id status refund_of session_id cashier_id "
            "line_id position:int category category_label description unit quantity:int "
            "unit_price_eur:cents discount_eur:cents line_total_eur:cents weight_kg:grams "
            "vat_rate_percent:bp ticket_total_eur:cents payment_methods"
        ),
        _sales,
    ),
    Table.DEPOSITS: _Spec(
        "depots",
        "Dépôts",
        _columns(
            "created_at:timestamp deposit_id status category category_label quantity:int "
            "weight_kg:grams destination donor_type postal_code channel description ai_category "
            "ai_confidence:int ai_provider ai_first_choice_kept:bool human_validated:bool "
            "validated_at:timestamp created_by validated_by"
        ),
        _deposits,
    ),
    Table.CASH_SESSIONS: _Spec(
        "sessions-caisse",
        "Sessions de caisse",
        _columns(
            "opened_at:timestamp session_id register cashier_id status closed_at:timestamp "
            "opening_eur:cents sales_count:int refunds_count:int net_sales_eur:cents "
            "cash_eur:cents card_eur:cents check_eur:cents other_methods_eur:cents "
            "expected_eur:cents counted_eur:cents variance_eur:cents variance_comment "
            "kept_float_eur:cents bank_deposit_eur:cents"
        ),
        _cash_sessions,
    ),
    Table.OUTBOUND_FLOWS: _Spec(
        "sorties",
        "Sorties",
        _columns(
            "date:date flow_id category category_label destination weight_kg:grams partner "
            "document_ref notes created_by created_at:timestamp"
        ),
        _outbound_flows,
    ),
}


class TableExportService:
    def __init__(self, session: AsyncSession, database: Database | None) -> None:
        self.read = batch_reader(session, database)
        self.sites = SiteRepository(session)
        self.categories = CategoryRepository(session)

    async def export(
        self,
        actor: User,
        table: Table,
        *,
        site_id: uuid.UUID | None,
        first_day: date | None,
        last_day: date | None,
        fmt: ExportFormat,
    ) -> ExportFile:
        """A streamed export of the site's rows between two local dates (inclusive; by
        default from the beginning to today)."""
        require_role(actor, Role.VIEWER)
        site = await self.sites.get(target_site(actor, site_id))
        if site is None:
            raise SiteNotFound()
        period = custom_period(
            first_day or EARLIEST,
            last_day or local_today(site.timezone),
            site.timezone,
            limit_length=False,
        )
        return await self.export_for_site(site, table, period, fmt)

    async def export_for_site(
        self, site: Site, table: Table, period: Period, fmt: ExportFormat
    ) -> ExportFile:
        """The same without an actor (jobs). The returned file reads the database as it is
        consumed (see `batch_reader`)."""
        labels = {c.code: c.label for c in await self.categories.list(active_only=False)}
        spec = SPECS[table]
        batches = self._batches(spec, _Scope(site, period, labels))
        name = f"{spec.stem}_{site.slug}_{period.start.isoformat()}_{period.end.isoformat()}"
        if fmt is ExportFormat.XLSX:
            chunks = _xlsx_chunks(spec, batches, site.timezone)
        else:
            chunks = _csv_chunks(spec, batches, fmt, site.timezone)
        suffix = "_fr" if fmt is ExportFormat.CSV_FR else ""
        return ExportFile(f"{name}{suffix}.{fmt.extension}", fmt.media_type, chunks)

    async def _batches(self, spec: _Spec, scope: _Scope) -> AsyncIterator[list[tuple[Any, ...]]]:
        after: Key | None = None
        while True:
            async with self.read() as session:
                batch = await spec.read(session, scope, after, BATCH_ROWS)
            if batch.rows:
                yield batch.rows
            if batch.fetched < BATCH_ROWS:
                return
            after = batch.last_key


async def _csv_chunks(
    spec: _Spec, batches: AsyncIterator[list[tuple[Any, ...]]], fmt: ExportFormat, timezone: str
) -> AsyncIterator[bytes]:
    encoder = CsvEncoder(spec.columns, fmt, timezone)
    yield encoder.header()
    async for rows in batches:
        yield encoder.encode(rows)


async def _xlsx_chunks(
    spec: _Spec, batches: AsyncIterator[list[tuple[Any, ...]]], timezone: str
) -> AsyncIterator[bytes]:
    handle, name = tempfile.mkstemp(prefix="recyclic-export-", suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    writer = await asyncio.to_thread(XlsxWriter, path, timezone)
    saved = False
    try:
        await asyncio.to_thread(writer.add_sheet, spec.title, spec.columns)
        async for rows in batches:
            # Building cells is CPU work: in a thread, the event loop keeps serving.
            await asyncio.to_thread(writer.append, rows)
        await asyncio.to_thread(writer.save)
        saved = True
        async with await anyio.open_file(path, "rb") as stream:
            while chunk := await stream.read(_READ_CHUNK):
                yield chunk
    finally:
        if not saved:
            await asyncio.to_thread(discard_xlsx, writer)
        with contextlib.suppress(OSError):
            await anyio.Path(path).unlink()
