"""Sales: idempotent creation (offline replays), listings, receipts and daily totals.

Creating a ticket takes the site's journal lock first: every journalled write of a site is
then serialised, which makes the id check, the session check and the sequence number race-free
(including for concurrent replays of the same offline ticket).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.exceptions import InvalidInput
from recyclic.models.base import utcnow
from recyclic.models.cash import SessionStatus
from recyclic.models.sale import LineUnit, Sale, SaleStatus
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.repositories.base import KeysetPage
from recyclic.repositories.cash_repository import CashSessionRepository
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.repositories.sale_repository import SaleFilters, SaleRepository
from recyclic.repositories.site_repository import SiteRepository
from recyclic.repositories.ticket_repository import TicketRepository
from recyclic.schemas.sale import DailyTotal, SaleCreate
from recyclic.schemas.site import SiteSettings
from recyclic.services.access.scope import ActingUser, site_filter, target_site
from recyclic.services.cash.errors import (
    IdConflict,
    PeriodClosed,
    SaleNotFound,
    SessionClosed,
    SessionNotFound,
    UnknownCategory,
)
from recyclic.services.cash.journal import HeadLock, JournalService
from recyclic.services.cash.pricing import PricedTicket, price_ticket, request_hash
from recyclic.services.cash.sessions import DEFAULT_TIMEZONE, ensure_may_act_on
from recyclic.services.cash.tickets import (
    CreatedSale,
    SaleView,
    TicketRow,
    allowed_methods,
    write_checked_ticket,
)
from recyclic.services.people.sites import SiteNotFound
from recyclic.utils.keyed_locks import KeyedLocks
from recyclic.utils.periods import custom_period, local_date, make_period

OFFLINE_MAX_AGE = timedelta(hours=72)
CLOCK_SKEW = timedelta(minutes=5)
# The order in which this process's tickets of a site take the site's journal lock (keyed by
# the seller's site; a super admin without one shares the key None).
_TURNS: KeyedLocks[uuid.UUID | None] = KeyedLocks()


class SaleService:
    def __init__(self, session: AsyncSession, *, now: Callable[[], datetime] = utcnow) -> None:
        self.db = session
        self.now = now
        self.sales = SaleRepository(session)
        self.sessions = CashSessionRepository(session)
        self.categories = CategoryRepository(session)
        self.sites = SiteRepository(session)
        self.journal = JournalService(session)
        self.tickets = TicketRepository(session)

    # --- Creation -------------------------------------------------------------------------

    async def create_sale(self, actor: ActingUser, data: SaleCreate) -> CreatedSale:
        """A new ticket, or the existing one when the same id and content are replayed.

        The site's journal lock is taken by the first query, which reads everything the
        ticket is checked against; what may have changed while it waited for the lock is
        re-read by the very statement that writes the ticket and its journal entry (nothing
        is written unless the re-checks pass). Between the two, only Python work: the lock is
        held for two round trips, and the till's throughput depends on it.

        The tickets of a site that reach this process queue for the database lock in their
        order of arrival (`_TURNS`): PostgreSQL hands a contended row lock to whoever asks
        at the right moment, not to the longest waiter (16 tills on one site: a p99 wait of
        100 ms for a p50 of 7 ms). The turn ends once the ticket is written, so the next
        ticket's query is already waiting while this one commits.
        """
        lines = [item.to_input() for item in data.items]
        payments = [payment.to_input() for payment in data.payments]
        digest = request_hash(
            session_id=data.session_id, created_at=data.created_at, lines=lines, payments=payments
        )
        scope = None if actor.role == Role.SUPER_ADMIN else actor.site_id
        sale_id = data.id or uuid.uuid4()
        async with _TURNS.hold(actor.site_id):
            # The session, its site, whether this id is already a stored sale, and the site's
            # journal head, locked: one query.
            till = await self.sessions.till_context(data.session_id, scope, sale_id)
            if data.id is not None and (till is None or till[5] is not None):
                replayed = await self._replay(data.id, digest, scope)
                if replayed is not None:
                    return replayed
            if till is None:
                raise SessionNotFound()
            (
                site_id,
                status,
                cashier_id,
                opened_at,
                site_settings,
                _,
                active_rates,
                head_seq,
                head_hash,
            ) = till
            ensure_may_act_on(actor, cashier_id=cashier_id, status=status)
            settings = SiteSettings.of(site_settings)
            now = self.now()
            sold_at = self._sale_time(data.created_at, opened_at, now)
            vat_rates = self._vat_rates({line.category for line in lines}, active_rates, settings)
            priced = price_ticket(lines, payments, allowed_methods=allowed_methods(settings))

            sale = TicketRow(
                id=sale_id,
                site_id=site_id,
                session_id=data.session_id,
                cashier_id=actor.id,
                status=SaleStatus.COMPLETED,
                total_cents=priced.total_cents,
                change_cents=priced.change_cents,
                refund_of=None,
                refund_reason=None,
                request_hash=digest,
                created_at=sold_at,
                received_at=now,
                journal_seq=None,
            )
            view = self._rows(sale, priced, vat_rates)

            if head_seq is None or head_hash is None:
                # The site's first entry: a new head, locked.
                lock = await self.journal.lock(site_id)
            else:
                lock = HeadLock(site_id=site_id, seq=head_seq, hash=head_hash)
            # Re-checked under the lock, in the writing statement itself: written only if they
            # pass. The turn ends here: the next ticket may ask for the lock.
            checks = await write_checked_ticket(self.tickets, lock, view, now=now)
        if checks.id_taken:
            # A replay of this very ticket committed while we were validating.
            replayed = await self._replay(sale_id, digest, scope)
            assert replayed is not None
            return replayed
        if checks.session_status != SessionStatus.OPENED.value:
            raise SessionClosed()
        if checks.period_closed:
            raise PeriodClosed()
        return CreatedSale(view=view, replayed=False)

    async def _replay(
        self, sale_id: uuid.UUID, digest: str, scope: uuid.UUID | None
    ) -> CreatedSale | None:
        """The stored ticket for a replayed id (None if new); 409 if its content differs."""
        existing = await self.sales.find_by_id(sale_id)
        if existing is None:
            return None
        if existing.request_hash != digest or (scope is not None and existing.site_id != scope):
            raise IdConflict()
        return CreatedSale(view=await self.view(existing), replayed=True)

    def _sale_time(self, given: datetime | None, opened_at: datetime, now: datetime) -> datetime:
        """The ticket's time: the till's clock for an offline ticket, within strict bounds."""
        if given is None:
            return now
        if given > now + CLOCK_SKEW:
            raise InvalidInput("L'heure du ticket est dans le futur.", code="invalid_sale_time")
        if given < now - OFFLINE_MAX_AGE:
            raise InvalidInput(
                "Ticket hors ligne trop ancien (plus de 72 h).", code="invalid_sale_time"
            )
        if given < opened_at:
            raise InvalidInput(
                "L'heure du ticket précède l'ouverture de la session.", code="invalid_sale_time"
            )
        return min(given, now)

    @staticmethod
    def _vat_rates(
        codes: set[str], active: dict[str, int] | None, settings: SiteSettings
    ) -> dict[str, int]:
        """The VAT rate of each category of the ticket (all must be active categories)."""
        known = {code: int(rate) for code, rate in (active or {}).items() if code in codes}
        unknown = sorted(codes - known.keys())
        if unknown:
            raise UnknownCategory(f"Catégorie inconnue ou inactive : {', '.join(unknown)}.")
        # Associations outside VAT (vat_mode "none") record a 0 % rate.
        if settings.vat_mode != "standard":
            return dict.fromkeys(codes, 0)
        return known

    @staticmethod
    def _rows(sale: TicketRow, priced: PricedTicket, vat_rates: dict[str, int]) -> SaleView:
        """The ticket's line and payment rows (plain objects, written by Core INSERTs)."""
        lines = [
            TicketRow(
                id=uuid.uuid4(),
                sale_id=sale.id,
                site_id=sale.site_id,
                position=position,
                category=line.source.category,
                description=line.source.description,
                unit=LineUnit(line.source.unit),
                quantity=line.source.quantity,
                unit_price_cents=line.source.unit_price_cents,
                weight_g=line.source.weight_g,
                discount_percent_bp=line.source.discount_percent_bp,
                discount_cents=line.discount_cents,
                line_total_cents=line.line_total_cents,
                vat_rate_bp=vat_rates[line.source.category],
                refund_of_line=None,
                created_at=sale.created_at,
            )
            for position, line in enumerate(priced.lines, start=1)
        ]
        payments = [
            TicketRow(
                id=uuid.uuid4(),
                sale_id=sale.id,
                site_id=sale.site_id,
                session_id=sale.session_id,
                method=payment.method,
                amount_cents=payment.amount_cents,
                created_at=sale.created_at,
            )
            for payment in priced.payments
        ]
        return SaleView(sale=sale, lines=lines, payments=payments)

    # --- Reading --------------------------------------------------------------------------

    async def get_sale(self, actor: User, sale_id: uuid.UUID) -> SaleView:
        """A sale of the actor's site (404 for another site's)."""
        sale = await self.sales.get_in_site(sale_id, site_filter(actor, None))
        if sale is None:
            raise SaleNotFound()
        return await self.view(sale)

    async def view(self, sale: Sale) -> SaleView:
        """A sale with its lines and payments."""
        lines = await self.sales.lines_for([sale.id])
        payments = await self.sales.payments_for([sale.id])
        return SaleView(sale=sale, lines=lines.get(sale.id, []), payments=payments.get(sale.id, []))

    async def list_sales(
        self,
        actor: User,
        site_id: uuid.UUID | None,
        *,
        session_id: uuid.UUID | None,
        from_date: date | None,
        to_date: date | None,
        category: str | None,
        payment_method: str | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[SaleView], str | None]:
        """A page of sales with their lines and payments (three queries, whatever the size).

        `from`/`to` are local dates of the site (both inclusive)."""
        scope = site_filter(actor, site_id)
        starts_at = ends_at = None
        if from_date or to_date:
            site = await self.sites.get(scope) if scope else None
            period = custom_period(
                from_date or date(2000, 1, 1),
                to_date or date(2999, 12, 31),
                site.timezone if site else DEFAULT_TIMEZONE,
                limit_length=False,
            )
            starts_at, ends_at = period.starts_at, period.ends_at
        filters = SaleFilters(
            session_id=session_id,
            starts_at=starts_at,
            ends_at=ends_at,
            category=category.strip().upper() if category else None,
            payment_method=payment_method.strip().lower() if payment_method else None,
        )
        page: KeysetPage[Sale] = await self.sales.page(scope, filters, limit=limit, cursor=cursor)
        ids = [s.id for s in page.items]
        lines = await self.sales.lines_for(ids)
        payments = await self.sales.payments_for(ids)
        views = [SaleView(s, lines.get(s.id, []), payments.get(s.id, [])) for s in page.items]
        return views, page.next_cursor

    async def receipt(
        self, actor: User, sale_id: uuid.UUID
    ) -> tuple[SaleView, Site, dict[str, str]]:
        """What a receipt prints: the ticket, its site, and the category labels."""
        view = await self.get_sale(actor, sale_id)
        labels = {c.code: c.label for c in await self.categories.list(active_only=False)}
        return view, await self.site_of(view.sale), labels

    async def site_of(self, sale: Sale) -> Site:
        """The site a sale belongs to."""
        site = await self.sites.get(sale.site_id)
        assert site is not None
        return site

    async def daily_total(
        self, actor: User, site_id: uuid.UUID | None, day: date | None
    ) -> DailyTotal:
        """Takings of a local day of the site, per payment method (cash net of change)."""
        site = await self.sites.get(target_site(actor, site_id))
        if site is None:
            raise SiteNotFound()
        day = day or local_date(self.now(), site.timezone)
        period = make_period("daily", day, day, site.timezone)
        figures = await self.sales.period_figures(site.id, period.starts_at, period.ends_at)
        return DailyTotal(
            date=day.isoformat(),
            timezone=site.timezone,
            sales_count=figures.sales_count,
            refunds_count=figures.refunds_count,
            total=figures.net_cents,
            by_payment_method=figures.payments_net_of_change(),
        )
