"""The web app's session: refresh token in an HttpOnly cookie, CSRF on cookie requests,
paired tablets where cashiers pick their name and type their PIN."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from recyclic.core.database import Database
from recyclic.models.device import PairedDevice
from recyclic.models.user import Role, UserStatus
from tests.api.conftest import Shop
from tests.factories import Factory, auth_headers

COOKIE_MODE = {"X-Session-Mode": "cookie"}


@pytest.fixture
async def browser(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """A client that keeps cookies like a browser on an HTTPS origin (Secure cookies)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


def _set_cookie(response: httpx.Response, name: str) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(headers) == 1, response.headers.get_list("set-cookie")
    return headers[0]


def _csrf(client: httpx.AsyncClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.cookies["recyclic_csrf"]}


async def _replay_refresh_cookie(browser: httpx.AsyncClient, token: str) -> httpx.Response:
    """Present an old refresh cookie (as a thief who copied it would), with a valid CSRF."""
    csrf = browser.cookies["recyclic_csrf"]
    browser.cookies.clear()
    return await browser.post(
        "/api/v1/auth/refresh",
        headers={
            **COOKIE_MODE,
            "X-CSRF-Token": csrf,
            "Cookie": f"recyclic_refresh={token}; recyclic_csrf={csrf}",
        },
    )


async def _pin_login(
    client: httpx.AsyncClient, telegram_id: int | None, pin: str
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/pin", json={"telegram_id": telegram_id, "pin": pin}, headers=COOKIE_MODE
    )


