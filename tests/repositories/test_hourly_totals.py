"""The hourly totals the triggers keep (migration 0014) and the period sums read from them."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, text, update

from recyclic.core.database import Database
from recyclic.models.deposit import AIProvider, Deposit, DepositStatus, DonorType
from recyclic.models.rollups import (
    DepositCategoryHour,
    DepositOriginHour,
    PaymentHour,
    SaleHour,
    SaleLineHour,
)
from recyclic.models.sale import Sale, SaleLine, SalePayment
from recyclic.models.site import Site
from recyclic.repositories.deposit_repository import DepositRepository, SitePeriod
from recyclic.repositories.report_repository import ReportRepository
from recyclic.repositories.rollup_repository import RollupRepository
from recyclic.utils.periods import custom_period
from tests.factories import Factory

MIGRATION = (
    Path(__file__).parents[2] / "src/recyclic/migrations/versions/2026_12_06_0014_hourly_rollups.py"
)


async def _drift(database: Database) -> list[object]:
    async with database.unit_of_work(write=False) as session:
        return list(await RollupRepository(session).drift())


async def _category_totals(database: Database, site: Site) -> dict[str, tuple[int, int, int]]:
    async with database.unit_of_work(write=False) as session:
        rows = await session.execute(
            select(
                DepositCategoryHour.category,
                func.sum(DepositCategoryHour.deposits),
                func.sum(DepositCategoryHour.quantity),
                func.sum(DepositCategoryHour.weight_g),
            )
            .where(DepositCategoryHour.site_id == site.id)
            .group_by(DepositCategoryHour.category)
        )
        return {code: (int(n), int(q), int(g)) for code, n, q, g in rows if n}


async def test_the_totals_follow_a_deposit_through_validation_correction_and_removal(
    factory: Factory, database: Database
) -> None:
    site = await factory.site()
    volunteer = await factory.user(site)
    deposit = await factory.deposit(site, volunteer, status=DepositStatus.CLASSIFIED)
    assert await _category_totals(database, site) == {}

    async def change(**values: object) -> None:
        async with database.unit_of_work() as session:
            await session.execute(update(Deposit).where(Deposit.id == deposit.id).values(values))

    await change(
        status=DepositStatus.VALIDATED, quantity=2, weight_g=3_000, validated_at=datetime.now(UTC)
    )
    assert await _category_totals(database, site) == {"MOB": (1, 2, 3_000)}
    # A correction moves the deposit to another category and weight.
    await change(category="EEE-4", weight_g=40_000, donor_type=DonorType.BUSINESS)
    assert await _category_totals(database, site) == {"EEE-4": (1, 2, 40_000)}
    # A column the totals do not read changes nothing.
    await change(validation_notes="pesé deux fois")
    assert await _category_totals(database, site) == {"EEE-4": (1, 2, 40_000)}
    assert await _drift(database) == []
    async with database.unit_of_work() as session:
        await session.execute(delete(Deposit).where(Deposit.id == deposit.id))
    assert await _category_totals(database, site) == {}
    assert await _drift(database) == []


async def test_the_origin_totals_count_the_ai_suggestions_kept(
    factory: Factory, database: Database
) -> None:
    site = await factory.site()
    volunteer = await factory.user(site)
    for kept in (True, True, False):
        await factory.deposit(
            site,
            volunteer,
            status=DepositStatus.VALIDATED,
            donor_type=DonorType.INDIVIDUAL,
            ai_category="MOB",
            ai_provider=AIProvider.LOCAL,
            ai_first_choice_kept=kept,
        )
    await factory.deposit(site, volunteer, status=DepositStatus.VALIDATED)
    await factory.deposit(site, volunteer, status=DepositStatus.CANCELLED)
    async with database.unit_of_work(write=False) as session:
        breakdown = await DepositRepository(session).validated_breakdown(
            SitePeriod(site.id, None, None)
        )
        stored = await session.execute(
            select(
                func.sum(DepositOriginHour.ai_suggested), func.sum(DepositOriginHour.ai_kept)
            ).where(DepositOriginHour.site_id == site.id)
        )
    assert stored.one() == (3, 2)
    assert breakdown.suggested["local"] == 3
    assert breakdown.kept["local"] == 2
    assert breakdown.donors["individual"] == (3, 22_500)
    assert breakdown.donors[None] == (1, 7_500)
    assert breakdown.channels["drop_off"] == (4, 30_000)


async def _sale_at(factory: Factory, database: Database, site: Site, at: datetime) -> None:
    """A two-line ticket moved to `at` (moving it exercises the update triggers too)."""
    cashier = await factory.user(site)
    cash_session = await factory.open_session(await factory.register(site), cashier)
    sold = await factory.sale(
        cash_session,
        cashier,
        items=[
            {"category": "MOB", "unit_price": "12"},
            {"category": "EEE-4", "unit_price": "30", "quantity": 2},
        ],
        payments=[{"method": "cash", "amount": "50"}, {"method": "card", "amount": "22"}],
    )
    async with database.unit_of_work() as session:
        for model in (SaleLine, SalePayment):
            await session.execute(
                update(model).where(model.sale_id == sold.sale.id).values(created_at=at)
            )
        await session.execute(update(Sale).where(Sale.id == sold.sale.id).values(created_at=at))


async def test_a_half_hour_time_zone_reads_the_minutes_at_its_edges_from_the_rows(
    factory: Factory, database: Database
) -> None:
    # India is UTC+5:30: its local midnights fall at half past an UTC hour.
    site = await factory.site(timezone="Asia/Kolkata")
    day = date(2026, 3, 10)
    local = ZoneInfo("Asia/Kolkata")
    inside = [
        datetime(2026, 3, 10, 0, 10, tzinfo=local),  # 18:40 UTC the day before: an edge
        datetime(2026, 3, 10, 12, 0, tzinfo=local),  # a whole hour
        datetime(2026, 3, 10, 23, 50, tzinfo=local),  # 18:20 UTC: the other edge
    ]
    outside = [
        datetime(2026, 3, 9, 23, 50, tzinfo=local),  # same UTC hour as the first one
        datetime(2026, 3, 11, 0, 10, tzinfo=local),  # same UTC hour as the last one
    ]
    for at in [*inside, *outside]:
        await _sale_at(factory, database, site, at.astimezone(UTC))

    period = custom_period(day, day, site.timezone)
    async with database.unit_of_work(write=False) as session:
        reports = ReportRepository(session)
        sold = {row.category: row for row in await reports.sold_by_category(
            site.id, period.starts_at, period.ends_at
        )}  # fmt: skip
        ranges = [
            (period.starts_at, period.starts_at + timedelta(hours=12)),
            (period.starts_at + timedelta(hours=12), period.ends_at),
        ]
        by_range = await reports.sales_by_range(site.id, ranges)
        paid = await reports.paid_by_method(site.id, period)
    assert sold["MOB"].items == 3
    assert sold["MOB"].cents == 3 * 1_200
    assert sold["EEE-4"].items == 6
    assert sold["EEE-4"].cents == 3 * 6_000
    assert [(r.sales, r.cents) for r in by_range] == [(1, 7_200), (2, 14_400)]
    # 72 € paid for 72 € of goods: 50 € cash (no change) and 22 € card, three times.
    assert paid == {"cash": 15_000, "card": 6_600}
    assert await _drift(database) == []


async def test_a_drift_is_reported_and_a_rebuild_repairs_it(
    factory: Factory, database: Database
) -> None:
    site = await factory.site()
    await _sale_at(factory, database, site, datetime(2026, 3, 10, 9, 30, tzinfo=UTC))
    async with database.unit_of_work() as session:
        await session.execute(
            update(SaleHour)
            .where(
                SaleHour.site_id == site.id, SaleHour.hour == datetime(2026, 3, 10, 9, tzinfo=UTC)
            )
            .values(cents=SaleHour.cents + 1)
        )
    [drift] = await _drift(database)
    assert drift.table == "sale_hours"  # type: ignore[attr-defined]
    assert drift.stored == (1, 0, 7_201, 0)  # type: ignore[attr-defined]
    assert drift.expected == (1, 0, 7_200, 0)  # type: ignore[attr-defined]
    async with database.unit_of_work() as session:
        assert await RollupRepository(session).rebuild() > 0
    assert await _drift(database) == []


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hourly_rollups_migration", MIGRATION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_upgrade_fills_the_totals_from_the_rows_already_there(
    factory: Factory, database: Database
) -> None:
    site = await factory.site()
    volunteer = await factory.user(site)
    await factory.deposit(site, volunteer, status=DepositStatus.VALIDATED)
    await _sale_at(factory, database, site, datetime(2026, 3, 10, 9, 30, tzinfo=UTC))
    migration = _migration()
    models = (SaleHour, SaleLineHour, PaymentHour, DepositCategoryHour, DepositOriginHour)
    async with database.unit_of_work() as session:
        dialect = session.get_bind().dialect.name
        for model in models:
            await session.execute(delete(model))
    assert await _drift(database) != []
    async with database.unit_of_work() as session:
        for rollup in migration.ROLLUPS:
            await session.execute(text(migration._backfill(rollup, dialect)))
        counts = [await session.scalar(select(func.count()).select_from(m)) for m in models]
    assert all(counts)
    assert await _drift(database) == []
