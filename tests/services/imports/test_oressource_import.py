"""Importing an Oressource history (real MariaDB): every imported row is in Recyclic's
reports to the gram and the cent, bad rows are listed, a second run adds nothing, an
interrupted run resumes, the journal still verifies and closings leave the history out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from recyclic.core.database import Database
from recyclic.core.exceptions import InvalidInput
from recyclic.models.cash import CashSession
from recyclic.models.deposit import Deposit
from recyclic.models.imports import ImportReject
from recyclic.models.journal import ClosingKind, JournalEntry
from recyclic.models.outbound_flow import OutboundFlow
from recyclic.models.sale import Sale
from recyclic.models.site import Site
from recyclic.models.user import Role
from recyclic.repositories.import_repository import ImportRepository
from recyclic.services.cash.closings import ClosingService
from recyclic.services.cash.journal import JournalService
from recyclic.services.imports.oressource.importer import ImportReport, OressourceImport
from recyclic.services.imports.reconciliation import reported
from recyclic.services.reporting.figures import category_figures
from recyclic.utils.periods import make_period
from tests.factories import Factory
from tests.support.mariadb import source_url
from tests.support.oressource.history import Shop

YEARS = (2021, 2022, 2023)


async def _import(
    database: Database,
    shop: Shop,
    site: Site,
    mapping: Path,
    *,
    since: date | None = None,
    after_batch: Callable[[str, int], Awaitable[None]] | None = None,
) -> ImportReport:
    importer = OressourceImport(database.unit_of_work, batch_rows=1000, after_batch=after_batch)
    prepared = await importer.prepare(source_url(shop), site.slug, mapping)
    try:
        return await importer.run(prepared, since=since)
    finally:
        prepared.source.close()


async def _recyclic_figures(database: Database, site: Site) -> dict[tuple[int, str], list[int]]:
    """What Recyclic's reports (exports, dashboard) say, per year and category."""
    found: dict[tuple[int, str], list[int]] = {}
    async with database.unit_of_work(write=False) as session:
        for year in YEARS:
            period = make_period("yearly", date(year, 1, 1), date(year, 12, 31), site.timezone)
            for row in await category_figures(session, site, period):
                figures = reported(row)
                if any(figures):
                    found[year, row.code] = figures
    return found


def _expected(shop: Shop) -> dict[tuple[int, str], list[int]]:
    return {k: v for k, v in shop.expected.items() if k[0] in YEARS and any(v)}


