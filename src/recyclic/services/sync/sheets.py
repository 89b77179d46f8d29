"""Google Sheets part of the sync: append the rows created since the last successful run.

Two streams, one tab each: sale lines (by `created_at`) and validated deposits (by
`validated_at`). Each stream has a watermark — the (time, id) of the last row appended — that
moves only after an append succeeded, batch by batch. A run restarts a little before it
(`overlap`), because a row can become visible after later ones: an offline ticket is reported
at its till time, up to 72 h back, and a transaction commits a moment after its timestamp.
Rows re-read that way are not duplicated: the client skips every id already in column A.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from recyclic.core.config import Settings
from recyclic.core.database import UnitOfWorkFactory
from recyclic.models.deposit import Deposit
from recyclic.models.sale import SaleLine
from recyclic.models.site import Site
from recyclic.repositories.sync_repository import (
    Position,
    SyncSourceRepository,
    SyncWatermarkRepository,
)
from recyclic.services.cash.sales import OFFLINE_MAX_AGE
from recyclic.services.sync.clients.google_sheets import CellValue, GoogleSheetsClient
from recyclic.services.sync.clients.retry import SyncClientError
from recyclic.services.sync.log import SyncLogRecorder

logger = logging.getLogger(__name__)

# Rows read from the database per append call (the client splits them into API batches).
_ROWS_PER_ROUND = 2000
_START: Position = (datetime(2000, 1, 1, tzinfo=UTC), uuid.UUID(int=0))
# Column A's header: our row ids live under it, so it is skipped like any known id.
HEADER_ID = "id"

SALE_LINE_HEADER = (
    HEADER_ID, "site", "date", "vente", "catégorie", "description", "quantité", "unité",
    "prix unitaire (centimes)", "remise (centimes)", "total (centimes)", "poids (g)",
    "remboursement de la ligne",
)  # fmt: skip
DEPOSIT_HEADER = (
    HEADER_ID, "site", "validé le", "déposé le", "catégorie", "quantité", "poids (g)",
    "destination", "canal", "donateur", "code postal", "description", "catégorie IA",
    "confiance IA (%)",
)  # fmt: skip


def _local(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if moment is not None else ""


def _text(value: object) -> str:
    return "" if value is None else str(value)


def sale_line_row(line: SaleLine, site: Site, tz: ZoneInfo) -> list[CellValue]:
    """One sheet row for a sale line; money in cents and weights in grams (exact integers)."""
    return [
        f"sale-line:{line.id}",
        site.slug,
        _local(line.created_at, tz),
        str(line.sale_id),
        line.category,
        line.description or "",
        line.quantity,
        _text(line.unit),
        line.unit_price_cents,
        line.discount_cents,
        line.line_total_cents,
        line.weight_g,
        _text(line.refund_of_line),
    ]


def deposit_row(deposit: Deposit, site: Site, tz: ZoneInfo) -> list[CellValue]:
    """One sheet row for a validated deposit."""
    return [
        f"deposit:{deposit.id}",
        site.slug,
        _local(deposit.validated_at, tz),
        _local(deposit.created_at, tz),
        deposit.category,
        deposit.quantity,
        deposit.weight_g,
        _text(deposit.destination),
        _text(deposit.channel),
        _text(deposit.donor_type),
        deposit.postal_code or "",
        deposit.description or "",
        deposit.ai_category or "",
        deposit.ai_confidence,
    ]


Fetch = Callable[[SyncSourceRepository, uuid.UUID, Position, int], Awaitable[Sequence[Any]]]


@dataclass(frozen=True)
class Stream:
    """A kind of row: how to read it, where its watermark is, how it looks in the sheet."""

    name: str
    header: tuple[str, ...]
    overlap: timedelta
    fetch: Fetch
    position: Callable[[Any], Position]
    row: Callable[[Any, Site, ZoneInfo], list[CellValue]]


SALE_LINES = Stream(
    name="sale_lines",
    header=SALE_LINE_HEADER,
    overlap=OFFLINE_MAX_AGE + timedelta(hours=1),
    fetch=lambda source, site, after, limit: source.sale_lines_after(site, after, limit=limit),
    position=lambda line: (line.created_at, line.id),
    row=sale_line_row,
)
DEPOSITS = Stream(
    name="deposits",
    header=DEPOSIT_HEADER,
    overlap=timedelta(hours=1),
    fetch=lambda source, site, after, limit: source.validated_deposits_after(
        site, after, limit=limit
    ),
    position=lambda deposit: (deposit.validated_at, deposit.id),
    row=deposit_row,
)


@dataclass
class StreamResult:
    sheet: str
    appended: int = 0
    skipped: int = 0
    error: str | None = None


@dataclass
class SheetsResult:
    streams: dict[str, StreamResult] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(result.error for result in self.streams.values())


class SheetsAppender:
    """Appends one site's new rows through one Sheets client."""

    def __init__(
        self,
        units: UnitOfWorkFactory,
        settings: Settings,
        site: Site,
        client: GoogleSheetsClient,
        log: SyncLogRecorder,
        *,
        rows_per_round: int = _ROWS_PER_ROUND,
    ) -> None:
        self.units = units
        self.site = site
        self.client = client
        self.log = log
        self.rows_per_round = rows_per_round
        self.sheets = {
            SALE_LINES.name: settings.google_sheets_sales_sheet,
            DEPOSITS.name: settings.google_sheets_deposits_sheet,
        }

    async def run(self) -> SheetsResult:
        """Both streams; a failing one does not stop the other."""
        result = SheetsResult()
        for stream in (SALE_LINES, DEPOSITS):
            result.streams[stream.name] = await self.append_stream(stream)
        return result

    async def append_stream(self, stream: Stream) -> StreamResult:
        """Every row after the watermark (minus the overlap), batch by batch."""
        sheet = self.sheets[stream.name]
        result = StreamResult(sheet)
        tz = ZoneInfo(self.site.timezone)
        async with self.units(write=False) as session:
            watermark = await SyncWatermarkRepository(session).position(self.site.id, stream.name)
        after = _START if watermark is None else (watermark[0] - stream.overlap, uuid.UUID(int=0))
        first_round = watermark is None
        while True:
            async with self.units(write=False) as session:
                items = await stream.fetch(
                    SyncSourceRepository(session), self.site.id, after, self.rows_per_round
                )
            if not items:
                return result
            rows = [stream.row(item, self.site, tz) for item in items]
            if first_round:
                rows.insert(0, list(stream.header))
                first_round = False
            try:
                appended = await self.client.append_rows(sheet, rows, on_attempt=self.log)
            except SyncClientError as exc:
                # The watermark stays where the last successful batch left it.
                result.error = str(exc)
                return result
            result.appended += sum(1 for i in appended.appended_ids if i != HEADER_ID)
            result.skipped += sum(1 for i in appended.skipped_ids if i != HEADER_ID)
            after = stream.position(items[-1])
            async with self.units() as session:
                await SyncWatermarkRepository(session).move_to(self.site.id, stream.name, after)
            if len(items) < self.rows_per_round:
                return result
