"""Keeping the classifier's memory current, against a database holding 50,000 validated
deposits for one site: the first look (read every row, learn them in a worker thread), a look
when nothing changed (what every classification pays), and a look after one validation.

    python benchmarks/bench_learning_refresh.py [--database-url postgresql://…/recyclic_bench_learning]

Without `--database-url`, a SQLite file in a temporary directory. A PostgreSQL database is
dropped and recreated (its name must contain "bench").
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_settings, emit, parser, recreate_postgres, temporary_dir
from _shop_stream import new_id, stream, varied, volunteer_choice
from sqlalchemy import update

from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.models.deposit import Deposit
from recyclic.repositories.bulk_repository import BulkRepository
from recyclic.repositories.deposit_repository import DepositRepository
from recyclic.services.ai.learning import LearningRegistry, SiteMemory
from recyclic.services.demo.seed import DemoService
from recyclic.services.deposits.learning import ValidatedDeposits

HISTORY = 50_000
LOOKS = 50
COLUMNS = (
    "id", "site_id", "status", "description", "category", "quantity", "weight_g", "channel",
    "human_validated", "created_by", "validated_by", "validated_at", "created_at", "updated_at",
)  # fmt: skip


async def load_history(database: Database, timezone: str) -> Any:
    """The demo shop, and 50,000 validated deposits of its words over 500 days."""
    async with database.unit_of_work() as session:
        summary = await DemoService(session).seed(timezone=timezone)
        site, user = summary.site, summary.users[0]
        rng = random.Random(3)
        end = datetime.now(UTC) - timedelta(hours=1)
        rows = []
        for index, deposit in enumerate(stream(HISTORY, seed=50, per_day=100)):
            at = end - timedelta(days=500 * (HISTORY - index) / HISTORY)
            category = volunteer_choice(deposit.category, deposit.category, rng)
            text = varied(deposit.text, rng)
            rows.append(
                (
                    new_id(),
                    site.id,
                    "validated",
                    text,
                    category,
                    1,
                    1_000,
                    "drop_off",
                    True,
                    user.id,
                    user.id,
                    at,
                    at,
                    at,
                )
            )
        bulk = BulkRepository(session)
        await bulk.copy(Deposit.__tablename__, COLUMNS, rows)
        await bulk.refresh_statistics([Deposit.__tablename__])
        return site.id, rows[-1][0]


async def look(
    database: Database, registry: LearningRegistry, site_id: Any
) -> tuple[float, SiteMemory]:
    """Seconds of one look for changes (inside an open read unit), and the memory."""
    async with database.unit_of_work(write=False) as session:
        source = ValidatedDeposits(DepositRepository(session))
        started = time.perf_counter()
        memory = await registry.memory_for(site_id, source)
        return time.perf_counter() - started, memory


async def run(database_url: str) -> None:
    with temporary_dir() as data_dir:
        settings = bench_settings(database_url, data_dir)
        if database_url.startswith("postgresql"):
            await recreate_postgres(database_url)
        database = Database.from_settings(settings)
        try:
            await upgrade(database.bind)  # type: ignore[arg-type]
            started = time.perf_counter()
            site_id, last_id = await load_history(database, settings.timezone)
            emit("learning_refresh_seed_seconds", time.perf_counter() - started, "s")

            registry = LearningRegistry(capacity=HISTORY)
            started = time.perf_counter()
            fetch, _ = await look(database, registry, site_id)
            await registry.learned(site_id)
            ready = time.perf_counter() - started
            _, memory = await look(database, registry, site_id)
            emit("learning_refresh_first_look_read", fetch * 1000, "ms")
            emit("learning_refresh_first_look_ready", ready * 1000, "ms")
            emit("learning_refresh_validated_deposits", len(memory))

            idle = [(await look(database, registry, site_id))[0] for _ in range(LOOKS)]
            emit("learning_refresh_look_nothing_new_median", statistics.median(idle) * 1000, "ms")

            changed = []
            for code in ("VAI", "DEC") * (LOOKS // 2):
                async with database.unit_of_work() as session:
                    await session.execute(
                        update(Deposit)
                        .where(Deposit.id == last_id)
                        .values(category=code, updated_at=datetime.now(UTC))
                    )
                changed.append((await look(database, registry, site_id))[0])
            emit("learning_refresh_look_one_change_median", statistics.median(changed) * 1000, "ms")
        finally:
            await database.dispose()


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    asyncio.run(run(args.database_url))


if __name__ == "__main__":
    main()
