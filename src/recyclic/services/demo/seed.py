"""Demo data: a realistic shop to try Recyclic without typing anything."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.security import hash_pin
from recyclic.models.base import utcnow
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus
from recyclic.repositories.site_repository import SiteRepository
from recyclic.repositories.user_repository import UserRepository
from recyclic.services.demo.cash import CashHistory, seed_cash_history
from recyclic.services.demo.deposits import seed_demo_deposits
from recyclic.services.people.sites import SiteService

DEMO_SITE_SLUG = "demo"
# Every demo user gets this PIN, so that the demo can be tried without Telegram.
DEMO_PIN = "2580"

# Telegram ids in a range no real account uses in a demo; one user per role.
DEMO_USERS: tuple[tuple[int, str, Role], ...] = (
    (900_000_001, "Camille Martin (super admin)", Role.SUPER_ADMIN),
    (900_000_002, "Sophie Bernard (admin)", Role.ADMIN),
    (900_000_003, "Lucas Petit (caisse)", Role.OPERATOR),
    (900_000_004, "Nadia Roux (bénévole)", Role.OPERATOR),
    (900_000_005, "Paul Girard (lecture)", Role.VIEWER),
)


@dataclass(slots=True)
class DemoSummary:
    site: Site
    created: bool
    users: list[User] = field(default_factory=list)
    cash: CashHistory | None = None
    deposits: int = 0


class DemoService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.sites = SiteRepository(session)
        self.users = UserRepository(session)

    async def seed(self, *, timezone: str) -> DemoSummary:
        """The demo site, one user per role and a month of deposits; existing demo data is
        kept as is."""
        site = await self.sites.get_by_slug(DEMO_SITE_SLUG)
        created = site is None
        if site is None:
            site = await SiteService(self.session).create_site(
                "Ressourcerie de démonstration",
                slug=DEMO_SITE_SLUG,
                timezone=timezone,
                address="12 rue du Réemploi, 14000 Caen",
                contact_email="contact@ressourcerie-demo.fr",
                legal_name="Association Ressourcerie de démonstration",
                siret="12345678900011",
            )
        summary = DemoSummary(site=site, created=created)
        pin_hash: str | None = None
        for telegram_id, name, role in DEMO_USERS:
            user = await self.users.get_by_telegram_id(telegram_id)
            if user is None:
                if pin_hash is None:
                    # One hash for all the demo accounts: they share a published PIN, so a
                    # shared salt reveals nothing, and scrypt runs once instead of five times.
                    pin_hash = await hash_pin(DEMO_PIN)
                user = await self.users.add(
                    User(
                        telegram_id=telegram_id,
                        full_name=name,
                        role=role,
                        status=UserStatus.APPROVED,
                        is_active=True,
                        site_id=site.id,
                        pin_hash=pin_hash,
                    )
                )
            summary.users.append(user)
        if created:
            summary.cash = await self._cash_history(site, summary.users)
        # Volunteers record, the site admin validates (users as listed in DEMO_USERS).
        summary.deposits = await seed_demo_deposits(
            self.session,
            site,
            volunteers=[summary.users[3], summary.users[2]],
            validator=summary.users[1],
            now=utcnow(),
        )
        return summary

    async def _cash_history(self, site: Site, users: list[User]) -> CashHistory:
        cashiers = [u for u in users if u.role == Role.OPERATOR]
        admin = next(u for u in users if u.role == Role.ADMIN)
        return await seed_cash_history(
            self.session, site, cashiers, admin, days=14, tickets_per_day=25
        )

    async def seed_cash_history(
        self, *, timezone: str, days: int, tickets_per_day: int
    ) -> CashHistory:
        """More trading history on the demo site (used by tests and benchmarks)."""
        summary = await self.seed(timezone=timezone)
        cashiers = [u for u in summary.users if u.role == Role.OPERATOR]
        admin = next(u for u in summary.users if u.role == Role.ADMIN)
        return await seed_cash_history(
            self.session,
            summary.site,
            cashiers,
            admin,
            days=days,
            tickets_per_day=tickets_per_day,
            seed=days * 7919 + tickets_per_day,
        )
