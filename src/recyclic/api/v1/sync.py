"""Cloud sync status (admins): the log of every attempt, and "sync now"."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import AwareDatetime

from recyclic.api.deps import AdminUser, SessionDep, SettingsDep, SiteFilter, SiteIdQuery
from recyclic.models.sync_log import SyncStatus
from recyclic.repositories.sync_repository import SyncLogFilters
from recyclic.schemas.common import Page
from recyclic.schemas.sync import SyncLogOut, SyncRunAccepted
from recyclic.services.sync.log import SyncLogService
from recyclic.services.sync.sync_service import request_sync

router = APIRouter(
    prefix="/sync",
    tags=["synchronisation"],
    responses={
        401: {"description": "Non authentifié"},
        403: {"description": "Rôle insuffisant"},
        404: {"description": "Autre site"},
    },
)


@router.get("/logs", response_model=Page[SyncLogOut], summary="Journal de synchronisation")
async def list_sync_logs(
    actor: AdminUser,
    session: SessionDep,
    site_id: SiteFilter,
    status_: Annotated[SyncStatus | None, Query(alias="status")] = None,
    service: Annotated[
        str | None, Query(max_length=32, description="kdrive, google_sheets ou sync")
    ] = None,
    operation: Annotated[
        str | None, Query(max_length=64, description="webdav.upload, sheets.append, sync.run…")
    ] = None,
    run_id: Annotated[uuid.UUID | None, Query(description="Une exécution (id de tâche)")] = None,
    since: Annotated[
        AwareDatetime | None, Query(description="Depuis (ISO 8601 avec fuseau, inclus)")
    ] = None,
    until: Annotated[
        AwareDatetime | None, Query(description="Jusqu'à (ISO 8601 avec fuseau, exclu)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Page[SyncLogOut]:
    """Every attempt of every upload and append, newest first."""
    filters = SyncLogFilters(
        site_id=site_id,
        service=service,
        operation=operation,
        status=status_,
        run_id=run_id,
        since=since,
        until=until,
    )
    page = await SyncLogService(session).page(actor, filters, limit=limit, cursor=cursor)
    return Page(
        items=[SyncLogOut.model_validate(row) for row in page.items],
        next_cursor=page.next_cursor,
    )


@router.post(
    "/run",
    response_model=SyncRunAccepted,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Synchroniser maintenant",
    responses={409: {"description": "Aucune synchronisation configurée"}},
)
async def run_sync(
    actor: AdminUser, session: SessionDep, settings: SettingsDep, site_id: SiteIdQuery = None
) -> SyncRunAccepted:
    """Enqueue a sync of the site now (kDrive files, Google Sheets rows); it runs in the
    background: follow it with GET /jobs/{job_id} and GET /sync/logs?run_id={job_id}."""
    job = await request_sync(session, settings, actor, site_id)
    assert job.site_id is not None
    return SyncRunAccepted(job_id=job.id, site_id=job.site_id, status=job.status)
