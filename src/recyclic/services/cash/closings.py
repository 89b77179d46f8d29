"""Daily, monthly and yearly closings (Z of a period) with the perpetual grand total.

Closings are the till's own: history imported from another tool (Oressource) counts in
reports and exports, never in a closing's totals nor in the grand total.

A closing freezes its period: no sale may be dated inside it afterwards. It is journalled,
and records the chain head, which verification checks later.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.exceptions import Conflict, InvalidInput, NotFound
from recyclic.models.base import utcnow
from recyclic.models.journal import Closing, ClosingKind
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.repositories.base import KeysetPage
from recyclic.repositories.cash_repository import CashSessionRepository
from recyclic.repositories.closing_repository import ClosingRepository
from recyclic.repositories.sale_repository import SaleRepository
from recyclic.repositories.site_repository import SiteRepository
from recyclic.schemas.site import SiteSettings
from recyclic.services.access.scope import require_role, site_filter, target_site
from recyclic.services.cash.journal import JournalService
from recyclic.services.cash.z_report import vat_lines
from recyclic.services.people.sites import SiteNotFound
from recyclic.utils.periods import Period, parse_period


class ClosingNotFound(NotFound):
    code = "closing_not_found"
    message = "Clôture introuvable."


class PeriodAlreadyClosed(Conflict):
    code = "period_already_closed"
    message = "Cette période est déjà clôturée."


class SessionStillOpen(Conflict):
    code = "session_still_open"
    message = "Une session de caisse ouverte sur cette période doit d'abord être clôturée."


class ClosingService:
    def __init__(self, session: AsyncSession, *, now: Callable[[], datetime] = utcnow) -> None:
        self.now = now
        self.closings = ClosingRepository(session)
        self.sales = SaleRepository(session)
        self.sessions = CashSessionRepository(session)
        self.sites = SiteRepository(session)
        self.journal = JournalService(session)

    async def close_period(
        self, actor: User, *, kind: ClosingKind, date: str, site_id: uuid.UUID | None
    ) -> Closing:
        """Close a day, month or year of the site (its admins)."""
        require_role(actor, Role.ADMIN)
        site = await self._site(target_site(actor, site_id))
        period = parse_period(kind.value, date, site.timezone)
        now = self.now()
        if period.starts_at > now:
            raise InvalidInput("On ne clôture pas une période future.", code="period_in_future")
        lock = await self.journal.lock(site.id)
        if await self.closings.find(site.id, kind, period.start):
            raise PeriodAlreadyClosed()
        if await self.sessions.open_during(site.id, period.starts_at, period.ends_at):
            raise SessionStillOpen()
        totals = await self._totals(site, period)
        grand_total = await self.sales.grand_total(site.id, period.ends_at)
        closing_id = uuid.uuid4()
        entry = await self.journal.append(
            lock,
            kind="closing",
            ref_id=closing_id,
            now=now,
            data={
                "closing_kind": kind.value,
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "totals": totals,
                "grand_total_cents": grand_total,
            },
        )
        closing = Closing(
            id=closing_id,
            site_id=site.id,
            kind=kind,
            period_start=period.start,
            period_end=period.end,
            starts_at=period.starts_at,
            ends_at=period.ends_at,
            totals=totals,
            grand_total_cents=grand_total,
            journal_seq=entry.seq,
            journal_hash=entry.hash,
            created_by=actor.id,
            created_at=now,
        )
        return await self.closings.add(closing)

    async def _totals(self, site: Site, period: Period) -> dict[str, Any]:
        figures = await self.sales.period_figures(
            site.id, period.starts_at, period.ends_at, till_only=True
        )
        vat_mode = SiteSettings.of(site.settings).vat_mode
        return {
            "sales_count": figures.sales_count,
            "refunds_count": figures.refunds_count,
            "total_cents": figures.net_cents,
            "refunds_cents": figures.refunds_cents,
            "payments_cents": figures.payments_net_of_change(),
            "categories": [
                {"code": c, "quantity": q, "total_cents": t, "weight_g": w}
                for c, q, t, w in figures.categories
            ],
            "vat_mode": vat_mode,
            "vat": vat_lines(figures.vat) if vat_mode == "standard" else [],
        }

    async def list_closings(
        self,
        actor: User,
        site_id: uuid.UUID | None,
        kind: ClosingKind | None,
        *,
        limit: int,
        cursor: str | None,
    ) -> KeysetPage[Closing]:
        return await self.closings.page(
            site_filter(actor, site_id), kind, limit=limit, cursor=cursor
        )

    async def grand_total(self, actor: User, site_id: uuid.UUID | None) -> int:
        """The site's perpetual grand total now (the till's own sales net of refunds)."""
        site = await self._site(target_site(actor, site_id))
        return await self.sales.grand_total(site.id, self.now())

    async def get_closing(self, actor: User, closing_id: uuid.UUID) -> tuple[Closing, Site]:
        closing = await self.closings.get_in_site(closing_id, site_filter(actor, None))
        if closing is None:
            raise ClosingNotFound()
        return closing, await self._site(closing.site_id)

    async def _site(self, site_id: uuid.UUID) -> Site:
        site = await self.sites.get(site_id)
        if site is None:
            raise SiteNotFound()
        return site
