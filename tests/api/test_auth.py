"""Logging in and staying logged in, through real HTTP."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from sqlalchemy import select, update

from recyclic.core.database import Database
from recyclic.models.auth import LoginCode, RefreshToken
from recyclic.models.user import Role, User, UserStatus
from recyclic.services.people.auth import AuthService
from tests.factories import TEST_SECRET, Factory, access_token
from tests.support.telegram import webapp_init_data, widget_payload


async def _login(client: httpx.AsyncClient, telegram_id: int) -> httpx.Response:
    return await client.post("/api/v1/auth/telegram", json=widget_payload(telegram_id))


async def test_approved_user_logs_in_with_the_widget(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    user = await factory.user(site, role=Role.ADMIN)
    response = await _login(client, user.telegram_id)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["user"]["id"] == str(user.id)
    claims = jwt.decode(body["access_token"], TEST_SECRET, algorithms=["HS256"])
    assert claims["sub"] == str(user.id)
    assert claims["site"] == str(site.id)
    assert claims["role"] == "admin"
    assert {"iat", "exp", "jti"} <= claims.keys()
    assert claims["exp"] - claims["iat"] == 900
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["full_name"] == user.full_name


async def test_unknown_telegram_user_becomes_pending_without_tokens(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    response = await _login(client, 99_000_001)
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert "access_token" not in response.json()
    async with database.unit_of_work(write=False) as session:
        user = await session.scalar(select(User).where(User.telegram_id == 99_000_001))
    assert user is not None
    assert user.status == UserStatus.PENDING
    assert user.full_name == "Jeanne Lefèvre"
    # Single-site installation: the registration is attached to that site.
    sites = await _count_sites(database)
    if sites == 1:
        assert user.site_id == site.id
    again = await _login(client, 99_000_001)
    assert again.status_code == 202


async def _count_sites(database: Database) -> int:
    from sqlalchemy import func

    from recyclic.models.site import Site

    async with database.unit_of_work(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(Site)) or 0)


async def test_rejected_and_deactivated_users_are_refused(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    rejected = await factory.user(site, status=UserStatus.REJECTED)
    disabled = await factory.user(site, is_active=False)
    r1 = await _login(client, rejected.telegram_id)  # type: ignore[arg-type]
    assert (r1.status_code, r1.json()["code"]) == (403, "registration_rejected")
    r2 = await _login(client, disabled.telegram_id)  # type: ignore[arg-type]
    assert (r2.status_code, r2.json()["code"]) == (403, "account_disabled")


@pytest.mark.parametrize(
    "tamper",
    ["changed_field", "missing_hash", "wrong_token", "stale", "future", "not_json"],
)
async def test_bad_widget_payloads_are_401(
    client: httpx.AsyncClient, factory: Factory, tamper: str
) -> None:
    site = await factory.site()
    user = await factory.user(site)
    tid = user.telegram_id
    assert tid is not None
    content: bytes
    if tamper == "changed_field":
        payload = widget_payload(tid)
        payload["first_name"] = "Mallory"
        content = json.dumps(payload).encode()
    elif tamper == "missing_hash":
        payload = widget_payload(tid)
        del payload["hash"]
        content = json.dumps(payload).encode()
    elif tamper == "wrong_token":
        content = json.dumps(widget_payload(tid, bot_token="1:other")).encode()
    elif tamper == "stale":
        content = json.dumps(widget_payload(tid, auth_date=int(time.time()) - 2 * 86400)).encode()
    elif tamper == "future":
        content = json.dumps(widget_payload(tid, auth_date=int(time.time()) + 7200)).encode()
    else:
        content = b"{not json"
    response = await client.post(
        "/api/v1/auth/telegram", content=content, headers={"Content-Type": "application/json"}
    )
    expected = 422 if tamper == "not_json" else 401
    assert response.status_code == expected, response.text
    assert response.json()["detail"]
    if expected == 401:
        assert response.headers["www-authenticate"] == "Bearer"


async def test_duplicated_keys_in_the_widget_payload_are_401(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    user = await factory.user(site)
    payload = widget_payload(user.telegram_id)  # type: ignore[arg-type]
    raw = json.dumps(payload)[:-1] + ', "id": 1}'
    response = await client.post(
        "/api/v1/auth/telegram", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401


async def test_mini_app_login(client: httpx.AsyncClient, factory: Factory) -> None:
    site = await factory.site()
    user = await factory.user(site)
    good = await client.post(
        "/api/v1/auth/telegram/webapp",
        json={"init_data": webapp_init_data(user.telegram_id)},  # type: ignore[arg-type]
    )
    assert good.status_code == 200
    bad = await client.post(
        "/api/v1/auth/telegram/webapp",
        json={"init_data": webapp_init_data(user.telegram_id, bot_token="1:x")},  # type: ignore[arg-type]
    )
    assert bad.status_code == 401


async def test_login_code_is_single_use_and_expires(
    client: httpx.AsyncClient, factory: Factory, database: Database, settings: object
) -> None:
    site = await factory.site()
    user = await factory.user(site)
    async with database.unit_of_work() as session:
        code = await AuthService(session, settings).issue_login_code(user)  # type: ignore[arg-type]
    assert len(code) == 8
    typed = f"{code[:4].lower()}-{code[4:]}"
    first = await client.post("/api/v1/auth/code", json={"code": typed})
    assert first.status_code == 200, first.text
    second = await client.post("/api/v1/auth/code", json={"code": code})
    assert (second.status_code, second.json()["code"]) == (401, "login_code_invalid")

    async with database.unit_of_work() as session:
        old = await AuthService(session, settings).issue_login_code(user)  # type: ignore[arg-type]
        await session.execute(
            update(LoginCode)
            .where(LoginCode.used_at.is_(None))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    expired = await client.post("/api/v1/auth/code", json={"code": old})
    assert expired.status_code == 401


async def test_pin_set_then_login_then_lockout(
    client_as, client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    user = await factory.user(site)
    me = client_as(user)
    weak = await me.put("/api/v1/users/me/pin", json={"pin": "1234"})
    assert (weak.status_code, weak.json()["code"]) == (422, "weak_pin")
    assert (await me.put("/api/v1/users/me/pin", json={"pin": "4821"})).status_code == 204

    ok = await client.post("/api/v1/auth/pin", json={"user_id": str(user.id), "pin": "4821"})
    assert ok.status_code == 200
    by_telegram = await client.post(
        "/api/v1/auth/pin", json={"telegram_id": user.telegram_id, "pin": "4821"}
    )
    assert by_telegram.status_code == 200

    for attempt in range(1, 5):
        wrong = await client.post("/api/v1/auth/pin", json={"user_id": str(user.id), "pin": "0000"})
        assert (wrong.status_code, wrong.json()["code"]) == (401, "pin_invalid"), attempt
    fifth = await client.post("/api/v1/auth/pin", json={"user_id": str(user.id), "pin": "0000"})
    assert (fifth.status_code, fifth.json()["code"]) == (429, "pin_locked")
    assert 890 <= int(fifth.headers["retry-after"]) <= 900
    # Locked for this address: even the right PIN is refused from it.
    locked = await client.post("/api/v1/auth/pin", json={"user_id": str(user.id), "pin": "4821"})
    assert (locked.status_code, locked.json()["code"]) == (429, "pin_locked")
    # The count of wrong PINs was stored despite the 4xx answers.
    async with database.unit_of_work(write=False) as session:
        stored = await session.get(User, user.id)
        assert stored is not None
        assert stored.pin_failed_attempts == 5


async def test_pin_of_unknown_user_is_the_same_401(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/pin", json={"telegram_id": 123, "pin": "4821"})
    assert (response.status_code, response.json()["code"]) == (401, "pin_invalid")


async def test_pin_request_needs_exactly_one_identifier(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/pin", json={"pin": "4821"})
    assert response.status_code == 422


async def test_refresh_rotates_and_reuse_revokes_the_family(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    user = await factory.user(site)
    first = (await _login(client, user.telegram_id)).json()  # type: ignore[arg-type]
    second = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    pair = second.json()
    assert pair["refresh_token"] != first["refresh_token"]

    reuse = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert (reuse.status_code, reuse.json()["code"]) == (401, "refresh_token_reused")
    # The thief's replay closed the session: the legitimate new token is dead too.
    after = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert after.status_code == 401


async def test_unknown_and_expired_refresh_tokens_are_401(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    unknown = await client.post("/api/v1/auth/refresh", json={"refresh_token": "nope"})
    assert (unknown.status_code, unknown.json()["code"]) == (401, "refresh_token_invalid")
    site = await factory.site()
    user = await factory.user(site)
    tokens = (await _login(client, user.telegram_id)).json()  # type: ignore[arg-type]
    async with database.unit_of_work() as session:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user.id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    expired = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert expired.status_code == 401


async def test_logout_revokes_the_session(client: httpx.AsyncClient, factory: Factory) -> None:
    site = await factory.site()
    user = await factory.user(site)
    tokens = (await _login(client, user.telegram_id)).json()  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    out = await client.post(
        "/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}, headers=headers
    )
    assert out.status_code == 204
    again = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert again.status_code == 401


async def test_deactivation_stops_existing_tokens_at_once(
    client_as, client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    user = await factory.user(site)
    tokens = (await _login(client, user.telegram_id)).json()  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200

    patched = await client_as(admin).patch(f"/api/v1/users/{user.id}", json={"is_active": False})
    assert patched.status_code == 200, patched.text

    refused = await client.get("/api/v1/users/me", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401
    relogin = await _login(client, user.telegram_id)  # type: ignore[arg-type]
    assert (relogin.status_code, relogin.json()["code"]) == (403, "account_disabled")


async def test_role_change_revokes_refresh_tokens_and_applies_at_once(
    client_as, client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    other_admin = await factory.user(site, role=Role.ADMIN)
    tokens = (await _login(client, other_admin.telegram_id)).json()  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await client.get("/api/v1/users", headers=headers)).status_code == 200
    demoted = await client_as(admin).patch(
        f"/api/v1/users/{other_admin.id}", json={"role": "viewer"}
    )
    assert demoted.status_code == 200
    # Same access token, whose role claim still says admin: the database decides.
    assert (await client.get("/api/v1/users", headers=headers)).status_code == 403
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Basic abc",
        "Bearer not-a-jwt",
        "Bearer "
        + jwt.encode(
            {"sub": "x", "iat": 1, "exp": 4_000_000_000, "jti": "x"}, None, algorithm="none"
        ),
        "Bearer "
        + jwt.encode(
            {"sub": "x", "iat": 1, "exp": 4_000_000_000, "jti": "x"},
            "wrong-key-" * 4,
            algorithm="HS256",
        ),
    ],
)
async def test_bad_authorization_is_401_with_www_authenticate(
    client: httpx.AsyncClient, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    response = await client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] in {"unauthenticated", "invalid_token"}


async def test_token_of_unknown_or_expired_user_is_401(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    user = await factory.user(site)
    expired = access_token(user, lifetime=timedelta(seconds=-10))
    r1 = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {expired}"})
    assert (r1.status_code, r1.json()["code"]) == (401, "token_expired")
    ghost = User(id=__import__("uuid").uuid4(), role=Role.ADMIN, site_id=site.id, full_name="x")
    r2 = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {access_token(ghost)}"}
    )
    assert r2.status_code == 401


async def test_ip_rate_limit_answers_429_with_retry_after(client: httpx.AsyncClient) -> None:
    statuses = []
    for _ in range(31):
        response = await client.post("/api/v1/auth/refresh", json={"refresh_token": "x"})
        statuses.append(response.status_code)
    assert statuses[:30] == [401] * 30
    assert statuses[30] == 429
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["code"] == "rate_limited"
