"""`recyclic db upgrade` as a production upgrade: a backup first, and never a database newer
than the code — on SQLite and on PostgreSQL (when the suite runs on it)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from recyclic.cli import app
from recyclic.cli.db import EXIT_NEWER_DATABASE
from recyclic.core.config import get_settings, normalize_database_url
from recyclic.core.database import create_engine_from_settings
from recyclic.core.migrations import alembic_config, schema_state, upgrade
from recyclic.models.rollups import SaleHour
from tests.factories import TEST_SECRET
from tests.support.databases import TestDatabase, prepare_test_database

runner = CliRunner()
OLDER = "0011_imports"


@pytest.fixture
def target(tmp_path: Path) -> Iterator[TestDatabase]:
    """A fresh database of the run's kind (SQLite file, or a PostgreSQL database)."""
    yield from prepare_test_database(tmp_path / "db", suffix="_upgrade")


def _env(database: TestDatabase, data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "RECYCLIC_DATA_DIR": str(data_dir),
        "RECYCLIC_DATABASE_URL": database.url,
        "RECYCLIC_REDIS_URL": "",
        "RECYCLIC_SECRET_KEY": TEST_SECRET,
        "RECYCLIC_LOG_LEVEL": "WARNING",
        **extra,
    }


def _invoke(args: list[str], env: dict[str, str]) -> Any:
    get_settings.cache_clear()
    try:
        return runner.invoke(app, args, env=env)
    finally:
        get_settings.cache_clear()


def _engine_of(database: TestDatabase, tmp_path: Path) -> AsyncEngine:
    """An engine on the target database (explicit settings: no .env, no environment)."""
    from recyclic.core.config import Settings

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        database_url=normalize_database_url(database.url),
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
    )
    return create_engine_from_settings(settings)


def _migrate_to(database: TestDatabase, tmp_path: Path, revision: str) -> None:
    async def work() -> None:
        (tmp_path / "db").mkdir(exist_ok=True)
        engine = _engine_of(database, tmp_path)
        try:
            await upgrade(engine, revision)
        finally:
            await engine.dispose()

    asyncio.run(work())


def _set_revision(database: TestDatabase, tmp_path: Path, revision: str) -> frozenset[str]:
    async def work() -> frozenset[str]:
        engine = _engine_of(database, tmp_path)
        try:
            if revision:
                async with engine.begin() as connection:
                    await connection.execute(
                        text("UPDATE alembic_version SET version_num = :v"), {"v": revision}
                    )
            return (await schema_state(engine)).current
        finally:
            await engine.dispose()

    return asyncio.run(work())


def _backups(data_dir: Path) -> list[Path]:
    folder = data_dir / "backups"
    return sorted(folder.glob("recyclic-*")) if folder.exists() else []


def test_production_upgrade_backs_up_first(target: TestDatabase, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _migrate_to(target, tmp_path, OLDER)
    result = _invoke(["db", "upgrade"], _env(target, data, RECYCLIC_ENV="production"))
    assert result.exit_code == 0, result.output
    assert "Sauvegarde avant migration" in result.output
    assert f"Migration de {OLDER} vers" in result.output
    backups = _backups(data)
    assert len(backups) == 1
    assert backups[0].stat().st_size > 0
    # The code's head, whichever migration it is now.
    assert _set_revision(target, tmp_path, "") == frozenset(
        ScriptDirectory.from_config(alembic_config()).get_heads()
    )
    # Again: nothing to do, no second backup.
    again = _invoke(["db", "upgrade"], _env(target, data, RECYCLIC_ENV="production"))
    assert again.exit_code == 0, again.output
    assert "déjà à jour" in again.output
    assert len(_backups(data)) == 1


def test_no_backup_flag_takes_none(target: TestDatabase, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _migrate_to(target, tmp_path, OLDER)
    result = _invoke(
        ["db", "upgrade", "--no-backup"], _env(target, data, RECYCLIC_ENV="production")
    )
    assert result.exit_code == 0, result.output
    assert "--no-backup" in result.output
    assert _backups(data) == []


def test_development_takes_no_backup(target: TestDatabase, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _migrate_to(target, tmp_path, OLDER)
    development = _invoke(["db", "upgrade"], _env(target, data))
    assert development.exit_code == 0, development.output
    assert _backups(data) == []


def test_a_fresh_production_database_is_created_without_backup(
    target: TestDatabase, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    result = _invoke(["db", "upgrade"], _env(target, data, RECYCLIC_ENV="production"))
    assert result.exit_code == 0, result.output
    assert "base vide" in result.output
    assert _backups(data) == []


def test_a_database_newer_than_the_code_is_refused(target: TestDatabase, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _migrate_to(target, tmp_path, "heads")
    _set_revision(target, tmp_path, "0099_from_the_future")
    env = _env(target, data, RECYCLIC_ENV="production")
    result = _invoke(["db", "upgrade"], env)
    assert result.exit_code == EXIT_NEWER_DATABASE
    assert "0099_from_the_future" in result.output
    assert "version plus récente" in result.output
    assert "Traceback" not in result.output
    assert _backups(data) == []
    # Nothing was touched; `serve` and the other commands refuse it the same way.
    assert _set_revision(target, tmp_path, "") == frozenset({"0099_from_the_future"})
    seeded = _invoke(["admin", "create", "--telegram-id", "1", "--name", "A", "--site", "S"], env)
    assert seeded.exit_code == 1
    assert "version plus récente" in seeded.output


def test_downgrade_is_refused_in_production(target: TestDatabase, tmp_path: Path) -> None:
    result = _invoke(
        ["db", "downgrade", OLDER], _env(target, tmp_path / "data", RECYCLIC_ENV="production")
    )
    assert result.exit_code == 1
    assert "restaurez la sauvegarde" in result.output


def _add_stray_total(database: TestDatabase, tmp_path: Path) -> None:
    """A total no sale accounts for (as a partial restore could leave)."""

    async def work() -> None:
        engine = _engine_of(database, tmp_path)
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    insert(SaleHour).values(
                        site_id=uuid.uuid4(),
                        hour=datetime(2026, 1, 5, 10, tzinfo=UTC),
                        tickets=3,
                        refunds=0,
                        cents=4_500,
                        change_cents=0,
                    )
                )
        finally:
            await engine.dispose()

    asyncio.run(work())


def test_check_totals_finds_a_wrong_total_and_repairs_it(
    target: TestDatabase, tmp_path: Path
) -> None:
    env = _env(target, tmp_path / "data")
    _migrate_to(target, tmp_path, "heads")
    fine = _invoke(["db", "check-totals"], env)
    assert fine.exit_code == 0, fine.output
    assert "Totaux horaires exacts" in fine.output
    _add_stray_total(target, tmp_path)
    wrong = _invoke(["db", "check-totals"], env)
    assert wrong.exit_code == 1
    assert "sale_hours" in wrong.output
    assert "enregistré (3, 0, 4500, 0)" in wrong.output
    assert "--repair" in wrong.output
    repaired = _invoke(["db", "check-totals", "--repair"], env)
    assert repaired.exit_code == 0, repaired.output
    assert "recalculés" in repaired.output
    assert "Totaux horaires exacts" in _invoke(["db", "check-totals"], env).output
