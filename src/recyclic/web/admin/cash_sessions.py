"""Cash sessions (`/admin/sessions`): the site's sessions, open or closed, filtered in the URL
and paged with the API's cursor; a session's Z report (X while it is open), printable. The
API's `/cash-sessions` routes are open to viewers, so is this page; sessions open for more than
24 h are flagged."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import Query
from fastapi.responses import HTMLResponse

from recyclic.api.deps import SessionDep
from recyclic.models.cash import SessionStatus
from recyclic.services.cash.errors import SessionNotFound
from recyclic.services.cash.sessions import CashService
from recyclic.services.cash.z_report import PAYMENT_LABELS
from recyclic.services.catalog.categories import CategoryService
from recyclic.utils.formatting import format_percent
from recyclic.web.admin.people import Blank
from recyclic.web.admin.shell import ViewerPage, admin_router, render

router = admin_router()

PAGE_SIZE = 30
STATUSES = {"ouvertes": SessionStatus.OPENED, "closes": SessionStatus.CLOSED}


@router.get("/admin/sessions")
async def sessions(
    ctx: ViewerPage,
    session: SessionDep,
    statut: Annotated[Literal["ouvertes", "closes"] | None, Blank] = None,
    caisse: Annotated[uuid.UUID | None, Blank] = None,
    first: Annotated[date | None, Blank, Query(alias="du")] = None,
    last: Annotated[date | None, Blank, Query(alias="au")] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    """Sessions newest first (by opening), with the stale ones flagged."""
    cash = CashService(session)
    views, next_cursor = await cash.list_sessions(
        ctx.user,
        ctx.site.id,
        status=STATUSES[statut] if statut else None,
        register_id=caisse,
        cashier_id=None,
        from_date=first,
        to_date=last,
        limit=PAGE_SIZE,
        cursor=cursor,
    )
    registers = await cash.list_registers(ctx.user, ctx.site.id)
    filters = {
        "statut": statut,
        "caisse": str(caisse) if caisse else None,
        "du": first.isoformat() if first else None,
        "au": last.isoformat() if last else None,
    }
    return render(
        ctx,
        "admin/sessions.html",
        views=views,
        next_cursor=next_cursor,
        first_page=cursor is None,
        registers=registers,
        register_names={r.id: r.name for r in registers},
        cashiers=await cash.cashier_names([v.session for v in views]),
        filters=filters,
    )


@router.get("/admin/sessions/{session_id}")
async def session_detail(
    session_id: uuid.UUID, ctx: ViewerPage, session: SessionDep
) -> HTMLResponse:
    """A session's Z report (the live X report while it is open), ready to print."""
    cash = CashService(session)
    cash_session, report = await cash.report(ctx.user, session_id)
    if cash_session.site_id != ctx.site.id:
        # A super admin on this site's pages: another site's session is that site's.
        raise SessionNotFound()
    names = await cash.cashier_names([cash_session])
    categories = await CategoryService(session).list_categories(include_inactive=True)
    return render(
        ctx,
        "admin/session.html",
        cash_session=cash_session,
        report=report,
        cashier=names.get(cash_session.cashier_id, ""),
        payment_labels=PAYMENT_LABELS,
        category_labels={c.code: c.label for c in categories},
        percent=format_percent,
    )
