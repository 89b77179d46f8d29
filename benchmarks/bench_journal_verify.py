"""P4 — verify a journal of 1,000,000 entries: time and memory (constant memory expected)."""

from __future__ import annotations

import asyncio
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_settings, emit, ensure_sales, parser, persistent_dir, recreate_postgres
from sqlalchemy import select

from recyclic.core.database import Database
from recyclic.models.site import Site
from recyclic.services.cash.journal import JournalService


def rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--sales", type=int, default=1_000_000)
    p.add_argument("--reuse", action="store_true", help="keep an already loaded database")
    options = p.parse_args()
    url = options.database_url
    data_dir = persistent_dir(url or "sqlite")
    if not options.reuse:
        if url.startswith("postgres"):
            await recreate_postgres(url)
        else:
            (data_dir / "recyclic.db").unlink(missing_ok=True)
    settings = bench_settings(url, data_dir)
    emit("database", settings.database_url.split("://")[0])
    await ensure_sales(settings, options.sales)
    database = Database.from_settings(settings)
    before = rss_peak_mb()
    async with database.unit_of_work(write=False) as session:
        sites = list(await session.scalars(select(Site)))
        started = time.perf_counter()
        entries = 0
        for site in sites:
            result = await JournalService(session).verify(site.id)
            assert result.ok, result
            entries += result.entries
        elapsed = time.perf_counter() - started
    await database.dispose()
    emit("journal_verify_entries", entries)
    emit("journal_verify_seconds", elapsed, "s")
    emit("journal_verify_rate", entries / elapsed, "entries/s")
    emit("journal_verify_peak_rss_growth", rss_peak_mb() - before, "MB")


if __name__ == "__main__":
    asyncio.run(main())
