"""Health, offline API docs, exact paths and the error format."""

from __future__ import annotations

import gc
import weakref

import httpx
import pytest

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.main import create_app


async def test_health_reports_database_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["version"]


async def test_health_is_503_when_the_database_is_down(settings: Settings) -> None:
    # Port 1 on loopback refuses connections at once: a database that is down.
    down = settings.model_copy(
        update={"database_url": "postgresql+asyncpg://postgres@127.0.0.1:1/recyclic_test"}
    )
    database = Database.from_settings(down)
    app = create_app(down, database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/api/v1/health")
    await database.dispose()
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


async def test_docs_are_served_without_a_cdn(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert "/static/swagger/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    script = await client.get("/static/swagger/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert len(script.content) > 100_000
    css = await client.get("/static/swagger/swagger-ui.css")
    assert css.status_code == 200


async def test_openapi_describes_the_routes(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert "/api/v1/health" in schema["paths"]
    assert "/api/v1/categories" in schema["paths"]


async def test_routes_answer_only_at_their_exact_path(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/categories/")
    assert response.status_code == 404
    assert "location" not in response.headers


async def test_unknown_route_is_a_french_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nowhere")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert body["detail"] == "Ressource introuvable."
    assert response.headers["x-request-id"]


async def test_unexpected_error_is_500_with_request_id_and_no_internals(
    settings: Settings, database: Database
) -> None:
    app = create_app(settings, database=database)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/boom", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "internal_error"
    assert body["request_id"] == "req-123"
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text


@pytest.mark.parametrize("request_id", ["a" * 65, "bad id with spaces", "semi;colon"])
async def test_unsafe_request_ids_are_replaced(client: httpx.AsyncClient, request_id: str) -> None:
    response = await client.get("/api/v1/health", headers={"X-Request-ID": request_id})
    assert response.headers["x-request-id"] != request_id


async def test_an_app_is_freed_once_dropped(settings: Settings, database: Database) -> None:
    """Nothing module-wide keeps an app (and its engine, caches, jobs) alive once served:
    a suite builds hundreds of them."""
    app = create_app(settings, database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get("/docs")).status_code == 200
        assert (await client.get("/openapi.json")).status_code == 200
        assert (await client.get("/api/v1/health")).status_code == 200
    await app.state.jobs.shutdown(grace=10)
    freed = weakref.ref(app)
    del app, transport, client
    gc.collect()
    assert freed() is None


async def test_apps_of_a_process_share_their_built_routes(
    settings: Settings, database: Database
) -> None:
    """A route's dependency tree is built once per process, not once per app (the suite
    builds an app per test; each rebuild cost ≈ 80 ms): a second app answers with the same
    route objects the first one built."""
    routes = []
    for _ in range(2):
        app = create_app(settings, database=database)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/api/v1/health")).status_code == 200
        await app.state.jobs.shutdown(grace=10)
        routes.append(list(app.routes))
    shared = [route for route in routes[0] if any(route is other for other in routes[1])]
    assert len(shared) >= 3, "the API, pages and admin routers are included once per process"
