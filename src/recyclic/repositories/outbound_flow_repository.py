"""Queries on outbound flows: scoped reads, listings and period sums."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from recyclic.models.outbound_flow import OutboundDestination, OutboundFlow
from recyclic.repositories.base import BaseRepository, KeysetPage


@dataclass(frozen=True, slots=True)
class FlowFilters:
    """A listing's filters; dates are inclusive local dates of the site."""

    first_day: date | None = None
    last_day: date | None = None
    category: str | None = None
    destination: OutboundDestination | None = None


@dataclass(frozen=True, slots=True)
class FlowTotal:
    category: str
    destination: OutboundDestination
    weight_g: int


class OutboundFlowRepository(BaseRepository[OutboundFlow]):
    model = OutboundFlow

    async def get_in_site(
        self, flow_id: uuid.UUID, site_id: uuid.UUID | None
    ) -> OutboundFlow | None:
        """The flow if it belongs to `site_id` (None: any site)."""
        statement = select(OutboundFlow).where(OutboundFlow.id == flow_id)
        if site_id is not None:
            statement = statement.where(OutboundFlow.site_id == site_id)
        return await self.one_or_none(statement)

    async def page(
        self, site_id: uuid.UUID | None, filters: FlowFilters, *, limit: int, cursor: str | None
    ) -> KeysetPage[OutboundFlow]:
        """Newest date first (keyset on date then id)."""
        statement = select(OutboundFlow)
        if site_id is not None:
            statement = statement.where(OutboundFlow.site_id == site_id)
        if filters.first_day is not None:
            statement = statement.where(OutboundFlow.date >= filters.first_day)
        if filters.last_day is not None:
            statement = statement.where(OutboundFlow.date <= filters.last_day)
        if filters.category is not None:
            statement = statement.where(OutboundFlow.category == filters.category)
        if filters.destination is not None:
            statement = statement.where(OutboundFlow.destination == filters.destination)
        return await self.paginate(
            statement, keys=(OutboundFlow.date, OutboundFlow.id), limit=limit, cursor=cursor
        )

    async def totals(self, site_id: uuid.UUID, first_day: date, last_day: date) -> list[FlowTotal]:
        """Weight per category and destination of the flows dated in [first_day, last_day]."""
        statement = (
            select(
                OutboundFlow.category,
                OutboundFlow.destination,
                func.coalesce(func.sum(OutboundFlow.weight_g), 0),
            )
            .where(
                OutboundFlow.site_id == site_id,
                OutboundFlow.date >= first_day,
                OutboundFlow.date <= last_day,
            )
            .group_by(OutboundFlow.category, OutboundFlow.destination)
        )
        rows = (await self.session.execute(statement)).all()
        return [
            FlowTotal(str(code), OutboundDestination(destination), int(grams))
            for code, destination, grams in rows
        ]
