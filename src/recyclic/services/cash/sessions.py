"""Cash registers and cash sessions: open with a float, move cash, close with a count (Z).

Every change to a session is journalled; opening, moving cash and closing take the site's
journal lock first, so that they are serialised with the sales of the site.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.exceptions import InvalidInput
from recyclic.models.base import utcnow
from recyclic.models.cash import CashMovement, CashRegister, CashSession, SessionStatus
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.repositories.cash_repository import (
    CashRegisterRepository,
    CashSessionRepository,
    SessionFigures,
)
from recyclic.repositories.site_repository import SiteRepository
from recyclic.repositories.user_repository import UserRepository
from recyclic.schemas.cash import RegisterCreate, RegisterUpdate, SessionClose, SessionOpen
from recyclic.schemas.site import SiteSettings
from recyclic.services.access.audit import AuditService, snapshot
from recyclic.services.access.scope import ActingUser, require_role, site_filter, target_site
from recyclic.services.cash.errors import (
    CashierBusy,
    NotSessionCashier,
    OpeningCommentRequired,
    RegisterBusy,
    RegisterInactive,
    RegisterNameTaken,
    RegisterNotFound,
    SessionClosed,
    SessionNotFound,
    VarianceCommentRequired,
)
from recyclic.services.cash.journal import JournalService
from recyclic.services.cash.z_report import session_report
from recyclic.services.messaging.telegram_service import NotificationService
from recyclic.services.people.sites import SiteNotFound
from recyclic.utils.formatting import format_euros
from recyclic.utils.periods import custom_period

STALE_AFTER = timedelta(hours=24)
DEFAULT_TIMEZONE = "Europe/Paris"


def is_stale(session: CashSession, now: datetime) -> bool:
    """Open for more than 24 h: flagged on every read and in reports."""
    return session.status == SessionStatus.OPENED and now - session.opened_at > STALE_AFTER


def ensure_may_act(actor: User, session: CashSession) -> None:
    """Only the session's cashier or an admin acts on a session; a closed one takes nothing."""
    ensure_may_act_on(actor, cashier_id=session.cashier_id, status=session.status)


def ensure_may_act_on(actor: ActingUser, *, cashier_id: uuid.UUID, status: SessionStatus) -> None:
    """`ensure_may_act` from the session's cashier and status alone."""
    if cashier_id != actor.id and not actor.role.at_least(Role.ADMIN):
        raise NotSessionCashier()
    if status != SessionStatus.OPENED:
        raise SessionClosed()


@dataclass(frozen=True, slots=True)
class SessionView:
    session: CashSession
    figures: SessionFigures | None
    stale: bool


