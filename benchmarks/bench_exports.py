"""P3 — the Ecologic export over one year: 1,000,000 sale lines, 200,000 deposits, 10,000
outbound flows (bulk-loaded with the demo loaders), in one calendar year.

Prints the export's median time (CSV, end to end through the export service), the bare SQL
aggregate's median time (the floor: the same three GROUP BY statements, no service, no
formatting), their ratio, and the memory of the export: the tracemalloc peak while it runs,
and the maximum RSS of a fresh process that only runs it.

    python benchmarks/bench_exports.py [--database-url postgresql://…/recyclic_bench_exports]

Without `--database-url`, a SQLite file in a temporary directory. A PostgreSQL database is
dropped and recreated (its name must contain "bench"); `--reuse` keeps a loaded one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_SECRET, emit, recreate_postgres
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.types import Date, Uuid

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.models.base import UTCDateTime
from recyclic.models.deposit import Deposit
from recyclic.models.outbound_flow import OutboundFlow
from recyclic.models.sale import SaleLine
from recyclic.models.site import Site
from recyclic.models.user import Role
from recyclic.services.demo.bulk_deposits import (
    BulkDepositsLoader,
    BulkOutboundFlowsLoader,
)
from recyclic.services.demo.bulk_sales import BulkSalesLoader
from recyclic.services.demo.seed import DEMO_SITE_SLUG, DemoService
from recyclic.services.reporting.export_service import ExportFormat, ExportService, read_export
from recyclic.utils.periods import Period, parse_period

LINES_PER_TICKET = 1.7  # the bulk loader's 1, 2 or 3 lines (50/30/20 %)

# The floor: exactly what the export asks the database, as bare SQL.
FLOOR = (
    text(
        "SELECT s.category, s.items, s.weighed + s.unweighed * "
        "coalesce(c.default_unit_weight_g, 0), s.cents FROM (SELECT category, "
        "sum(quantity) AS items, coalesce(sum(weight_g), 0) AS weighed, "
        "sum(CASE WHEN weight_g IS NULL THEN quantity ELSE 0 END) AS unweighed, "
        "sum(line_total_cents) AS cents FROM sale_lines WHERE site_id = :site "
        "AND created_at >= :starts AND created_at < :ends GROUP BY category) AS s "
        "JOIN categories AS c ON c.code = s.category"
    ),
    text(
        "SELECT category, count(*), coalesce(sum(quantity), 0), coalesce(sum(weight_g), 0) "
        "FROM deposits WHERE site_id = :site AND created_at >= :starts AND created_at < :ends "
        "AND status = 'validated' GROUP BY category"
    ),
    text(
        "SELECT category, destination, coalesce(sum(weight_g), 0) FROM outbound_flows "
        "WHERE site_id = :site AND date >= :first AND date <= :last "
        "GROUP BY category, destination"
    ),
)
_TYPES = {
    "site": Uuid(),
    "starts": UTCDateTime(),
    "ends": UTCDateTime(),
    "first": Date(),
    "last": Date(),
}


def settings_for(url: str, data_dir: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        database_url=url,
        secret_key=BENCH_SECRET,  # type: ignore[arg-type]
        log_level="WARNING",
        db_statement_timeout_ms=600_000,
    )


def _progress(label: str, total: int) -> object:
    state = {"done": 0, "shown": -1}

    def advance(n: int) -> None:
        state["done"] += n
        tenth = state["done"] * 10 // max(total, 1)
        if tenth != state["shown"]:
            state["shown"] = tenth
            print(f"  {label}: {state['done']:,}/{total:,}", file=sys.stderr, flush=True)

    return advance


async def load(settings: Settings, args: argparse.Namespace) -> None:
    """The year's history, written by the demo bulk loaders, then fresh statistics."""
    database = Database.from_settings(settings)
    last_day = date(args.year, 12, 31)
    tickets = math.ceil(args.lines / LINES_PER_TICKET)
    started = time.perf_counter()
    try:
        async with database.unit_of_work() as session:
            demo = await DemoService(session).seed(timezone=settings.timezone)
            cashier = next(u for u in demo.users if u.role == Role.OPERATOR)
            admin = next(u for u in demo.users if u.role == Role.ADMIN)
            volunteers = [u for u in demo.users if u.role == Role.OPERATOR]
            await BulkSalesLoader(session, demo.site, cashier).load(
                tickets,
                365,
                _progress("ventes", tickets),
                last_day=last_day,  # type: ignore[arg-type]
            )
            await BulkDepositsLoader(session, demo.site, volunteers, admin).load(
                args.deposits,
                365,
                _progress("dépôts", args.deposits),
                last_day=last_day,  # type: ignore[arg-type]
            )
            await BulkOutboundFlowsLoader(session, demo.site, admin).load(
                args.flows,
                365,
                _progress("sorties", args.flows),
                last_day=last_day,  # type: ignore[arg-type]
            )
        if database.is_sqlite:
            async with database.unit_of_work() as session:
                await session.execute(text("ANALYZE"))
        else:
            # VACUUM sets the visibility map (index-only scans) and cannot run in a transaction.
            async with database.bind.connect() as connection:  # type: ignore[union-attr]
                raw = await connection.get_raw_connection()
                driver = raw.driver_connection
                assert driver is not None
                await driver.execute(
                    "VACUUM ANALYZE sale_lines, sales, deposits, outbound_flows, categories"
                )
    finally:
        await database.dispose()
    emit("load_time", time.perf_counter() - started, "s")


