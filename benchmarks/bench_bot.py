"""P6 benchmark: a complete /depot text flow, from the command to the saved deposit.

The real aiogram client polls the fake Bot API of the tests (getUpdates long poll) on
127.0.0.1; the AI is the local classifier. One flow is what a volunteer does: `/depot`, a
description with weight and quantity ("un grille-pain, 2 kg"), ✅ Valider — three updates,
each handled in its own unit of work and answered through the fake server — until the
deposit is validated in the database. Flows run one after another (one volunteer); the
figures are per complete flow.

    python benchmarks/bench_bot.py [--database-url URL] [--redis-url URL] [--flows 200]
                                   [--mode polling|webhook]

`--database-url` defaults to a temporary SQLite file; a PostgreSQL database (its name must
contain "bench") is recreated. `--redis-url` keeps the conversations in Redis.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from _common import (
    bench_settings,
    emit,
    median,
    parser,
    percentile,
    recreate_postgres,
    temporary_dir,
)
from pydantic import SecretStr
from sqlalchemy import func, select
from tests.fakes.telegram_api import FakeTelegram
from tests.support.bot import BotHarness, TelegramUser

from recyclic.bot.runtime import BotRuntime
from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.main import create_app
from recyclic.models.deposit import Deposit, DepositStatus
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus
from recyclic.services.ai.ai_service import AIService
from recyclic.services.messaging.telegram_service import TelegramNotifier

TOKEN = "123456789:BENCH-bot-token_abcdefghijklmnopqrstuvwxyz"
WARM_UP = 10
DESCRIPTION = "un grille-pain, 2 kg"


async def prepare(database: Database) -> User:
    """A site and an approved volunteer."""
    async with database.unit_of_work() as session:
        site = Site(name="Ressourcerie Bench", slug="bench", timezone="Europe/Paris")
        session.add(site)
        await session.flush()
        user = User(
            telegram_id=900_000_001,
            full_name="Bénévole Bench",
            role=Role.OPERATOR,
            status=UserStatus.APPROVED,
            is_active=True,
            site_id=site.id,
        )
        session.add(user)
    return user


async def one_flow(person: TelegramUser) -> None:
    """/depot, a description with weight and quantity, ✅ Valider."""
    await person.send("/depot")
    await person.send(DESCRIPTION)
    await person.press("✅ Valider")
    if not person.last.text.startswith("✅ Dépôt enregistré"):
        raise RuntimeError(f"unexpected answer: {person.last.text!r}")


async def validated(database: Database, user: User) -> int:
    async with database.unit_of_work(write=False) as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Deposit)
            .where(Deposit.created_by == user.id, Deposit.status == DepositStatus.VALIDATED)
        )
    return int(count or 0)


async def run(database_url: str, flows: int, mode: str, redis_url: str, data_dir: Path) -> None:
    if database_url.startswith("postgres"):
        await recreate_postgres(database_url)
    telegram = FakeTelegram(TOKEN)
    await telegram.start()
    settings = bench_settings(database_url, data_dir).model_copy(
        update={
            "redis_url": redis_url,
            "redis_key_prefix": f"bench:{uuid.uuid4().hex[:8]}:",
            "telegram_bot_token": SecretStr(TOKEN),
            "telegram_api_url": telegram.base_url,
        }
    )
    database = Database.from_settings(settings)
    await upgrade(database.bind)  # type: ignore[arg-type]
    user = await prepare(database)
    ai = AIService(settings)
    client = None
    if mode == "webhook":
        import httpx

        app = create_app(settings, database=database)
        runtime = BotRuntime(settings, database, ai=ai, notifier=app.state.notifier)
        app.state.bot = runtime
        transport = httpx.ASGITransport(app=app)
        client = httpx.AsyncClient(transport=transport, base_url="http://bench")
    else:
        runtime = BotRuntime(settings, database, ai=ai, notifier=TelegramNotifier(settings))
    harness = BotHarness(mode, runtime, telegram, client)  # type: ignore[arg-type]
    await harness.start()
    person = harness.user(user)
    try:
        for _ in range(WARM_UP):
            await one_flow(person)
        durations = []
        started = time.perf_counter()
        for _ in range(flows):
            begin = time.perf_counter()
            await one_flow(person)
            durations.append((time.perf_counter() - begin) * 1000)
        total = time.perf_counter() - started
        saved = await validated(database, user)
    finally:
        await harness.stop()
        if client is not None:
            await client.aclose()
        await ai.aclose()
        await telegram.close()
        await database.dispose()
    if saved != WARM_UP + flows:
        raise RuntimeError(f"{saved} deposits validated, expected {WARM_UP + flows}")
    emit("bot_mode", mode)
    emit("bot_database", "postgresql" if database_url.startswith("postgres") else "sqlite")
    emit("bot_depot_flows", flows, "flows")
    emit("bot_depot_flow_p50", median(durations), "ms")
    emit("bot_depot_flow_p99", percentile(durations, 99), "ms")
    emit("bot_depot_flow_mean", statistics.fmean(durations), "ms")
    emit("bot_depot_flows_per_s", flows / total, "flows/s")
    emit("bot_updates_per_s", 3 * flows / total, "updates/s")


def main() -> None:
    args = parser(__doc__ or "")
    args.add_argument("--redis-url", default="", help="conversations in Redis (default: memory)")
    args.add_argument("--flows", type=int, default=200)
    args.add_argument("--mode", choices=("polling", "webhook"), default="polling")
    options = args.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with temporary_dir() as data_dir:
        asyncio.run(
            run(options.database_url, options.flows, options.mode, options.redis_url, data_dir)
        )


if __name__ == "__main__":
    main()
