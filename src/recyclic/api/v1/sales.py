"""Sales (tickets), receipts and refunds."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import HTMLResponse, PlainTextResponse

from recyclic.api.deps import (
    AdminUser,
    OperatorActor,
    OperatorBodyRoute,
    SessionDep,
    SiteIdQuery,
    ViewerUser,
)
from recyclic.api.responses import JSONAfterCommit, json_response
from recyclic.schemas.common import Page, TicketWidth
from recyclic.schemas.sale import PaymentOut, RefundCreate, SaleCreate, SaleLineOut, SaleOut
from recyclic.services.cash.receipts import receipt_html, receipt_text
from recyclic.services.cash.refunds import RefundService
from recyclic.services.cash.sales import SaleService
from recyclic.services.cash.tickets import SaleView

router = APIRouter(
    prefix="/sales",
    tags=["ventes"],
    responses={
        401: {"description": "Non authentifié"},
        403: {"description": "Rôle insuffisant ou autre caissier"},
        404: {"description": "Introuvable (ou autre site)"},
        409: {"description": "Session ou période clôturée, id déjà utilisé"},
    },
)


def sale_out(view: SaleView) -> SaleOut:
    """The API form of a sale (euros and kilograms)."""
    sale = view.sale
    return SaleOut(
        id=sale.id,
        site_id=sale.site_id,
        session_id=sale.session_id,
        cashier_id=sale.cashier_id,
        status=sale.status,
        number=sale.journal_seq,
        items=[SaleLineOut.model_validate(line) for line in view.lines],
        payments=[PaymentOut.model_validate(p) for p in view.payments],
        total=sale.total_cents,
        change=sale.change_cents,
        refund_of=sale.refund_of,
        refund_reason=sale.refund_reason,
        created_at=sale.created_at,
        received_at=sale.received_at,
    )


@router.get("", response_model=Page[SaleOut])
async def list_sales(
    user: ViewerUser,
    session: SessionDep,
    site_id: SiteIdQuery = None,
    session_id: uuid.UUID | None = None,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: date | None = None,
    category: Annotated[str | None, Query(max_length=16)] = None,
    payment_method: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """Sales newest first (keyset pagination: a deep page costs what the first does)."""
    views, next_cursor = await SaleService(session).list_sales(
        user,
        site_id,
        session_id=session_id,
        from_date=from_,
        to_date=to,
        category=category,
        payment_method=payment_method,
        limit=limit,
        cursor=cursor,
    )
    return json_response(Page[SaleOut](items=[sale_out(v) for v in views], next_cursor=next_cursor))


async def create_sale(data: SaleCreate, user: OperatorActor, session: SessionDep) -> Response:
    """A ticket; replaying the same client id and content answers 200 with the existing one."""
    created = await SaleService(session).create_sale(user, data)
    return JSONAfterCommit(
        lambda: sale_out(created.view),
        status.HTTP_200_OK if created.replayed else status.HTTP_201_CREATED,
    )


router.add_api_route(
    "",
    create_sale,
    methods=["POST"],
    response_model=SaleOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": SaleOut, "description": "Renvoi identique : la vente existante"}},
    # The till's hot path: the parameters above are resolved without FastAPI's generic
    # solver, with the same answers (api/deps.py).
    route_class_override=OperatorBodyRoute,
)


@router.get("/{sale_id}", response_model=SaleOut)
async def get_sale(sale_id: uuid.UUID, user: ViewerUser, session: SessionDep) -> SaleOut:
    """A sale with its lines and payments."""
    return sale_out(await SaleService(session).get_sale(user, sale_id))


@router.get(
    "/{sale_id}/receipt",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}, "text/html": {}}}},
)
async def get_receipt(
    sale_id: uuid.UUID,
    user: ViewerUser,
    session: SessionDep,
    format: Literal["text", "html"] = "text",
    width: TicketWidth = 32,
) -> Any:
    """The receipt with the site's legal mentions: 32/48-column text or HTML."""
    view, site, labels = await SaleService(session).receipt(user, sale_id)
    if format == "html":
        return HTMLResponse(receipt_html(view, site, labels))
    return PlainTextResponse(receipt_text(view, site, labels, width))


@router.post("/{sale_id}/refund", response_model=SaleOut, status_code=status.HTTP_201_CREATED)
async def refund_sale(
    sale_id: uuid.UUID, data: RefundCreate, user: AdminUser, session: SessionDep
) -> SaleOut:
    """Refund all or part of a sale (admin, in an open session, with a reason)."""
    return sale_out(await RefundService(session).refund(user, sale_id, data))