async def test_web_login_puts_the_refresh_token_in_a_strict_httponly_cookie(
    browser: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    user = await factory.user(site, pin="4821")
    response = await _pin_login(browser, user.telegram_id, "4821")
    assert response.status_code == 200, response.text
    assert response.json()["refresh_token"] is None
    assert response.json()["access_token"]
    cookie = _set_cookie(response, "recyclic_refresh").lower()
    for attribute in ("httponly", "secure", "samesite=strict", "path=/api/v1/auth/refresh"):
        assert attribute in cookie
    csrf = _set_cookie(response, "recyclic_csrf").lower()
    assert "httponly" not in csrf
    assert "samesite=strict" in csrf


async def test_api_clients_still_get_the_refresh_token_in_the_body(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    user = await factory.user(site, pin="4821")
    response = await client.post(
        "/api/v1/auth/pin", json={"telegram_id": user.telegram_id, "pin": "4821"}
    )
    assert response.status_code == 200
    assert response.json()["refresh_token"]
    assert "recyclic_refresh" not in response.headers.get("set-cookie", "")


async def test_cookie_refresh_needs_the_csrf_token_and_rotates(
    browser: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    user = await factory.user(site, pin="4821")
    await _pin_login(browser, user.telegram_id, "4821")
    first_cookie = browser.cookies["recyclic_refresh"]

    refused = await browser.post("/api/v1/auth/refresh", headers=COOKIE_MODE)
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    forged = await browser.post(
        "/api/v1/auth/refresh", headers={**COOKIE_MODE, "X-CSRF-Token": "abc.def"}
    )
    assert forged.status_code == 403

    refreshed = await browser.post(
        "/api/v1/auth/refresh", headers={**COOKIE_MODE, **_csrf(browser)}
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["user"]["id"] == str(user.id)
    assert browser.cookies["recyclic_refresh"] != first_cookie

    # The spent cookie presented again is theft: the whole family is revoked.
    reused = await _replay_refresh_cookie(browser, first_cookie)
    assert reused.status_code == 401
    assert reused.json()["code"] == "refresh_token_reused"


async def test_refresh_without_body_or_cookie_is_a_401(browser: httpx.AsyncClient) -> None:
    response = await browser.post("/api/v1/auth/refresh")
    assert response.status_code == 401
    assert response.json()["code"] == "refresh_token_invalid"


async def test_web_logout_revokes_the_cookie_session(
    browser: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    user = await factory.user(site, pin="4821")
    await _pin_login(browser, user.telegram_id, "4821")
    spent = browser.cookies["recyclic_refresh"]
    logout = await browser.delete("/api/v1/auth/refresh", headers=_csrf(browser))
    assert logout.status_code == 204
    assert "recyclic_refresh=" in logout.headers["set-cookie"]
    browser.cookies.set("recyclic_refresh", spent, domain="testserver", path="/api/v1/auth/refresh")
    again = await browser.post("/api/v1/auth/refresh", headers={**COOKIE_MODE, **_csrf(browser)})
    assert again.status_code == 401


async def test_csrf_endpoint_sets_a_token_once(browser: httpx.AsyncClient) -> None:
    first = await browser.get("/api/v1/auth/csrf")
    assert first.status_code == 200
    token = first.json()["csrf_token"]
    assert browser.cookies["recyclic_csrf"] == token
    second = await browser.get("/api/v1/auth/csrf")
    assert second.json()["csrf_token"] == token
    assert "set-cookie" not in second.headers


# --- Paired tablets -------------------------------------------------------------------------


async def _pair(browser: httpx.AsyncClient, shop: Shop, name: str = "Comptoir") -> httpx.Response:
    return await browser.post(
        "/api/v1/devices",
        json={"register_id": str(shop.register.id), "name": name},
        headers=auth_headers(shop.admin),
    )


async def test_admin_pairs_a_tablet_which_lists_its_cashiers(
    browser: httpx.AsyncClient, shop: Shop, factory: Factory
) -> None:
    await factory.user(shop.site, full_name="Alice Sans PIN")  # no PIN: cannot unlock
    with_pin = await factory.user(shop.site, full_name="Zoé Caisse", pin="4821")
    await factory.user(shop.site, full_name="Bob Lecteur", role=Role.VIEWER, pin="4821")
    await factory.user(shop.site, full_name="Carl Parti", pin="4821", is_active=False)
    await factory.user(shop.site, full_name="Dan Attente", pin="4821", status=UserStatus.PENDING)
    elsewhere = await factory.site()
    await factory.user(elsewhere, full_name="Eve Ailleurs", pin="4821")

    paired = await _pair(browser, shop)
    assert paired.status_code == 201, paired.text
    cookie = _set_cookie(paired, "recyclic_device").lower()
    for attribute in ("httponly", "secure", "samesite=strict", "path=/api/v1"):
        assert attribute in cookie
    assert paired.json()["register_id"] == str(shop.register.id)

    current = await browser.get("/api/v1/devices/current")
    assert current.status_code == 200, current.text
    body = current.json()
    assert body["cash_register"]["name"] == "Caisse principale"
    assert body["site"]["id"] == str(shop.site.id)
    assert [c["full_name"] for c in body["cashiers"]] == ["Zoé Caisse"]
    assert body["cashiers"][0]["id"] == str(with_pin.id)


async def test_pin_on_a_paired_tablet_only_opens_for_its_own_site(
    browser: httpx.AsyncClient, shop: Shop, factory: Factory, database: Database
) -> None:
    own = await factory.user(shop.site, pin="4821")
    elsewhere = await factory.user(await factory.site(), pin="4821")
    await _pair(browser, shop)
    await browser.get("/api/v1/auth/csrf")

    no_csrf = await browser.post("/api/v1/auth/pin", json={"user_id": str(own.id), "pin": "4821"})
    assert no_csrf.status_code == 403
    foreign = await browser.post(
        "/api/v1/auth/pin",
        json={"user_id": str(elsewhere.id), "pin": "4821"},
        headers={**COOKIE_MODE, **_csrf(browser)},
    )
    assert foreign.status_code == 401
    assert foreign.json()["code"] == "pin_invalid"
    ok = await browser.post(
        "/api/v1/auth/pin",
        json={"user_id": str(own.id), "pin": "4821"},
        headers={**COOKIE_MODE, **_csrf(browser)},
    )
    assert ok.status_code == 200, ok.text
    async with database.unit_of_work(write=False) as session:
        device = await session.scalar(select(PairedDevice))
    assert device is not None
    assert device.last_seen_at is not None


async def test_a_revoked_tablet_is_no_longer_paired(browser: httpx.AsyncClient, shop: Shop) -> None:
    paired = await _pair(browser, shop)
    device_id = paired.json()["id"]
    revoked = await shop.admin_client.post(f"/api/v1/devices/{device_id}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    current = await browser.get("/api/v1/devices/current")
    assert current.status_code == 401
    assert current.json()["code"] == "device_unknown"


async def test_devices_are_managed_by_admins_of_their_site_only(
    browser: httpx.AsyncClient,
    shop: Shop,
    factory: Factory,
    client_as,  # type: ignore[no-untyped-def]
) -> None:
    paired = await _pair(browser, shop, name="Comptoir")
    device_id = paired.json()["id"]
    listed = await shop.admin_client.get("/api/v1/devices")
    assert [d["name"] for d in listed.json()] == ["Comptoir"]
    renamed = await shop.admin_client.patch(
        f"/api/v1/devices/{device_id}", json={"name": "Tablette entrée"}
    )
    assert renamed.json()["name"] == "Tablette entrée"

    assert (await shop.cashier_client.get("/api/v1/devices")).status_code == 403
    assert (await shop.viewer_client.post(f"/api/v1/devices/{device_id}/revoke")).status_code == 403
    other_site = await factory.site()
    other_admin = client_as(await factory.user(other_site, role=Role.ADMIN))
    assert (await other_admin.get("/api/v1/devices")).json() == []
    assert (
        await other_admin.patch(f"/api/v1/devices/{device_id}", json={"name": "x"})
    ).status_code == 404
    assert (await other_admin.post(f"/api/v1/devices/{device_id}/revoke")).status_code == 404
    foreign_register = await other_admin.post(
        "/api/v1/devices", json={"register_id": str(shop.register.id), "name": "Vol"}
    )
    assert foreign_register.status_code == 404


async def test_an_inactive_register_cannot_be_paired(
    browser: httpx.AsyncClient, shop: Shop
) -> None:
    await shop.admin_client.patch(
        f"/api/v1/cash-registers/{shop.register.id}", json={"is_active": False}
    )
    response = await _pair(browser, shop)
    assert response.status_code == 409


async def test_the_tablet_proposes_the_float_kept_at_the_last_close(
    browser: httpx.AsyncClient, shop: Shop, factory: Factory
) -> None:
    await _pair(browser, shop)
    first = await browser.get("/api/v1/devices/current")
    assert first.json()["cash_register"]["proposed_float"] is None
    opened = await factory.open_session(shop.register, shop.cashier, opening="50")
    closed = await shop.cashier_client.post(
        f"/api/v1/cash-sessions/{opened.id}/close", json={"actual_amount": 50, "kept_float": 30}
    )
    assert closed.status_code == 200, closed.text
    again = await browser.get("/api/v1/devices/current")
    assert again.json()["cash_register"]["proposed_float"] == 30


# --- Till presets -------------------------------------------------------------------------


async def test_site_till_presets_are_stored_in_cents_and_shown_in_euros(shop: Shop) -> None:
    response = await shop.admin_client.patch(
        f"/api/v1/sites/{shop.site.id}",
        json={
            "settings": {
                "till_presets": [
                    {"label": "Don", "category": "div", "unit_price": 0},
                    {"label": "Sac de vêtements", "category": "TLC", "unit_price": 5.5},
                ]
            }
        },
    )
    assert response.status_code == 200, response.text
    presets = response.json()["settings"]["till_presets"]
    assert presets == [
        {"label": "Don", "category": "DIV", "unit_price": 0, "quantity": 1},
        {"label": "Sac de vêtements", "category": "TLC", "unit_price": 5.5, "quantity": 1},
    ]
    unknown = await shop.admin_client.patch(
        f"/api/v1/sites/{shop.site.id}",
        json={"settings": {"till_presets": [{"label": "X", "category": "NOPE", "unit_price": 1}]}},
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_category"
