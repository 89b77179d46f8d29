"""Background jobs (admins): what ran, what waits, what failed and why."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from recyclic.api.deps import AdminUser, SessionDep, SiteFilter
from recyclic.models.outbox import JobStatus
from recyclic.schemas.common import Page
from recyclic.schemas.sync import JobOut
from recyclic.services.messaging.outbox import JobTask, OutboxService

router = APIRouter(
    prefix="/jobs",
    tags=["tâches de fond"],
    responses={
        401: {"description": "Non authentifié"},
        403: {"description": "Rôle insuffisant"},
        404: {"description": "Introuvable (ou autre site)"},
    },
)


@router.get("", response_model=Page[JobOut], summary="Tâches de fond")
async def list_jobs(
    actor: AdminUser,
    session: SessionDep,
    site_id: SiteFilter,
    status_: Annotated[JobStatus | None, Query(alias="status")] = None,
    task: JobTask | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Page[JobOut]:
    """Jobs of the site, newest first (`status=failed` lists those that gave up)."""
    page = await OutboxService(session).page(
        actor, site_id, status=status_, task=task, limit=limit, cursor=cursor
    )
    return Page(items=[JobOut.model_validate(j) for j in page.items], next_cursor=page.next_cursor)


@router.get("/{job_id}", response_model=JobOut, summary="Une tâche de fond")
async def get_job(job_id: uuid.UUID, actor: AdminUser, session: SessionDep) -> JobOut:
    """One job: status, attempts, last error, result."""
    return JobOut.model_validate(await OutboxService(session).get_for(actor, job_id))
