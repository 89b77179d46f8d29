"""Period closings (daily, monthly, yearly) and journal verification."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import PlainTextResponse

from recyclic.api.deps import AdminUser, SessionDep, SiteIdQuery, ViewerUser
from recyclic.models.journal import ClosingKind
from recyclic.schemas.closing import ClosingCreate, ClosingOut, JournalVerifyOut
from recyclic.schemas.common import Page, TicketWidth
from recyclic.services.access.scope import target_site
from recyclic.services.cash.closings import ClosingService
from recyclic.services.cash.journal import JournalService
from recyclic.services.cash.z_report import render_closing_text

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Non authentifié"},
    403: {"description": "Rôle insuffisant"},
    404: {"description": "Introuvable (ou autre site)"},
    409: {"description": "Période déjà clôturée ou session ouverte"},
}
router = APIRouter(prefix="/closings", tags=["clôtures"], responses=_ERRORS)
journal = APIRouter(prefix="/journal", tags=["clôtures"], responses=_ERRORS)


@router.get("", response_model=Page[ClosingOut])
async def list_closings(
    user: ViewerUser,
    session: SessionDep,
    site_id: SiteIdQuery = None,
    kind: ClosingKind | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Page[ClosingOut]:
    """Closings newest first, each with its period totals and the perpetual grand total."""
    page = await ClosingService(session).list_closings(
        user, site_id, kind, limit=limit, cursor=cursor
    )
    return Page(
        items=[ClosingOut.from_closing(c) for c in page.items], next_cursor=page.next_cursor
    )


@router.post("", response_model=ClosingOut, status_code=status.HTTP_201_CREATED)
async def close_period(
    data: ClosingCreate, user: AdminUser, session: SessionDep, site_id: SiteIdQuery = None
) -> ClosingOut:
    """Close a day (2026-11-26), a month (2026-11) or a year (2026) of the site."""
    closing = await ClosingService(session).close_period(
        user, kind=data.kind, date=data.date, site_id=site_id
    )
    return ClosingOut.from_closing(closing)


@router.get(
    "/{closing_id}",
    response_model=ClosingOut,
    responses={200: {"content": {"text/plain": {}, "application/json": {}}}},
)
async def get_closing(
    closing_id: uuid.UUID,
    user: ViewerUser,
    session: SessionDep,
    format: Literal["json", "text"] = "json",
    width: TicketWidth = 48,
) -> Any:
    """A closing, as JSON or as a 32/48-column ticket."""
    closing, site = await ClosingService(session).get_closing(user, closing_id)
    if format == "text":
        return PlainTextResponse(
            render_closing_text(
                kind=closing.kind.value,
                period_start=closing.period_start.isoformat(),
                period_end=closing.period_end.isoformat(),
                totals=closing.totals,
                grand_total_cents=closing.grand_total_cents,
                journal_seq=closing.journal_seq,
                journal_hash=closing.journal_hash,
                site={"name": site.name, "legal_name": site.legal_name, "siret": site.siret},
                width=width,
            )
        )
    return ClosingOut.from_closing(closing)


@journal.get("/verify", response_model=JournalVerifyOut)
async def verify_journal(
    user: AdminUser, session: SessionDep, site_id: SiteIdQuery = None
) -> JournalVerifyOut:
    """Recompute the site's hash chain from the stored entries; name the first broken one."""
    result = await JournalService(session).verify(target_site(user, site_id))
    return JournalVerifyOut(
        ok=result.ok,
        entries=result.entries,
        head_hash=result.head_hash,
        first_broken_seq=result.first_broken_seq,
        reason=result.reason,
    )
