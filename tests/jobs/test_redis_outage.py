"""R5: Redis cut (through a TCP proxy — the shared Redis is never touched) while the shop is
busy → sales and deposits still work without waiting on Redis; the jobs enqueued meanwhile
are delivered and run once Redis is back; nothing is lost.

Needs Redis: runs in the PostgreSQL + Redis run (RECYCLIC_TEST_REDIS_URL), skipped otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import func, select

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.jobs.broker import queue_name
from recyclic.jobs.context import JobContext
from recyclic.jobs.worker import run_worker
from recyclic.main import create_app
from recyclic.models.deposit import Deposit, DepositStatus
from recyclic.models.outbox import JobStatus, OutboxJob
from recyclic.models.sale import Sale
from recyclic.models.user import Role
from recyclic.services.deposits.jobs import request_classification
from recyclic.services.sync.clients.webdav import remote_path_for
from tests.factories import Factory, auth_headers
from tests.fakes.webdav_server import WebDavTestServer
from tests.support.databases import TestDatabase, prepare_test_database, redis_url
from tests.support.sync import configure_sync, write_export
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.skipif(
    not redis_url(), reason="needs Redis (RECYCLIC_TEST_REDIS_URL, the PostgreSQL + Redis run)"
)

# A request that waited on Redis would take seconds (connect timeouts): these answer at once.
FAST = 2.0


@pytest.fixture(scope="module")
def outage_database(tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield from prepare_test_database(tmp_path_factory.mktemp("outage"), suffix="_outage")


@dataclass
class Shop:
    settings: Settings
    database: Database
    app: Any
    proxy: TcpProxy
    client: httpx.AsyncClient
    admin_client: httpx.AsyncClient
    cashier: Any
    session_id: str
    site: Any


@pytest.fixture
async def busy_shop(
    outage_database: TestDatabase,
    base_settings: Settings,
    tmp_path: Path,
    tcp_proxy_factory: Callable[[str, int], Awaitable[TcpProxy]],
    webdav_server: WebDavTestServer,
) -> AsyncIterator[Shop]:
    target = urlsplit(redis_url())
    proxy = await tcp_proxy_factory(target.hostname or "127.0.0.1", target.port or 6379)
    settings = base_settings.model_copy(
        update={
            "database_url": outage_database.url,
            "data_dir": tmp_path,
            "redis_url": proxy.url("redis", target.path or "/0"),
            "redis_key_prefix": f"test:{uuid.uuid4().hex}:",
            "jobs_relay_interval_seconds": 0.2,
            "jobs_redeliver_after_seconds": 3,
            "jobs_kick_timeout_seconds": 0.5,
            "jobs_retry_base_seconds": 0.2,
            "sync_max_attempts": 2,
            "sync_base_delay_seconds": 0.01,
        }
    )
    database = Database.from_settings(settings)
    await upgrade(database.bind)  # type: ignore[arg-type]
    app = create_app(settings, database=database)
    factory = Factory(database, settings)
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    cashier = await factory.user(site)
    session = await factory.open_session(await factory.register(site), cashier)
    await configure_sync(database, site, webdav=webdav_server)

    # The worker is another process in production: its own database pool and broker.
    worker_database = Database.from_settings(settings)
    stop, ready = asyncio.Event(), asyncio.Event()
    worker = asyncio.create_task(
        run_worker(settings, context=JobContext(settings, worker_database), stop=stop, ready=ready)
    )
    await asyncio.wait_for(ready.wait(), 10)

    def client(user: Any) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        return httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers=auth_headers(user)
        )

    async with client(cashier) as cashier_client, client(admin) as admin_client:
        yield Shop(
            settings,
            database,
            app,
            proxy,
            cashier_client,
            admin_client,
            cashier,
            str(session.id),
            site,
        )
    await proxy.restore()
    stop.set()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(worker, 20)
    await app.state.jobs.shutdown(grace=5)
    await worker_database.dispose()
    await database.dispose()
    from redis.asyncio import Redis

    direct = Redis.from_url(redis_url())
    await direct.delete(queue_name(settings))
    await direct.aclose()


async def _timed(call: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = await call
    return response, time.perf_counter() - started


async def _activity(shop: Shop, rounds: int) -> tuple[list[float], list[uuid.UUID]]:
    """Sales, deposits and jobs, as a busy morning: durations of the requests, and the drafts
    whose classification was enqueued (as the API's asynchronous path does)."""
    durations: list[float] = []
    drafts: list[uuid.UUID] = []
    for index in range(rounds):
        sale, took = await _timed(
            shop.client.post(
                "/api/v1/sales",
                json={
                    "session_id": shop.session_id,
                    "items": [{"category": "MOB", "unit_price": 12 + index}],
                    "payments": [{"method": "cash", "amount": 50}],
                },
            )
        )
        assert sale.status_code == 201, sale.text
        durations.append(took)
        classified, took = await _timed(
            shop.client.post("/api/v1/deposits", json={"description": "un grille-pain"})
        )
        assert classified.status_code == 201, classified.text
        assert classified.json()["category"] is not None
        durations.append(took)
        draft, took = await _timed(shop.client.post("/api/v1/deposits", json={"quantity": 2}))
        assert draft.status_code == 201, draft.text
        durations.append(took)
        deposit_id = uuid.UUID(draft.json()["id"])
        patched, took = await _timed(
            shop.client.patch(
                f"/api/v1/deposits/{deposit_id}", json={"description": "deux chaises"}
            )
        )
        assert patched.status_code == 200, patched.text
        durations.append(took)
        async with shop.database.unit_of_work() as session:
            await request_classification(session, shop.settings, shop.cashier, deposit_id)
        drafts.append(deposit_id)
    return durations, drafts


async def _site_jobs(database: Database, site_id: uuid.UUID) -> dict[JobStatus, int]:
    """The site's jobs by status, apart from the daily ones the worker's scheduler adds."""
    async with database.unit_of_work(write=False) as session:
        rows = await session.execute(
            select(OutboxJob.status, func.count())
            .where(OutboxJob.site_id == site_id, OutboxJob.dedupe_key.is_(None))
            .group_by(OutboxJob.status)
        )
        return {JobStatus(status): int(count) for status, count in rows.all()}


async def _all_jobs_done(shop: Shop, seconds: float = 30) -> dict[JobStatus, int]:
    async with asyncio.timeout(seconds):
        while True:
            counts = await _site_jobs(shop.database, shop.site.id)
            if set(counts) <= {JobStatus.DONE, JobStatus.FAILED}:
                return counts
            await asyncio.sleep(0.1)


@pytest.mark.parametrize("blackhole", [False, True], ids=["reset", "blackhole"])
async def test_redis_outage_loses_nothing_and_stalls_nothing(
    busy_shop: Shop,
    webdav_server: WebDavTestServer,
    blackhole: bool,
) -> None:
    shop = busy_shop
    # Redis up: the jobs run as usual.
    _, before = await _activity(shop, 2)
    assert await _all_jobs_done(shop) == {JobStatus.DONE: 2}

    await shop.proxy.cut(blackhole=blackhole)
    durations, during = await _activity(shop, 6)
    write_export(shop.settings, shop.site, "ecologic_2026-11.csv", b"a;b\n", "2026-11")
    sync_now, took = await _timed(shop.admin_client.post("/api/v1/sync/run"))
    assert sync_now.status_code == 202, sync_now.text
    durations.append(took)
    await asyncio.sleep(1.5)  # the relay tries (and fails) meanwhile

    assert max(durations) < FAST, durations
    assert shop.proxy.accepted > 0  # the app and the worker really tried Redis meanwhile
    waiting = await _site_jobs(shop.database, shop.site.id)
    # Written with their data, not run, not lost.
    assert waiting == {JobStatus.DONE: len(before), JobStatus.PENDING: len(during) + 1}

    await shop.proxy.restore()
    counts = await _all_jobs_done(shop)
    assert counts == {JobStatus.DONE: len(before) + len(during) + 1}
    async with shop.database.unit_of_work(write=False) as session:
        statuses = (
            await session.execute(select(Deposit.status).where(Deposit.id.in_(before + during)))
        ).scalars()
        assert set(statuses) == {DepositStatus.CLASSIFIED}
        sales = select(func.count()).where(Sale.site_id == shop.site.id)
        assert await session.scalar(sales) == 8
        attempts = (
            await session.execute(
                select(OutboxJob.attempts).where(OutboxJob.site_id == shop.site.id)
            )
        ).scalars()
        assert set(attempts) == {1}  # each job ran once
    remote = remote_path_for(shop.site.slug, "exports", date(2026, 11, 1), "ecologic_2026-11.csv")
    assert webdav_server.count("PUT", remote) == 1
    print(
        f"\nR5 ({'blackhole' if blackhole else 'reset'}): {len(durations)} requests during the "
        f"outage, slowest {max(durations) * 1000:.0f} ms; {len(during) + 1} jobs waited and ran "
        "once after Redis came back"
    )
