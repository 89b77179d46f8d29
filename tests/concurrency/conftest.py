"""A real, committing database and app for race tests (no test transaction around them)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.main import create_app
from tests.factories import Factory
from tests.support.databases import TestDatabase, prepare_test_database


@pytest.fixture(scope="module")
def race_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    yield from prepare_test_database(tmp_path_factory.mktemp("races"), suffix="_races")


@dataclass
class RaceWorld:
    database: Database
    factory: Factory
    app: object

    def client(self, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)  # type: ignore[arg-type]
        return httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers=headers or {}, timeout=60
        )


@pytest.fixture
async def races(
    race_database_url: TestDatabase, base_settings: Settings, tmp_path
) -> AsyncIterator[RaceWorld]:  # type: ignore[no-untyped-def]
    settings = base_settings.model_copy(
        update={
            "database_url": race_database_url.url,
            "data_dir": tmp_path,
            "db_pool_size": 10,
            "db_max_overflow": 10,
            "db_pool_timeout": 30,
        }
    )
    database = Database.from_settings(settings)
    await upgrade(database.bind)  # type: ignore[arg-type]
    app = create_app(settings, database=database)
    yield RaceWorld(database=database, factory=Factory(database, settings), app=app)
    await database.dispose()
