"""The task handlers: each turns a job's payload (ids and plain values) into a service call.

Every handler is idempotent, because delivery is at least once: the sync skips what is
already uploaded or appended, the classification checks the deposit's version, a
notification remembers which chats already got it, the purge only touches what is expired.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recyclic.core.exceptions import RecyclicError
from recyclic.jobs.context import JobContext, NotificationsUnavailable, load_notification_sender
from recyclic.services.deposits.deposits import DepositService
from recyclic.services.deposits.jobs import classify_queued
from recyclic.services.messaging.outbox import JobTask, PermanentJobError
from recyclic.services.reporting.export_jobs import (
    ExportRequest,
    ExportWriter,
    generate_export_file,
)
from recyclic.services.sync.sync_service import SyncService, enqueue_sync

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobRun:
    """One run of a job, as its handler sees it."""

    job_id: uuid.UUID
    attempt: int
    payload: dict[str, Any]
    save_progress: Callable[[dict[str, Any]], Awaitable[None]]


Handler = Callable[[JobContext, JobRun], Awaitable[dict[str, Any] | None]]


def _uuid(payload: dict[str, Any], key: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(payload[key]))
    except (KeyError, ValueError) as exc:
        raise PermanentJobError(f"payload without a valid {key}") from exc


async def sync_site(ctx: JobContext, run: JobRun) -> dict[str, Any]:
    """Files to kDrive, new rows to Google Sheets; the run's id is the job's."""
    service = SyncService(
        ctx.database.unit_of_work, ctx.settings, clients=ctx.sync_clients, clock=ctx.clock
    )
    report = await service.sync_site(_uuid(run.payload, "site_id"), run_id=run.job_id)
    return report.as_dict()


def _export_engine() -> ExportWriter:
    """The exports engine, imported on the first export job (it is not needed at start-up)."""
    from recyclic.services.reporting.export_service import write_export

    return write_export


async def generate_export(ctx: JobContext, run: JobRun) -> dict[str, Any]:
    """Write an export file where the sync finds it, then enqueue a sync to upload it."""
    request = ExportRequest.from_payload(run.payload)
    writer = ctx.export_writer or _export_engine()
    # Reading only: no SQLite write lock held while a large export is computed.
    async with ctx.database.unit_of_work(write=False) as session:
        site = await DepositService(session, settings=ctx.settings).site(request.site_id)
        path = await generate_export_file(session, ctx.settings, site, request, writer)
    if run.payload.get("sync", True):
        async with ctx.database.unit_of_work() as session:
            await enqueue_sync(session, request.site_id, reason="export")
    return {"path": path.relative_to(ctx.settings.data_dir).as_posix()}


async def classify_deposit(ctx: JobContext, run: JobRun) -> dict[str, Any]:
    """The AI's proposal for a deposit that has not changed since it was requested."""
    version = run.payload.get("version")
    deposit = await classify_queued(
        ctx.database.unit_of_work,
        ctx.settings,
        ctx.ai(),
        _uuid(run.payload, "deposit_id"),
        datetime.fromisoformat(version) if isinstance(version, str) else None,
    )
    if deposit is None:
        return {"classified": False}
    return {"classified": True, "category": deposit.category}


async def send_notification(ctx: JobContext, run: JobRun) -> dict[str, Any]:
    """Send a text (and optional buttons) to chat ids; chats already served are skipped when
    the job runs again after a partial failure."""
    payload = run.payload
    chat_ids = [int(chat) for chat in payload.get("chat_ids") or []]
    text = str(payload.get("text") or "")
    if not chat_ids or not text:
        raise PermanentJobError("notification without chat ids or text")
    try:
        send = ctx.notification_sender or load_notification_sender(ctx.settings)
    except NotificationsUnavailable as exc:
        raise PermanentJobError(str(exc)) from exc
    delivered = {int(chat) for chat in payload.get("delivered") or []}
    failures: list[str] = []
    for chat_id in chat_ids:
        if chat_id in delivered:
            continue
        try:
            await send(chat_id, text, payload.get("buttons"))
        except Exception as exc:
            failures.append(f"{chat_id}: {exc}")
        else:
            delivered.add(chat_id)
    if failures:
        await run.save_progress({"delivered": sorted(delivered)})
        raise RuntimeError("Telegram: " + "; ".join(failures))
    return {"delivered": len(delivered)}


async def purge_audio(ctx: JobContext, run: JobRun) -> dict[str, Any]:
    """Delete the site's recordings past its retention (transcriptions stay)."""
    async with ctx.database.unit_of_work() as session:
        service = DepositService(session, settings=ctx.settings)
        site = await service.site(_uuid(run.payload, "site_id"))
        purged = await service.purge_expired_audio(site, ctx.clock())
    return {"purged": len(purged)}


HANDLERS: dict[str, Handler] = {
    JobTask.SYNC_SITE: sync_site,
    JobTask.GENERATE_EXPORT: generate_export,
    JobTask.CLASSIFY_DEPOSIT: classify_deposit,
    JobTask.SEND_NOTIFICATION: send_notification,
    JobTask.PURGE_AUDIO: purge_audio,
}


def is_permanent(error: BaseException) -> bool:
    """Errors that another attempt cannot fix: a refused payload, a domain refusal (4xx)."""
    if isinstance(error, PermanentJobError):
        return True
    return isinstance(error, RecyclicError) and error.status < 500
