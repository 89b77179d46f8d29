"""Sync log entries, background jobs and the answer to "sync now"."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from recyclic.models.outbox import JobStatus
from recyclic.models.sync_log import SyncStatus
from recyclic.schemas.common import ResponseSchema


class SyncLogOut(ResponseSchema):
    """One attempt of one outbound operation."""

    id: uuid.UUID
    site_id: uuid.UUID | None
    run_id: uuid.UUID | None = Field(description="La synchronisation (tâche) de la tentative.")
    service: str = Field(description="kdrive, google_sheets ou sync (bilan d'une exécution).")
    operation: str = Field(description="webdav.upload, sheets.append, sync.run…")
    target: str = Field(description="Chemin distant ou nom d'onglet.")
    status: SyncStatus = Field(
        description="success ; pending : échec, nouvelle tentative prévue ; failed : abandon."
    )
    attempt: int
    next_retry_at: datetime | None
    error: str | None
    details: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


class JobOut(ResponseSchema):
    """A background job and its progress."""

    id: uuid.UUID
    task: str
    status: JobStatus
    site_id: uuid.UUID | None
    payload: dict[str, Any] = Field(description="Identifiants et valeurs simples.")
    attempts: int
    max_attempts: int
    run_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    last_error: str | None
    result: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


class SyncRunAccepted(ResponseSchema):
    """A sync was enqueued; follow it with GET /jobs/{job_id} and GET /sync/logs?run_id=…"""

    job_id: uuid.UUID
    site_id: uuid.UUID
    status: JobStatus
