"""Closings (`/admin/clotures`): daily, monthly and yearly closings of the till with the
perpetual grand total (the API's `GET /closings`, viewers), and closing a period (the API's
`POST /closings`, admins): `ClosingService` refuses a period already closed, one still holding
an open session, or one in the future."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from recyclic.api.deps import SessionDep
from recyclic.models.base import utcnow
from recyclic.models.journal import Closing, ClosingKind
from recyclic.services.cash.closings import ClosingNotFound, ClosingService
from recyclic.services.cash.z_report import PAYMENT_LABELS
from recyclic.utils.formatting import format_percent
from recyclic.web.admin.shell import (
    AdminContext,
    AdminPage,
    ViewerPage,
    admin_router,
    read_form,
    render,
)

router = admin_router()

PAGE_SIZE = 30
KIND_LABELS = {
    ClosingKind.DAILY: "Journalière",
    ClosingKind.MONTHLY: "Mensuelle",
    ClosingKind.YEARLY: "Annuelle",
}


class CloseForm(BaseModel):
    kind: ClosingKind
    # 2026-11-26, 2026-11 or 2026, as the API takes it.
    date: str = Field(min_length=4, max_length=10, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _suggestions(ctx: AdminContext) -> dict[str, str]:
    """The periods most likely to close next: yesterday, last month, last year (site time)."""
    today = utcnow().astimezone(ZoneInfo(ctx.site.timezone)).date()
    last_month = today.replace(day=1) - timedelta(days=1)
    return {
        "daily": (today - timedelta(days=1)).isoformat(),
        "monthly": last_month.strftime("%Y-%m"),
        "yearly": str(today.year - 1),
    }


async def _page(
    ctx: AdminContext,
    service: ClosingService,
    *,
    kind: ClosingKind | None = None,
    cursor: str | None = None,
    status_code: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    page = await service.list_closings(ctx.user, ctx.site.id, kind, limit=PAGE_SIZE, cursor=cursor)
    return render(
        ctx,
        "admin/clotures.html",
        status_code=status_code,
        closings=page.items,
        next_cursor=page.next_cursor,
        first_page=cursor is None,
        kind=kind,
        kind_labels=KIND_LABELS,
        grand_total=await service.grand_total(ctx.user, ctx.site.id),
        suggestions=_suggestions(ctx),
        errors=errors or {},
        done=done,
    )


@router.get("/admin/clotures")
async def closings(
    ctx: ViewerPage,
    session: SessionDep,
    kind: Annotated[ClosingKind | None, Query(alias="type")] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    """Closings newest first and the grand total; admins also close a period here."""
    return await _page(ctx, ClosingService(session), kind=kind, cursor=cursor)


@router.post("/admin/clotures")
async def close_period(request: Request, ctx: AdminPage, session: SessionDep) -> HTMLResponse:
    service = ClosingService(session)
    form = await read_form(request, CloseForm)
    if form.data is None:
        kinds = {kind.value for kind in ClosingKind}
        key = str(form.values.get("kind"))
        key = key if key in kinds else ClosingKind.DAILY.value
        errors = {key: {"date": "Indiquez la période : 2026-11-26, 2026-11 ou 2026."}}
        return await _page(ctx, service, status_code=422, errors=errors)
    closing = await service.close_period(
        ctx.user, kind=form.data.kind, date=form.data.date, site_id=ctx.site.id
    )
    label = KIND_LABELS[closing.kind].lower()
    return await _page(
        ctx,
        service,
        done=f"Clôture {label} enregistrée ({_period_text(closing)}), "
        f"journal n° {closing.journal_seq}.",
    )


def _period_text(closing: Closing) -> str:
    """The closed period as a French reader writes it: 26/11/2026, 11/2026 or 2026."""
    start = closing.period_start
    if closing.kind is ClosingKind.DAILY:
        return f"{start:%d/%m/%Y}"
    return f"{start:%m/%Y}" if closing.kind is ClosingKind.MONTHLY else f"{start:%Y}"


@router.get("/admin/clotures/{closing_id}")
async def closing_detail(
    closing_id: uuid.UUID, ctx: ViewerPage, session: SessionDep
) -> HTMLResponse:
    """A closing's totals, grand total and journal fingerprint, ready to print."""
    closing, _ = await ClosingService(session).get_closing(ctx.user, closing_id)
    if closing.site_id != ctx.site.id:
        # A super admin on this site's pages: another site's closing is that site's.
        raise ClosingNotFound()
    return render(
        ctx,
        "admin/cloture.html",
        closing=closing,
        kind_labels=KIND_LABELS,
        payment_labels=PAYMENT_LABELS,
        percent=format_percent,
    )
