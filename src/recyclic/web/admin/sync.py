"""Synchronisation (`/admin/synchronisation`): each target's status, the log of attempts
(filters and cursor in the URL), "synchroniser maintenant" (a job, like
`POST /api/v1/sync/run`) and the site's sync settings.

A stored secret (kDrive password, Google service account key) is never shown nor sent back:
its field is always empty, "laisser vide pour garder"; a box removes it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import HTMLResponse
from pydantic import Field, ValidationError

from recyclic.api.deps import SessionDep, SettingsDep
from recyclic.api.errors import field_messages
from recyclic.core.config import Settings
from recyclic.models.sync_log import SyncStatus
from recyclic.repositories.sync_repository import SyncLogFilters
from recyclic.schemas.common import Schema
from recyclic.schemas.site import SiteSettings, SiteUpdate, SyncConfigOut
from recyclic.services.people.sites import SiteService
from recyclic.services.sync.log import SyncLogService
from recyclic.services.sync.status import TARGET_LABELS, target_statuses
from recyclic.services.sync.sync_service import request_sync
from recyclic.web.admin.shell import AdminContext, AdminPage, admin_router, read_form, render

router = admin_router()

PAGE_SIZE = 25
STATUS_LABELS = {"success": "Réussi", "pending": "À réessayer", "failed": "Échoué"}
SERVICE_LABELS = {**TARGET_LABELS, "sync": "Exécution"}
# The form's fields that never come back to the page.
SECRET_FIELDS = ("kdrive_password", "google_sheets_credentials_json")


class SyncForm(Schema):
    kdrive_url: str | None = Field(None, max_length=500, pattern=r"^https?://\S+$")
    kdrive_username: str | None = Field(None, max_length=200)
    kdrive_password: str | None = Field(None, max_length=500)
    forget_kdrive_password: bool = False
    google_sheets_spreadsheet_id: str | None = Field(None, max_length=200)
    google_sheets_credentials_json: str | None = Field(None, max_length=20_000)
    forget_google_sheets_credentials: bool = False
    sync_hour: int = Field(3, ge=0, le=23)

    def update(self) -> SiteUpdate:
        """Plain fields are set or cleared; a secret is replaced only when typed, removed
        only when its box is ticked, kept otherwise."""
        sync: dict[str, Any] = {
            "kdrive_url": self.kdrive_url or "",
            "kdrive_username": self.kdrive_username or "",
            "google_sheets_spreadsheet_id": self.google_sheets_spreadsheet_id or "",
        }
        for name in SECRET_FIELDS:
            forget = getattr(self, f"forget_{name.removesuffix('_json')}")
            typed = getattr(self, name)
            if forget:
                sync[name] = ""
            elif typed:
                sync[name] = typed
        return SiteUpdate.model_validate({"sync": sync, "settings": {"sync_hour": self.sync_hour}})


def form_values(ctx: AdminContext) -> dict[str, Any]:
    shown = SyncConfigOut.of(ctx.site.sync_config)
    return {
        "kdrive_url": shown.kdrive_url or "",
        "kdrive_username": shown.kdrive_username or "",
        "google_sheets_spreadsheet_id": shown.google_sheets_spreadsheet_id or "",
        "sync_hour": str(SiteSettings.of(ctx.site.settings).sync_hour),
    }


async def _page(
    ctx: AdminContext,
    session: SessionDep,
    settings: Settings,
    *,
    service: str | None = None,
    status: SyncStatus | None = None,
    cursor: str | None = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    statuses = await target_statuses(session, settings, ctx.user, ctx.site)
    filters = SyncLogFilters(site_id=ctx.site.id, service=service, status=status)
    logs = await SyncLogService(session).page(ctx.user, filters, limit=PAGE_SIZE, cursor=cursor)
    values = {k: v for k, v in (values or form_values(ctx)).items() if k not in SECRET_FIELDS}
    return render(
        ctx,
        "admin/sync.html",
        status_code=status_code,
        statuses=statuses,
        stored=SyncConfigOut.of(ctx.site.sync_config),
        logs=logs,
        service=service,
        status=status.value if status else None,
        cursor=cursor,
        values=values,
        errors=errors or {},
        notice=notice,
        status_labels=STATUS_LABELS,
        service_labels=SERVICE_LABELS,
    )


@router.get("/admin/synchronisation")
async def sync_page(
    ctx: AdminPage,
    session: SessionDep,
    settings: SettingsDep,
    service: Literal["kdrive", "google_sheets", "sync", ""] | None = None,
    statut: Literal["success", "pending", "failed", ""] | None = None,
    curseur: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    """Targets, the log (newest first, filtered) and the settings (an empty filter field is
    no filter)."""
    status = SyncStatus(statut) if statut else None
    return await _page(
        ctx, session, settings, service=service or None, status=status, cursor=curseur or None
    )


@router.post("/admin/synchronisation/lancer")
async def run_now(ctx: AdminPage, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """Enqueue a sync now (a 409 in French when nothing is configured)."""
    job = await request_sync(session, settings, ctx.user, ctx.site.id)
    notice = f"Synchronisation demandée (tâche {str(job.id)[:8]}) : elle s'exécute en arrière-plan."
    return await _page(ctx, session, settings, notice=notice)


@router.post("/admin/synchronisation/reglages")
async def save_settings(ctx: AdminPage, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """Save the sync settings; a secret typed is stored encrypted and never shown again."""
    form = await read_form(ctx.request, SyncForm)
    errors = form.errors
    update: SiteUpdate | None = None
    if form.data is not None:
        try:
            update = form.data.update()
        except ValidationError as exc:
            errors = {k.split(".")[-1]: v for k, v in field_messages(exc.errors()).items()}
    if update is None:
        return await _page(
            ctx, session, settings, values=form.values, errors=errors, status_code=422
        )
    service = SiteService(session, secret_key=settings.secret_key.get_secret_value())
    ctx.site = await service.update(ctx.user, ctx.site.id, update)
    return await _page(ctx, session, settings, notice="Réglages de synchronisation enregistrés.")
