"""Migrations upgrade and downgrade cleanly, and match the models exactly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from recyclic.core.config import Settings
from recyclic.core.database import create_engine_from_settings
from recyclic.core.migrations import downgrade, pending_revisions, upgrade
from recyclic.models import Base
from tests.support.databases import prepare_test_database


@pytest.fixture(scope="module")
def scratch_url(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A second, empty database: migrations are taken up and down there."""
    yield from prepare_test_database(tmp_path_factory.mktemp("mig"), suffix="_migrations")


@pytest.fixture
async def scratch_engine(scratch_url, base_settings: Settings) -> AsyncIterator[AsyncEngine]:  # type: ignore[no-untyped-def]
    settings = base_settings.model_copy(update={"database_url": scratch_url.url})
    engine = create_engine_from_settings(settings)
    yield engine
    await engine.dispose()


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_upgrade_downgrade_upgrade(scratch_engine: AsyncEngine) -> None:
    await upgrade(scratch_engine)
    async with scratch_engine.connect() as conn:
        assert await conn.run_sync(_tables) == set(Base.metadata.tables)
        count = (await conn.execute(text("SELECT count(*) FROM categories"))).scalar_one()
        assert count == 16
    assert not await pending_revisions(scratch_engine)

    await downgrade(scratch_engine, "base")
    async with scratch_engine.connect() as conn:
        assert await conn.run_sync(_tables) == set()
    assert await pending_revisions(scratch_engine)

    await upgrade(scratch_engine)
    async with scratch_engine.connect() as conn:
        assert await conn.run_sync(_tables) == set(Base.metadata.tables)


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_models_and_migrations_agree(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        differences = await conn.run_sync(_diff)
    assert differences == []


def test_revision_files_are_date_prefixed() -> None:
    versions = Path(__file__).parents[2] / "src" / "recyclic" / "migrations" / "versions"
    names = [p.name for p in versions.glob("*.py") if p.name != "__init__.py"]
    assert names
    for name in names:
        assert name[:11].replace("_", "").isdigit(), name


def test_the_cheap_head_check_agrees_with_alembic() -> None:
    """`recyclic serve` decides from the revision files' own lines whether to load Alembic:
    those lines must name the heads Alembic itself finds."""
    from alembic.script import ScriptDirectory

    from recyclic.core.migrations import alembic_config, packaged_heads

    assert packaged_heads() == set(ScriptDirectory.from_config(alembic_config()).get_heads())


async def test_an_up_to_date_database_is_not_migrated_again(scratch_engine: AsyncEngine) -> None:
    from recyclic.core.migrations import upgrade_if_needed

    await downgrade(scratch_engine, "base")
    assert await upgrade_if_needed(scratch_engine)
    assert not await upgrade_if_needed(scratch_engine)
    assert not await pending_revisions(scratch_engine)