async def _count(database: Database, model: type) -> int:
    async with database.unit_of_work(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_every_imported_row_is_in_the_reports_to_the_gram_and_the_cent(
    database: Database, factory: Factory, shop: Shop, mapping_file: Path
) -> None:
    site = await factory.site()
    report = await _import(database, shop, site, mapping_file)

    assert await _recyclic_figures(database, site) == _expected(shop)
    assert report.reconciliation
    assert all(row.balanced for row in report.reconciliation), [
        row for row in report.reconciliation if not row.balanced
    ]
    refused = {(r.source_table, r.source_id): r.reason for r in await _refusals(database, site)}
    assert refused == shop.bad
    assert report.refused == len(shop.bad)
    assert report.repaired_texts > 0  # comments decoded twice in a latin1 column
    async with database.unit_of_work(write=False) as session:
        result = await JournalService(session).verify(site.id)
        kinds = set(
            await session.scalars(select(JournalEntry.kind).where(JournalEntry.site_id == site.id))
        )
    assert result.ok, result
    assert kinds == {"import"}
    async with database.unit_of_work(write=False) as session:
        sessions = list(
            await session.scalars(select(CashSession).where(CashSession.site_id == site.id))
        )
    # One closed session per day and point of sale, each with its Z report.
    assert sessions
    assert all(s.imported_from and s.closing_report for s in sessions)
    assert sum(s.closing_report["totals"]["net_cents"] for s in sessions) == sum(
        v[3] for v in _expected(shop).values()
    )


async def _refusals(database: Database, site: Site) -> list[ImportReject]:
    async with database.unit_of_work(write=False) as session:
        return [r async for r in ImportRepository(session).rejects(site.id, "oressource")]


async def test_a_second_run_imports_nothing_and_leaves_the_journal_alone(
    database: Database, factory: Factory, shop: Shop, mapping_file: Path
) -> None:
    site = await factory.site()
    await _import(database, shop, site, mapping_file)
    async with database.unit_of_work(write=False) as session:
        head = await JournalService(session).verify(site.id)
    deposits, sales = await _count(database, Deposit), await _count(database, Sale)

    again = await _import(database, shop, site, mapping_file)

    assert again.written == {}
    assert again.refused == 0
    assert again.batches == 0
    assert (await _count(database, Deposit), await _count(database, Sale)) == (deposits, sales)
    async with database.unit_of_work(write=False) as session:
        assert await JournalService(session).verify(site.id) == head
    assert all(row.balanced for row in again.reconciliation)


class Interrupted(Exception):
    """What a kill between two batches leaves: the batches committed so far."""


async def test_an_interrupted_import_resumes_where_it_stopped(
    database: Database, factory: Factory, shop: Shop, mapping_file: Path
) -> None:
    site = await factory.site()

    async def stop_in_the_sales(stream: str, batches: int) -> None:
        if stream == "ventes":
            raise Interrupted

    with pytest.raises(Interrupted):
        await _import(database, shop, site, mapping_file, after_batch=stop_in_the_sales)
    assert 0 < await _count(database, Sale) < shop.counts["vendus"]

    report = await _import(database, shop, site, mapping_file)

    assert await _recyclic_figures(database, site) == _expected(shop)
    assert all(row.balanced for row in report.reconciliation)
    async with database.unit_of_work(write=False) as session:
        assert (await JournalService(session).verify(site.id)).ok


async def test_since_imports_only_what_is_dated_from_that_day(
    database: Database, factory: Factory, shop: Shop, mapping_file: Path
) -> None:
    site = await factory.site()
    await _import(database, shop, site, mapping_file, since=date(2023, 1, 1))
    figures = await _recyclic_figures(database, site)
    assert figures == {k: v for k, v in _expected(shop).items() if k[0] == 2023}

    # Then the whole history: the rows already there are not imported twice.
    report = await _import(database, shop, site, mapping_file)
    assert await _recyclic_figures(database, site) == _expected(shop)
    assert all(row.balanced for row in report.reconciliation)


async def test_closings_and_the_grand_total_leave_imported_history_out(
    database: Database, factory: Factory, shop: Shop, mapping_file: Path
) -> None:
    site = await factory.site()
    admin = await factory.user(site=site, role=Role.ADMIN)
    await _import(database, shop, site, mapping_file)
    async with database.unit_of_work(write=False) as session:
        day = await session.scalar(
            select(func.min(CashSession.opened_at)).where(
                CashSession.site_id == site.id, CashSession.imported_from.is_not(None)
            )
        )
    assert day is not None
    local_day = day.astimezone(ZoneInfo(site.timezone)).date()

    async with database.unit_of_work() as session:
        closing = await ClosingService(session).close_period(
            admin, kind=ClosingKind.YEARLY, date=str(local_day.year), site_id=site.id
        )
    assert closing.grand_total_cents == 0
    assert closing.totals["sales_count"] == 0
    assert closing.totals["total_cents"] == 0
    async with database.unit_of_work(write=False) as session:
        assert (await JournalService(session).verify(site.id)).ok
        imported_sales = await session.scalar(select(func.count()).select_from(Sale))
    assert imported_sales


async def test_an_unmapped_category_stops_the_import_before_anything_is_written(
    database: Database, factory: Factory, shop: Shop, tmp_path: Path
) -> None:
    site = await factory.site()
    partial = tmp_path / "partiel.yaml"
    partial.write_text("type_dechets:\n  1: MOB\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as error:
        await _import(database, shop, site, partial)
    assert error.value.code == "import_mapping_incomplete"
    assert "type_dechets 2 (Électroménager)" in error.value.message
    assert await _count(database, Deposit) == 0
    assert await _count(database, OutboundFlow) == 0
