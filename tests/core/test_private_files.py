"""What Recyclic writes is readable by its own system user only (0600 files, 0700 folders),
whatever the umask: the SQLite database, voice recordings, exports and backups."""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path

import pytest

from recyclic.core.config import Settings
from recyclic.core.database import create_engine_from_settings
from recyclic.services.operations.backup import backup_database
from recyclic.services.reporting.files import ExportFile, save_export
from recyclic.utils.audio import probe_audio, store_audio
from tests.support.audio_files import ogg_opus_bytes


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():  # type: ignore[no-untyped-def]
    previous = os.umask(0o022)  # the usual default: world-readable files
    yield
    os.umask(previous)


async def test_sqlite_database_and_backups_are_private(tmp_path: Path, open_umask: None) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    engine = create_engine_from_settings(settings)
    async with engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    await engine.dispose()
    database = settings.sqlite_path
    assert database is not None
    assert _mode(database) == 0o600
    assert _mode(database.parent) == 0o700
    backup = await backup_database(settings)
    assert _mode(backup.path) == 0o600
    assert _mode(backup.path.parent) == 0o700


async def test_exports_are_private(tmp_path: Path, open_umask: None) -> None:
    path = await save_export(
        ExportFile.of_bytes("ventes.csv", "text/csv", b"a;b\r\n"), tmp_path / "exports" / "x"
    )
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert _mode(path.parent.parent) == 0o700


async def test_recordings_are_private(tmp_path: Path, open_umask: None) -> None:
    data = ogg_opus_bytes(0.5)
    relative = await store_audio(data, probe_audio(data), data_dir=tmp_path, site_id=uuid.uuid4())
    path = tmp_path / relative
    assert _mode(path) == 0o600
    assert {_mode(p) for p in path.parents if tmp_path in p.parents} == {0o700}
