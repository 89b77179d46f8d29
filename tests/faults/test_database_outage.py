"""R4: PostgreSQL cut while the shop works — through a TCP proxy the test controls, never the
shared server — first by resets, then by a black hole (connections that never answer).
Every request answers within 5 s (503 `database_unavailable` while it lasts), /health says
so, and the service recovers by itself once the proxy forwards again."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

import httpx

from tests.support.databases import postgres_url
from tests.support.served import Server
from tests.support.tcp_proxy import TcpProxy

LIMIT = 5.0  # seconds: the longest a request may take, database or not


async def _probe(client: httpx.AsyncClient, path: str) -> tuple[int, float]:
    started = time.monotonic()
    try:
        status = (await client.get(path)).status_code
    except httpx.HTTPError:
        status = 0  # no answer at all
    return status, time.monotonic() - started


async def _burst(client: httpx.AsyncClient, seconds: float) -> list[tuple[int, float]]:
    """Four clients asking for their profile (one database read each) for `seconds`."""
    results: list[tuple[int, float]] = []
    deadline = time.monotonic() + seconds

    async def one_client() -> None:
        while time.monotonic() < deadline:
            results.append(await _probe(client, "/api/v1/users/me"))
            # A till's pace, not a flood: the test is about answer times, not load (and
            # shares the CI machine with three other test processes).
            await asyncio.sleep(0.02)

    await asyncio.gather(*(one_client() for _ in range(4)))
    return results


async def _recovery_time(client: httpx.AsyncClient, within: float = 30) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        status, _ = await _probe(client, "/api/v1/users/me")
        if status == 200:
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    raise AssertionError("the service did not recover")


async def test_a_cut_database_answers_503_fast_and_recovers_alone(
    server: Server, tcp_proxy_factory
) -> None:  # type: ignore[no-untyped-def]
    target = urlsplit(server.database_url.replace("+asyncpg", ""))
    proxy: TcpProxy = await tcp_proxy_factory(target.hostname, target.port or 5432)
    server.database_url = (
        f"postgresql://{target.username or 'postgres'}@127.0.0.1:{proxy.port}{target.path}"
    )
    assert postgres_url() is not None
    await server.create_admin()
    await server.start()
    token = await server.login()
    headers = {"Authorization": f"Bearer {token}"}
    figures: dict[str, object] = {}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as client:
        assert {s for s, _ in await _burst(client, 1.0)} == {200}
        for mode in ("reset", "blackhole"):
            await proxy.cut(blackhole=mode == "blackhole")
            during = await _burst(client, 6.0)  # longer than LIMIT: a hung request shows
            health, health_seconds = await _probe(client, "/api/v1/health")
            body = (await client.get("/api/v1/health")).json()
            await proxy.restore()
            recovered_in = await _recovery_time(client)
            statuses = {s for s, _ in during}
            slowest = max(seconds for _, seconds in during)
            figures[mode] = {
                "requests": len(during),
                "statuses": sorted(statuses),
                "slowest_s": round(slowest, 2),
                "health": (health, round(health_seconds, 2)),
                "recovered_in_s": round(recovered_in, 2),
            }
            assert statuses <= {200, 503}, (mode, statuses, server.log())
            assert 503 in statuses, mode
            assert slowest < LIMIT, (mode, slowest)
            assert (health, body["database"]) == (503, "unavailable"), mode
            assert health_seconds < LIMIT
            after = await _burst(client, 1.0)
            assert {s for s, _ in after} == {200}, mode
    print(f"R4 figures: {figures}")
    await server.stop_cleanly()
