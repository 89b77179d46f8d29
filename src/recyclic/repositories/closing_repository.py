"""Queries on period closings."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from recyclic.models.journal import Closing, ClosingKind
from recyclic.repositories.base import BaseRepository, KeysetPage


class ClosingRepository(BaseRepository[Closing]):
    model = Closing

    async def find(self, site_id: uuid.UUID, kind: ClosingKind, start: date) -> Closing | None:
        return await self.one_or_none(
            select(Closing).where(
                Closing.site_id == site_id, Closing.kind == kind, Closing.period_start == start
            )
        )

    async def get_in_site(self, closing_id: uuid.UUID, site_id: uuid.UUID | None) -> Closing | None:
        statement = select(Closing).where(Closing.id == closing_id)
        if site_id is not None:
            statement = statement.where(Closing.site_id == site_id)
        return await self.one_or_none(statement)

    async def page(
        self,
        site_id: uuid.UUID | None,
        kind: ClosingKind | None,
        *,
        limit: int,
        cursor: str | None,
    ) -> KeysetPage[Closing]:
        statement = select(Closing)
        if site_id is not None:
            statement = statement.where(Closing.site_id == site_id)
        if kind is not None:
            statement = statement.where(Closing.kind == kind)
        return await self.paginate(
            statement, keys=(Closing.created_at, Closing.id), limit=limit, cursor=cursor
        )