class CashService:
    def __init__(
        self,
        session: AsyncSession,
        *,
        now: Callable[[], datetime] = utcnow,
        notifications: NotificationService | None = None,
    ) -> None:
        self.db = session
        self.now = now
        self.notifications = notifications
        self.registers = CashRegisterRepository(session)
        self.sessions = CashSessionRepository(session)
        self.sites = SiteRepository(session)
        self.journal = JournalService(session)
        self.audit = AuditService(session)

    # --- Registers ------------------------------------------------------------------------

    async def list_registers(self, actor: User, site_id: uuid.UUID | None) -> list[CashRegister]:
        return await self.registers.list_for_site(site_filter(actor, site_id))

    async def create_register(self, actor: User, data: RegisterCreate) -> CashRegister:
        require_role(actor, Role.ADMIN)
        site_id = target_site(actor, data.site_id)
        if await self.sites.get(site_id) is None:
            raise SiteNotFound()
        if await self.registers.get_by_name(site_id, data.name.strip()):
            raise RegisterNameTaken()
        register = await self.registers.add(CashRegister(site_id=site_id, name=data.name.strip()))
        await self.audit.record(
            actor=actor,
            action="cash_register.create",
            entity_type="cash_register",
            entity_id=register.id,
            site_id=site_id,
            after=snapshot(register, ("name", "is_active")),
        )
        return register

    async def update_register(
        self, actor: User, register_id: uuid.UUID, data: RegisterUpdate
    ) -> CashRegister:
        require_role(actor, Role.ADMIN)
        register = await self._register(actor, register_id)
        before = snapshot(register, ("name", "is_active"))
        if data.name is not None and data.name.strip() != register.name:
            if await self.registers.get_by_name(register.site_id, data.name.strip()):
                raise RegisterNameTaken()
            register.name = data.name.strip()
        if data.is_active is not None:
            register.is_active = data.is_active
        await self.registers.update(register, {})
        await self.audit.record(
            actor=actor,
            action="cash_register.update",
            entity_type="cash_register",
            entity_id=register.id,
            site_id=register.site_id,
            before=before,
            after=snapshot(register, ("name", "is_active")),
        )
        return register

    async def get_register(
        self, actor: User, register_id: uuid.UUID
    ) -> tuple[CashRegister, int | None]:
        """A register of the actor's site and the float its next session is proposed."""
        register = await self._register(actor, register_id)
        return register, await self.proposed_float(register.id)

    async def _register(self, actor: User, register_id: uuid.UUID) -> CashRegister:
        register = await self.registers.get_in_site(register_id, site_filter(actor, None))
        if register is None:
            raise RegisterNotFound()
        return register

    # --- Sessions -------------------------------------------------------------------------

    async def proposed_float(self, register_id: uuid.UUID) -> int | None:
        """The float the previous session kept in the drawer (None for a first session)."""
        previous = await self.sessions.last_closed_for_register(register_id)
        return previous.kept_float_cents if previous else None

    async def open_session(self, actor: User, data: SessionOpen) -> CashSession:
        """Open the register with a float; one open session per register and per cashier."""
        register = await self._register(actor, data.register_id)
        lock = await self.journal.lock(register.site_id)
        # Busy first: opening a busy register is a 409 whatever else the request says.
        if await self.sessions.open_for_register(register.id):
            raise RegisterBusy()
        if await self.sessions.open_for_cashier(actor.id):
            raise CashierBusy()
        if not register.is_active:
            raise RegisterInactive()
        proposed = await self.proposed_float(register.id)
        comment = (data.opening_comment or "").strip() or None
        if proposed is not None and data.opening_amount != proposed and not comment:
            raise OpeningCommentRequired(
                f"Le fond de caisse proposé est de {format_euros(proposed)} : "
                "expliquez l'écart (opening_comment)."
            )
        now = self.now()
        session = CashSession(
            site_id=register.site_id,
            register_id=register.id,
            cashier_id=actor.id,
            status=SessionStatus.OPENED,
            opening_cents=data.opening_amount,
            opening_comment=comment,
            opened_at=now,
        )
        try:
            async with self.db.begin_nested():
                await self.sessions.add(session)
        except IntegrityError:
            # The partial unique indexes caught a concurrent open the checks could not see.
            raise RegisterBusy() from None
        await self.journal.append(
            lock,
            kind="session_open",
            ref_id=session.id,
            now=now,
            data={
                "register_id": str(register.id),
                "cashier_id": str(actor.id),
                "opening_cents": data.opening_amount,
                "proposed_float_cents": proposed,
                "opening_comment": comment,
            },
        )
        return session

    async def get_session(self, actor: User, session_id: uuid.UUID) -> SessionView:
        """A session of the site with its live totals."""
        session = await self.sessions.get_in_site(session_id, site_filter(actor, None))
        if session is None:
            raise SessionNotFound()
        return await self.view(session)

    async def current_session(self, actor: User) -> SessionView:
        """The caller's own open session, or 404."""
        session = await self.sessions.open_for_cashier(actor.id)
        if session is None:
            raise SessionNotFound("Aucune session de caisse ouverte à votre nom.")
        return await self.view(session)

    async def view(self, session: CashSession) -> SessionView:
        figures = None
        if session.status == SessionStatus.OPENED:
            figures = await self.sessions.figures(session.id)
        return SessionView(session=session, figures=figures, stale=is_stale(session, self.now()))

    async def list_sessions(
        self,
        actor: User,
        site_id: uuid.UUID | None,
        *,
        status: SessionStatus | None,
        register_id: uuid.UUID | None,
        cashier_id: uuid.UUID | None,
        from_date: date | None,
        to_date: date | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[SessionView], str | None]:
        """Sessions of the site, newest first; dates are cut in the site's time zone."""
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
        page = await self.sessions.page(
            scope,
            status=status,
            register_id=register_id,
            cashier_id=cashier_id,
            opened_from=starts_at,
            opened_to=ends_at,
            limit=limit,
            cursor=cursor,
        )
        now = self.now()
        views = [SessionView(s, None, is_stale(s, now)) for s in page.items]
        return views, page.next_cursor

    async def add_movement(
        self, actor: User, session_id: uuid.UUID, amount_cents: int, reason: str
    ) -> CashMovement:
        """Cash put in or taken out of the drawer, with its reason."""
        session = await self._find_session(actor, session_id)
        lock = await self.journal.lock(session.site_id)
        await self.db.refresh(session)
        ensure_may_act(actor, session)
        now = self.now()
        movement = await self.sessions.add_movement(
            CashMovement(
                site_id=session.site_id,
                session_id=session.id,
                amount_cents=amount_cents,
                reason=reason.strip(),
                created_by=actor.id,
                created_at=now,
            )
        )
        await self.journal.append(
            lock,
            kind="cash_movement",
            ref_id=movement.id,
            now=now,
            data={
                "session_id": str(session.id),
                "amount_cents": amount_cents,
                "reason": movement.reason,
            },
        )
        return movement

    async def close_session(
        self, actor: User, session_id: uuid.UUID, data: SessionClose
    ) -> CashSession:
        """Close with the counted cash: expected, variance, kept float, bank deposit, Z."""
        session = await self._find_session(actor, session_id)
        lock = await self.journal.lock(session.site_id)
        await self.db.refresh(session)
        ensure_may_act(actor, session)
        try:
            counted = data.counted_cents()
        except ValueError as exc:
            raise InvalidInput(str(exc).capitalize() + ".", code="count_mismatch") from None
        site = await self.sites.get(session.site_id)
        assert site is not None
        settings = SiteSettings.of(site.settings)
        figures = await self.sessions.figures(session.id)
        expected = figures.expected_cash(session.opening_cents)
        variance = counted - expected
        comment = (data.variance_comment or "").strip() or None
        if abs(variance) > settings.cash_variance_threshold and not comment:
            raise VarianceCommentRequired(
                f"Écart de caisse de {format_euros(variance)} : un commentaire est obligatoire "
                "(variance_comment)."
            )
        kept = data.kept_float or 0
        if kept > counted:
            raise InvalidInput(
                "Le fond de caisse conservé dépasse le montant compté.", code="kept_float_too_high"
            )
        now = self.now()
        session.status = SessionStatus.CLOSED
        session.closed_at = now
        session.closed_by = actor.id
        session.expected_cents = expected
        session.actual_cents = counted
        session.variance_cents = variance
        session.variance_comment = comment
        session.kept_float_cents = kept
        session.bank_deposit_cents = counted - kept
        session.count_detail = dict(data.count) if data.count is not None else None
        register = await self.registers.get(session.register_id)
        session.closing_report = session_report(
            session,
            figures,
            site=site,
            register=register,
            vat_mode=settings.vat_mode,
            stale=is_stale(session, now) or now - session.opened_at > STALE_AFTER,
        )
        await self.sessions.update(session, {})
        await self.journal.append(
            lock,
            kind="session_close",
            ref_id=session.id,
            now=now,
            data={
                "expected_cents": expected,
                "actual_cents": counted,
                "variance_cents": variance,
                "kept_float_cents": kept,
                "bank_deposit_cents": counted - kept,
                "sales_cents": figures.sales_cents,
                "refunds_cents": figures.refunds_cents,
                "payments": figures.payments,
                "change_cents": figures.change_cents,
                "movements_cents": figures.movements_cents,
            },
        )
        if abs(variance) > settings.cash_variance_threshold:
            await self._report_variance(actor, session, site, register)
        return session

    async def _report_variance(
        self, actor: User, session: CashSession, site: Site, register: CashRegister | None
    ) -> None:
        """Tell the site's other admins about a variance above the threshold (after commit)."""
        if self.notifications is None:
            return
        where = f"« {register.name} »" if register is not None else "une caisse"
        comment = f"\nCommentaire : {session.variance_comment}" if session.variance_comment else ""
        await self.notifications.notify_site_admins(
            site.id,
            f"⚠️ Écart de caisse de {format_euros(session.variance_cents or 0)} à la clôture de "
            f"{where} ({site.name}) par {actor.full_name}.{comment}",
            except_user=actor.id,
        )

    async def report(
        self, actor: User, session_id: uuid.UUID
    ) -> tuple[CashSession, dict[str, Any]]:
        """The Z report of a closed session, or the live X report of an open one."""
        view = await self.get_session(actor, session_id)
        session = view.session
        if session.closing_report is not None:
            return session, session.closing_report
        site = await self.sites.get(session.site_id)
        register = await self.registers.get(session.register_id)
        assert site is not None
        assert view.figures is not None
        settings = SiteSettings.of(site.settings)
        return session, session_report(
            session,
            view.figures,
            site=site,
            register=register,
            vat_mode=settings.vat_mode,
            stale=view.stale,
        )

    async def cashier_names(self, sessions: list[CashSession]) -> dict[uuid.UUID, str]:
        """The full names of these sessions' cashiers, by id (for lists and reports)."""
        return await UserRepository(self.db).names({s.cashier_id for s in sessions})

    async def _find_session(self, actor: User, session_id: uuid.UUID) -> CashSession:
        session = await self.sessions.get_in_site(session_id, site_filter(actor, None))
        if session is None:
            raise SessionNotFound()
        return session
