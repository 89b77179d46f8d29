"""Bad input is a clear 4xx, never a 500, the same on SQLite and PostgreSQL: oversized bodies
(refused while they stream, before authentication), NUL characters in any text, null for a
field that cannot be emptied, odd Telegram payloads, numbers beyond 64 bits."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.main import create_app
from recyclic.models.user import Role, User
from tests.api.conftest import Shop
from tests.factories import Factory
from tests.support.telegram import sign_widget, webapp_init_data, widget_payload

MIB = 1024 * 1024


class CountingBody:
    """A request body sent in chunks, counting how much the server asked for."""

    def __init__(self, total: int, chunk: int = 64 * 1024) -> None:
        self.total, self.chunk, self.sent = total, chunk, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < self.total:
            self.sent += self.chunk
            yield b" " * self.chunk


async def test_a_declared_50_mb_body_is_413_before_authentication(
    client: httpx.AsyncClient,
) -> None:
    body = CountingBody(50 * MIB)
    response = await client.post(
        "/api/v1/sales",
        content=body,
        headers={"Content-Type": "application/json", "Content-Length": str(50 * MIB)},
    )
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")
    assert body.sent <= 64 * 1024  # refused on its length: nothing read


@pytest.mark.parametrize("path", ["/api/v1/auth/pin", "/api/v1/auth/telegram", "/api/v1/sales"])
async def test_a_body_without_length_is_cut_at_the_limit(
    client: httpx.AsyncClient, path: str
) -> None:
    body = CountingBody(300 * MIB)
    response = await client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")
    assert body.sent <= 1 * MIB + 64 * 1024  # never more than the limit and one chunk


async def test_an_oversized_recording_is_the_routes_413(shop: Shop, factory: Factory) -> None:
    deposit = await factory.deposit(shop.site, shop.cashier)
    limit = 20 * MIB
    response = await shop.cashier_client.post(
        f"/api/v1/deposits/{deposit.id}/classify",
        files={"audio": ("note.ogg", b"\0" * (limit + 1), "audio/ogg")},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "audio_too_large"


async def test_the_body_limit_is_a_setting(settings: Settings, database: Database) -> None:
    app = create_app(settings.model_copy(update={"max_body_bytes": 4096}), database=database)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        small = await client.post("/api/v1/auth/pin", json={"telegram_id": 1, "pin": "4821"})
        large = await client.post(
            "/api/v1/auth/pin", json={"telegram_id": 1, "pin": "4821", "x": "a" * 5000}
        )
    assert small.status_code == 401
    assert large.status_code == 413


def _nul_refused(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert "caractère nul" in body["detail"]
    assert body["errors"]


async def test_nul_in_any_text_is_the_same_422(shop: Shop, factory: Factory) -> None:
    admin = shop.admin_client
    _nul_refused(await admin.post("/api/v1/cash-registers", json={"name": "r\u0000x"}))
    _nul_refused(
        await admin.patch(f"/api/v1/users/{shop.cashier.id}", json={"full_name": "Lu\u0000cas"})
    )
    _nul_refused(
        await shop.cashier_client.post(
            "/api/v1/deposits", json={"description": "frigo\u0000", "channel": "desk"}
        )
    )
    _nul_refused(await admin.get("/api/v1/users", params={"search": "a\x00b"}))
    _nul_refused(await admin.get("/api/v1/users/%00"))
    # A NUL split between two chunks of the body is found too.
    head = b'{"name": "caisse \\u00'
    tail = b'00 bis"}'

    async def chunks() -> AsyncIterator[bytes]:
        yield head
        yield tail

    _nul_refused(
        await admin.post(
            "/api/v1/cash-registers",
            content=chunks(),
            headers={"Content-Type": "application/json"},
        )
    )


async def test_a_backslash_followed_by_u0000_is_ordinary_text(shop: Shop) -> None:
    # JSON "\\u0000" is the six characters \u0000, not a NUL: stored as typed.
    response = await shop.admin_client.post(
        "/api/v1/cash-registers",
        content=json.dumps({"name": "caisse \\u0000"}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "caisse \\u0000"


async def test_null_for_a_field_that_cannot_be_emptied_is_422(shop: Shop) -> None:
    admin = shop.admin_client
    user = f"/api/v1/users/{shop.cashier.id}"
    for field in ("status", "role", "is_active", "full_name"):
        response = await admin.patch(user, json={field: None})
        assert (response.status_code, response.json()["code"]) == (422, "validation_error")
        assert field in response.json()["detail"]
    cleared = await admin.patch(user, json={"email": None, "username": None})
    assert cleared.status_code == 200
    assert (cleared.json()["email"], cleared.json()["username"]) == (None, None)
    for path, body in (
        (f"/api/v1/cash-registers/{shop.register.id}", {"name": None}),
        (f"/api/v1/sites/{shop.site.id}", {"address": None}),
        (f"/api/v1/sites/{shop.site.id}", {"timezone": None}),
    ):
        response = await admin.patch(path, json=body)
        assert response.status_code == 422, (path, body, response.text)


async def test_a_non_ascii_telegram_hash_is_401(client: httpx.AsyncClient) -> None:
    payload = {**widget_payload(7_100_001), "hash": "é" * 64}
    widget = await client.post("/api/v1/auth/telegram", json=payload)
    assert (widget.status_code, widget.json()["code"]) == (401, "invalid_telegram_signature")
    init_data = webapp_init_data(7_100_001).rsplit("hash=", 1)[0] + "hash=%C3%A9%C3%A9"
    webapp = await client.post("/api/v1/auth/telegram/webapp", json={"init_data": init_data})
    assert (webapp.status_code, webapp.json()["code"]) == (401, "invalid_telegram_signature")


async def test_a_signed_telegram_id_beyond_64_bits_is_401(client: httpx.AsyncClient) -> None:
    for absurd in (10**30, 2**63):
        response = await client.post("/api/v1/auth/telegram", json=widget_payload(absurd))
        assert response.status_code == 401, response.text
    webapp = await client.post(
        "/api/v1/auth/telegram/webapp", json={"init_data": webapp_init_data(10**30)}
    )
    assert webapp.status_code == 401


async def test_signed_names_with_control_characters_are_cleaned(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    await factory.site()
    auth_date = widget_payload(1)["auth_date"]
    fields = {"id": 7_100_002, "first_name": "Jea\u0007nne\u001b", "auth_date": auth_date}
    response = await client.post("/api/v1/auth/telegram", json=sign_widget(fields))
    assert response.status_code == 202, response.text
    async with database.unit_of_work(write=False) as session:
        user = await session.scalar(select(User).where(User.telegram_id == 7_100_002))
    assert user is not None
    assert user.full_name == "Jeanne"
    # A NUL is refused before anything is checked, like in any other body.
    nul = {**fields, "first_name": "Jea\u0000nne"}
    refused = await client.post("/api/v1/auth/telegram", json=sign_widget(nul))
    assert refused.status_code == 422


async def test_numbers_beyond_64_bits_are_422(shop: Shop) -> None:
    response = await shop.admin_client.post(
        "/api/v1/users", json={"telegram_id": 10**30, "full_name": "Trop grand"}
    )
    assert response.status_code == 422
    pin = await shop.admin_client.post(
        "/api/v1/auth/pin", json={"telegram_id": 10**30, "pin": "4821"}
    )
    assert pin.status_code == 422


async def test_viewers_do_not_see_the_sync_settings(shop: Shop) -> None:
    configure = await shop.admin_client.patch(
        f"/api/v1/sites/{shop.site.id}",
        json={"sync": {"kdrive_url": "https://kdrive.example/dav", "kdrive_username": "shop"}},
    )
    assert configure.status_code == 200
    assert configure.json()["sync"]["kdrive_username"] == "shop"
    for client in (shop.viewer_client, shop.cashier_client):
        listed = (await client.get("/api/v1/sites")).json()
        assert [site["sync"] for site in listed] == [None]
        one = await client.get(f"/api/v1/sites/{shop.site.id}")
        assert one.json()["sync"] is None
    admin_view = await shop.admin_client.get(f"/api/v1/sites/{shop.site.id}")
    assert admin_view.json()["sync"]["kdrive_url"] == "https://kdrive.example/dav"


async def test_only_admins_manage_users(shop: Shop) -> None:
    # (the PATCH above is an admin's; an operator's is refused before the body matters)
    response = await shop.cashier_client.patch(
        f"/api/v1/users/{shop.other_cashier.id}", json={"status": None}
    )
    assert response.status_code in (403, 422)
    assert shop.admin.role == Role.ADMIN
