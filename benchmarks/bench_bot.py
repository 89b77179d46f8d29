"""P6 benchmark: a complete /depot text flow, from the command to the saved deposit.

The real aiogram client polls the fake Bot API of the tests (getUpdates long poll) on
127.0.0.1; the AI is the local classifier. One flow is what a volunteer does: `/depot`, a
description with weight and quantity ("un grille-pain, 2 kg"), ✅ Valider — three updates,
each handled in its own unit of work and answered through the fake server — until the
deposit is validated in the database. Flows run one after another (one volunteer); the
figures are per complete flow.

    python benchmarks/bench_bot.py [--database-url URL] [--flows 200] [--mode polling|webhook]

`--database-url` defaults to a temporary SQLite file; give a scratch PostgreSQL database to
measure production mode (the schema is migrated, one site and one volunteer are added).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402
from tests.support.bot import BotHarness, TelegramUser  # noqa: E402

from recyclic.bot.runtime import BotRuntime  # noqa: E402
from recyclic.core.config import Settings  # noqa: E402
from recyclic.core.database import Database  # noqa: E402
from recyclic.core.migrations import upgrade  # noqa: E402
from recyclic.main import create_app  # noqa: E402
from recyclic.models.deposit import Deposit, DepositStatus  # noqa: E402
from recyclic.models.site import Site  # noqa: E402
from recyclic.models.user import Role, User, UserStatus  # noqa: E402
from recyclic.services.ai_service import AIService  # noqa: E402
from recyclic.services.notification_service import TelegramNotifier  # noqa: E402

TOKEN = "123456789:BENCH-bot-token_abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - fake server
WARM_UP = 10
DESCRIPTION = "un grille-pain, 2 kg"


async def prepare(database: Database) -> User:
    """A site and an approved volunteer of the benchmark's own."""
    tag = uuid.uuid4().hex[:8]
    async with database.unit_of_work() as session:
        site = Site(name=f"Bench {tag}", slug=f"bench-{tag}", timezone="Europe/Paris")
        session.add(site)
        await session.flush()
        user = User(
            telegram_id=900_000_000 + int(tag, 16) % 90_000_000,
            full_name="Bénévole Bench",
            role=Role.OPERATOR,
            status=UserStatus.APPROVED,
            is_active=True,
            site_id=site.id,
        )
        session.add(user)
    return user


async def one_flow(person: TelegramUser) -> None:
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


async def run(database_url: str, flows: int, mode: str, redis_url: str) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="recyclic-bench-bot-"))
    telegram = FakeTelegram(TOKEN)
    await telegram.start()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        database_url=database_url or f"sqlite:///{data_dir / 'bench.db'}",
        redis_url=redis_url,
        redis_key_prefix=f"bench:{uuid.uuid4().hex[:8]}:",
        telegram_bot_token=TOKEN,  # type: ignore[arg-type]
        telegram_api_url=telegram.base_url,
        log_level="WARNING",
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
            durations.append(time.perf_counter() - begin)
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
    durations.sort()
    p99 = durations[min(len(durations) - 1, round(0.99 * (len(durations) - 1)))]
    dialect = "postgresql" if settings.database_url.startswith("postgresql") else "sqlite"
    print(f"bot_mode: {mode}")
    print(f"bot_database: {dialect}")
    print(f"bot_depot_flows: {flows} flows")
    print(f"bot_depot_flow_p50: {statistics.median(durations) * 1000:.1f} ms")
    print(f"bot_depot_flow_p99: {p99 * 1000:.1f} ms")
    print(f"bot_depot_flow_mean: {statistics.fmean(durations) * 1000:.1f} ms")
    print(f"bot_depot_flows_per_s: {flows / total:.1f} flows/s")
    print(f"bot_updates_per_s: {3 * flows / total:.1f} updates/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument("--redis-url", default="", help="FSM in Redis (default: in memory)")
    parser.add_argument("--flows", type=int, default=200)
    parser.add_argument("--mode", choices=("polling", "webhook"), default="polling")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiogram").setLevel(logging.WARNING)
    asyncio.run(run(args.database_url, args.flows, args.mode, args.redis_url))


if __name__ == "__main__":
    main()
