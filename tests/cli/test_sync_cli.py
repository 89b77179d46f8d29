"""`recyclic sync run`: queued by default, run here with --now."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from recyclic.cli import app
from recyclic.core.config import Settings, get_settings
from recyclic.core.database import Database
from recyclic.models.outbox import JobStatus, OutboxJob
from recyclic.models.site import Site
from recyclic.services.reporting.export_jobs import export_folder
from recyclic.services.sync.clients.webdav import remote_path_for
from tests.factories import TEST_SECRET
from tests.fakes.webdav_server import WebDavTestServer
from tests.support.databases import TestDatabase, prepare_test_database
from tests.support.sync import configure_sync

runner = CliRunner()


@pytest.fixture(scope="module")
def sync_cli_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    yield from prepare_test_database(tmp_path_factory.mktemp("synccli"), suffix="_sync_cli")


@pytest.fixture
def env(sync_cli_database: TestDatabase, tmp_path: Path) -> dict[str, str]:
    return {
        "RECYCLIC_DATA_DIR": str(tmp_path),
        "RECYCLIC_DATABASE_URL": sync_cli_database.url,
        "RECYCLIC_SECRET_KEY": TEST_SECRET,
        "RECYCLIC_LOG_LEVEL": "WARNING",
        "RECYCLIC_SYNC_MAX_ATTEMPTS": "2",
        "RECYCLIC_SYNC_BASE_DELAY_SECONDS": "0.001",
    }


def _invoke(args: list[str], env: dict[str, str]):  # type: ignore[no-untyped-def]
    get_settings.cache_clear()
    return runner.invoke(app, args, env=env)


def _site_with_kdrive(env: dict[str, str], server: WebDavTestServer) -> Site:
    name = f"Quai {uuid.uuid4().hex[:6]}"
    result = _invoke(
        ["admin", "create", "--telegram-id", str(uuid.uuid4().int % 10**9), "--name", "A",
         "--site", name],
        env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output

    async def configure() -> Site:
        database = Database.from_settings(_settings(env))
        try:
            async with database.unit_of_work() as session:
                site = (await session.execute(select(Site).where(Site.name == name))).scalar_one()
            await configure_sync(database, site, webdav=server)
            return site
        finally:
            await database.dispose()

    return asyncio.run(configure())


def _settings(env: dict[str, str]) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=Path(env["RECYCLIC_DATA_DIR"]),
        database_url=env["RECYCLIC_DATABASE_URL"],
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
    )


def _job_statuses(env: dict[str, str], site: Site) -> list[JobStatus]:
    async def read() -> list[JobStatus]:
        database = Database.from_settings(_settings(env))
        try:
            async with database.unit_of_work(write=False) as session:
                query = select(OutboxJob.status).where(OutboxJob.site_id == site.id)
                return list((await session.execute(query)).scalars())
        finally:
            await database.dispose()

    return asyncio.run(read())


def test_sync_run_now_uploads_here_and_prints_the_report(
    env: dict[str, str], webdav_server: WebDavTestServer
) -> None:
    assert _invoke(["db", "upgrade"], env).exit_code == 0
    site = _site_with_kdrive(env, webdav_server)
    folder = export_folder(_settings(env), site.id) / "2026" / "11"
    folder.mkdir(parents=True)
    (folder / "ecologic.csv").write_bytes(b"a,b\n")

    result = _invoke(["sync", "run", "--now", "--site", site.slug], env)

    assert result.exit_code == 0, result.output
    report = json.loads(result.output.split(" : ", 1)[1])
    assert report["ok"] is True
    assert report["kdrive"]["uploaded"] == 1
    remote = remote_path_for(site.slug, "exports", date(2026, 11, 1), "ecologic.csv")
    assert webdav_server.count("PUT", remote) == 1
    assert _job_statuses(env, site) == [JobStatus.DONE]

    again = _invoke(["sync", "run", "--now", "--site", site.slug], env)
    assert json.loads(again.output.split(" : ", 1)[1])["kdrive"]["unchanged"] == 1
    assert webdav_server.count("PUT", remote) == 1


def test_sync_run_queues_a_job_by_default(
    env: dict[str, str], webdav_server: WebDavTestServer
) -> None:
    assert _invoke(["db", "upgrade"], env).exit_code == 0
    site = _site_with_kdrive(env, webdav_server)
    result = _invoke(["sync", "run", "--site", site.name], env)
    assert result.exit_code == 0, result.output
    assert "synchronisation en file" in result.output
    assert "recyclic serve" in result.output  # no Redis: who will run it
    assert _job_statuses(env, site) == [JobStatus.PENDING]


def test_sync_run_now_exits_1_when_the_drive_is_down(
    env: dict[str, str], webdav_server: WebDavTestServer
) -> None:
    assert _invoke(["db", "upgrade"], env).exit_code == 0
    site = _site_with_kdrive(env, webdav_server)
    folder = export_folder(_settings(env), site.id) / "2026" / "11"
    folder.mkdir(parents=True)
    (folder / "a.csv").write_bytes(b"1")
    webdav_server.stop()
    result = _invoke(["sync", "run", "--now", "--site", site.slug], env)
    assert result.exit_code == 1
    assert "kDrive injoignable" in result.output


def test_sync_run_names_an_unknown_site(env: dict[str, str]) -> None:
    assert _invoke(["db", "upgrade"], env).exit_code == 0
    result = _invoke(["sync", "run", "--site", "nulle-part"], env)
    assert result.exit_code == 1
    assert "introuvable" in result.output
