"""Cash registers and cash sessions."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import PlainTextResponse

from recyclic.api.deps import (
    AdminUser,
    NotificationsDep,
    OperatorUser,
    SessionDep,
    SiteIdQuery,
    ViewerUser,
)
from recyclic.models.cash import CashSession, SessionStatus
from recyclic.schemas.cash import (
    MovementCreate,
    MovementOut,
    RegisterCreate,
    RegisterDetailOut,
    RegisterOut,
    RegisterUpdate,
    SessionClose,
    SessionOpen,
    SessionOut,
)
from recyclic.schemas.common import Page, TicketWidth
from recyclic.services.cash.sessions import CashService, SessionView
from recyclic.services.cash.z_report import render_text
from recyclic.utils.formatting import units_to_api

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Non authentifié"},
    403: {"description": "Rôle insuffisant ou autre caissier"},
    404: {"description": "Introuvable (ou autre site)"},
    409: {"description": "Session déjà ouverte ou clôturée"},
}
registers = APIRouter(prefix="/cash-registers", tags=["caisse"], responses=_ERRORS)
sessions = APIRouter(prefix="/cash-sessions", tags=["caisse"], responses=_ERRORS)


def session_out(view: SessionView) -> SessionOut:
    """A session with its live totals (open) or its Z report (closed), in euros."""
    session: CashSession = view.session
    live = None
    if view.figures is not None:
        f = view.figures
        live = units_to_api(
            {
                "sales_count": f.sales_count,
                "refunds_count": f.refunds_count,
                "sales_cents": f.sales_cents,
                "refunds_cents": f.refunds_cents,
                "payments_cents": f.payments,
                "change_cents": f.change_cents,
                "movements_cents": f.movements_cents,
                "expected_cash_cents": f.expected_cash(session.opening_cents),
            }
        )
    return SessionOut(
        id=session.id,
        site_id=session.site_id,
        register_id=session.register_id,
        cashier_id=session.cashier_id,
        status=session.status,
        opening_amount=session.opening_cents,
        opening_comment=session.opening_comment,
        expected_amount=session.expected_cents,
        actual_amount=session.actual_cents,
        variance=session.variance_cents,
        variance_comment=session.variance_comment,
        kept_float=session.kept_float_cents,
        bank_deposit=session.bank_deposit_cents,
        opened_at=session.opened_at,
        closed_at=session.closed_at,
        stale=view.stale,
        live_totals=live,
        closing_report=units_to_api(session.closing_report) if session.closing_report else None,
    )


@registers.get("", response_model=list[RegisterOut])
async def list_registers(
    user: ViewerUser, session: SessionDep, site_id: SiteIdQuery = None
) -> list[RegisterOut]:
    """The site's registers."""
    found = await CashService(session).list_registers(user, site_id)
    return [RegisterOut.model_validate(r) for r in found]


@registers.get("/{register_id}", response_model=RegisterDetailOut)
async def get_register(
    register_id: uuid.UUID, user: ViewerUser, session: SessionDep
) -> RegisterDetailOut:
    """A register, with the float its next session is proposed (the last close's kept one)."""
    register, proposed = await CashService(session).get_register(user, register_id)
    detail = RegisterDetailOut.model_validate(register)
    detail.proposed_float = proposed
    return detail


@registers.post("", response_model=RegisterOut, status_code=status.HTTP_201_CREATED)
async def create_register(
    data: RegisterCreate, user: AdminUser, session: SessionDep
) -> RegisterOut:
    """A new register (admin)."""
    return RegisterOut.model_validate(await CashService(session).create_register(user, data))


@registers.patch("/{register_id}", response_model=RegisterOut)
async def update_register(
    register_id: uuid.UUID, data: RegisterUpdate, user: AdminUser, session: SessionDep
) -> RegisterOut:
    """Rename or (de)activate a register (admin)."""
    register = await CashService(session).update_register(user, register_id, data)
    return RegisterOut.model_validate(register)


@sessions.get("", response_model=Page[SessionOut])
async def list_sessions(
    user: ViewerUser,
    session: SessionDep,
    site_id: SiteIdQuery = None,
    status_: Annotated[SessionStatus | None, Query(alias="status")] = None,
    register_id: uuid.UUID | None = None,
    cashier_id: uuid.UUID | None = None,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Page[SessionOut]:
    """Sessions, newest first (filters: status, register, cashier, opening dates)."""
    views, next_cursor = await CashService(session).list_sessions(
        user,
        site_id,
        status=status_,
        register_id=register_id,
        cashier_id=cashier_id,
        from_date=from_,
        to_date=to,
        limit=limit,
        cursor=cursor,
    )
    return Page(items=[session_out(v) for v in views], next_cursor=next_cursor)


@sessions.post("", response_model=SessionOut, status_code=status.HTTP_201_CREATED)
async def open_session(data: SessionOpen, user: OperatorUser, session: SessionDep) -> SessionOut:
    """Open a register with a float (the previous session's kept float is proposed)."""
    service = CashService(session)
    return session_out(await service.view(await service.open_session(user, data)))


@sessions.get("/current", response_model=SessionOut)
async def current_session(user: OperatorUser, session: SessionDep) -> SessionOut:
    """The caller's open session, or 404."""
    return session_out(await CashService(session).current_session(user))


@sessions.get("/{session_id}", response_model=SessionOut)
async def get_session(session_id: uuid.UUID, user: ViewerUser, session: SessionDep) -> SessionOut:
    """A session with its live totals."""
    return session_out(await CashService(session).get_session(user, session_id))


@sessions.post(
    "/{session_id}/movements", response_model=MovementOut, status_code=status.HTTP_201_CREATED
)
async def add_movement(
    session_id: uuid.UUID, data: MovementCreate, user: OperatorUser, session: SessionDep
) -> MovementOut:
    """Put cash in (positive) or take it out (negative), with a reason."""
    movement = await CashService(session).add_movement(user, session_id, data.amount, data.reason)
    return MovementOut.model_validate(movement)


@sessions.post("/{session_id}/close", response_model=SessionOut)
async def close_session(
    session_id: uuid.UUID,
    data: SessionClose,
    user: OperatorUser,
    session: SessionDep,
    notifications: NotificationsDep,
) -> SessionOut:
    """Close with the counted cash (or a count by denomination) and the float kept; admins
    hear of a variance above the site's threshold (after the commit, never waited for)."""
    service = CashService(session, notifications=notifications)
    closed = await service.close_session(user, session_id, data)
    return session_out(SessionView(closed, None, False))


@sessions.get(
    "/{session_id}/report",
    responses={200: {"content": {"text/plain": {}, "application/json": {}}}},
)
async def session_report(
    session_id: uuid.UUID,
    user: ViewerUser,
    session: SessionDep,
    format: Literal["json", "text"] = "json",
    width: TicketWidth = 48,
) -> Any:
    """The Z report (X while the session is open), as JSON or a 32/48-column ticket."""
    _, report = await CashService(session).report(user, session_id)
    if format == "text":
        return PlainTextResponse(render_text(report, width))
    return units_to_api(report)
