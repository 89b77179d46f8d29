"""Shared set-ups for API tests: a shop with its till, and the fake Gemini server."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import func, select

from recyclic.core.database import Database
from recyclic.models.cash import CashRegister
from recyclic.models.journal import JournalEntry
from recyclic.models.sale import Sale, SaleLine, SalePayment
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from tests.factories import Factory
from tests.support.gemini import gemini_server, gemini_settings

__all__ = ["Shop", "gemini_server", "gemini_settings", "shop", "written_rows"]


@dataclass
class Shop:
    """A site with an admin, two cashiers, a viewer and a register."""

    site: Site
    admin: User
    cashier: User
    other_cashier: User
    viewer: User
    register: CashRegister
    admin_client: httpx.AsyncClient
    cashier_client: httpx.AsyncClient
    other_client: httpx.AsyncClient
    viewer_client: httpx.AsyncClient


@pytest.fixture
async def shop(factory: Factory, client_as) -> Shop:  # type: ignore[no-untyped-def]
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    cashier = await factory.user(site, full_name="Lucas Caisse")
    other = await factory.user(site, full_name="Inès Caisse")
    viewer = await factory.user(site, role=Role.VIEWER)
    register = await factory.register(site, name="Caisse principale")
    return Shop(
        site=site,
        admin=admin,
        cashier=cashier,
        other_cashier=other,
        viewer=viewer,
        register=register,
        admin_client=client_as(admin),
        cashier_client=client_as(cashier),
        other_client=client_as(other),
        viewer_client=client_as(viewer),
    )


async def written_rows(database: Database) -> tuple[int, ...]:
    """How many sales, lines, payments and journal entries exist (to prove nothing was written)."""
    async with database.unit_of_work(write=False) as session:
        counts = []
        for model in (Sale, SaleLine, SalePayment, JournalEntry):
            counts.append(int(await session.scalar(select(func.count()).select_from(model)) or 0))
    return tuple(counts)
