"""`recyclic audio purge` and the demo deposits (`classify`: tests/cli/test_classify.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from recyclic.cli import app
from recyclic.core.config import Settings, get_settings
from recyclic.core.database import Database
from recyclic.models.deposit import Deposit, DepositStatus
from recyclic.models.site import Site
from recyclic.models.user import User, UserStatus
from recyclic.utils.audio import probe_audio, store_audio
from tests.support.audio_files import wav_bytes
from tests.support.databases import TestDatabase, prepare_test_database

runner = CliRunner()


@pytest.fixture(scope="module")
def cli_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    yield from prepare_test_database(tmp_path_factory.mktemp("deposit-cli"), suffix="_cli")


@pytest.fixture
def env(cli_database: TestDatabase, tmp_path: Path) -> dict[str, str]:
    return {
        "RECYCLIC_DATA_DIR": str(tmp_path),
        "RECYCLIC_DATABASE_URL": cli_database.url,
        "RECYCLIC_LOG_LEVEL": "WARNING",
    }


def _invoke(args: list[str], env: dict[str, str]):  # type: ignore[no-untyped-def]
    get_settings.cache_clear()
    return runner.invoke(app, args, env=env)


def _seed_recordings(env: dict[str, str]) -> tuple[str, list[Path], str]:
    """A site keeping recordings 7 days, with one old and one recent recording."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=Path(env["RECYCLIC_DATA_DIR"]),
        database_url=env["RECYCLIC_DATABASE_URL"],
    )
    recording = wav_bytes(0.5)
    info = probe_audio(recording)

    async def seed() -> tuple[str, list[Path], str]:
        database = Database.from_settings(settings)
        now = datetime.now(UTC)
        try:
            async with database.unit_of_work() as session:
                site = Site(name="Quai des Dépôts", slug="quai-des-depots", timezone="Europe/Paris")
                site.settings = {"audio_retention_days": 7}
                session.add(site)
                await session.flush()
                user = User(full_name="Bénévole", status=UserStatus.APPROVED, site_id=site.id)
                session.add(user)
                await session.flush()
                files, old_id = [], ""
                for days in (8, 2):
                    created = now - timedelta(days=days)
                    path = await store_audio(
                        recording, info, data_dir=settings.data_dir, site_id=site.id, now=created
                    )
                    deposit = Deposit(
                        site_id=site.id,
                        created_by=user.id,
                        status=DepositStatus.DRAFT,
                        transcription="une chaise",
                        audio_file_path=path,
                        created_at=created,
                    )
                    session.add(deposit)
                    await session.flush()
                    files.append(settings.data_dir / path)
                    old_id = old_id or str(deposit.id)
                return site.slug, files, old_id
        finally:
            await database.dispose()

    return asyncio.run(seed())


def test_audio_purge_removes_old_recordings_and_says_which(env: dict[str, str]) -> None:
    assert _invoke(["db", "upgrade"], env).exit_code == 0
    slug, (old_file, recent_file), old_id = _seed_recordings(env)

    unknown = _invoke(["audio", "purge", "--site", "nulle-part"], env)
    assert unknown.exit_code == 1
    assert "introuvable" in unknown.output

    result = _invoke(["audio", "purge", "--site", slug], env)
    assert result.exit_code == 0, result.output
    assert "conservation 7 jours, 1 enregistrement(s) supprimé(s)" in result.output
    assert old_id in result.output
    assert not old_file.exists()
    assert recent_file.exists()

    again = _invoke(["audio", "purge"], env)  # every site
    assert again.exit_code == 0, again.output
    assert "Total : 0 enregistrement(s) supprimé(s)." in again.output


def test_demo_seed_adds_deposits_once(env: dict[str, str]) -> None:
    first = _invoke(["demo", "seed"], env)
    assert first.exit_code == 0, first.output
    assert "30 dépôts de démonstration ajoutés." in first.output
    second = _invoke(["demo", "seed"], env)
    assert second.exit_code == 0
    assert "dépôts de démonstration" not in second.output

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=Path(env["RECYCLIC_DATA_DIR"]),
        database_url=env["RECYCLIC_DATABASE_URL"],
    )

    async def counts() -> dict[str, int]:
        database = Database.from_settings(settings)
        try:
            async with database.unit_of_work(write=False) as session:
                rows = await session.execute(
                    select(Deposit.status, func.count())
                    .join(Site, Site.id == Deposit.site_id)
                    .where(Site.slug == "demo")
                    .group_by(Deposit.status)
                )
                return {str(status): int(n) for status, n in rows.all()}
        finally:
            await database.dispose()

    assert asyncio.run(counts()) == {"validated": 21, "classified": 5, "draft": 2, "cancelled": 2}
