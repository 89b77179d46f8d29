"""The dashboard (`/admin`): a site's figures over a period, each chart beside its table."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query
from fastapi.responses import HTMLResponse

from recyclic.api.deps import SessionDep
from recyclic.services.reporting.dashboard import PERIOD_CHOICES, PERIOD_LABELS, DashboardService
from recyclic.web.admin.shell import ViewerPage, admin_router, render

router = admin_router()


@router.get("/admin")
async def dashboard(
    ctx: ViewerPage,
    session: SessionDep,
    periode: str | None = None,
    first: Annotated[date | None, Query(alias="du")] = None,
    last: Annotated[date | None, Query(alias="au")] = None,
) -> HTMLResponse:
    """The figures of the chosen period (this month by default): what came in, what left,
    sales and takings, where deposits come from, the AI's accuracy, open sessions."""
    board = await DashboardService(session).dashboard(
        ctx.user, ctx.site.id, choice=periode, first=first, last=last
    )
    return render(
        ctx,
        "admin/dashboard.html",
        board=board,
        choices=[(choice, PERIOD_LABELS[choice]) for choice in PERIOD_CHOICES],
    )
