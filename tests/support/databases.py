"""Creating the databases the tests run on."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from recyclic.core.config import normalize_database_url

POSTGRES_ENV = "RECYCLIC_TEST_DATABASE_URL"
REDIS_ENV = "RECYCLIC_TEST_REDIS_URL"


@dataclass(frozen=True, slots=True)
class TestDatabase:
    __test__ = False  # not a test class, despite its name

    url: str
    redis_url: str

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")


def postgres_url() -> str | None:
    """The PostgreSQL URL given to the suite, if any."""
    raw = os.environ.get(POSTGRES_ENV, "").strip()
    return normalize_database_url(raw) if raw else None


def redis_url() -> str:
    """The Redis URL given to the suite, or "" (embedded mode)."""
    return os.environ.get(REDIS_ENV, "").strip()


async def _recreate_postgres_database(url: str) -> None:
    import asyncpg

    parsed = make_url(url)
    name = parsed.database or ""
    if not re.fullmatch(r"[A-Za-z0-9_]*test[A-Za-z0-9_]*", name):
        raise pytest.UsageError(
            f"{POSTGRES_ENV} must name a throw-away database whose name contains 'test' "
            f"(got {name!r}): the suite drops and recreates it."
        )
    admin = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database="postgres",
        timeout=10,
    )
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def prepare_test_database(directory: Path, *, suffix: str) -> Iterator[TestDatabase]:
    """A fresh database: a SQLite file in `directory`, or PostgreSQL `<name><suffix>`."""
    url = postgres_url()
    if url is None:
        yield TestDatabase(url=f"sqlite+aiosqlite:///{directory / 'test.db'}", redis_url="")
        return
    if suffix:
        parsed = make_url(url)
        url = parsed.set(database=f"{parsed.database}{suffix}").render_as_string(
            hide_password=False
        )
    try:
        asyncio.run(_recreate_postgres_database(url))
    except (OSError, TimeoutError) as exc:
        message = f"PostgreSQL unreachable at {make_url(url).render_as_string()}: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield TestDatabase(url=url, redis_url=redis_url())
