"""R2: `recyclic serve` killed (SIGKILL) while tills sell, then restarted → every sale that was
acknowledged (200/201) exists, complete; none is partial; the journal verifies; the sales the
tills never heard about can be replayed with their ids, once each."""

from __future__ import annotations

import asyncio
import signal
import uuid

import asyncpg
import httpx

from tests.faults.till import Till, open_till
from tests.support.served import Server

CLIENTS = 16
KILL_AFTER = 200  # acknowledged sales: the kill lands in the middle of steady selling


async def _sell_until_killed(till: Till) -> tuple[set[str], set[str]]:
    acknowledged: set[str] = set()
    unanswered: set[str] = set()
    enough = asyncio.Event()

    async def cashier() -> None:
        async with till.client(timeout=10) as client:
            while True:
                body = till.sale()
                try:
                    response = await client.post("/api/v1/sales", json=body)
                except httpx.HTTPError:
                    unanswered.add(body["id"])
                    return  # the server is gone
                if response.status_code in (200, 201):
                    acknowledged.add(body["id"])
                    if len(acknowledged) >= KILL_AFTER:
                        enough.set()
                else:
                    unanswered.add(body["id"])

    async def killer() -> None:
        await enough.wait()
        await till.server.stop(signal.SIGKILL)

    await asyncio.gather(killer(), *(cashier() for _ in range(CLIENTS)))
    return acknowledged, unanswered


async def test_a_killed_server_loses_no_acknowledged_sale(server: Server) -> None:
    await server.create_admin()
    await server.start()
    till = await open_till(server)
    acknowledged, unanswered = await _sell_until_killed(till)
    assert server.process is not None
    assert server.process.returncode == -signal.SIGKILL

    await server.start()
    connection = await asyncpg.connect(server.database_url.replace("+asyncpg", ""))
    try:
        stored = {
            str(row["id"]): (row["total_cents"], row["lines"], row["paid"])
            for row in await connection.fetch(
                """
                SELECT s.id, s.total_cents,
                       (SELECT count(*) FROM sale_lines l WHERE l.sale_id = s.id) AS lines,
                       (SELECT coalesce(sum(p.amount_cents), 0) FROM sale_payments p
                         WHERE p.sale_id = s.id) AS paid
                FROM sales s
                """
            )
        }
    finally:
        await connection.close()
    missing = acknowledged - stored.keys()
    partial = {i: v for i, v in stored.items() if v != (1200, 1, 1200)}
    print(
        f"R2 figures: {len(acknowledged)} sales acknowledged before SIGKILL, "
        f"{len(unanswered)} unanswered, {len(stored)} stored, {len(missing)} missing, "
        f"{len(partial)} partial"
    )
    assert missing == set()
    assert partial == {}

    # The tills replay what they never heard about: each is stored once.
    async with till.client(timeout=10) as client:
        for sale_id in unanswered:
            replay = await client.post("/api/v1/sales", json=till.sale(uuid.UUID(sale_id)))
            assert replay.status_code in (200, 201), replay.text
        for sale_id in list(acknowledged)[:20]:
            again = await client.post("/api/v1/sales", json=till.sale(uuid.UUID(sale_id)))
            assert again.status_code == 200  # the existing sale, not a second one
    code, output = await server.cli("journal", "verify")
    assert code == 0, output
    await server.stop_cleanly()
