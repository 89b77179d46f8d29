"""Queries on the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, or_, select

from recyclic.models.audit import AuditLog
from recyclic.repositories.base import BaseRepository, KeysetPage


class AuditLogRepository(BaseRepository[AuditLog]):
    model = AuditLog

    async def page_for_site(
        self,
        site_id: uuid.UUID | None,
        *,
        entity_type: str | None = None,
        entity_id: str | None = None,
        actor_id: uuid.UUID | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int,
        cursor: str | None,
    ) -> KeysetPage[AuditLog]:
        """Newest first; `site_id` None means every site (super admin). `action` matches
        the start of the action (`category.` finds every category change); `since` is
        included, `until` excluded."""
        statement = select(AuditLog)
        if site_id is not None:
            # Categories are shared by every site: their history belongs to everyone's.
            shared = and_(AuditLog.site_id.is_(None), AuditLog.entity_type == "category")
            statement = statement.where(or_(AuditLog.site_id == site_id, shared))
        if entity_type:
            statement = statement.where(AuditLog.entity_type == entity_type)
        if entity_id:
            statement = statement.where(AuditLog.entity_id == entity_id)
        if actor_id is not None:
            statement = statement.where(AuditLog.actor_id == actor_id)
        if action:
            statement = statement.where(AuditLog.action.startswith(action, autoescape=True))
        if since is not None:
            statement = statement.where(AuditLog.created_at >= since)
        if until is not None:
            statement = statement.where(AuditLog.created_at < until)
        return await self.paginate(
            statement, keys=(AuditLog.created_at, AuditLog.id), limit=limit, cursor=cursor
        )
