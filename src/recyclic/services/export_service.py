"""The export engine, one entry point for the API, the CLI and background jobs.

With an actor (`eco_file`, `table`…), the access rules apply: viewer+ for the eco-organism
and table exports, admin for the accounting export and the journal archive, another site's
data a 404. Without one (`…_for_site`), a job or the CLI exports a site it already chose.
Every method returns an `ExportFile`: `save_export(file, directory)` writes it to disk (for an
upload), an HTTP response streams it. The streamed ones (tables, journal archive) read the
database through short units of work of their own as they are consumed: consume them after
the unit of work that made them has ended (as the HTTP layer does), never inside it — with
SQLite's single writer, or a test database, that would wait on itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.database import Database
from recyclic.models.base import utcnow
from recyclic.models.site import Site
from recyclic.models.user import User
from recyclic.services.exports.accounting import AccountingService
from recyclic.services.exports.eco_organisms import (
    ECOLOGIC,
    EcoExportService,
    EcoReport,
    PeriodQuery,
    render,
)
from recyclic.services.exports.files import ExportFile, read_export, save_export
from recyclic.services.exports.journal_archive import JournalArchiveService
from recyclic.services.exports.tables import Table, TableExportService
from recyclic.services.exports.tabular import ExportFormat
from recyclic.utils.periods import Period

__all__ = [
    "ECOLOGIC",
    "EcoReport",
    "ExportFile",
    "ExportFormat",
    "ExportService",
    "PeriodQuery",
    "Table",
    "read_export",
    "save_export",
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
        if self.database is None:
            raise RuntimeError("streamed exports need the Database (their own units of work)")
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
        if self.database is None or not self.secret:
            raise RuntimeError("the journal archive needs the Database and the server secret")
        return JournalArchiveService(self.session, self.database, secret=self.secret, now=self.now)
