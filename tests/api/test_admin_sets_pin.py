"""An admin sets or removes a user's PIN (`PUT`/`DELETE /api/v1/users/{id}/pin`): a volunteer
who forgot theirs, or one without Telegram; the rules of spec §4 hold (site, super admins)."""

from __future__ import annotations

import httpx

from recyclic.models.user import Role
from tests.factories import Factory, auth_headers


async def test_an_admin_sets_then_removes_a_pin_that_then_logs_in(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    lucas = await factory.user(site, telegram_id=None)
    weak = await client.put(
        f"/api/v1/users/{lucas.id}/pin", json={"pin": "1234"}, headers=auth_headers(admin)
    )
    assert weak.status_code == 422
    assert weak.json()["code"] == "weak_pin"
    done = await client.put(
        f"/api/v1/users/{lucas.id}/pin", json={"pin": "4827"}, headers=auth_headers(admin)
    )
    assert done.status_code == 200, done.text
    assert done.json()["has_pin"] is True
    assert "4827" not in done.text
    login = await client.post("/api/v1/auth/pin", json={"user_id": str(lucas.id), "pin": "4827"})
    assert login.status_code == 200, login.text
    removed = await client.delete(f"/api/v1/users/{lucas.id}/pin", headers=auth_headers(admin))
    assert removed.status_code == 200
    assert removed.json()["has_pin"] is False
    refused = await client.post("/api/v1/auth/pin", json={"user_id": str(lucas.id), "pin": "4827"})
    assert refused.status_code == 401


async def test_the_rules_hold(client: httpx.AsyncClient, factory: Factory) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    chief = await factory.user(site, role=Role.SUPER_ADMIN)
    stranger = await factory.user(await factory.site())
    body = {"pin": "4827"}
    response = await client.put(
        f"/api/v1/users/{chief.id}/pin", json=body, headers=auth_headers(admin)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "cannot_manage_super_admin"
    response = await client.put(
        f"/api/v1/users/{stranger.id}/pin", json=body, headers=auth_headers(admin)
    )
    assert response.status_code == 404
    gone = await factory.user(site)
    await client.post(f"/api/v1/users/{gone.id}/anonymize", headers=auth_headers(admin))
    response = await client.put(
        f"/api/v1/users/{gone.id}/pin", json=body, headers=auth_headers(admin)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "user_anonymized"
