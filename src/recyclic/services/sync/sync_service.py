"""Cloud sync of one site: files to kDrive (WebDAV), rows to Google Sheets, admins told of
failures.

A run is a workflow of many small units of work, not one transaction: every attempt is logged
as it happens (`sync_logs`), each uploaded file and each appended batch is recorded at once,
so a run that fails or is killed keeps what it did and the next run resumes from there.
kDrive and Sheets are independent: one being down does not stop the other. When an
operation still fails after its last retry, the site's admins get one Telegram message per
run (a `send_notification` job, enqueued with a dedupe key so a retried run does not repeat
it). Runs of one site never overlap: the `sync_site` job holds the lock `sync:<site id>`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.config import Settings
from recyclic.core.database import UnitOfWorkFactory
from recyclic.core.exceptions import ConfigurationError, Conflict
from recyclic.models.base import utcnow
from recyclic.models.outbox import OutboxJob
from recyclic.models.site import Site
from recyclic.models.sync_log import SyncStatus
from recyclic.models.user import Role, User
from recyclic.repositories.site_repository import SiteRepository
from recyclic.repositories.user_repository import UserRepository
from recyclic.services.access.scope import require_role, target_site
from recyclic.services.messaging.outbox import JobTask, enqueue
from recyclic.services.people.sites import SiteNotFound
from recyclic.services.sync.config import (
    DefaultSyncClients,
    SyncClients,
    SyncTargets,
    resolve_targets,
)
from recyclic.services.sync.log import SyncLogRecorder

if TYPE_CHECKING:
    from recyclic.services.sync.files import UploadCounts
    from recyclic.services.sync.sheets import SheetsResult

logger = logging.getLogger(__name__)


class SyncNotConfigured(Conflict):
    code = "sync_not_configured"
    message = (
        "Aucune synchronisation n'est configurée pour ce site (kDrive ou Google Sheets : "
        "PATCH /api/v1/sites/{id}, champ sync)."
    )


def sync_lock_key(site_id: uuid.UUID) -> str:
    """The lock shared by every sync job of a site (never two at once)."""
    return f"sync:{site_id}"


async def request_sync(
    session: AsyncSession,
    settings: Settings,
    actor: User,
    site_id: uuid.UUID | None,
    *,
    reason: str = "manual",
) -> OutboxJob:
    """Enqueue a sync of the actor's site (a super admin names it) now; the job runs after
    the commit, on a worker or in the embedded server."""
    require_role(actor, Role.ADMIN)
    sites = SiteRepository(session)
    site = await sites.get(target_site(actor, site_id))
    if site is None:
        raise SiteNotFound()
    if not sync_configured(site, settings, single_site=await sites.count() == 1):
        raise SyncNotConfigured()
    return await enqueue_sync(session, site.id, reason=reason, requested_by=actor.id)


def sync_configured(site: Site, settings: Settings, *, single_site: bool) -> bool:
    """True when the site has a sync target, even a misconfigured one (the run says why)."""
    try:
        return resolve_targets(site, settings, single_site=single_site).any
    except ConfigurationError:
        return True


async def enqueue_sync(
    session: AsyncSession,
    site_id: uuid.UUID,
    *,
    reason: str,
    requested_by: uuid.UUID | None = None,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> OutboxJob:
    """A `sync_site` job for the site (ids only in the payload)."""
    payload: dict[str, Any] = {"site_id": site_id, "reason": reason}
    if requested_by is not None:
        payload["requested_by"] = requested_by
    return await enqueue(
        session,
        JobTask.SYNC_SITE,
        payload,
        run_at=run_at,
        dedupe_key=dedupe_key,
        site_id=site_id,
        lock_key=sync_lock_key(site_id),
    )


@dataclass
class SyncReport:
    """What one run did; stored as the job's result and printed by `recyclic sync run`."""

    site_id: uuid.UUID
    run_id: uuid.UUID
    kdrive: UploadCounts | None = None
    sheets: SheetsResult | None = None
    errors: list[str] = field(default_factory=list)
    notified: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for the job's result and the CLI)."""
        data: dict[str, Any] = {"site_id": str(self.site_id), "ok": self.ok}
        if self.kdrive is not None:
            data["kdrive"] = {
                "uploaded": self.kdrive.uploaded,
                "already_there": self.kdrive.already_there,
                "unchanged": self.kdrive.unchanged,
                "failed": self.kdrive.failed,
            }
        if self.sheets is not None:
            data["sheets"] = {
                name: {"sheet": s.sheet, "appended": s.appended, "skipped": s.skipped}
                for name, s in self.sheets.streams.items()
            }
        data["errors"] = list(self.errors)
        data["notified"] = self.notified
        return data


