"""The back office's dashboard over one year: 1,000,000 sale lines, 200,000 deposits, 10,000
outbound flows (the demo bulk loaders, as bench_exports.py loads them), in one calendar year.

Prints the median time of the year's dashboard data (`DashboardService.dashboard`, every
figure of the page: categories, outcomes, sales by month, takings per method, deposits by
origin, AI accuracy, open sessions), each of its queries' median, and the time to render the
page's fragment from that data. The machine's load average is printed too: on a shared
machine, the figures are only comparable at a similar load.

    python benchmarks/bench_dashboard.py [--database-url postgresql://…/recyclic_bench_dashboard]

Without `--database-url`, a SQLite file in a temporary directory. A PostgreSQL database is
dropped and recreated (its name must contain "bench"); `--reuse` keeps a loaded one (with
`--data-dir` for SQLite).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import emit, recreate_postgres
from bench_exports import counts, load, settings_for, site_and_period
from sqlalchemy import select, text

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.models.user import Role, User
from recyclic.repositories.cash_repository import CashSessionRepository
from recyclic.repositories.deposit_repository import DepositRepository, SitePeriod
from recyclic.repositories.report_repository import ReportRepository
from recyclic.services.reporting.dashboard import DashboardService
from recyclic.services.reporting.figures import category_figures
from recyclic.utils.periods import Period, make_period


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


async def analyze(settings: Settings) -> None:
    """Fresh statistics (and, on PostgreSQL, the visibility map index-only scans need)."""
    database = Database.from_settings(settings)
    try:
        if database.is_sqlite:
            async with database.unit_of_work() as session:
                await session.execute(text("ANALYZE"))
            return
        async with database.bind.connect() as connection:  # type: ignore[union-attr]
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.execute(
                "VACUUM ANALYZE sales, sale_payments, deposits, sale_lines", timeout=600
            )
    finally:
        await database.dispose()


async def _median(runs: int, work: Callable[[], Awaitable[Any]]) -> float:
    await work()  # warm-up: caches, imports, prepared statements
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def measure(settings: Settings, args: argparse.Namespace) -> None:
    from recyclic.web.admin.shell import AdminContext
    from recyclic.web.pages import templates

    database = Database.from_settings(settings)
    try:
        site, period = await site_and_period(database, args.year)
        for name, count in (await counts(database, site)).items():
            emit(name, count, "rows")
        async with database.unit_of_work(write=False) as session:
            admin = (
                await session.scalars(
                    select(User).where(User.site_id == site.id, User.role == Role.ADMIN)
                )
            ).first()
        assert admin is not None

        async def dashboard() -> Any:
            async with database.unit_of_work(write=False) as session:
                return await DashboardService(session).dashboard(
                    admin, site.id, choice="perso", first=period.start, last=period.end
                )

        def query(run: Callable[[Any, Period], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
            async def once() -> Any:
                async with database.unit_of_work(write=False) as session:
                    # As the dashboard does: plans made with the actual period.
                    await ReportRepository(session).plan_with_actual_values()
                    return await run(session, period)

            return once

        in_period = SitePeriod(site.id, period.starts_at, period.ends_at)
        months = [
            make_period("monthly", date(args.year, m, 1), _month_end(args.year, m), site.timezone)
            for m in range(1, 13)
        ]
        ranges = [(month.starts_at, month.ends_at) for month in months]
        parts = {
            "category_figures": query(lambda s, p: category_figures(s, site, p)),
            "sales_by_month": query(
                lambda s, p: ReportRepository(s).sales_by_range(site.id, ranges)
            ),
            "paid_by_method": query(lambda s, p: ReportRepository(s).paid_by_method(site.id, p)),
            "deposits_breakdown": query(
                lambda s, p: DepositRepository(s).validated_breakdown(in_period)
            ),
            "open_sessions": query(lambda s, p: CashSessionRepository(s).open_with_names(site.id)),
        }
        total = await _median(args.runs, dashboard)
        emit("dashboard_year_data", total * 1000, "ms")
        for name, work in parts.items():
            emit(f"  {name}", await _median(args.runs, work) * 1000, "ms")

        board = await dashboard()
        template = templates().get_template("admin/dashboard.html")

        # The fragment reads only request.url.path.
        request = SimpleNamespace(url=SimpleNamespace(path="/admin"))
        ctx = AdminContext(
            request=request,  # type: ignore[arg-type]
            user=admin,
            site=site,
            sites=[site],
            nav=[],
            current=None,
        )

        async def render() -> str:
            return template.render(ctx=ctx, assets="/assets", board=board, choices=[])

        emit("dashboard_year_render", await _median(args.runs, render) * 1000, "ms")
        emit("dashboard_year_html", len(await render()), "bytes")
    finally:
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="sqlite:///… or postgresql://…")
    parser.add_argument("--lines", type=int, default=1_000_000, help="sale lines (about)")
    parser.add_argument("--deposits", type=int, default=200_000)
    parser.add_argument("--flows", type=int, default=10_000)
    parser.add_argument("--year", type=int, default=date.today().year - 1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded database")
    parser.add_argument("--data-dir", default="", help="where the SQLite file lives")
    args = parser.parse_args()

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="recyclic-bench-dashboard-"))
    url = args.database_url or f"sqlite:///{data_dir / 'recyclic.db'}"
    settings = settings_for(url, data_dir)
    emit("database", 0 if settings.is_sqlite else 1, "(0: SQLite, 1: PostgreSQL)")
    emit("load_average_1min", os.getloadavg()[0])
    if not args.reuse and not settings.is_sqlite:
        asyncio.run(recreate_postgres(settings.database_url))

    async def migrate_and_load() -> None:
        # A reused database still gets the pending migrations (the indexes measured here).
        database = Database.from_settings(settings)
        try:
            await upgrade(database.bind)  # type: ignore[arg-type]
        finally:
            await database.dispose()
        if not args.reuse:
            await load(settings, args)
        else:
            await analyze(settings)

    asyncio.run(migrate_and_load())
    asyncio.run(measure(settings, args))


if __name__ == "__main__":
    main()
