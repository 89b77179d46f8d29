"""Outbound flows (*sorties*): lots handed to eco-organisms, recyclers, déchèteries or given.

They are the only source of the recycled and disposed weights of the exports (spec §4), so
each one is validated (an active category, a plausible weight, a date that is not in the
future in the site's time zone) and every change is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.exceptions import InvalidInput, NotFound
from recyclic.models.base import utcnow
from recyclic.models.outbound_flow import OutboundFlow
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.repositories.base import KeysetPage
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.repositories.outbound_flow_repository import FlowFilters, OutboundFlowRepository
from recyclic.repositories.site_repository import SiteRepository
from recyclic.schemas.outbound_flow import OutboundFlowCreate, OutboundFlowUpdate
from recyclic.services.access.audit import AuditService, snapshot
from recyclic.services.access.scope import require_role, site_filter, target_site
from recyclic.services.deposits.errors import UnknownCategory
from recyclic.services.people.sites import SiteNotFound
from recyclic.utils.dates import local_today
from recyclic.utils.periods import ensure_ordered

# The oldest date a flow may carry: anything earlier is a typing error.
EARLIEST_DATE = date(2000, 1, 1)
_AUDITED = ("date", "category", "weight_g", "destination", "partner", "document_ref", "notes")


class OutboundFlowNotFound(NotFound):
    code = "outbound_flow_not_found"
    message = "Sortie introuvable."


class FlowDateOutOfRange(InvalidInput):
    code = "invalid_flow_date"
    message = "La date de sortie ne peut pas être dans le futur."


class OutboundFlowService:
    def __init__(self, session: AsyncSession, *, now: Callable[[], datetime] = utcnow) -> None:
        self.now = now
        self.flows = OutboundFlowRepository(session)
        self.categories = CategoryRepository(session)
        self.sites = SiteRepository(session)
        self.audit = AuditService(session)

    async def list_flows(
        self,
        actor: User,
        site_id: uuid.UUID | None,
        filters: FlowFilters,
        *,
        limit: int,
        cursor: str | None,
    ) -> KeysetPage[OutboundFlow]:
        """Flows of the site (every site for a super admin who names none), newest first."""
        require_role(actor, Role.VIEWER)
        ensure_ordered(filters.first_day, filters.last_day)
        return await self.flows.page(
            site_filter(actor, site_id), filters, limit=limit, cursor=cursor
        )

    async def get_flow(self, actor: User, flow_id: uuid.UUID) -> OutboundFlow:
        """One flow of the actor's site (404 for another site's)."""
        require_role(actor, Role.VIEWER)
        flow = await self.flows.get_in_site(flow_id, site_filter(actor, None))
        if flow is None:
            raise OutboundFlowNotFound()
        return flow

    async def create(self, actor: User, data: OutboundFlowCreate) -> OutboundFlow:
        """Record a flow (admins)."""
        require_role(actor, Role.ADMIN)
        site = await self._site(target_site(actor, data.site_id))
        self._check_date(data.date, site)
        flow = OutboundFlow(
            site_id=site.id,
            date=data.date,
            category=await self._category(data.category),
            weight_g=data.weight_kg,
            destination=data.destination,
            partner=data.partner,
            document_ref=data.document_ref,
            notes=data.notes,
            created_by=actor.id,
        )
        await self.flows.add(flow)
        await self.audit.record(
            actor=actor,
            action="outbound_flow.create",
            entity_type="outbound_flow",
            entity_id=flow.id,
            site_id=site.id,
            after=snapshot(flow, _AUDITED),
        )
        return flow

    async def update(
        self, actor: User, flow_id: uuid.UUID, data: OutboundFlowUpdate
    ) -> OutboundFlow:
        """Correct a flow (admins); absent fields are left as they are."""
        require_role(actor, Role.ADMIN)
        flow = await self.get_flow(actor, flow_id)
        changes: dict[str, Any] = data.model_dump(exclude_unset=True)
        if "weight_kg" in changes:
            changes["weight_g"] = changes.pop("weight_kg")
        if "date" in changes:
            self._check_date(changes["date"], await self._site(flow.site_id))
        if "category" in changes and changes["category"] != flow.category:
            changes["category"] = await self._category(changes["category"])
        before = snapshot(flow, _AUDITED)
        await self.flows.update(flow, changes)
        await self.audit.record(
            actor=actor,
            action="outbound_flow.update",
            entity_type="outbound_flow",
            entity_id=flow.id,
            site_id=flow.site_id,
            before=before,
            after=snapshot(flow, _AUDITED),
        )
        return flow

    async def delete(self, actor: User, flow_id: uuid.UUID) -> None:
        """Delete a flow recorded by mistake (admins); the audit log keeps what it was."""
        require_role(actor, Role.ADMIN)
        flow = await self.get_flow(actor, flow_id)
        before = snapshot(flow, _AUDITED)
        await self.flows.delete(flow)
        await self.audit.record(
            actor=actor,
            action="outbound_flow.delete",
            entity_type="outbound_flow",
            entity_id=flow_id,
            site_id=flow.site_id,
            before=before,
        )

    def _check_date(self, day: date, site: Site) -> None:
        # "Today" is the site's: at 00:30 in Paris it is already tomorrow in UTC terms.
        today = local_today(site.timezone, self.now())
        if day > today:
            raise FlowDateOutOfRange(
                f"La date de sortie ({day:%d/%m/%Y}) est dans le futur : "
                f"nous sommes le {today:%d/%m/%Y} sur ce site."
            )
        if day < EARLIEST_DATE:
            raise FlowDateOutOfRange(f"Date de sortie invraisemblable : {day:%d/%m/%Y}.")

    async def _category(self, code: str) -> str:
        category = await self.categories.get_by_code(code)
        if category is None or not category.active:
            raise UnknownCategory(f"Catégorie inconnue ou désactivée : « {code} ».")
        return category.code

    async def _site(self, site_id: uuid.UUID) -> Site:
        site = await self.sites.get(site_id)
        if site is None:
            raise SiteNotFound()
        return site
