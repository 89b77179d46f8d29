"""Async factories: realistic rows in one call, written through the test transaction."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.security import create_access_token, hash_pin_sync
from recyclic.models.cash import CashRegister, CashSession
from recyclic.models.deposit import Channel, Deposit, DepositStatus
from recyclic.models.device import PairedDevice
from recyclic.models.outbound_flow import OutboundDestination, OutboundFlow
from recyclic.models.outbox import OutboxJob
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus
from recyclic.schemas.cash import SessionOpen
from recyclic.schemas.sale import SaleCreate
from recyclic.services.cash.sales import SaleService
from recyclic.services.cash.sessions import CashService
from recyclic.services.cash.tickets import SaleView
from recyclic.services.messaging.outbox import JobTask, enqueue

_sequence = itertools.count(1)
# Must equal conftest.TEST_SECRET (kept here to avoid an import cycle).
TEST_SECRET = "test-secret-key-that-is-long-enough-for-production-use-0123456789"
_PIN_HASHES: dict[str, str] = {}


def access_token(user: User, *, lifetime: timedelta = timedelta(minutes=15)) -> str:
    """A valid access token for `user`, as the login endpoints would issue."""
    token, _ = create_access_token(
        user_id=user.id,
        site_id=user.site_id,
        role=user.role.value,
        secret=TEST_SECRET,
        algorithm="HS256",
        lifetime=lifetime,
        now=datetime.now(UTC),
    )
    return token


def auth_headers(user: User) -> dict[str, str]:
    """`Authorization: Bearer …` for `user`."""
    return {"Authorization": f"Bearer {access_token(user)}"}


# scrypt's N for the suite's users: each PIN login checks the stored hash with its stored
# parameters, and the suite logs in hundreds of times (72 ms a check at the app's own cost,
# ≈ 2 ms at this one). PINs set through the app still get the app's cost.
FIXTURE_PIN_COST = 2**10


def pin_hash(pin: str) -> str:
    """A PIN hash, computed once per PIN for the whole run."""
    if pin not in _PIN_HASHES:
        _PIN_HASHES[pin] = hash_pin_sync(pin, cost=FIXTURE_PIN_COST)
    return _PIN_HASHES[pin]


class Factory:
    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings

    async def site(self, **fields: Any) -> Site:
        """A site with a unique name and slug."""
        n = next(_sequence)
        values: dict[str, Any] = {
            "name": f"Ressourcerie {n}",
            "slug": f"ressourcerie-{n}",
            "timezone": "Europe/Paris",
            "address": f"{n} rue du Réemploi, 75011 Paris",
            "legal_name": f"Association Ressourcerie {n}",
            "siret": "12345678900011",
        }
        values.update(fields)
        async with self.database.unit_of_work() as session:
            site = Site(**values)
            session.add(site)
        return site

    async def user(
        self,
        site: Site | None = None,
        *,
        role: Role = Role.OPERATOR,
        status: UserStatus = UserStatus.APPROVED,
        **fields: Any,
    ) -> User:
        """An approved, active user of `site` with a unique Telegram id."""
        n = next(_sequence)
        values: dict[str, Any] = {
            "telegram_id": 7_000_000 + n,
            "full_name": f"Bénévole {n}",
            "username": f"benevole{n}",
            "role": role,
            "status": status,
            "is_active": True,
            "site_id": site.id if site is not None else None,
        }
        pin = fields.pop("pin", None)
        if pin is not None:
            values["pin_hash"] = pin_hash(pin)
        values.update(fields)
        async with self.database.unit_of_work() as session:
            user = User(**values)
            session.add(user)
        return user

    # --- Cash register (through the services, so the journal stays consistent) -----------

    async def register(self, site: Site, *, name: str | None = None) -> CashRegister:
        """A cash register of `site`."""
        async with self.database.unit_of_work() as session:
            register = CashRegister(site_id=site.id, name=name or f"Caisse {next(_sequence)}")
            session.add(register)
        return register

    async def device(self, register: CashRegister, paired_by: User) -> PairedDevice:
        """A tablet paired to `register` (its secret is not kept: tests pair through HTTP)."""
        async with self.database.unit_of_work() as session:
            device = PairedDevice(
                site_id=register.site_id,
                register_id=register.id,
                name=f"Tablette {next(_sequence)}",
                secret_hash=uuid.uuid4().hex + uuid.uuid4().hex,
                created_by=paired_by.id,
            )
            session.add(device)
        return device

    async def open_session(
        self,
        register: CashRegister,
        cashier: User,
        *,
        opening: str = "50",
        comment: str | None = None,
    ) -> CashSession:
        """An open cash session of `cashier` on `register`."""
        async with self.database.unit_of_work() as session:
            return await CashService(session).open_session(
                cashier,
                SessionOpen(
                    register_id=register.id,
                    opening_amount=opening,  # type: ignore[arg-type]
                    opening_comment=comment,
                ),
            )

    async def sale(
        self,
        cash_session: CashSession,
        cashier: User,
        *,
        items: list[dict[str, Any]] | None = None,
        payments: list[dict[str, Any]] | None = None,
        **fields: Any,
    ) -> SaleView:
        """A completed sale in `cash_session` (default: one chair for 12 €, paid 20 € cash)."""
        body = {
            "session_id": cash_session.id,
            "items": items or [{"category": "MOB", "description": "Chaise", "unit_price": "12"}],
            "payments": payments if payments is not None else [{"method": "cash", "amount": "20"}],
            **fields,
        }
        async with self.database.unit_of_work() as session:
            created = await SaleService(session).create_sale(
                cashier, SaleCreate.model_validate(body)
            )
        return created.view

    async def deposit(
        self,
        site: Site,
        created_by: User,
        *,
        status: DepositStatus = DepositStatus.DRAFT,
        **fields: Any,
    ) -> Deposit:
        """A deposit of `site` by `created_by`; classified and validated ones are complete."""
        values: dict[str, Any] = {
            "site_id": site.id,
            "created_by": created_by.id,
            "status": status,
            "description": "Une chaise en bois",
            "channel": Channel.DROP_OFF,
            "human_validated": False,
        }
        if status in (DepositStatus.CLASSIFIED, DepositStatus.VALIDATED):
            values["category"] = "MOB"
        if status == DepositStatus.VALIDATED:
            values.update(
                quantity=1,
                weight_g=7_500,
                human_validated=True,
                validated_by=created_by.id,
                validated_at=datetime.now(UTC),
            )
        values.update(fields)
        async with self.database.unit_of_work() as session:
            deposit = Deposit(**values)
            session.add(deposit)
        return deposit

    async def outbound_flow(
        self,
        site: Site,
        created_by: User,
        *,
        day: date | None = None,
        category: str = "EEE-4",
        weight_g: int = 120_000,
        destination: OutboundDestination = OutboundDestination.ECO_ORGANISM,
        **fields: Any,
    ) -> OutboundFlow:
        """An outbound flow of `site` (default: 120 kg of large appliances to Ecologic)."""
        values: dict[str, Any] = {
            "site_id": site.id,
            "created_by": created_by.id,
            "date": day or date(2026, 11, 2),
            "category": category,
            "weight_g": weight_g,
            "destination": destination,
            "partner": "Ecologic",
        }
        values.update(fields)
        async with self.database.unit_of_work() as session:
            flow = OutboundFlow(**values)
            session.add(flow)
        return flow

    async def job(
        self,
        site: Site | None,
        *,
        task: JobTask = JobTask.PURGE_AUDIO,
        payload: dict[str, Any] | None = None,
        run_at: datetime | None = None,
        **options: Any,
    ) -> OutboxJob:
        """A job in the outbox (due in a day by default, so nothing kicks it)."""
        async with self.database.unit_of_work() as session:
            return await enqueue(
                session,
                task,
                payload if payload is not None else {"site_id": site.id if site else None},
                run_at=run_at or datetime.now(UTC) + timedelta(days=1),
                site_id=site.id if site else None,
                **options,
            )
