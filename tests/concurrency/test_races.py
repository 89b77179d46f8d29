"""R1 and R3: offline replays and races with real concurrency and real commits."""

from __future__ import annotations

import asyncio
import os
import random
import uuid
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from recyclic.models.cash import CashSession, SessionStatus
from recyclic.models.sale import Sale
from recyclic.models.user import Role
from recyclic.services.cash.journal import JournalService
from tests.concurrency.conftest import RaceWorld
from tests.factories import auth_headers

CONCURRENCY = 20


async def test_20_concurrent_opens_of_one_register_give_exactly_one_session(
    races: RaceWorld,
) -> None:
    site = await races.factory.site()
    register = await races.factory.register(site)
    cashiers = [await races.factory.user(site) for _ in range(CONCURRENCY)]
    clients = [races.client(auth_headers(c)) for c in cashiers]
    body = {"register_id": str(register.id), "opening_amount": 50}
    responses = await asyncio.gather(*(c.post("/api/v1/cash-sessions", json=body) for c in clients))
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: CONCURRENCY - 1}, statuses
    async with races.database.unit_of_work(write=False) as session:
        open_count = await session.scalar(
            select(func.count()).where(
                CashSession.register_id == register.id, CashSession.status == SessionStatus.OPENED
            )
        )
    assert open_count == 1
    for client in clients:
        await client.aclose()


async def test_20_concurrent_closes_close_exactly_once(races: RaceWorld) -> None:
    site = await races.factory.site()
    cashier = await races.factory.user(site)
    session = await races.factory.open_session(await races.factory.register(site), cashier)
    async with races.client(auth_headers(cashier)) as client:
        responses = await asyncio.gather(
            *(
                client.post(f"/api/v1/cash-sessions/{session.id}/close", json={"actual_amount": 50})
                for _ in range(CONCURRENCY)
            )
        )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 409: CONCURRENCY - 1}, statuses


async def test_20_concurrent_refunds_never_exceed_the_sale(races: RaceWorld) -> None:
    site = await races.factory.site()
    cashier = await races.factory.user(site)
    admin = await races.factory.user(site, role=Role.ADMIN)
    session = await races.factory.open_session(await races.factory.register(site), cashier)
    sale = await races.factory.sale(
        session,
        cashier,
        items=[{"category": "VAI", "quantity": 5, "unit_price": "2"}],
        payments=[{"method": "cash", "amount": "10"}],
    )
    refund_session = await races.factory.open_session(await races.factory.register(site), admin)
    body = {
        "session_id": str(refund_session.id),
        "reason": "Verres ébréchés",
        "method": "cash",
        "items": [{"line_id": str(sale.lines[0].id), "quantity": 1}],
    }
    async with races.client(auth_headers(admin)) as client:
        responses = await asyncio.gather(
            *(
                client.post(f"/api/v1/sales/{sale.sale.id}/refund", json=body)
                for _ in range(CONCURRENCY)
            )
        )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 5, 409: CONCURRENCY - 5}, statuses
    async with races.database.unit_of_work(write=False) as db:
        refunded = await db.scalar(
            select(func.sum(Sale.total_cents)).where(Sale.refund_of == sale.sale.id)
        )
    assert refunded == -1000


async def test_concurrent_replays_of_one_ticket_store_it_once(races: RaceWorld) -> None:
    site = await races.factory.site()
    cashier = await races.factory.user(site)
    session = await races.factory.open_session(await races.factory.register(site), cashier)
    body = {
        "id": str(uuid.uuid4()),
        "session_id": str(session.id),
        "items": [{"category": "LIV", "unit_price": 2}],
        "payments": [{"method": "cash", "amount": 2}],
    }
    async with races.client(auth_headers(cashier)) as client:
        responses = await asyncio.gather(
            *(client.post("/api/v1/sales", json=body) for _ in range(CONCURRENCY))
        )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 200: CONCURRENCY - 1}, statuses
    assert len({r.json()["id"] for r in responses}) == 1


async def test_r1_offline_queue_replayed_three_times_by_eight_clients(races: RaceWorld) -> None:
    """R1: N tickets with client ids, each sent 3 times by 8 concurrent clients."""
    count = int(os.environ.get("RECYCLIC_R1_SALES", "600"))
    site = await races.factory.site()
    cashier = await races.factory.user(site)
    session = await races.factory.open_session(await races.factory.register(site), cashier)
    rng = random.Random(1)
    tickets: list[dict[str, Any]] = []
    expected_total = 0
    for _ in range(count):
        price_cents = rng.randint(10, 5000)
        quantity = rng.randint(1, 3)
        expected_total += price_cents * quantity
        tickets.append(
            {
                "id": str(uuid.uuid4()),
                "session_id": str(session.id),
                "items": [
                    {
                        "category": rng.choice(["MOB", "TLC", "LIV", "VAI"]),
                        "quantity": quantity,
                        "unit_price": price_cents / 100,
                    }
                ],
                "payments": [{"method": "card", "amount": price_cents * quantity / 100}],
            }
        )
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sends = tickets * 3
    rng.shuffle(sends)
    for ticket in sends:
        queue.put_nowait(ticket)
    statuses: Counter[int] = Counter()

    async def worker() -> None:
        async with races.client(auth_headers(cashier)) as client:
            while not queue.empty():
                ticket = queue.get_nowait()
                response = await client.post("/api/v1/sales", json=ticket)
                statuses[response.status_code] += 1

    await asyncio.gather(*(worker() for _ in range(8)))
    assert statuses == {201: count, 200: 2 * count}, statuses
    async with races.database.unit_of_work(write=False) as db:
        stored = await db.scalar(select(func.count()).where(Sale.session_id == session.id))
        total = await db.scalar(
            select(func.sum(Sale.total_cents)).where(Sale.session_id == session.id)
        )
        verdict = await JournalService(db).verify(site.id)
    assert stored == count
    assert total == expected_total
    assert verdict.ok
    assert verdict.entries == count + 1


async def test_a_close_racing_with_sales_never_leaves_a_sale_outside_the_z_report(
    races: RaceWorld,
) -> None:
    site = await races.factory.site()
    cashier = await races.factory.user(site)
    session = await races.factory.open_session(await races.factory.register(site), cashier)
    ticket = {
        "session_id": str(session.id),
        "items": [{"category": "LIV", "unit_price": 1}],
        "payments": [{"method": "cash", "amount": 1}],
    }
    async with races.client(auth_headers(cashier)) as client:
        sales = [client.post("/api/v1/sales", json=ticket) for _ in range(CONCURRENCY)]
        close = client.post(
            f"/api/v1/cash-sessions/{session.id}/close",
            json={"actual_amount": 50, "variance_comment": "course"},
        )
        responses = await asyncio.gather(*sales[:10], close, *sales[10:])
    closing = responses[10]
    assert closing.status_code == 200, closing.text
    accepted = sum(1 for r in responses if r.status_code == 201)
    refused = sum(1 for r in responses if r.status_code == 409)
    assert accepted + refused == CONCURRENCY
    report = closing.json()["closing_report"]
    # Every acknowledged sale is in the Z report, and nothing else is.
    assert report["counts"]["sales"] == accepted
    async with races.database.unit_of_work(write=False) as db:
        stored = await db.scalar(select(func.count()).where(Sale.session_id == session.id))
    assert stored == accepted
