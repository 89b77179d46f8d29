"""What the back office shows of a site's sync: each target, whether and where it is
configured (never a secret), and its last attempts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.config import Settings
from recyclic.core.exceptions import ConfigurationError
from recyclic.models.site import Site
from recyclic.models.sync_log import SyncLog, SyncStatus
from recyclic.models.user import Role, User
from recyclic.repositories.site_repository import SiteRepository
from recyclic.repositories.sync_repository import SyncLogFilters, SyncLogRepository
from recyclic.services.access.scope import require_role
from recyclic.services.sync.config import resolve_targets

TARGET_LABELS = {"kdrive": "kDrive (fichiers)", "google_sheets": "Google Sheets (tableaux)"}


@dataclass(frozen=True, slots=True)
class TargetStatus:
    """One sync target of a site."""

    service: str
    label: str
    # "site" (its own settings), "installation" (the server's), or None (not configured).
    source: str | None
    problem: str | None
    last: SyncLog | None
    last_success: SyncLog | None


async def target_statuses(
    session: AsyncSession, settings: Settings, actor: User, site: Site
) -> list[TargetStatus]:
    """Each target of a site the actor already reached (admins)."""
    require_role(actor, Role.ADMIN)
    single = await SiteRepository(session).count() == 1
    problem: str | None = None
    try:
        targets = resolve_targets(site, settings, single_site=single)
        configured = {
            "kdrive": targets.kdrive is not None,
            "google_sheets": targets.sheets is not None,
        }
    except ConfigurationError as exc:
        problem = str(exc)
        config = site.sync_config or {}
        configured = {
            "kdrive": bool(config.get("kdrive_url")),
            "google_sheets": bool(config.get("google_sheets_spreadsheet_id")),
        }
    own = {
        "kdrive": bool((site.sync_config or {}).get("kdrive_url")),
        "google_sheets": bool((site.sync_config or {}).get("google_sheets_spreadsheet_id")),
    }
    logs = SyncLogRepository(session)
    out = []
    for service, label in TARGET_LABELS.items():
        last = await _latest(logs, site.id, service, None)
        success = await _latest(logs, site.id, service, SyncStatus.SUCCESS)
        source = ("site" if own[service] else "installation") if configured[service] else None
        out.append(TargetStatus(service, label, source, problem, last, success))
    return out


async def _latest(
    logs: SyncLogRepository, site_id: uuid.UUID, service: str, status: SyncStatus | None
) -> SyncLog | None:
    page = await logs.page(
        SyncLogFilters(site_id=site_id, service=service, status=status), limit=1, cursor=None
    )
    return page.items[0] if page.items else None
