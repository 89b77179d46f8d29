"""`recyclic import oressource`: a shop's Oressource history into one site, batch by batch.

Each batch (a few thousand source rows) is one unit of work: its rows, its refusals, its
journal entry and the stream's cursor commit together, so an interrupted import resumes at
the first batch not committed, and a second run finds nothing new. The next batch is read
from MariaDB (in a worker thread) while the current one is written.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from recyclic.core.database import UnitOfWorkFactory
from recyclic.core.exceptions import InvalidInput, NotFound
from recyclic.models.base import utcnow
from recyclic.models.cash import CashRegister
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.repositories.import_repository import ImportRepository
from recyclic.services.cash.journal import JournalService
from recyclic.services.imports.mapping import CATEGORY_TABLES, ImportMapping, load_mapping
from recyclic.services.imports.oressource import convert
from recyclic.services.imports.oressource.convert import SOURCE, Context, Converted
from recyclic.services.imports.oressource.figures import SourceFigures
from recyclic.services.imports.oressource.proposal import (
    ProposedEntry,
    build_proposal,
    proposal_mapping,
)
from recyclic.services.imports.oressource.reference import Reference, load_reference
from recyclic.services.imports.oressource.sales import convert_sales
from recyclic.services.imports.oressource.source import OressourceSource, parse_source_url
from recyclic.services.imports.oressource.writer import (
    JOURNAL_KIND,
    Batch,
    BatchWriter,
    RunInfo,
    close_sessions,
)
from recyclic.services.imports.reconciliation import ReconciledRow, reconcile
from recyclic.services.people.sites import SiteService
from recyclic.utils.periods import zone

BATCH_ROWS = 5000
# The streams, in order: (stream = source table, what the progress bar says).
STREAMS = (
    ("pesees_collectes", "Pesées de collecte"),
    ("ventes", "Ventes"),
    ("vendus", "Lignes de vente sans vente"),
    ("pesees_vendus", "Pesées de vente sans ligne"),
    ("pesees_sorties", "Pesées de sortie"),
)
SYSTEM_USER_NAME = "Historique Oressource"
Progress = Callable[[str, str, int | None, int], None]


class SiteNotFoundForImport(NotFound):
    code = "site_not_found"
    message = "Site introuvable."


@dataclass(slots=True)
class Prepared:
    """Everything known before writing: the source, its reference data, the mapping."""

    source: OressourceSource
    site: Site
    reference: Reference
    figures: SourceFigures
    categories: dict[str, int]  # code → VAT rate
    proposal: list[ProposedEntry]
    mapping: ImportMapping
    missing: list[ProposedEntry]
    counts: dict[str, int]


@dataclass(slots=True)
class ImportReport:
    run_id: uuid.UUID
    written: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    repaired_texts: int = 0
    batches: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    reconciliation: list[ReconciledRow] = field(default_factory=list)


class OressourceImport:
    def __init__(
        self,
        units: UnitOfWorkFactory,
        *,
        now: Callable[[], datetime] = utcnow,
        batch_rows: int = BATCH_ROWS,
        after_batch: Callable[[str, int], Awaitable[None]] | None = None,
    ) -> None:
        self.units = units
        self.now = now
        self.batch_rows = batch_rows
        # Tests stop an import between two batches, as a kill would.
        self.after_batch = after_batch

    async def prepare(self, source_url: str, site_ref: str, mapping_file: Path | None) -> Prepared:
        """Connect, read the reference tables and figures, build the mapping to use."""
        address = parse_source_url(source_url)
        source = await asyncio.to_thread(OressourceSource, address)
        try:
            reference = await asyncio.to_thread(load_reference, source)
            figures = await asyncio.to_thread(SourceFigures.load, source)
            counts = await asyncio.to_thread(source.counts)
            async with self.units(write=False) as session:
                site = await SiteService(session).find_by_name_or_slug(site_ref)
                if site is None:
                    raise SiteNotFoundForImport(f"Site introuvable : {site_ref}.")
                rows = await CategoryRepository(session).list(active_only=False)
            categories = {c.code: c.vat_rate_bp for c in rows}
            given = await asyncio.to_thread(_given_mapping, mapping_file, categories)
            proposal = build_proposal(reference, figures.stakes(), categories, given)
            # Categories must come from the admin's file; other sections may use the rules.
            mapping = given.merged_with(
                proposal_mapping([e for e in proposal if e.section not in CATEGORY_TABLES])
            )
            # Objects fall back to their type; ids absent from their table are refused rows.
            required = ("type_dechets", "type_dechets_evac", "types_poubelles", "moyens_paiement")
            missing = [
                e
                for e in proposal
                if e.section in required
                and mapping.get(e.section, e.source_id) is None
                and reference.name(e.section, e.source_id) is not None
            ]
        except BaseException:
            source.close()
            raise
        return Prepared(
            source, site, reference, figures, categories, proposal, mapping, missing, counts
        )

    async def run(
        self, prepared: Prepared, *, since: date | None, progress: Progress | None = None
    ) -> ImportReport:
        """Import every stream, then reconcile."""
        if prepared.missing:
            raise InvalidInput(
                "Correspondances manquantes : "
                + ", ".join(f"{e.section} {e.source_id} ({e.name})" for e in prepared.missing)
                + ". Complétez le fichier (--dry-run le propose).",
                code="import_mapping_incomplete",
            )
        report = ImportReport(run_id=uuid.uuid4())
        ctx, run = await self._set_up(prepared, since, report.run_id)
        since_at = datetime.combine(since, time(0)) if since else None
        digests = hashlib.sha256()
        for stream, label in STREAMS:
            total = prepared.counts.get(stream)
            if progress:
                progress(stream, label, total, 0)
            await self._stream(prepared, ctx, run, stream, since_at, report, digests, progress)
            if stream == "ventes":
                await self._close_sessions(prepared.site, run)
        if report.written or report.refused:
            await self._journal_run(prepared.site, run, report, digests.hexdigest())
        report.reconciliation, report.reasons = await self.reconcile(prepared)
        return report

    async def reconcile(self, prepared: Prepared) -> tuple[list[ReconciledRow], dict[str, int]]:
        """The source's figures now, next to Recyclic's, per year and category."""
        figures = await asyncio.to_thread(SourceFigures.load, prepared.source)
        by_year = figures.by_year_and_category(prepared.mapping)
        async with self.units(write=False) as session:
            rows = await reconcile(session, prepared.site, by_year, SOURCE)
            reasons = await ImportRepository(session).reject_counts(prepared.site.id, SOURCE)
        return rows, reasons

    async def refused_rows(self, site: Site) -> AsyncIterator[str]:
        """Every refused row of the site's Oressource imports: table, id, reason, detail."""
        async with self.units(write=False) as session:
            async for reject in ImportRepository(session).rejects(site.id, SOURCE):
                where = f"{reject.source_table} {reject.source_id}"
                yield f"{where} — {reject.reason} : {reject.detail}"

    async def _set_up(
        self, prepared: Prepared, since: date | None, run_id: uuid.UUID
    ) -> tuple[Context, RunInfo]:
        """The history's author (a user without access) and one register per point of sale."""
        site = prepared.site
        ctx = Context(
            site_id=site.id,
            timezone=zone(site.timezone),
            now=self.now(),
            mapping=prepared.mapping,
            reference=prepared.reference,
            user_id=convert.history_user_id(site.id),
            vat_rates=prepared.categories,
        )
        registers: dict[uuid.UUID, CashRegister] = {}
        async with self.units() as session:
            if await session.get(User, ctx.user_id) is None:
                session.add(
                    User(
                        id=ctx.user_id,
                        site_id=site.id,
                        full_name=SYSTEM_USER_NAME,
                        role=Role.VIEWER,
                        status=UserStatus.APPROVED,
                        is_active=False,
                    )
                )
            for point_id, name in prepared.reference.names.get("points_vente", {}).items():
                register_id = ctx.register_id(point_id)
                register = await session.get(CashRegister, register_id)
                if register is None:
                    register = CashRegister(
                        id=register_id,
                        site_id=site.id,
                        name=f"Oressource · {name}"[:90] + f" #{point_id}",
                        is_active=False,
                    )
                    session.add(register)
                registers[register_id] = register
        run = RunInfo(
            run_id, prepared.source.address.display, since.isoformat() if since else None, registers
        )
        return ctx, run

    async def _stream(
        self,
        prepared: Prepared,
        ctx: Context,
        run: RunInfo,
        stream: str,
        since: datetime | None,
        report: ImportReport,
        digests: Any,
        progress: Progress | None,
    ) -> None:
        async with self.units(write=False) as session:
            last_id = await ImportRepository(session).cursor(ctx.site_id, SOURCE, stream)
        # With --since the stream is filtered: its cursor must not pass rows not read.
        move_cursor = since is None
        pending = asyncio.create_task(self._read(prepared.source, ctx, stream, last_id, since))
        while True:
            ids, converted = await pending
            if not ids:
                return
            pending = asyncio.create_task(self._read(prepared.source, ctx, stream, ids[-1], since))
            try:
                async with self.units() as session:
                    writer = BatchWriter(session, ctx, prepared.site, run)
                    result = await writer.write(
                        Batch(stream, ids, converted), self.now(), move_cursor=move_cursor
                    )
                for table, count in result.written.items():
                    report.written[table] = report.written.get(table, 0) + count
                report.refused += result.refused
                report.repaired_texts += converted.repaired_texts
                report.batches += 1
                digests.update(result.digest.encode())
                if progress:
                    progress(stream, "", None, len(ids))
                if self.after_batch:
                    await self.after_batch(stream, report.batches)
            except BaseException:
                # The next batch is being read in a thread on the same connection: let it
                # finish before the caller closes that connection.
                await asyncio.wait([pending])
                if not pending.cancelled():
                    pending.exception()  # retrieved: its own failure is not the story
                raise

    async def _read(
        self,
        source: OressourceSource,
        ctx: Context,
        stream: str,
        after: int,
        since: datetime | None,
    ) -> tuple[list[int], Converted]:
        return await asyncio.to_thread(self._read_sync, source, ctx, stream, after, since)

    def _read_sync(
        self,
        source: OressourceSource,
        ctx: Context,
        stream: str,
        after: int,
        since: datetime | None,
    ) -> tuple[list[int], Converted]:
        """One batch of `stream` after `after`, converted (in the worker thread too)."""
        out = Converted()
        if stream == "pesees_collectes":
            rows = source.weighings_after(after, self.batch_rows, since)
            convert.convert_weighings(ctx, rows, out)
        elif stream == "ventes":
            sales = source.sales_after(after, self.batch_rows // 2, since)
            rows = sales.sales
            convert_sales(ctx, sales.sales, sales.lines, out)
        elif stream == "pesees_sorties":
            rows = source.exits_after(after, self.batch_rows, since)
            convert.convert_exits(ctx, rows, out)
        elif stream == "vendus":
            rows = [] if since else source.orphan_lines_after(after, self.batch_rows)
            convert.convert_orphans(stream, rows, out, parent="vente")
        else:
            rows = [] if since else source.orphan_sale_weighings_after(after, self.batch_rows)
            convert.convert_orphans(stream, rows, out, parent="ligne de vente")
        return [int(row[0]) for row in rows], out

    async def _close_sessions(self, site: Site, run: RunInfo) -> None:
        """The Z report of every imported session whose sales changed (this run's, or an
        interrupted run's)."""
        while True:
            async with self.units() as session:
                if not await close_sessions(session, site, run, limit=500):
                    return

    async def _journal_run(
        self, site: Site, run: RunInfo, report: ImportReport, digest: str
    ) -> None:
        async with self.units() as session:
            journal = JournalService(session)
            lock = await journal.lock(site.id)
            await journal.append(
                lock,
                kind=JOURNAL_KIND,
                ref_id=run.run_id,
                now=self.now(),
                data={
                    "part": "run",
                    "source": SOURCE,
                    "origin": run.origin,
                    "since": run.since,
                    "batches": report.batches,
                    "written": report.written,
                    "refused": report.refused,
                    "rows_sha256": digest,
                },
            )


def _given_mapping(path: Path | None, categories: dict[str, int]) -> ImportMapping:
    """The admin's mapping file, or an empty mapping when there is none yet."""
    return load_mapping(path, categories) if path and path.exists() else ImportMapping()
