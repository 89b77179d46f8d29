"""Refunds: a sale is never edited; a correction is a negative ticket referring to it.

Made by an admin in an open session, with a reason and a refund method; never more than was
sold, line by line (the last refund of a line takes exactly what is left, so sums stay exact).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.exceptions import InvalidInput
from recyclic.models.base import utcnow
from recyclic.models.cash import SessionStatus
from recyclic.models.sale import Sale, SaleLine, SalePayment, SaleStatus
from recyclic.models.user import Role, User
from recyclic.repositories.cash_repository import CashSessionRepository
from recyclic.repositories.sale_repository import SaleRepository
from recyclic.repositories.site_repository import SiteRepository
from recyclic.repositories.ticket_repository import TicketRepository
from recyclic.schemas.sale import RefundCreate
from recyclic.schemas.site import SiteSettings
from recyclic.services.access.audit import AuditService
from recyclic.services.access.scope import require_role, site_filter
from recyclic.services.cash.errors import (
    PeriodClosed,
    RefundExceedsSale,
    SaleNotFound,
    SessionClosed,
    SessionNotFound,
)
from recyclic.services.cash.journal import JournalService
from recyclic.services.cash.pricing import PricingError, proportional, request_hash
from recyclic.services.cash.tickets import SaleView, allowed_methods, write_ticket


class RefundService:
    def __init__(self, session: AsyncSession, *, now: Callable[[], datetime] = utcnow) -> None:
        self.now = now
        self.sales = SaleRepository(session)
        self.sessions = CashSessionRepository(session)
        self.sites = SiteRepository(session)
        self.journal = JournalService(session)
        self.tickets = TicketRepository(session)
        self.audit = AuditService(session)

    async def refund(self, actor: User, sale_id: uuid.UUID, data: RefundCreate) -> SaleView:
        """A refund: a negative sale referring to the original, never more than was sold."""
        require_role(actor, Role.ADMIN)
        original = await self.sales.get_in_site(sale_id, site_filter(actor, None))
        if original is None:
            raise SaleNotFound()
        if original.refund_of is not None:
            raise InvalidInput("On ne rembourse pas un remboursement.", code="refund_of_refund")
        lock = await self.journal.lock(original.site_id)
        session = await self.sessions.get_in_site(data.session_id, original.site_id)
        if session is None:
            raise SessionNotFound()
        if session.status != SessionStatus.OPENED:
            raise SessionClosed()
        site = await self.sites.get(original.site_id)
        assert site is not None
        settings = SiteSettings.of(site.settings)
        method = data.method.strip().lower()
        if method not in allowed_methods(settings) - {"free"}:
            raise PricingError(
                f"Moyen de remboursement non accepté : {data.method}.",
                code="payment_method_not_allowed",
            )
        now = self.now()
        if await self.sales.is_period_closed(original.site_id, now):
            raise PeriodClosed()
        refund_lines = await self._refund_lines(original, data, now)
        total = sum(line.line_total_cents for line in refund_lines)
        refund = Sale(
            id=uuid.uuid4(),
            site_id=original.site_id,
            session_id=session.id,
            cashier_id=actor.id,
            status=SaleStatus.COMPLETED,
            total_cents=total,
            change_cents=0,
            refund_of=original.id,
            refund_reason=data.reason.strip(),
            request_hash=request_hash(session_id=session.id, created_at=now, lines=[], payments=[]),
            created_at=now,
            received_at=now,
        )
        payment = SalePayment(
            id=uuid.uuid4(),
            sale_id=refund.id,
            site_id=refund.site_id,
            session_id=session.id,
            method=method,
            amount_cents=total,
            created_at=now,
        )
        for line in refund_lines:
            line.sale_id = refund.id
        view = SaleView(sale=refund, lines=refund_lines, payments=[payment])
        await write_ticket(self.tickets, lock, view, kind="refund", now=now)
        original.status = await self._status_after_refund(original)
        await self.audit.record(
            actor=actor,
            action="sale.refund",
            entity_type="sale",
            entity_id=original.id,
            site_id=original.site_id,
            after={
                "refund_id": str(refund.id),
                "total_cents": total,
                "reason": refund.refund_reason,
                "method": method,
            },
        )
        return view

    async def _refund_lines(
        self, original: Sale, data: RefundCreate, now: datetime
    ) -> list[SaleLine]:
        lines = (await self.sales.lines_for([original.id])).get(original.id, [])
        by_id = {line.id: line for line in lines}
        done = await self.sales.refunded_by_line(original.id)
        wanted: dict[uuid.UUID, int] = {}
        if data.items:
            for item in data.items:
                if item.line_id not in by_id:
                    raise InvalidInput("Ligne inconnue sur ce ticket.", code="unknown_line")
                wanted[item.line_id] = wanted.get(item.line_id, 0) + item.quantity
        else:
            wanted = {line.id: line.quantity - done.get(line.id, (0, 0, 0))[0] for line in lines}
            wanted = {k: v for k, v in wanted.items() if v > 0}
        if not wanted:
            raise RefundExceedsSale("Ce ticket est déjà entièrement remboursé.")
        result = []
        for position, (line_id, units) in enumerate(wanted.items(), start=1):
            line = by_id[line_id]
            units_done, cents_done, grams_done = done.get(line_id, (0, 0, 0))
            remaining = line.quantity - units_done
            if units > remaining:
                raise RefundExceedsSale()
            if units == remaining:
                # The last refund of a line takes exactly what is left: sums stay exact.
                cents, grams = line.line_total_cents - cents_done, (line.weight_g or 0) - grams_done
            else:
                cents = proportional(line.line_total_cents, units, line.quantity)
                grams = proportional(line.weight_g or 0, units, line.quantity)
            result.append(
                SaleLine(
                    id=uuid.uuid4(),
                    site_id=original.site_id,
                    position=position,
                    category=line.category,
                    description=line.description,
                    unit=line.unit,
                    quantity=-units,
                    unit_price_cents=line.unit_price_cents,
                    weight_g=-grams if line.weight_g is not None else None,
                    discount_percent_bp=line.discount_percent_bp,
                    discount_cents=0,
                    line_total_cents=-cents,
                    vat_rate_bp=line.vat_rate_bp,
                    refund_of_line=line.id,
                    created_at=now,
                )
            )
        return result

    async def _status_after_refund(self, original: Sale) -> SaleStatus:
        lines = (await self.sales.lines_for([original.id])).get(original.id, [])
        done = await self.sales.refunded_by_line(original.id)
        fully = all(done.get(line.id, (0, 0, 0))[0] >= line.quantity for line in lines)
        return SaleStatus.REFUNDED if fully else SaleStatus.PARTIALLY_REFUNDED
