"""Recordings of deposits: retention purge, and files that follow the unit of work."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.models.deposit import Deposit, DepositStatus
from recyclic.services.deposits.audio import remove_if_rolled_back
from recyclic.services.deposits.deposits import DepositService
from recyclic.utils.audio import probe_audio, store_audio
from tests.factories import Factory
from tests.support.audio_files import ogg_opus_bytes

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
RECORDING = ogg_opus_bytes(1.0)
INFO = probe_audio(RECORDING)


async def _recorded(factory: Factory, settings: Settings, site, user, *, days_ago: float, **fields):  # type: ignore[no-untyped-def]
    created_at = NOW - timedelta(days=days_ago)
    path = await store_audio(
        RECORDING, INFO, data_dir=settings.data_dir, site_id=site.id, now=created_at
    )
    deposit = await factory.deposit(
        site,
        user,
        status=DepositStatus.CLASSIFIED,
        audio_file_path=path,
        transcription="Un grille-pain et une bouilloire",
        created_at=created_at,
        **fields,
    )
    return deposit, settings.data_dir / path


async def _reload(database: Database, deposit_id) -> Deposit:  # type: ignore[no-untyped-def]
    async with database.unit_of_work(write=False) as session:
        return (await session.execute(select(Deposit).where(Deposit.id == deposit_id))).scalar_one()


async def test_purge_deletes_recordings_past_the_sites_retention_and_keeps_the_words(
    factory: Factory, settings: Settings, database: Database
) -> None:
    site = await factory.site(settings={"audio_retention_days": 10})
    user = await factory.user(site)
    old, old_file = await _recorded(factory, settings, site, user, days_ago=10.5)
    young, young_file = await _recorded(factory, settings, site, user, days_ago=9.5)
    elsewhere = await factory.site()  # default retention: 30 days
    stranger = await factory.user(elsewhere)
    _, kept_file = await _recorded(factory, settings, elsewhere, stranger, days_ago=20)
    gone, gone_file = await _recorded(factory, settings, elsewhere, stranger, days_ago=31)
    gone_file.unlink()  # already missing on disk: the row is still cleared

    async with database.unit_of_work() as session:
        service = DepositService(session, settings=settings)
        purged = await service.purge_expired_audio(site, NOW)
        purged_elsewhere = await service.purge_expired_audio(elsewhere, NOW)

    assert [(p.deposit_id, p.existed) for p in purged] == [(old.id, True)]
    assert [(p.deposit_id, p.existed) for p in purged_elsewhere] == [(gone.id, False)]
    assert not old_file.exists()
    assert young_file.exists()
    assert kept_file.exists()
    row = await _reload(database, old.id)
    assert (row.audio_file_path, row.audio_deleted_at) == (None, NOW)
    assert row.transcription == "Un grille-pain et une bouilloire"
    assert row.has_audio is False
    assert (await _reload(database, young.id)).audio_file_path is not None
    assert (await _reload(database, gone.id)).audio_deleted_at == NOW

    async with database.unit_of_work() as session:
        again = await DepositService(session, settings=settings).purge_expired_audio(site, NOW)
    assert again == []


async def test_a_recording_written_for_a_rolled_back_unit_of_work_is_removed(
    factory: Factory, settings: Settings, database: Database
) -> None:
    site = await factory.site()

    async def written(fail: bool) -> Path:
        path = ""
        with pytest.raises(RuntimeError) if fail else contextlib.nullcontext():
            async with database.unit_of_work() as session:
                path = await store_audio(
                    RECORDING, INFO, data_dir=settings.data_dir, site_id=site.id
                )
                remove_if_rolled_back(session, path, data_dir=settings.data_dir)
                assert (settings.data_dir / path).exists()
                if fail:
                    raise RuntimeError("the request failed after the file was written")
        return settings.data_dir / path

    assert not (await written(fail=True)).exists()
    assert (await written(fail=False)).exists()


async def test_the_same_holds_on_a_real_engine(engine: AsyncEngine, settings: Settings) -> None:
    # Outside the test transaction: real BEGIN/COMMIT/ROLLBACK (nothing is written).
    database = Database(engine)
    site_id = uuid.uuid4()

    async def written(fail: bool) -> Path:
        path = ""
        with pytest.raises(RuntimeError) if fail else contextlib.nullcontext():
            async with database.unit_of_work(write=False) as session:
                await session.execute(select(Deposit.id).limit(1))
                path = await store_audio(
                    RECORDING, INFO, data_dir=settings.data_dir, site_id=site_id
                )
                remove_if_rolled_back(session, path, data_dir=settings.data_dir)
                if fail:
                    raise RuntimeError("the request failed after the file was written")
        return settings.data_dir / path

    assert not (await written(fail=True)).exists()
    assert (await written(fail=False)).exists()


async def test_sites_without_their_own_setting_follow_the_installation_default(
    factory: Factory, settings: Settings, database: Database
) -> None:
    site = await factory.site()  # no audio_retention_days in its settings
    user = await factory.user(site)
    deposit, recording = await _recorded(factory, settings, site, user, days_ago=6)

    async with database.unit_of_work() as session:
        forever = settings.model_copy(update={"audio_retention_days": 0})
        service = DepositService(session, settings=forever)
        assert service.retention_days(site) is None
        assert await service.purge_expired_audio(site, NOW) == []
    assert recording.exists()

    async with database.unit_of_work() as session:
        five_days = settings.model_copy(update={"audio_retention_days": 5})
        service = DepositService(session, settings=five_days)
        assert service.retention_days(site) == 5
        purged = await service.purge_expired_audio(site, NOW)
    assert [p.deposit_id for p in purged] == [deposit.id]
    assert not recording.exists()
