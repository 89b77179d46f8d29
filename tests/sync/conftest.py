"""Sync tests: a site whose kDrive is the local WsgiDAV server and whose spreadsheet is the
fake Sheets API, with a shop (admin, cashier, till) to make sales and deposits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.models.cash import CashSession
from recyclic.models.outbox import OutboxJob
from recyclic.models.site import Site
from recyclic.models.sync_log import SyncLog
from recyclic.models.user import Role, User
from recyclic.services.messaging.outbox import DISPATCHER_KEY
from recyclic.services.sync.sync_service import SyncReport, SyncService
from tests.factories import Factory
from tests.fakes.sheets_server import (  # noqa: F401 - fixtures
    FakeSheetsServer,
    service_account_file,
    service_account_key,
    sheets_server,
)
from tests.support.jobs import SpyDispatcher
from tests.support.sync import ScriptedSleep, fast_clients

SALES_TAB = "Ventes"
DEPOSITS_TAB = "Dépôts"


@dataclass
class SyncShop:
    site: Site
    admin: User
    cashier: User
    session: CashSession
    database: Database
    settings: Settings
    sleep: ScriptedSleep
    dispatcher: SpyDispatcher

    async def sync(self, *, attempts: int = 4) -> SyncReport:
        """One sync run of the site with fast retries (the run id is returned in the report)."""
        service = SyncService(
            self.database.unit_of_work,
            self.settings,
            clients=fast_clients(self.settings, self.sleep, attempts=attempts),
        )
        return await service.sync_site(self.site.id, run_id=uuid.uuid4())

    async def logs(self, run_id: uuid.UUID) -> list[SyncLog]:
        async with self.database.unit_of_work(write=False) as session:
            rows = await session.execute(
                select(SyncLog)
                .where(SyncLog.run_id == run_id)
                .order_by(SyncLog.created_at, SyncLog.id)
            )
            return list(rows.scalars())

    async def jobs(self, task: str) -> list[OutboxJob]:
        async with self.database.unit_of_work(write=False) as session:
            rows = await session.execute(
                select(OutboxJob).where(OutboxJob.task == task).order_by(OutboxJob.created_at)
            )
            return list(rows.scalars())


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Jobs run by the app retry in milliseconds (tests of the service pass their own)."""
    return settings.model_copy(
        update={
            "sync_max_attempts": 3,
            "sync_base_delay_seconds": 0.001,
            "sync_max_delay_seconds": 0.01,
            "sync_http_timeout_seconds": 5,
        }
    )


@pytest.fixture
async def shop(database: Database, settings: Settings, factory: Factory) -> SyncShop:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    cashier = await factory.user(site)
    register = await factory.register(site)
    cash_session = await factory.open_session(register, cashier)
    dispatcher = SpyDispatcher()
    database.session_info[DISPATCHER_KEY] = dispatcher
    return SyncShop(
        site, admin, cashier, cash_session, database, settings, ScriptedSleep(), dispatcher
    )


@pytest.fixture
def tabs(sheets_server: FakeSheetsServer) -> FakeSheetsServer:  # noqa: F811
    sheets_server.add_sheet(SALES_TAB)
    sheets_server.add_sheet(DEPOSITS_TAB)
    return sheets_server
