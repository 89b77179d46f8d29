"""R11: 64 clients against a pool of 10 connections, a third of them hanging up mid-request →
every request answered (served, or 503 fast) within 5 s; afterwards no connection left "idle
in transaction" and the pool back to idle; SIGTERM stops the server cleanly."""

from __future__ import annotations

import asyncio
import random
import time

import asyncpg
import httpx

from tests.faults.till import Till, open_till
from tests.support.served import Server

CLIENTS = 64
POOL = 10
SECONDS = 6.0
LIMIT = 5.0


async def _connections(url: str) -> list[str]:
    """States of the server's connections to its database."""
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT state FROM pg_stat_activity "
            "WHERE application_name = 'recyclic' AND datname = current_database()"
        )
    finally:
        await connection.close()
    return [row["state"] for row in rows]


async def _load(till: Till) -> tuple[list[tuple[int, float]], int]:
    answered: list[tuple[int, float]] = []
    hung_up = 0
    deadline = time.monotonic() + SECONDS

    async def patient(n: int) -> None:
        async with till.client(timeout=30) as client:
            while time.monotonic() < deadline:
                started = time.monotonic()
                if n % 2:
                    response = await client.post("/api/v1/sales", json=till.sale())
                else:
                    response = await client.get(f"/api/v1/cash-sessions/{till.session_id}")
                answered.append((response.status_code, time.monotonic() - started))

    async def impatient() -> None:
        nonlocal hung_up
        rng = random.Random()
        while time.monotonic() < deadline:
            # A new connection each time, dropped while the server works on the request.
            async with till.client(timeout=rng.uniform(0.005, 0.2)) as client:
                try:
                    await client.post("/api/v1/sales", json=till.sale())
                except httpx.TimeoutException:
                    hung_up += 1

    impatient_count = CLIENTS // 3
    await asyncio.gather(
        *(impatient() for _ in range(impatient_count)),
        *(patient(n) for n in range(CLIENTS - impatient_count)),
    )
    return answered, hung_up


async def test_overload_with_disconnects_is_served_or_refused_fast(server: Server) -> None:
    server.settings.update({"RECYCLIC_DB_POOL_SIZE": str(POOL), "RECYCLIC_DB_MAX_OVERFLOW": "0"})
    await server.create_admin()
    await server.start()
    till = await open_till(server)
    answered, hung_up = await _load(till)
    statuses = {status for status, _ in answered}
    slowest = max(seconds for _, seconds in answered)
    served = sum(1 for status, _ in answered if status in (200, 201))
    refused = sum(1 for status, _ in answered if status == 503)
    database_url = server.database_url.replace("+asyncpg", "")
    await asyncio.sleep(0.5)
    after = await _connections(database_url)
    print(
        f"R11 figures: {len(answered)} answered ({served} served, {refused} 503), "
        f"{hung_up} hung up mid-request, slowest answer {slowest:.2f} s, "
        f"connections afterwards {sorted(after)}"
    )
    assert statuses <= {200, 201, 503}, statuses
    assert served > 0
    assert slowest < LIMIT
    assert hung_up > 0
    assert "idle in transaction" not in after
    assert len(after) <= POOL
    assert set(after) <= {"idle"}
    started = time.monotonic()
    await server.stop_cleanly()
    print(f"R11 stop: {time.monotonic() - started:.2f} s after SIGTERM")
    assert await _connections(database_url) == []
