"""`recyclic doctor`: every check's ok, warning and error, on real databases and files."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import namedtuple
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from recyclic.cli import app as cli_app
from recyclic.core.config import Settings, get_settings
from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.models.outbox import JobStatus
from recyclic.models.sync_log import SyncLog, SyncStatus
from recyclic.services.messaging.workers import WorkerHeartbeats
from recyclic.services.operations.doctor import (
    Level,
    backup_check,
    configuration_checks,
    database_check,
    disk_check,
    outbox_check,
    redis_check,
    sync_checks,
    worker_check,
)
from tests.factories import TEST_SECRET, Factory
from tests.fakes.telegram_api import FakeTelegram
from tests.support.databases import redis_url
from tests.support.telegram import TEST_BOT_TOKEN

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _levels(checks: list[Any]) -> dict[str, Level]:
    return {check.key: check.level for check in checks}


# --- Configuration --------------------------------------------------------------------------


def test_configuration_of_a_production_server_is_green(settings: Settings) -> None:
    production = settings.model_copy(
        update={
            "env": "production",
            "public_url": "https://recyclic.example.org",
            "trusted_proxies": "127.0.0.1,::1",
        }
    )
    assert set(_levels(configuration_checks(production)).values()) == {Level.OK}


@pytest.mark.parametrize(
    ("update", "key", "level"),
    [
        ({"secret_key": "court"}, "secret", Level.ERROR),
        ({"secret_key": "a" * 20 + "b" * 20}, "secret", Level.ERROR),  # long, not random
        ({"env": "development"}, "mode", Level.WARNING),
        ({"public_url": "http://recyclic.example.org"}, "public_url", Level.ERROR),
        ({"public_url": ""}, "public_url", Level.OK),  # polling bot
        ({"env": "production", "trusted_proxies": ""}, "proxy", Level.WARNING),
    ],
)
def test_configuration_problems(
    settings: Settings, update: dict[str, Any], key: str, level: Level
) -> None:
    from pydantic import SecretStr

    if "secret_key" in update:
        update = {**update, "secret_key": SecretStr(update["secret_key"])}
    checked = settings.model_copy(update=update)
    found = {check.key: check for check in configuration_checks(checked)}
    assert found[key].level == level, found[key]
    assert found[key].detail


# --- Database ---------------------------------------------------------------------------------


async def test_database_at_head_is_ok(database: Database) -> None:
    check = await database_check(database)
    assert check.level == Level.OK, check.detail
    assert "à jour" in check.detail


async def test_unreachable_database_is_an_error(settings: Settings) -> None:
    unreachable = settings.model_copy(
        update={
            "database_url": "postgresql+asyncpg://postgres@127.0.0.1:9/nothing_test",
            "db_connect_timeout": 1.0,
        }
    )
    database = Database.from_settings(unreachable)
    try:
        check = await database_check(database)
    finally:
        await database.dispose()
    assert check.level == Level.ERROR
    assert "injoignable" in check.detail


async def _sqlite_at(tmp_path: Path, revision: str | None) -> Database:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
    )
    database = Database.from_settings(settings)
    await upgrade(database.bind, revision or "heads")  # type: ignore[arg-type]
    return database


async def test_pending_migrations_are_an_error(tmp_path: Path) -> None:
    database = await _sqlite_at(tmp_path, "0011_imports")
    try:
        check = await database_check(database)
    finally:
        await database.dispose()
    assert check.level == Level.ERROR
    assert "recyclic db upgrade" in check.detail


async def test_a_database_newer_than_the_code_is_an_error(tmp_path: Path) -> None:
    database = await _sqlite_at(tmp_path, None)
    try:
        async with database.unit_of_work() as session:
            await session.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
        check = await database_check(database)
    finally:
        await database.dispose()
    assert check.level == Level.ERROR
    assert "0099_future" in check.detail


# --- Redis ------------------------------------------------------------------------------------


async def test_redis(settings: Settings) -> None:
    embedded = settings.model_copy(update={"redis_url": ""})
    assert (await redis_check(embedded)).level == Level.OK
    production = embedded.model_copy(update={"env": "production"})
    assert (await redis_check(production)).level == Level.WARNING
    dead = settings.model_copy(update={"redis_url": "redis://127.0.0.1:9/0"})
    assert (await redis_check(dead)).level == Level.ERROR
    if redis_url():
        live = settings.model_copy(update={"redis_url": redis_url()})
        assert (await redis_check(live)).level == Level.OK


# --- Workers, outbox, sync ------------------------------------------------------------------


async def test_workers(settings: Settings, database: Database) -> None:
    with_redis = settings.model_copy(update={"redis_url": "redis://127.0.0.1:9/0"})
    # Without Redis the server runs the jobs: no worker needed.
    assert (
        await worker_check(settings.model_copy(update={"redis_url": ""}), database, NOW)
    ).level == Level.OK
    none = await worker_check(with_redis, database, NOW)
    assert none.level == Level.ERROR
    assert "aucun worker" in none.detail
    async with database.unit_of_work() as session:
        await WorkerHeartbeats(session).beat("atelier:41:abc", concurrency=4, now=NOW)
    alive = await worker_check(with_redis, database, NOW + timedelta(seconds=20))
    assert alive.level == Level.OK
    assert "1 en marche (atelier)" in alive.detail
    stale = await worker_check(with_redis, database, NOW + timedelta(minutes=5))
    assert stale.level == Level.ERROR
    assert "dernier signe il y a 5 min" in stale.detail
    # A clean stop removes the row.
    async with database.unit_of_work() as session:
        await WorkerHeartbeats(session).forget("atelier:41:abc")
    assert "aucun worker en marche" in (await worker_check(with_redis, database, NOW)).detail


async def test_outbox_backlog(factory: Factory, database: Database) -> None:
    site = await factory.site()
    assert (await outbox_check(database, NOW)).level == Level.OK
    await factory.job(site, run_at=NOW - timedelta(minutes=10), dedupe_key="doctor-a")
    late = await outbox_check(database, NOW)
    assert late.level == Level.WARNING
    assert "1 tâche(s) en attente, la plus ancienne depuis 10 min" in late.detail
    await factory.job(site, run_at=NOW - timedelta(hours=2), dedupe_key="doctor-b")
    assert (await outbox_check(database, NOW)).level == Level.ERROR


async def test_failed_jobs_are_a_warning(factory: Factory, database: Database) -> None:
    site = await factory.site()
    job = await factory.job(site, run_at=NOW + timedelta(days=1), dedupe_key="doctor-failed")
    async with database.unit_of_work() as session:
        row = await session.get(type(job), job.id)
        assert row is not None
        row.status = JobStatus.FAILED
        row.updated_at = datetime.now(UTC)
    check = await outbox_check(database, datetime.now(UTC))
    assert check.level == Level.WARNING
    assert "1 en échec définitif" in check.detail


async def _sync_run(database: Database, site_id: Any, status: SyncStatus, at: datetime) -> None:
    async with database.unit_of_work() as session:
        session.add(
            SyncLog(
                site_id=site_id,
                service="sync",
                operation="sync.run",
                target="x",
                status=status,
                created_at=at,
                updated_at=at,
            )
        )


async def test_last_successful_sync_per_site(
    settings: Settings, factory: Factory, database: Database
) -> None:
    quiet = await factory.site()  # never syncs: not listed
    syncing = await factory.site(sync_config={"kdrive_url": "https://kdrive.example/dav"})
    checks = {c.key: c for c in await sync_checks(settings, database, NOW)}
    assert f"sync:{quiet.slug}" not in checks
    assert checks[f"sync:{syncing.slug}"].level == Level.WARNING
    assert "jamais" in checks[f"sync:{syncing.slug}"].detail

    await _sync_run(database, syncing.id, SyncStatus.SUCCESS, NOW - timedelta(hours=3))
    checks = {c.key: c for c in await sync_checks(settings, database, NOW)}
    assert checks[f"sync:{syncing.slug}"].level == Level.OK
    assert "il y a 3 h" in checks[f"sync:{syncing.slug}"].detail

    await _sync_run(database, syncing.id, SyncStatus.FAILED, NOW - timedelta(hours=1))
    checks = {c.key: c for c in await sync_checks(settings, database, NOW)}
    assert checks[f"sync:{syncing.slug}"].level == Level.WARNING
    assert "Dernier échec" in checks[f"sync:{syncing.slug}"].detail

    later = NOW + timedelta(days=3)
    await _sync_run(database, syncing.id, SyncStatus.SUCCESS, NOW)
    checks = {c.key: c for c in await sync_checks(settings, database, later)}
    assert checks[f"sync:{syncing.slug}"].level == Level.WARNING  # 3 days without success


# --- Files ------------------------------------------------------------------------------------


def test_backup_age(settings: Settings) -> None:
    now = datetime.now(UTC)
    assert backup_check(settings, now).level == Level.WARNING  # none yet
    backups = settings.data_dir / "backups"
    backups.mkdir()
    backup = backups / "recyclic-20261206-023000.db"
    backup.write_bytes(b"x")
    assert backup_check(settings, now).level == Level.OK
    for hours, level in ((30, Level.WARNING), (24 * 4, Level.ERROR)):
        then = time.time() - hours * 3600
        os.utime(backup, (then, then))
        assert backup_check(settings, now).level == level


def test_disk_space(settings: Settings) -> None:
    usage = namedtuple("usage", "total used free")
    mb = 1024 * 1024

    def free(megabytes: int) -> Any:
        return lambda _path: usage(0, 0, megabytes * mb)

    assert disk_check(settings, usage=free(50_000)).level == Level.OK
    assert disk_check(settings, usage=free(500)).level == Level.WARNING
    assert disk_check(settings, usage=free(50)).level == Level.ERROR
    # The real disk answers.
    assert "Mo libres" in disk_check(settings).detail


# --- The command ------------------------------------------------------------------------------


async def test_doctor_command_checks_the_webhook_and_exits_with_the_worst_level(
    tmp_path: Path,
) -> None:
    """The whole command on a fresh installation, with a local fake Telegram: the webhook
    it expects is registered (ok), then not (error, exit 2); `--json` for monitoring."""
    telegram = FakeTelegram(TEST_BOT_TOKEN)
    await telegram.start()
    runner = CliRunner()
    env = {
        "RECYCLIC_DATA_DIR": str(tmp_path),
        "RECYCLIC_DATABASE_URL": "",
        "RECYCLIC_REDIS_URL": "",
        "RECYCLIC_ENV": "production",
        "RECYCLIC_SECRET_KEY": TEST_SECRET,
        "RECYCLIC_PUBLIC_URL": "https://recyclic.example.org",
        "RECYCLIC_TRUSTED_PROXIES": "127.0.0.1",
        "RECYCLIC_TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN,
        "RECYCLIC_TELEGRAM_API_URL": telegram.base_url,
        "RECYCLIC_LOG_LEVEL": "WARNING",
    }

    def invoke(*args: str) -> Any:
        get_settings.cache_clear()
        return runner.invoke(cli_app, list(args), env=env)

    try:
        assert (await asyncio.to_thread(invoke, "db", "upgrade")).exit_code == 0
        assert (await asyncio.to_thread(invoke, "backup")).exit_code == 0
        telegram.webhook = {"url": "https://recyclic.example.org/api/v1/telegram/webhook"}
        result = await asyncio.to_thread(invoke, "doctor", "--json")
        report = json.loads(result.output)
        statuses = {check["check"]: check["status"] for check in report["checks"]}
        assert statuses["webhook"] == "ok", report
        # Production without Redis is the one warning of this installation.
        assert statuses["redis"] == "warning"
        assert report["status"] == "warning"
        assert result.exit_code == 1

        telegram.webhook = {}
        result = await asyncio.to_thread(invoke, "doctor")
        assert result.exit_code == 2
        assert "Webhook Telegram" in result.output
        assert "ERREUR / ERROR" in result.output
        assert "Bilan / Overall" in result.output
        # The table never shows a secret.
        assert TEST_SECRET not in result.output
        assert TEST_BOT_TOKEN not in result.output
    finally:
        await telegram.close()
        get_settings.cache_clear()


def test_doctor_with_a_broken_configuration_exits_2(tmp_path: Path) -> None:
    get_settings.cache_clear()
    result = CliRunner().invoke(
        cli_app,
        ["doctor", "--json"],
        env={
            "RECYCLIC_DATA_DIR": str(tmp_path),
            "RECYCLIC_ENV": "production",
            "RECYCLIC_SECRET_KEY": "changeme",
        },
    )
    get_settings.cache_clear()
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert report["checks"][0]["check"] == "configuration"
    assert "RECYCLIC_SECRET_KEY" in report["checks"][0]["detail"]
