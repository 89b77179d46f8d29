"""P1 — sale ingest against `recyclic serve` (production settings), with /health in the same run.

16 clients post tickets of 3 lines + 1 cash payment for 20 s (journal included); then 1 client;
/health is measured the same way for the ratio. Prints p50/p99 latencies, throughput, errors
and the slowest second (a stall shows as a second with no completion).
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    LoadResult,
    bench_settings,
    emit,
    parser,
    percentile,
    recreate_postgres,
    run_load,
    served,
    temporary_dir,
)

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.core.security import create_access_token
from recyclic.models.base import utcnow
from recyclic.models.cash import CashRegister
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus
from recyclic.schemas.cash import SessionOpen
from recyclic.services.cash.sessions import CashService

ITEMS = [
    {"category": "MOB", "description": "Chaise", "quantity": 2, "unit_price": 4.5},
    {"category": "TLC", "description": "Vrac", "unit": "kg", "weight_kg": 1.25, "unit_price": 4},
    {"category": "LIV", "description": "Roman", "quantity": 3, "unit_price": 1},
]


async def prepare(settings: Settings, cashiers: int) -> list[tuple[str, str]]:
    """A site with one cashier, register and open session per client: (token, session id)."""
    database = Database.from_settings(settings)
    await upgrade(database.bind)  # type: ignore[arg-type]
    pairs = []
    async with database.unit_of_work() as session:
        site = Site(
            name="Banc d'essai", slug=f"bench-{uuid.uuid4().hex[:8]}", timezone="Europe/Paris"
        )
        session.add(site)
        await session.flush()
        for n in range(cashiers):
            user = User(
                full_name=f"Caissier {n}",
                role=Role.OPERATOR,
                status=UserStatus.APPROVED,
                site_id=site.id,
                telegram_id=None,
            )
            register = CashRegister(site_id=site.id, name=f"Caisse {n}")
            session.add_all([user, register])
            await session.flush()
            opened = await CashService(session).open_session(
                user, SessionOpen(register_id=register.id, opening_amount=50)
            )
            token, _ = create_access_token(
                user_id=user.id,
                site_id=site.id,
                role="operator",
                secret=settings.secret_key.get_secret_value(),
                algorithm="HS256",
                lifetime=timedelta(hours=2),
                now=utcnow(),
            )
            pairs.append((token, str(opened.id)))
    await database.dispose()
    return pairs


def report(prefix: str, result: LoadResult, ok: set[int]) -> None:
    emit(f"{prefix}_requests", result.count)
    emit(f"{prefix}_rate", result.rate, "req/s")
    emit(f"{prefix}_p50", percentile(result.latencies_ms, 50), "ms")
    emit(f"{prefix}_p99", percentile(result.latencies_ms, 99), "ms")
    emit(f"{prefix}_max", max(result.latencies_ms, default=0.0), "ms")
    emit(f"{prefix}_errors", result.errors(ok))
    seconds = [result.per_second.get(s, 0) for s in range(int(result.duration))]
    emit(f"{prefix}_slowest_second", min(seconds, default=0), "completions")


async def main() -> None:
    args = parser(__doc__ or "").parse_args()
    args_seconds = 20
    with temporary_dir() as data_dir:
        if args.database_url.startswith("postgres"):
            await recreate_postgres(args.database_url)
        settings = bench_settings(args.database_url, data_dir)
        emit("database", settings.database_url.split("://")[0])
        pairs = await prepare(settings, 17)
        body = {"items": ITEMS, "payments": [{"method": "cash", "amount": 30}]}

        def sale(index: int, _n: int) -> tuple[str, str, bytes]:
            payload = {**body, "session_id": pairs[index][1]}
            return "POST", "/api/v1/sales", json.dumps(payload).encode()

        def health(_index: int, _n: int) -> tuple[str, str, bytes]:
            return "GET", "/api/v1/health", b""

        def auth(index: int) -> dict[str, str]:
            return {"Authorization": f"Bearer {pairs[index][0]}"}

        with served(settings) as server:
            emit("server_rss_idle", server.rss_mb(), "MB")
            await run_load(server.port, 4, 2, sale, auth)  # warm-up
            health16 = await run_load(server.port, 16, 10, health, auth)
            report("health_16_clients", health16, {200})
            sales16 = await run_load(server.port, 16, args_seconds, sale, auth)
            report("sales_16_clients", sales16, {201})
            sales1 = await run_load(
                server.port, 1, 10, lambda i, n: sale(16, n), lambda i: auth(16)
            )
            report("sales_1_client", sales1, {201})
            health1 = await run_load(server.port, 1, 5, health, auth)
            report("health_1_client", health1, {200})
            emit("sales_to_health_ratio_16", sales16.rate / health16.rate if health16.rate else 0)
            emit("server_rss_after_load", server.rss_mb(), "MB")


if __name__ == "__main__":
    asyncio.run(main())
