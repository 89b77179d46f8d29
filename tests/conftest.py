"""Test harness: one migrated database per run, one rolled-back transaction per test.

SQLite by default; PostgreSQL (+ Redis) when RECYCLIC_TEST_DATABASE_URL /
RECYCLIC_TEST_REDIS_URL are set. Under CI=true an unreachable PostgreSQL fails the run.
"""

from __future__ import annotations

import logging
import os
import uuid

# The suite must not pick up a developer's own configuration.
for _key in [
    k for k in os.environ if k.startswith("RECYCLIC_") and not k.startswith("RECYCLIC_TEST_")
]:
    del os.environ[_key]

from collections.abc import AsyncIterator, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine  # noqa: E402

from recyclic.core.config import Settings  # noqa: E402
from recyclic.core.database import Database, create_engine_from_settings  # noqa: E402
from recyclic.core.migrations import upgrade  # noqa: E402
from recyclic.main import create_app  # noqa: E402
from recyclic.models.user import User  # noqa: E402
from tests.factories import (  # noqa: E402
    TEST_SECRET,
    Factory,
    auth_headers,
)
from tests.fakes.webdav_server import webdav_server  # noqa: E402, F401 - fixture
from tests.support.databases import TestDatabase, prepare_test_database  # noqa: E402
from tests.support.jobs import jobs  # noqa: E402, F401 - fixture
from tests.support.rollups import assert_hourly_totals_match  # noqa: E402
from tests.support.served import server, server_database  # noqa: E402, F401 - fixtures
from tests.support.tcp_proxy import tcp_proxy_factory  # noqa: E402, F401 - fixture
from tests.support.telegram import TEST_BOT_TOKEN, UNREACHABLE_TELEGRAM  # noqa: E402


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    """A command run in-process (`recyclic doctor` sets ERROR) must not silence the logs
    that later tests read with caplog: the root logger's level and handlers are put back."""
    root = logging.getLogger()
    level = root.level
    ours = [h for h in root.handlers if getattr(h, "_recyclic", False)]
    yield
    root.setLevel(level)
    # Only the app's own handler is touched: pytest's capture handlers come and go by phase.
    for handler in list(root.handlers):
        if getattr(handler, "_recyclic", False) and handler not in ours:
            root.removeHandler(handler)
    for handler in ours:
        if handler not in root.handlers:
            root.addHandler(handler)


@pytest.fixture(scope="session")
def test_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """A fresh, empty database for this run (SQLite file or recreated PostgreSQL database)."""
    yield from prepare_test_database(tmp_path_factory.mktemp("db"), suffix="")


@pytest.fixture(scope="session")
def base_settings(
    test_database: TestDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """Settings of the run: explicit values only, no .env file."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        env="development",
        data_dir=tmp_path_factory.mktemp("data"),
        database_url=test_database.url,
        redis_url=test_database.redis_url,
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
        telegram_bot_token=TEST_BOT_TOKEN,  # type: ignore[arg-type]
        # Never the real Telegram: notifications of tests without a fake Bot API go nowhere.
        telegram_api_url=UNREACHABLE_TELEGRAM,
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
async def engine(base_settings: Settings) -> AsyncIterator[AsyncEngine]:
    """The migrated engine of the run."""
    engine = create_engine_from_settings(base_settings)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction rolled back after the test."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            yield connection
            if transaction.is_active:
                await assert_hourly_totals_match(connection)
        finally:
            if transaction.is_active:
                await transaction.rollback()


@pytest.fixture
def settings(base_settings: Settings, tmp_path: Path) -> Settings:
    """Per-test settings: own data directory, own Redis key space."""
    return base_settings.model_copy(
        update={"data_dir": tmp_path, "redis_key_prefix": f"test:{uuid.uuid4().hex}:"}
    )


@pytest.fixture
def database(connection: AsyncConnection) -> Database:
    """The app's database: each unit of work is a savepoint of the test transaction."""
    return Database.for_connection(connection)


@pytest.fixture
async def app(settings: Settings, database: Database):  # type: ignore[no-untyped-def]
    """The application under test; jobs it kicked in-process end before the rollback."""
    app = create_app(settings, database=database)
    yield app
    await app.state.jobs.shutdown(grace=10)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """An HTTP client talking to the app in-process."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def client_as(app):  # type: ignore[no-untyped-def]
    """`client_as(user)`: an HTTP client carrying that user's access token."""
    clients: list[httpx.AsyncClient] = []

    def make(user: User) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        client = httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers=auth_headers(user)
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def factory(database: Database, settings: Settings) -> Factory:
    """Async factories writing rows through the test transaction."""
    return Factory(database, settings)