class SyncService:
    """Runs the sync of one site (see the module docstring)."""

    def __init__(
        self,
        units: UnitOfWorkFactory,
        settings: Settings,
        *,
        clients: SyncClients | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.units = units
        self.settings = settings
        self.clients = clients or DefaultSyncClients(settings)
        self.clock = clock

    async def sync_site(self, site_id: uuid.UUID, *, run_id: uuid.UUID) -> SyncReport:
        """Upload the site's files, append its new rows, notify admins of what failed."""
        report = SyncReport(site_id, run_id)
        log = SyncLogRecorder(self.units, site_id=site_id, run_id=run_id, clock=self.clock)
        async with self.units(write=False) as session:
            sites = SiteRepository(session)
            site = await sites.get(site_id)
            single_site = await sites.count() == 1
        if site is None:
            raise SiteNotFound()
        try:
            targets = resolve_targets(site, self.settings, single_site=single_site)
        except ConfigurationError as exc:
            report.errors.append(str(exc))
            await log.record(
                operation="sync.config", target=site.slug, status=SyncStatus.FAILED, error=str(exc)
            )
            targets = SyncTargets(None, None)
        if targets.kdrive is not None:
            await self._kdrive(site, targets, log, report)
        if targets.sheets is not None:
            await self._sheets(site, targets, log, report)
        if report.errors:
            report.notified = await self._notify_admins(site, report)
        await log.record(
            operation="sync.run",
            target=site.slug,
            status=SyncStatus.SUCCESS if report.ok else SyncStatus.FAILED,
            error="; ".join(report.errors) or None,
            details=report.as_dict(),
        )
        return report

    async def _kdrive(
        self, site: Site, targets: SyncTargets, log: SyncLogRecorder, report: SyncReport
    ) -> None:
        from recyclic.services.sync.files import KDriveUploader  # HTTP clients: loaded on use

        assert targets.kdrive is not None
        async with self.clients.webdav(targets.kdrive) as client:
            uploader = KDriveUploader(self.units, self.settings, site, client, log, self.clock)
            counts = await uploader.run()
        report.kdrive = counts
        if counts.stopped:
            report.errors.append(counts.stopped)
        elif counts.failed:
            report.errors.append(f"kDrive : {counts.failed} fichier(s) refusé(s)")

    async def _sheets(
        self, site: Site, targets: SyncTargets, log: SyncLogRecorder, report: SyncReport
    ) -> None:
        from recyclic.services.sync.sheets import SheetsAppender

        assert targets.sheets is not None
        async with self.clients.sheets(targets.sheets) as client:
            result = await SheetsAppender(self.units, self.settings, site, client, log).run()
        report.sheets = result
        for stream in result.streams.values():
            if stream.error:
                report.errors.append(f"Google Sheets ({stream.sheet}) : {stream.error}")

    async def _notify_admins(self, site: Site, report: SyncReport) -> bool:
        """One message per failed run to the site's admins who use Telegram."""
        try:
            async with self.units() as session:
                admins = await UserRepository(session).list_admins(site.id)
                chat_ids = sorted({a.telegram_id for a in admins if a.telegram_id is not None})
                if not chat_ids:
                    logger.warning("sync of %s failed and no admin has Telegram", site.slug)
                    return False
                await enqueue(
                    session,
                    JobTask.SEND_NOTIFICATION,
                    {"chat_ids": chat_ids, "text": failure_message(site, report)},
                    dedupe_key=f"sync-failed:{report.run_id}",
                    site_id=site.id,
                )
        except Exception:
            logger.exception("could not enqueue the sync failure notification of %s", site.slug)
            return False
        return True


def failure_message(site: Site, report: SyncReport) -> str:
    """The admins' Telegram message (French)."""
    problems = "\n".join(f"• {error}" for error in report.errors[:5])
    return (
        f"⚠️ Synchronisation de « {site.name} » incomplète après plusieurs tentatives :\n"
        f"{problems}\n"
        "Ce qui n'a pas été envoyé le sera à la prochaine synchronisation "
        "(journal : /api/v1/sync/logs)."
    )
