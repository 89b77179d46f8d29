"""The audit log (admins)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from recyclic.api.deps import AdminUser, SessionDep, SiteFilter
from recyclic.schemas.common import Page, ResponseSchema
from recyclic.services.access.audit import AuditService

router = APIRouter(
    prefix="/audit-logs",
    tags=["journal d'audit"],
    responses={403: {"description": "Rôle insuffisant"}},
)


class AuditLogOut(ResponseSchema):
    id: uuid.UUID
    site_id: uuid.UUID | None
    actor_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    created_at: datetime


@router.get("", response_model=Page[AuditLogOut])
async def list_audit_logs(
    _actor: AdminUser,
    session: SessionDep,
    site_id: SiteFilter,
    entity_type: Annotated[str | None, Query(max_length=32)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Page[AuditLogOut]:
    """Who changed what, newest first."""
    page = await AuditService(session).page(
        site_id, entity_type=entity_type, entity_id=entity_id, limit=limit, cursor=cursor
    )
    return Page(
        items=[AuditLogOut.model_validate(e) for e in page.items], next_cursor=page.next_cursor
    )
