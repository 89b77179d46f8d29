"""A stranger cannot lock a volunteer out: wrong PINs and forged Telegram payloads cost the
address that sends them, not the account they name — and PIN guessing is still stopped."""

from __future__ import annotations

import httpx
import pytest

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.main import create_app
from recyclic.models.user import Role, User
from tests.factories import Factory, auth_headers
from tests.support.telegram import widget_payload

PIN = "4821"


def _from(app, address: str, user: User | None = None) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(address, 5000))
    headers = auth_headers(user) if user is not None else None
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)


async def _pin(client: httpx.AsyncClient, user: User, pin: str) -> httpx.Response:
    return await client.post("/api/v1/auth/pin", json={"user_id": str(user.id), "pin": pin})


async def test_wrong_pins_lock_the_sender_not_the_account(app, factory: Factory) -> None:  # type: ignore[no-untyped-def]
    site = await factory.site()
    victim = await factory.user(site, pin=PIN)
    async with _from(app, "203.0.113.66") as attacker, _from(app, "192.0.2.10") as till:
        answers = [(await _pin(attacker, victim, "0000")).status_code for _ in range(6)]
        assert answers == [401, 401, 401, 401, 429, 429]
        refused = await _pin(attacker, victim, PIN)
        assert (refused.status_code, refused.json()["code"]) == (429, "pin_locked")
        assert 1 <= int(refused.headers["retry-after"]) <= 900
        # The volunteer, at the shop's till, logs in at once.
        assert (await _pin(till, victim, PIN)).status_code == 200


async def test_the_right_pin_clears_its_senders_count(app, factory: Factory) -> None:  # type: ignore[no-untyped-def]
    site = await factory.site()
    user = await factory.user(site, pin=PIN)
    async with _from(app, "192.0.2.11") as till:
        for _ in range(4):
            assert (await _pin(till, user, "0000")).status_code == 401
        assert (await _pin(till, user, PIN)).status_code == 200
        for _ in range(4):
            assert (await _pin(till, user, "0000")).status_code == 401


async def test_many_addresses_together_still_cannot_guess(
    settings: Settings, database: Database, factory: Factory
) -> None:
    app = create_app(
        settings.model_copy(update={"pin_max_failures_per_account": 12}), database=database
    )
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    user = await factory.user(site, pin=PIN)
    answers = []
    for n in range(4):  # a botnet: 3 wrong PINs from each of 4 addresses
        async with _from(app, f"198.51.100.{n}") as bot:
            answers += [(await _pin(bot, user, "0000")).status_code for _ in range(3)]
    assert answers[:11] == [401] * 11
    assert answers[11] == 429
    # The PIN itself is locked now, from anywhere, until an admin (or time) lifts it.
    async with _from(app, "192.0.2.12") as till:
        assert (await _pin(till, user, PIN)).status_code == 429
        async with _from(app, "192.0.2.13", admin) as office:
            unlocked = await office.post(f"/api/v1/users/{user.id}/pin/unlock")
            assert unlocked.status_code == 200
        assert (await _pin(till, user, PIN)).status_code == 200


async def test_an_admin_unlocks_a_locked_address(app, factory: Factory) -> None:  # type: ignore[no-untyped-def]
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    user = await factory.user(site, pin=PIN)
    async with _from(app, "192.0.2.20") as till, _from(app, "192.0.2.21", admin) as office:
        for _ in range(5):
            await _pin(till, user, "0000")
        assert (await _pin(till, user, PIN)).status_code == 429
        operator = await factory.user(site)
        async with _from(app, "192.0.2.22", operator) as colleague:
            denied = await colleague.post(f"/api/v1/users/{user.id}/pin/unlock")
            assert denied.status_code == 403
        assert (await office.post(f"/api/v1/users/{user.id}/pin/unlock")).status_code == 200
        assert (await _pin(till, user, PIN)).status_code == 200
        audit = await office.get("/api/v1/audit-logs", params={"action": "user.pin_unlock"})
        assert audit.status_code == 200
        assert [e["action"] for e in audit.json()["items"]] == ["user.pin_unlock"]


async def test_forged_widget_payloads_do_not_lock_their_victim(app, factory: Factory) -> None:  # type: ignore[no-untyped-def]
    site = await factory.site()
    victim = await factory.user(site)
    forged = {**widget_payload(victim.telegram_id), "hash": "0" * 64}  # type: ignore[arg-type]
    async with _from(app, "203.0.113.77") as attacker:
        for _ in range(15):
            response = await attacker.post("/api/v1/auth/telegram", json=forged)
            assert response.status_code == 401
    async with _from(app, "192.0.2.30") as phone:
        real = await phone.post(
            "/api/v1/auth/telegram",
            json=widget_payload(victim.telegram_id),  # type: ignore[arg-type]
        )
        assert real.status_code == 200, real.text


@pytest.mark.parametrize("sources", [("ip:a",), ("ip:a", "device:t1")])
async def test_a_lock_applies_when_any_source_is_locked(
    settings: Settings, factory: Factory, sources: tuple[str, ...]
) -> None:
    from recyclic.core.rate_limit import MemoryRateLimiter
    from recyclic.models.base import utcnow
    from recyclic.services.people.pin_guard import PinGuard, PinLocked

    guard = PinGuard(MemoryRateLimiter(), settings)
    user = await factory.user(await factory.site())
    for _ in range(5):
        await guard.failed(user, sources, utcnow())
    # The device is locked even when it shows up from a new address.
    with pytest.raises(PinLocked):
        await guard.check(user, (*sources[1:], "ip:b") if len(sources) > 1 else sources, utcnow())
    await guard.check(user, ("ip:b",), utcnow())
