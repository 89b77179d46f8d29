"""The audit log: every change to users, roles, sites, settings, categories and refunds."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.audit import AuditLog
from recyclic.models.user import User
from recyclic.repositories.audit_repository import AuditLogRepository
from recyclic.repositories.base import KeysetPage

# Never copied into the audit trail.
_SECRET_FIELDS = frozenset({"pin_hash", "password", "secret", "token"})
# Personal data: the trail says that it changed, not what it was, so that anonymising a user
# (GDPR) leaves nothing of them behind in the history.
_PERSONAL_FIELDS = frozenset({"full_name", "username", "email", "telegram_id"})
_REDACTED = "[donnée personnelle]"


def _redact(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (_REDACTED if k in _PERSONAL_FIELDS and v is not None else v) for k, v in values.items()
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of a row as JSON-ready values (secrets left out)."""
    return {f: _plain(getattr(obj, f)) for f in fields if f not in _SECRET_FIELDS}


class AuditService:
    def __init__(self, session: AsyncSession) -> None:
        self.logs = AuditLogRepository(session)

    async def record(
        self,
        *,
        actor: User | None,
        action: str,
        entity_type: str,
        entity_id: object,
        site_id: uuid.UUID | None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> AuditLog | None:
        """Write one entry; only the fields that changed are kept for an update."""
        if before is not None and after is not None:
            changed = {k for k in after if before.get(k) != after.get(k)}
            if not changed:
                return None
            before = {k: before.get(k) for k in sorted(changed)}
            after = {k: after[k] for k in sorted(changed)}
        entry = AuditLog(
            site_id=site_id,
            actor_id=actor.id if actor else None,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            before=_redact(_plain(before)) if before is not None else None,
            after=_redact(_plain(after)) if after is not None else None,
        )
        return await self.logs.add(entry, flush=False)

    async def page(
        self,
        site_id: uuid.UUID | None,
        *,
        entity_type: str | None,
        entity_id: str | None,
        limit: int,
        cursor: str | None,
        actor_id: uuid.UUID | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> KeysetPage[AuditLog]:
        """Entries of a site (None: every site), newest first; optionally one actor's, the
        actions starting with `action`, between `since` (included) and `until` (excluded)."""
        return await self.logs.page_for_site(
            site_id,
            entity_type=entity_type,
            entity_id=entity_id,
            actor_id=actor_id,
            action=action,
            since=since,
            until=until,
            limit=limit,
            cursor=cursor,
        )
