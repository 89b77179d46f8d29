"""Recordings of deposits: storing them with the unit of work, and the retention purge.

A recording is written to disk before the transaction that references it commits. If that
transaction rolls back, the file is removed again, so a refused or failed request never leaves
a recording behind; a recording replaced or deleted with its deposit is removed only after the
commit, so a rollback never loses one that is still referenced.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.database import on_commit
from recyclic.models.deposit import Deposit
from recyclic.models.site import Site
from recyclic.repositories.deposit_repository import DepositRepository
from recyclic.schemas.site import SiteSettings
from recyclic.utils.audio import AudioInfo, delete_audio, resolve_audio_path, store_audio

logger = logging.getLogger(__name__)

_PURGE_BATCH = 200


def remove_if_rolled_back(session: AsyncSession, relative_path: str, *, data_dir: Path) -> None:
    """Delete `relative_path` if this unit of work ends in a rollback rather than a commit."""
    sync_session = session.sync_session
    if not sync_session.in_transaction():
        # A rollback only reaches the listeners of a transaction that began.
        sync_session.begin()
    committed = False

    def after_commit(_session: Any) -> None:
        nonlocal committed
        committed = True

    def after_soft_rollback(_session: Any, previous_transaction: Any) -> None:
        # Only the end of the whole unit of work counts (not an inner savepoint), and only
        # before a commit: afterwards the database references the recording.
        if committed or previous_transaction.parent is not None:
            return
        try:
            resolve_audio_path(relative_path, data_dir=data_dir).unlink(missing_ok=True)
        except (OSError, ValueError):
            logger.exception("could not remove the recording %s after a rollback", relative_path)

    event.listen(sync_session, "after_commit", after_commit)
    event.listen(sync_session, "after_soft_rollback", after_soft_rollback)


def remove_after_commit(session: AsyncSession, relative_path: str, *, data_dir: Path) -> None:
    """Delete a recording no longer referenced, once that is durable."""

    async def remove() -> None:
        try:
            await delete_audio(relative_path, data_dir=data_dir)
        except (OSError, ValueError):
            logger.exception("could not remove the replaced recording %s", relative_path)

    on_commit(session, remove)


async def attach_recording(
    session: AsyncSession,
    deposit: Deposit,
    data: bytes,
    info: AudioInfo,
    *,
    data_dir: Path,
    now: bool = False,
) -> None:
    """Store a validated recording and reference it from the deposit (replacing any earlier
    one). `now`: the unit of work ends in a refusal that commits, which runs no after-commit
    work (Database.unit_of_work), so a replaced file is deleted at once."""
    path = await store_audio(data, info, data_dir=data_dir, site_id=deposit.site_id)
    remove_if_rolled_back(session, path, data_dir=data_dir)
    previous = deposit.audio_file_path
    deposit.audio_file_path = path
    deposit.audio_deleted_at = None
    await DepositRepository(session).update(deposit, {})
    if previous and now:
        await delete_audio(previous, data_dir=data_dir)
    elif previous:
        remove_after_commit(session, previous, data_dir=data_dir)


@dataclass(frozen=True, slots=True)
class PurgedRecording:
    """A recording deleted by the retention purge (`existed` False: it was already gone)."""

    deposit_id: uuid.UUID
    path: str
    created_at: datetime
    existed: bool


def retention_days(site: Site, default: int) -> int | None:
    """How many days a site keeps its recordings: its own setting, else the installation's
    default (`RECYCLIC_AUDIO_RETENTION_DAYS`, 30); None when that default is 0 (keep them)."""
    if (site.settings or {}).get("audio_retention_days") is not None:
        return SiteSettings.of(site.settings).audio_retention_days
    return default or None


async def purge_expired_audio(
    session: AsyncSession, site: Site, now: datetime, *, data_dir: Path, default_days: int
) -> list[PurgedRecording]:
    """Delete the recordings of deposits older than the site's retention; the transcriptions
    and descriptions stay."""
    days = retention_days(site, default_days)
    if days is None:
        return []
    deposits = DepositRepository(session)
    cutoff = now - timedelta(days=days)
    purged: list[PurgedRecording] = []
    while batch := await deposits.with_expired_audio(
        site.id, created_before=cutoff, limit=_PURGE_BATCH
    ):
        for deposit in batch:
            path = deposit.audio_file_path or ""
            # The file goes first: if the transaction then fails, the next purge finds the
            # row again and only clears it — a recording is never kept past its retention.
            try:
                existed = await delete_audio(path, data_dir=data_dir)
            except ValueError:
                logger.warning("deposit %s names an invalid audio path %r", deposit.id, path)
                existed = False
            purged.append(PurgedRecording(deposit.id, path, deposit.created_at, existed))
            deposit.audio_file_path = None
            deposit.audio_deleted_at = now
        await session.flush()
    return purged
