"""The sync log: one row per attempt of an outbound operation, and its reading by admins."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.database import UnitOfWorkFactory
from recyclic.models.sync_log import SyncLog, SyncStatus
from recyclic.models.user import Role, User
from recyclic.repositories.base import KeysetPage
from recyclic.repositories.sync_repository import SyncLogFilters, SyncLogRepository
from recyclic.services.access.scope import require_role

if TYPE_CHECKING:
    from recyclic.services.sync.clients.retry import AttemptInfo

logger = logging.getLogger(__name__)

# The service named in the log, from the prefix of the clients' operation names.
_SERVICES = {"webdav": "kdrive", "sheets": "google_sheets"}
_MAX_TARGET = 1000
_MAX_ERROR = 4000


def service_of(operation: str) -> str:
    """`webdav.upload` → `kdrive`, `sheets.append` → `google_sheets`, else the prefix."""
    prefix = operation.split(".", 1)[0]
    return _SERVICES.get(prefix, prefix)


class SyncLogRecorder:
    """The clients' `on_attempt` hook: one log row per attempt, each in its own unit of work,
    so the attempts of a run that fails (or is killed) stay visible."""

    def __init__(
        self,
        units: UnitOfWorkFactory,
        *,
        site_id: uuid.UUID | None,
        run_id: uuid.UUID | None,
        clock: Callable[[], datetime],
    ) -> None:
        self.units = units
        self.site_id = site_id
        self.run_id = run_id
        self.clock = clock
        # Operations that failed after their last retry (what admins are told about).
        self.final_failures: list[AttemptInfo] = []

    async def __call__(self, info: AttemptInfo) -> None:
        if info.error is None:
            status = SyncStatus.SUCCESS
        elif info.next_delay is not None:
            status = SyncStatus.PENDING
        else:
            status = SyncStatus.FAILED
            self.final_failures.append(info)
        details: dict[str, Any] | None = None
        if info.error is not None:
            details = {"retryable": info.error.retryable}
            if info.error.status is not None:
                details["http_status"] = info.error.status
        retry_at = None
        if status == SyncStatus.PENDING and info.next_delay is not None:
            retry_at = self.clock() + timedelta(seconds=info.next_delay)
        await self.record(
            operation=info.operation,
            target=info.target,
            status=status,
            attempt=info.attempt,
            next_retry_at=retry_at,
            error=str(info.error) if info.error is not None else None,
            details=details,
        )

    async def record(
        self,
        *,
        operation: str,
        target: str,
        status: SyncStatus,
        attempt: int = 1,
        next_retry_at: datetime | None = None,
        error: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Write one row now; a database failure here is logged, never raised into the sync."""
        now = self.clock()
        row = SyncLog(
            site_id=self.site_id,
            run_id=self.run_id,
            service=service_of(operation),
            operation=operation,
            target=target[:_MAX_TARGET],
            status=status,
            attempt=attempt,
            next_retry_at=next_retry_at,
            error=error[:_MAX_ERROR] if error is not None else None,
            details=details,
            created_at=now,
            updated_at=now,
        )
        try:
            async with self.units() as session:
                session.add(row)
        except Exception:
            logger.exception("could not write the sync log row of %s %s", operation, target)


class SyncLogService:
    """Reading the sync log (admins)."""

    def __init__(self, session: AsyncSession) -> None:
        self.logs = SyncLogRepository(session)

    async def page(
        self, actor: User, filters: SyncLogFilters, *, limit: int, cursor: str | None
    ) -> KeysetPage[SyncLog]:
        """Attempts newest first, filtered; `filters.site_id` is already scoped to the actor."""
        require_role(actor, Role.ADMIN)
        return await self.logs.page(filters, limit=limit, cursor=cursor)

    async def of_run(self, run_id: uuid.UUID) -> list[SyncLog]:
        """Every attempt of one run, oldest first."""
        return await self.logs.of_run(run_id)
