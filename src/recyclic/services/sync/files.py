"""kDrive part of the sync: upload a site's export files and voice recordings, each once.

A file is skipped without any request when `synced_files` says its current content is already
there; otherwise the WebDAV client checks the remote copy (PROPFIND) before any PUT, so a run
cut short — or an upload whose answer was lost — never sends a file twice. What was uploaded
(path, size, SHA-256, ETag) is recorded right after each upload, in its own unit of work.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from recyclic.core.config import Settings
from recyclic.core.database import UnitOfWorkFactory
from recyclic.models.site import Site
from recyclic.models.sync_log import SyncedFile, SyncStatus
from recyclic.repositories.sync_repository import SyncedFileRepository, SyncSourceRepository
from recyclic.services.reporting.export_jobs import export_folder
from recyclic.services.sync.clients.retry import PermanentSyncError, SyncAuthError, SyncClientError
from recyclic.services.sync.clients.webdav import SyncKind, WebDavClient, remote_path_for
from recyclic.services.sync.log import SyncLogRecorder
from recyclic.utils.audio import resolve_audio_path
from recyclic.utils.periods import local_date

logger = logging.getLogger(__name__)

_AUDIO_BATCH = 200
_HASH_CHUNK = 1024 * 1024


@dataclass
class UploadCounts:
    """What a run did with each file."""

    uploaded: int = 0  # sent with PUT
    already_there: int = 0  # the remote copy matched (an earlier run, or someone else)
    unchanged: int = 0  # known from `synced_files`: no request at all
    failed: int = 0
    stopped: str | None = None  # why the kDrive part stopped early, if it did


@dataclass(frozen=True)
class LocalFile:
    kind: SyncKind
    local_path: str  # relative to DATA_DIR, POSIX separators
    path: Path
    day: date  # the file's month on the drive (site time zone)


def export_files(settings: Settings, site: Site) -> Iterator[LocalFile]:
    """The site's export files, oldest folder first; hidden and temporary files are skipped."""
    root = export_folder(settings, site.id)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(settings.data_dir)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        yield LocalFile(
            "exports", PurePosixPath(*relative.parts).as_posix(), path, _file_day(path, site)
        )


def _file_day(path: Path, site: Site) -> date:
    # exports/<site>/YYYY/MM/<file>: the month the export was generated for the site.
    year, month = path.parent.parent.name, path.parent.name
    if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return date(int(year), int(month), 1)
    modified = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    return local_date(modified, site.timezone)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _Stop(Exception):
    """The drive is unusable for now (down after every retry, credentials refused)."""


class KDriveUploader:
    """Uploads one site's files through one WebDAV client."""

    def __init__(
        self,
        units: UnitOfWorkFactory,
        settings: Settings,
        site: Site,
        client: WebDavClient,
        log: SyncLogRecorder,
        clock: Callable[[], datetime],
    ) -> None:
        self.units = units
        self.settings = settings
        self.site = site
        self.client = client
        self.log = log
        self.clock = clock
        self.counts = UploadCounts()

    async def run(self) -> UploadCounts:
        """Exports first (what admins look for), then recordings."""
        try:
            async with self.units(write=False) as session:
                known = await SyncedFileRepository(session).uploaded_paths(self.site.id, "exports")
            files = await asyncio.to_thread(lambda: list(export_files(self.settings, self.site)))
            for file in files:
                await self._upload(file, known.get(file.local_path))
            await self._upload_recordings()
        except _Stop as stop:
            self.counts.stopped = str(stop)
        return self.counts

    async def _upload_recordings(self) -> None:
        after: uuid.UUID | None = None
        while True:
            async with self.units(write=False) as session:
                batch = await SyncSourceRepository(session).deposits_with_audio(
                    self.site.id, after_id=after, limit=_AUDIO_BATCH
                )
            if not batch:
                return
            after = batch[-1].id
            for deposit in batch:
                relative = deposit.audio_file_path or ""
                try:
                    path = resolve_audio_path(relative, data_dir=self.settings.data_dir)
                except ValueError:
                    logger.warning("deposit %s names an invalid audio path", deposit.id)
                    continue
                day = local_date(deposit.created_at, self.site.timezone)
                await self._upload(LocalFile("audio", relative, path, day), None)

    async def _upload(self, file: LocalFile, known: SyncedFile | None) -> None:
        try:
            size = (await asyncio.to_thread(file.path.stat)).st_size
        except FileNotFoundError:
            return  # purged or replaced since it was listed: nothing to send
        if known is not None:
            sha256 = await asyncio.to_thread(_sha256, file.path)
            if known.size == size and known.sha256 == sha256:
                self.counts.unchanged += 1
                return
        try:
            remote = remote_path_for(self.site.slug, file.kind, file.day, file.path.name)
        except ValueError as exc:
            await self._refused(file, str(exc))
            return
        try:
            result = await self.client.upload_file(
                file.path,
                remote,
                known_etag=known.etag if known is not None else None,
                known_sha256=known.sha256 if known is not None else None,
                on_attempt=self.log,
            )
        except SyncAuthError as exc:
            self.counts.failed += 1
            raise _Stop(f"kDrive refuse les identifiants : {exc}") from exc
        except PermanentSyncError:
            self.counts.failed += 1  # this file only (logged by the attempt hook)
            return
        except SyncClientError as exc:
            # Retries exhausted: the drive is down; the next run takes over from here.
            self.counts.failed += 1
            raise _Stop(f"kDrive injoignable : {exc}") from exc
        async with self.units() as session:
            await SyncedFileRepository(session).record(
                self.site.id,
                kind=file.kind,
                local_path=file.local_path,
                remote_path=result.remote_path,
                size=result.size,
                sha256=result.sha256,
                etag=result.etag,
                uploaded_at=self.clock(),
            )
        if result.uploaded:
            self.counts.uploaded += 1
        else:
            self.counts.already_there += 1

    async def _refused(self, file: LocalFile, reason: str) -> None:
        self.counts.failed += 1
        await self.log.record(
            operation="webdav.upload",
            target=file.local_path,
            status=SyncStatus.FAILED,
            error=f"nom de fichier refusé : {reason}",
        )
