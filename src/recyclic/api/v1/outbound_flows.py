"""Outbound flows (sorties): lots that leave the shop other than by sale."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from recyclic.api.deps import AdminUser, SessionDep, SiteIdQuery, ViewerUser
from recyclic.models.outbound_flow import OutboundDestination
from recyclic.repositories.outbound_flow_repository import FlowFilters
from recyclic.schemas.common import Page
from recyclic.schemas.outbound_flow import OutboundFlowCreate, OutboundFlowOut, OutboundFlowUpdate
from recyclic.services.deposits.outbound_flows import OutboundFlowService

router = APIRouter(
    prefix="/outbound-flows",
    tags=["sorties"],
    responses={
        401: {"description": "Non authentifié"},
        403: {"description": "Rôle insuffisant"},
        404: {"description": "Introuvable (ou autre site)"},
    },
)
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "Données invalides, catégorie inconnue, date future"}
}


@router.get(
    "", response_model=Page[OutboundFlowOut], summary="Liste des sorties", responses=_INVALID
)
async def list_flows(
    actor: ViewerUser,
    session: SessionDep,
    site_id: SiteIdQuery = None,
    first_day: Annotated[
        date | None, Query(alias="from", description="Premier jour inclus")
    ] = None,
    last_day: Annotated[date | None, Query(alias="to", description="Dernier jour inclus")] = None,
    category: Annotated[str | None, Query(max_length=16, description="Code de catégorie")] = None,
    destination: OutboundDestination | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Page[OutboundFlowOut]:
    """Flows of the site, most recent date first (filters: from, to, category, destination)."""
    filters = FlowFilters(
        first_day=first_day,
        last_day=last_day,
        category=category.strip().upper() if category else None,
        destination=destination,
    )
    page = await OutboundFlowService(session).list_flows(
        actor, site_id, filters, limit=limit, cursor=cursor
    )
    return Page(
        items=[OutboundFlowOut.model_validate(f) for f in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "",
    response_model=OutboundFlowOut,
    status_code=status.HTTP_201_CREATED,
    summary="Enregistrer une sortie",
    responses=_INVALID,
)
async def create_flow(
    data: OutboundFlowCreate, actor: AdminUser, session: SessionDep, site_id: SiteIdQuery = None
) -> OutboundFlowOut:
    """A lot handed to an eco-organism, a recycler, a déchèterie, or given away (admin)."""
    if data.site_id is None and site_id is not None:
        data = data.model_copy(update={"site_id": site_id})
    return OutboundFlowOut.model_validate(await OutboundFlowService(session).create(actor, data))


@router.get("/{flow_id}", response_model=OutboundFlowOut, summary="Une sortie")
async def get_flow(flow_id: uuid.UUID, actor: ViewerUser, session: SessionDep) -> OutboundFlowOut:
    """One flow of the site."""
    return OutboundFlowOut.model_validate(
        await OutboundFlowService(session).get_flow(actor, flow_id)
    )


@router.patch(
    "/{flow_id}", response_model=OutboundFlowOut, summary="Corriger une sortie", responses=_INVALID
)
async def update_flow(
    flow_id: uuid.UUID, data: OutboundFlowUpdate, actor: AdminUser, session: SessionDep
) -> OutboundFlowOut:
    """Correct a flow (admin, audited)."""
    flow = await OutboundFlowService(session).update(actor, flow_id, data)
    return OutboundFlowOut.model_validate(flow)


@router.delete(
    "/{flow_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Supprimer une sortie",
)
async def delete_flow(flow_id: uuid.UUID, actor: AdminUser, session: SessionDep) -> Response:
    """Delete a flow recorded by mistake (admin, audited)."""
    await OutboundFlowService(session).delete(actor, flow_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
