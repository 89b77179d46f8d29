"""The export engine, one entry point for the API, the CLI and background jobs.

With an actor (`eco_file`, `table`…), the access rules apply: viewer+ for the eco-organism
and table exports, admin for the accounting export and the journal archive, another site's
data a 404. Without one (`…_for_site`), a job or the CLI exports a site it already chose.
Every method returns an `ExportFile`: `save_export(file, directory)` writes it to disk (for an
upload), an HTTP response streams it. The streamed ones (tables, journal archive) read the
database as they are consumed: given a `Database`, through short units of work of their own —
consume them after the unit of work that made them has ended (the HTTP layer does); without
one, through the service's session — consume them inside that unit of work (a job writing a
file: `write_export`, the hand-off with `services/reporting/export_jobs.py`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.exceptions import InvalidInput
from recyclic.models.base import utcnow
from recyclic.models.site import Site
from recyclic.models.user import User
from recyclic.repositories.site_repository import SiteRepository
from recyclic.services.people.sites import SiteNotFound
from recyclic.services.reporting.accounting import AccountingService
from recyclic.services.reporting.eco_organisms import (
    ECOLOGIC,
    EcoExportService,
    EcoReport,
    PeriodQuery,
    render,
)
from recyclic.services.reporting.files import ExportFile, read_export, save_export
from recyclic.services.reporting.journal_archive import JournalArchiveService
from recyclic.services.reporting.tables import Table, TableExportService
from recyclic.services.reporting.tabular import ExportFormat
from recyclic.utils.periods import Period, parse_period

__all__ = [
    "ECOLOGIC",
    "EcoReport",
    "ExportFile",
    "ExportFormat",
    "ExportService",
    "PeriodQuery",
    "Table",
    "export_for_request",
    "read_export",
    "save_export",
    "write_export",
]


class ExportService:
    def __init__(
        self,
        session: AsyncSession,
        database: Database | None = None,
        *,
        secret: str = "",
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.session = session
        self.database = database
        self.secret = secret
        self.now = now

    # --- Eco-organisms (Ecologic, any other, every category) -------------------------------

    async def eco_report(
        self, actor: User, *, site_id: uuid.UUID | None, period: PeriodQuery, organism: str | None
    ) -> EcoReport:
        """The rows of an eco-organism export (`organism` None: every category)."""
        return await EcoExportService(self.session, now=self.now).report(
            actor, site_id=site_id, period=period, organism=organism
        )

    async def eco_file(
        self,
        actor: User,
        *,
        site_id: uuid.UUID | None,
        period: PeriodQuery,
        organism: str | None,
        fmt: ExportFormat,
    ) -> ExportFile:
        """The same as a CSV, French CSV or XLSX file."""
        report = await self.eco_report(actor, site_id=site_id, period=period, organism=organism)
        return render(report, fmt)

    async def known_eco_organisms(self, site: Site) -> list[str]:
        """The eco-organisms this site reports to (for a choice of export)."""
        return await EcoExportService(self.session, now=self.now).known_organisms(site)

    async def eco_report_for_site(
        self, site: Site, period: Period, organism: str | None
    ) -> EcoReport:
        """The rows of a site's eco-organism export (no actor: jobs, the CLI)."""
        return await EcoExportService(self.session, now=self.now).report_for_site(
            site, period, organism
        )

    async def eco_file_for_site(
        self, site: Site, period: Period, organism: str | None, fmt: ExportFormat
    ) -> ExportFile:
        """An eco-organism export of a site, e.g. `(site, period, "ecologic", CSV)`."""
        return render(await self.eco_report_for_site(site, period, organism), fmt)

    # --- Row-by-row exports, streamed ------------------------------------------------------

    async def table(
        self,
        actor: User,
        table: Table,
        *,
        site_id: uuid.UUID | None,
        first_day: date | None,
        last_day: date | None,
        fmt: ExportFormat,
    ) -> ExportFile:
        """Sales lines, deposits, cash sessions or outbound flows between two local dates."""
        return await self._tables().export(
            actor, table, site_id=site_id, first_day=first_day, last_day=last_day, fmt=fmt
        )

    async def table_for_site(
        self, site: Site, table: Table, period: Period, fmt: ExportFormat
    ) -> ExportFile:
        return await self._tables().export_for_site(site, table, period, fmt)

    def _tables(self) -> TableExportService:
        return TableExportService(self.session, self.database)

    # --- Accounting and the journal archive (admins) ---------------------------------------

    async def accounting(
        self,
        actor: User,
        *,
        site_id: uuid.UUID | None,
        first_day: date | None,
        last_day: date | None,
        fmt: ExportFormat,
    ) -> ExportFile:
        """Takings per day, payment method and category."""
        return await AccountingService(self.session).export(
            actor, site_id=site_id, first_day=first_day, last_day=last_day, fmt=fmt
        )

    async def accounting_for_site(
        self, site: Site, period: Period, fmt: ExportFormat
    ) -> ExportFile:
        return await AccountingService(self.session).export_for_site(site, period, fmt)

    async def journal_archive(
        self, actor: User, *, site_id: uuid.UUID | None, year: int
    ) -> ExportFile:
        """The sealed ZIP of a year of the site's journal."""
        return await self._archives().archive(actor, site_id=site_id, year=year)

    def journal_archive_for_site(self, site: Site, year: int) -> ExportFile:
        return self._archives().archive_for_site(site, year)

    def _archives(self) -> JournalArchiveService:
        if not self.secret:
            raise RuntimeError("the journal archive is sealed with the server secret")
        return JournalArchiveService(self.session, self.database, secret=self.secret, now=self.now)


