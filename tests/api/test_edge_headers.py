"""Headers every answer carries: one request id, security headers, no cached tokens; and
forwarded headers believed only from the configured proxies."""

from __future__ import annotations

import httpx
import pytest
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.main import create_app
from tests.api.conftest import Shop
from tests.factories import Factory


def _client(app, peer: str = "127.0.0.1", scheme: str = "http") -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(peer, 40000))
    return httpx.AsyncClient(transport=transport, base_url=f"{scheme}://testserver")


async def test_a_json_answer_carries_the_security_headers_once(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health")
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in headers  # plain HTTP
    assert "server" not in headers


async def test_every_error_has_exactly_one_request_id(app, client: httpx.AsyncClient) -> None:  # type: ignore[no-untyped-def]
    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("unexpected")

    for path, status in (("/nowhere", 404), ("/api/v1/users/me", 401), ("/boom", 500)):
        response = await client.get(path)
        assert response.status_code == status
        ids = response.headers.get_list("x-request-id")
        assert len(ids) == 1, (path, ids)
        assert response.json()["request_id"] == ids[0]
        # The unexpected error's answer too went through the security headers.
        assert response.headers["x-content-type-options"] == "nosniff"
    kept = await client.get("/api/v1/health", headers={"X-Request-ID": "till-42.retry"})
    assert kept.headers.get_list("x-request-id") == ["till-42.retry"]


async def test_token_answers_are_never_stored(client: httpx.AsyncClient, factory: Factory) -> None:
    site = await factory.site()
    user = await factory.user(site, pin="4821")
    response = await client.post("/api/v1/auth/pin", json={"user_id": str(user.id), "pin": "4821"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"


async def test_swagger_page_runs_only_its_own_scripts(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in policy
    # Static assets may be cached; the API never.
    static = await client.get("/static/swagger/swagger-ui.css")
    assert static.status_code == 200
    assert static.headers.get("cache-control") != "no-store"


async def test_receipt_html_gets_a_page_policy(shop: Shop, factory: Factory) -> None:
    session = await factory.open_session(shop.register, shop.cashier)
    sale = await factory.sale(session, shop.cashier)
    response = await shop.cashier_client.get(
        f"/api/v1/sales/{sale.sale.id}/receipt", params={"format": "html"}
    )
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy  # no script at all
    missing = await shop.cashier_client.get(
        "/api/v1/sales/00000000-0000-0000-0000-000000000000/receipt"
    )
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/json"


async def test_a_page_that_sets_its_own_policy_keeps_it(app, client: httpx.AsyncClient) -> None:  # type: ignore[no-untyped-def]
    own = "default-src 'self'; frame-ancestors 'none'"

    @app.get("/page")
    async def page() -> HTMLResponse:
        return HTMLResponse(
            "<p>ok</p>",
            headers={"Content-Security-Policy": own, "Referrer-Policy": "same-origin"},
        )

    response = await client.get("/page")
    assert response.headers.get_list("content-security-policy") == [own]
    assert response.headers.get_list("referrer-policy") == ["same-origin"]


async def _auth_statuses(client: httpx.AsyncClient, forwarded: list[str]) -> list[int]:
    statuses = []
    for address in forwarded:
        response = await client.post(
            "/api/v1/auth/refresh",
            json={"refresh_token": "x"},
            headers={"X-Forwarded-For": address},
        )
        statuses.append(response.status_code)
    return statuses


async def test_forwarded_for_from_anyone_is_ignored(app) -> None:  # type: ignore[no-untyped-def]
    # Rotating the header does not rotate the per-address budget (30/min).
    async with _client(app) as client:
        statuses = await _auth_statuses(client, [f"198.51.100.{n}" for n in range(31)])
    assert statuses[:30] == [401] * 30
    assert statuses[30] == 429


async def test_forwarded_for_from_a_trusted_proxy_names_the_client(
    settings: Settings, database: Database
) -> None:
    app = create_app(
        settings.model_copy(update={"trusted_proxies": "10.0.0.0/8, 127.0.0.1"}),
        database=database,
    )
    async with _client(app, peer="10.1.2.3") as proxied:
        # Each client behind the proxy has its own budget; a forged hop on the left is
        # ignored, the address our proxy saw is kept.
        many = await _auth_statuses(
            proxied, [f"6.6.6.6, 198.51.100.{n}, 127.0.0.1" for n in range(40)]
        )
        assert set(many) == {401}
        same = await _auth_statuses(proxied, ["203.0.113.9"] * 31)
        assert same[30] == 429
        https = await proxied.get("/api/v1/health", headers={"X-Forwarded-Proto": "https"})
        assert https.headers["strict-transport-security"].startswith("max-age=")
    async with _client(app, peer="192.0.2.50") as stranger:
        plain = await stranger.get("/api/v1/health", headers={"X-Forwarded-Proto": "https"})
        assert "strict-transport-security" not in plain.headers


def test_trusted_proxies_setting_refuses_garbage(settings: Settings) -> None:
    with pytest.raises(ValidationError, match="not an IP address"):
        settings.model_validate({**settings.model_dump(), "trusted_proxies": "caddy"})
    parsed = settings.model_copy(update={"trusted_proxies": "10.0.0.0/8, 2001:db8::1"})
    assert [str(n) for n in parsed.trusted_proxy_networks] == ["10.0.0.0/8", "2001:db8::1/128"]


async def test_scripts_get_no_policy_of_ours(client: httpx.AsyncClient) -> None:
    # A service worker takes its script's policy as its own: "default-src 'none'" would cut
    # it off from the network (the till's offline queue).
    worker = await client.get("/sw.js")
    assert worker.status_code == 200
    assert "default-src 'none'" not in worker.headers.get("content-security-policy", "")
    module = await client.get("/assets/js/api.js")
    assert module.status_code == 200
    assert "content-security-policy" not in module.headers
    assert module.headers["x-content-type-options"] == "nosniff"