async def site_and_period(database: Database, year: int) -> tuple[Site, Period]:
    async with database.unit_of_work(write=False) as session:
        site = (await session.scalars(select(Site).where(Site.slug == DEMO_SITE_SLUG))).one()
    return site, parse_period("yearly", str(year), site.timezone)


async def export_once(database: Database, site: Site, period: Period) -> int:
    async with database.unit_of_work(write=False) as session:
        export = await ExportService(session).eco_file_for_site(
            site, period, "ecologic", ExportFormat.CSV
        )
        return len(await read_export(export))


async def floor_once(database: Database, site: Site, period: Period) -> int:
    params = {
        "site": site.id,
        "starts": period.starts_at,
        "ends": period.ends_at,
        "first": period.start,
        "last": period.end,
    }
    rows = 0
    async with database.unit_of_work(write=False) as session:
        for statement in FLOOR:
            names = [n for n in _TYPES if f":{n}" in str(statement)]
            bound = statement.bindparams(*(bindparam(n, type_=_TYPES[n]) for n in names))
            result = await session.execute(bound, {n: params[n] for n in names})
            rows += len(result.all())
    return rows


async def counts(database: Database, site: Site) -> dict[str, int]:
    found = {}
    async with database.unit_of_work(write=False) as session:
        for name, model in (
            ("sale_lines", SaleLine),
            ("deposits", Deposit),
            ("outbound_flows", OutboundFlow),
        ):
            statement = select(func.count()).select_from(model).where(model.site_id == site.id)
            found[name] = int(await session.scalar(statement) or 0)
    return found


async def measure(settings: Settings, args: argparse.Namespace) -> None:
    database = Database.from_settings(settings)
    try:
        site, period = await site_and_period(database, args.year)
        for name, count in (await counts(database, site)).items():
            emit(name, count, "rows")
        size = await export_once(database, site, period)  # warm-up (caches, imports)
        await floor_once(database, site, period)
        exports, floors = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            await floor_once(database, site, period)
            floors.append(time.perf_counter() - started)
            started = time.perf_counter()
            await export_once(database, site, period)
            exports.append(time.perf_counter() - started)
        tracemalloc.start()
        await export_once(database, site, period)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        await database.dispose()
    export_time, floor_time = statistics.median(exports), statistics.median(floors)
    emit("ecologic_export_size", size, "bytes")
    emit("ecologic_export_yearly", export_time, "s")
    emit("ecologic_sql_floor", floor_time, "s")
    emit("ecologic_ratio", export_time / floor_time)
    emit("ecologic_peak_memory", peak / 1e6, "MB")


async def rss_child(settings: Settings, year: int) -> None:
    """Run in a fresh process: one export, then report the process's peak RSS."""
    database = Database.from_settings(settings)
    try:
        site, period = await site_and_period(database, year)
        await export_once(database, site, period)
    finally:
        await database.dispose()
    print(json.dumps({"max_rss_kb": peak_rss_kb()}))


def peak_rss_kb() -> int:
    """This process's peak resident memory. VmHWM belongs to the process image; ru_maxrss
    would also count the parent's peak, inherited through fork and exec on Linux."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="sqlite:///… or postgresql://…")
    parser.add_argument("--lines", type=int, default=1_000_000, help="sale lines (about)")
    parser.add_argument("--deposits", type=int, default=200_000)
    parser.add_argument("--flows", type=int, default=10_000)
    parser.add_argument("--year", type=int, default=date.today().year - 1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded database")
    parser.add_argument("--data-dir", default="", help=argparse.SUPPRESS)
    parser.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="recyclic-bench-exports-"))
    url = args.database_url or f"sqlite:///{data_dir / 'recyclic.db'}"
    settings = settings_for(url, data_dir)
    if args.rss_child:
        asyncio.run(rss_child(settings, args.year))
        return
    emit("database", 0 if settings.is_sqlite else 1, "(0: SQLite, 1: PostgreSQL)")
    if not args.reuse:
        if not settings.is_sqlite:
            asyncio.run(recreate_postgres(settings.database_url))

        async def migrate_and_load() -> None:
            database = Database.from_settings(settings)
            try:
                await upgrade(database.bind)  # type: ignore[arg-type]
            finally:
                await database.dispose()
            await load(settings, args)

        asyncio.run(migrate_and_load())
    asyncio.run(measure(settings, args))
    child = subprocess.run(
        [sys.executable, __file__, "--rss-child", "--database-url", url,
         "--data-dir", str(data_dir), "--year", str(args.year)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    rss_kb = json.loads(child.stdout.strip().splitlines()[-1])["max_rss_kb"]
    emit("ecologic_process_rss", rss_kb / 1024, "MB")


if __name__ == "__main__":
    main()