class ExportRequestLike(Protocol):
    """What a background job asks for (`services.reporting.export_jobs.ExportRequest`)."""

    @property
    def site_id(self) -> uuid.UUID: ...
    @property
    def export(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def date(self) -> str: ...
    @property
    def format(self) -> str: ...


class UnknownExport(InvalidInput):
    code = "unknown_export"
    message = "Export inconnu."


_ECO_PREFIX = "eco-organisms/"
_KINDS = (
    "ecologic, eco-organisms/<nom>, summary, sales, deposits, cash-sessions, outbound-flows, "
    "accounting, journal-archive"
)


async def export_for_request(
    session: AsyncSession, settings: Settings, request: ExportRequestLike
) -> ExportFile:
    """The export a job describes with plain values: `export` is `ecologic`,
    `eco-organisms/<name>`, `summary`, a table (`sales`, `deposits`, `cash-sessions`,
    `outbound-flows`), `accounting` or `journal-archive` (a yearly period); `period` and
    `date` name the period (`monthly`, `2026-10`); `format` is csv, csv-fr or xlsx.
    The file reads through `session`: consume it inside that unit of work."""
    site = await SiteRepository(session).get(request.site_id)
    if site is None:
        raise SiteNotFound()
    period = parse_period(request.period, request.date, site.timezone)
    try:
        fmt = ExportFormat(request.format)
    except ValueError:
        raise UnknownExport(f"Format d'export inconnu : {request.format}.") from None
    service = ExportService(session, secret=settings.secret_key.get_secret_value())
    kind = request.export.strip().lower()
    if kind == ECOLOGIC or kind == "summary" or kind.startswith(_ECO_PREFIX):
        organism = None if kind == "summary" else kind.removeprefix(_ECO_PREFIX)
        return await service.eco_file_for_site(site, period, organism, fmt)
    if kind in {t.value for t in Table}:
        return await service.table_for_site(site, Table(kind), period, fmt)
    if kind == "accounting":
        return await service.accounting_for_site(site, period, fmt)
    if kind == "journal-archive":
        if period.kind != "yearly":
            raise UnknownExport("L'archive du journal est annuelle (period=yearly).")
        return service.journal_archive_for_site(site, period.start.year)
    raise UnknownExport(f"Export inconnu : « {request.export} » ({_KINDS}).")


async def write_export(
    session: AsyncSession, settings: Settings, request: ExportRequestLike, path: Path
) -> None:
    """The jobs' hand-off (an `export_jobs.ExportWriter`): write the export a job describes
    to `path` (the caller renames it into place once complete). A bad request
    raises a `RecyclicError` (a 4xx-style domain error)."""
    export = await export_for_request(session, settings, request)
    async with await anyio.open_file(path, "wb") as handle:
        async for chunk in export.chunks:
            await handle.write(chunk)
