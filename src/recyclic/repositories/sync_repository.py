"""Queries of the cloud sync: its log, the files already uploaded, the row watermarks, and the
rows and recordings still to send."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.deposit import Deposit, DepositStatus
from recyclic.models.sale import SaleLine
from recyclic.models.sync_log import SyncedFile, SyncLog, SyncStatus, SyncWatermark
from recyclic.repositories.base import BaseRepository, KeysetPage

# A keyset position: (time, id) of the last row sent.
Position = tuple[datetime, uuid.UUID]


@dataclass(frozen=True, slots=True)
class SyncLogFilters:
    site_id: uuid.UUID | None = None
    service: str | None = None
    operation: str | None = None
    status: SyncStatus | None = None
    run_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


class SyncLogRepository(BaseRepository[SyncLog]):
    model = SyncLog

    async def page(
        self, filters: SyncLogFilters, *, limit: int, cursor: str | None
    ) -> KeysetPage[SyncLog]:
        """Newest first; no site means every site (super admin)."""
        statement = select(SyncLog)
        if filters.site_id is not None:
            statement = statement.where(SyncLog.site_id == filters.site_id)
        if filters.service is not None:
            statement = statement.where(SyncLog.service == filters.service)
        if filters.operation is not None:
            statement = statement.where(SyncLog.operation == filters.operation)
        if filters.status is not None:
            statement = statement.where(SyncLog.status == filters.status)
        if filters.run_id is not None:
            statement = statement.where(SyncLog.run_id == filters.run_id)
        if filters.since is not None:
            statement = statement.where(SyncLog.created_at >= filters.since)
        if filters.until is not None:
            statement = statement.where(SyncLog.created_at < filters.until)
        return await self.paginate(
            statement, keys=(SyncLog.created_at, SyncLog.id), limit=limit, cursor=cursor
        )

    async def last_runs(self) -> dict[uuid.UUID, dict[SyncStatus, datetime]]:
        """For each site: when its last sync run ended, per outcome."""
        rows = await self.session.execute(
            select(SyncLog.site_id, SyncLog.status, func.max(SyncLog.created_at))
            .where(SyncLog.operation == "sync.run", SyncLog.site_id.is_not(None))
            .group_by(SyncLog.site_id, SyncLog.status)
        )
        runs: dict[uuid.UUID, dict[SyncStatus, datetime]] = {}
        for site_id, status, at in rows.all():
            if site_id is not None:
                runs.setdefault(site_id, {})[SyncStatus(status)] = at
        return runs

    async def of_run(self, run_id: uuid.UUID) -> list[SyncLog]:
        """Every attempt of one run, oldest first."""
        return await self.all(
            select(SyncLog).where(SyncLog.run_id == run_id).order_by(SyncLog.created_at, SyncLog.id)
        )


class SyncedFileRepository(BaseRepository[SyncedFile]):
    model = SyncedFile

    async def get_for(self, site_id: uuid.UUID, local_path: str) -> SyncedFile | None:
        """What was uploaded for this local file, if anything."""
        return await self.one_or_none(
            select(SyncedFile).where(
                SyncedFile.site_id == site_id, SyncedFile.local_path == local_path
            )
        )

    async def uploaded_paths(self, site_id: uuid.UUID, kind: str) -> dict[str, SyncedFile]:
        """The site's uploaded files of one kind, by local path."""
        rows = await self.all(
            select(SyncedFile).where(SyncedFile.site_id == site_id, SyncedFile.kind == kind)
        )
        return {row.local_path: row for row in rows}

    async def record(
        self,
        site_id: uuid.UUID,
        *,
        kind: str,
        local_path: str,
        remote_path: str,
        size: int,
        sha256: str,
        etag: str | None,
        uploaded_at: datetime,
    ) -> None:
        """Remember what the remote copy of a local file now is."""
        row = await self.get_for(site_id, local_path)
        if row is None:
            row = SyncedFile(site_id=site_id, kind=kind, local_path=local_path)
            self.session.add(row)
        row.remote_path = remote_path
        row.size = size
        row.sha256 = sha256
        row.etag = etag
        row.uploaded_at = uploaded_at
        await self.session.flush()


class SyncWatermarkRepository(BaseRepository[SyncWatermark]):
    model = SyncWatermark

    async def position(self, site_id: uuid.UUID, stream: str) -> Position | None:
        """Where the stream's last successful append ended."""
        row = await self.session.get(SyncWatermark, (site_id, stream))
        return (row.position_at, row.position_id) if row is not None else None

    async def move_to(self, site_id: uuid.UUID, stream: str, position: Position) -> None:
        """Record a successful append up to `position` (never moves backwards)."""
        row = await self.session.get(SyncWatermark, (site_id, stream), with_for_update=True)
        if row is None:
            self.session.add(
                SyncWatermark(
                    site_id=site_id,
                    stream=stream,
                    position_at=position[0],
                    position_id=position[1],
                )
            )
        elif (row.position_at, row.position_id) < position:
            row.position_at, row.position_id = position
        await self.session.flush()


class SyncSourceRepository:
    """The rows and recordings the sync reads (business tables, read only)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def sale_lines_after(
        self, site_id: uuid.UUID, after: Position, *, limit: int
    ) -> list[SaleLine]:
        """Sale lines of the site after `after` in (created_at, id) order."""
        statement = (
            select(SaleLine)
            .where(
                SaleLine.site_id == site_id,
                tuple_(SaleLine.created_at, SaleLine.id) > tuple(after),
            )
            .order_by(SaleLine.created_at, SaleLine.id)
            .limit(limit)
        )
        return list((await self.session.execute(statement)).scalars())

    async def validated_deposits_after(
        self, site_id: uuid.UUID, after: Position, *, limit: int
    ) -> list[Deposit]:
        """Validated deposits of the site after `after` in (validated_at, id) order."""
        statement = (
            select(Deposit)
            .where(
                Deposit.site_id == site_id,
                Deposit.status == DepositStatus.VALIDATED,
                tuple_(Deposit.validated_at, Deposit.id) > tuple(after),
            )
            .order_by(Deposit.validated_at, Deposit.id)
            .limit(limit)
        )
        return list((await self.session.execute(statement)).scalars())

    async def deposits_with_audio(
        self, site_id: uuid.UUID, *, after_id: uuid.UUID | None, limit: int
    ) -> list[Deposit]:
        """Deposits of the site whose kept recording was never uploaded, by id."""
        uploaded = exists().where(
            SyncedFile.site_id == Deposit.site_id,
            SyncedFile.local_path == Deposit.audio_file_path,
        )
        statement = select(Deposit).where(
            Deposit.site_id == site_id, Deposit.audio_file_path.is_not(None), ~uploaded
        )
        if after_id is not None:
            statement = statement.where(Deposit.id > after_id)
        statement = statement.order_by(Deposit.id).limit(limit)
        return list((await self.session.execute(statement)).scalars())
