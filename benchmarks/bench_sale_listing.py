"""P2 — GET /sales?limit=50 with 1,000,000 sales: the first page and deep pages by cursor.

Keyset pagination must cost the same at any depth. Deep cursors are minted from the database
(the position of the k-th newest sale) so that reaching them does not take hours.
Use --reuse to keep the loaded database between runs.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    HttpConnection,
    bench_settings,
    emit,
    ensure_sales,
    parser,
    percentile,
    persistent_dir,
    recreate_postgres,
    served,
)
from sqlalchemy import select

from recyclic.core.database import Database
from recyclic.core.security import create_access_token
from recyclic.models.base import utcnow
from recyclic.models.sale import Sale
from recyclic.models.user import Role, User
from recyclic.repositories.base import encode_cursor

DEPTHS = (0, 10_000, 100_000, 500_000, 990_000)


async def cursors_and_token(settings, depths):  # type: ignore[no-untyped-def]
    database = Database.from_settings(settings)
    cursors: dict[int, str | None] = {}
    async with database.unit_of_work(write=False) as session:
        viewer = (await session.scalars(select(User).where(User.role == Role.VIEWER))).first()
        assert viewer is not None
        for depth in depths:
            if depth == 0:
                cursors[0] = None
                continue
            row = (
                await session.execute(
                    select(Sale.created_at, Sale.id)
                    .where(Sale.site_id == viewer.site_id)
                    .order_by(Sale.created_at.desc(), Sale.id.desc())
                    .offset(depth - 1)
                    .limit(1)
                )
            ).one_or_none()
            if row is not None:
                cursors[depth] = encode_cursor([row[0], row[1]])
    token, _ = create_access_token(
        user_id=viewer.id,
        site_id=viewer.site_id,
        role="viewer",
        secret=settings.secret_key.get_secret_value(),
        algorithm="HS256",
        lifetime=timedelta(hours=1),
        now=utcnow(),
    )
    await database.dispose()
    return cursors, token


async def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--sales", type=int, default=1_000_000)
    p.add_argument("--reuse", action="store_true", help="keep an already loaded database")
    p.add_argument("--requests", type=int, default=300)
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
    cursors, token = await cursors_and_token(settings, DEPTHS)
    with served(settings) as server:
        connection = HttpConnection(server.port, {"Authorization": f"Bearer {token}"})
        for depth, cursor in cursors.items():
            path = "/api/v1/sales?limit=50" + (f"&cursor={cursor}" if cursor else "")
            for _ in range(20):  # warm-up
                await connection.request("GET", path)
            latencies = []
            for _ in range(options.requests):
                started = time.perf_counter()
                status, _ = await connection.request("GET", path)
                latencies.append((time.perf_counter() - started) * 1000)
                assert status == 200, status
            emit(f"sales_list_depth_{depth}_p50", percentile(latencies, 50), "ms")
            emit(f"sales_list_depth_{depth}_p99", percentile(latencies, 99), "ms")
        await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
