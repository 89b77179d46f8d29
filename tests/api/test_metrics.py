"""GET /metrics: Prometheus text behind a bearer token, 404 when not configured, no secret.

(Across several worker processes: tests/deploy/test_deployment.py.)"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from recyclic.api.metrics import MULTIPROC_ENV, MetricsMiddleware, prepare_multiprocess_dir
from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.main import create_app
from recyclic.models.deposit import DepositStatus
from recyclic.models.sync_log import SyncLog, SyncStatus
from tests.api.conftest import Shop
from tests.api.test_sales import ticket
from tests.factories import TEST_SECRET, Factory

TOKEN = "metrics-token-for-the-suite-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def settings(base_settings: Settings, tmp_path: Path) -> Settings:
    return base_settings.model_copy(
        update={
            "data_dir": tmp_path,
            "redis_key_prefix": f"test:{uuid.uuid4().hex}:",
            "metrics_token": SecretStr(TOKEN),
        }
    )


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics", headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def value(
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_without_a_token_there_is_no_metrics_route(
    base_settings: Settings, database: Database
) -> None:
    app = create_app(base_settings, database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/metrics", headers=AUTH)
    assert response.status_code == 404


async def test_a_missing_or_wrong_token_is_refused(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 401
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "unauthorized"
    assert "x-request-id" in wrong.headers
    assert (await client.post("/metrics", headers=AUTH)).status_code == 405


async def test_requests_sales_refunds_and_database_figures_are_counted(
    shop: Shop, factory: Factory, client: httpx.AsyncClient, database: Database
) -> None:
    before = await scrape(client)
    session = await factory.open_session(shop.register, shop.cashier, opening="50")
    body = ticket(str(session.id), id=str(uuid.uuid4()))
    created = await shop.cashier_client.post("/api/v1/sales", json=body)
    assert created.status_code == 201
    replayed = await shop.cashier_client.post("/api/v1/sales", json=body)
    assert replayed.status_code == 200  # a replay is not a second ticket
    refunded = await shop.admin_client.post(
        f"/api/v1/sales/{created.json()['id']}/refund",
        json={"session_id": str(session.id), "reason": "Erreur", "method": "cash"},
    )
    assert refunded.status_code == 201, refunded.text
    await factory.deposit(shop.site, shop.cashier)
    await client.get("/pas-une-route-" + uuid.uuid4().hex)

    after = await scrape(client)
    sale = {"method": "POST", "route": "/api/v1/sales"}
    assert (
        value(after, "recyclic_sales_recorded_total")
        - value(before, "recyclic_sales_recorded_total")
        == 1
    )
    assert (
        value(after, "recyclic_refunds_recorded_total")
        - value(before, "recyclic_refunds_recorded_total")
        == 1
    )
    assert (
        value(after, "recyclic_http_requests_total", **sale, status="201")
        - value(before, "recyclic_http_requests_total", **sale, status="201")
        == 1
    )
    assert (
        value(after, "recyclic_http_requests_total", **sale, status="200")
        - value(before, "recyclic_http_requests_total", **sale, status="200")
        == 1
    )
    assert value(after, "recyclic_http_request_duration_seconds_count", **sale, status="201") >= 1
    refund = {"method": "POST", "route": "/api/v1/sales/{sale_id}/refund", "status": "201"}
    assert value(after, "recyclic_http_requests_total", **refund) >= 1
    # Unknown addresses share one label: no series per made-up path.
    assert (
        value(
            after, "recyclic_http_requests_total", method="GET", route="<unmatched>", status="404"
        )
        >= 1
    )
    assert not any("pas-une-route" in str(key) for key in after)
    # From the database, at each scrape.
    assert value(after, "recyclic_database_up") == 1
    deposits = sum(value(after, "recyclic_deposits", status=s.value) for s in DepositStatus)
    assert deposits >= 1
    assert ("recyclic_jobs", (("status", "pending"),)) in after
    assert ("recyclic_sync_runs_total", (("outcome", "success"),)) in after


async def test_no_secret_is_exposed(client: httpx.AsyncClient, settings: Settings) -> None:
    text = (await client.get("/metrics", headers=AUTH)).text
    for secret in (TOKEN, TEST_SECRET, settings.telegram_bot_token.get_secret_value()):
        assert secret not in text
    assert "postgresql" not in text
    assert "sqlite" not in text


async def test_the_middleware_costs_microseconds(settings: Settings, database: Database) -> None:
    """The per-request work (labels lookup, counter and histogram) stays tiny: measured
    here on the bare middleware around an app that does nothing."""

    async def nothing(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    middleware = MetricsMiddleware(nothing, settings=settings, database=database)

    async def send(message):  # type: ignore[no-untyped-def]
        return None

    scope = {"type": "http", "method": "GET", "path": "/api/v1/health", "headers": []}
    rounds = 20_000

    async def run(app) -> float:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        for _ in range(rounds):
            await app(dict(scope), None, send)
        return (time.perf_counter() - started) / rounds

    bare = await run(nothing)
    wrapped = await run(middleware)
    overhead_us = (wrapped - bare) * 1e6
    print(f"metrics middleware: {overhead_us:.1f} µs per request")
    # A generous bound for a shared CI machine; typically a few µs.
    assert overhead_us < 100


async def test_sync_runs_and_attempts_by_outcome(
    factory: Factory, client: httpx.AsyncClient, database: Database
) -> None:
    site = await factory.site()
    before = await scrape(client)
    now = datetime.now(UTC)
    async with database.unit_of_work() as session:
        for operation, service, status in (
            ("webdav.upload", "kdrive", SyncStatus.PENDING),
            ("webdav.upload", "kdrive", SyncStatus.SUCCESS),
            ("sync.run", "sync", SyncStatus.SUCCESS),
        ):
            session.add(
                SyncLog(
                    site_id=site.id,
                    service=service,
                    operation=operation,
                    target="x",
                    status=status,
                    created_at=now,
                    updated_at=now,
                )
            )
    after = await scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("recyclic_sync_runs_total", outcome="success") == 1
    assert delta("recyclic_sync_attempts_total", service="kdrive", outcome="pending") == 1
    assert delta("recyclic_sync_attempts_total", service="kdrive", outcome="success") == 1


def test_serve_prepares_the_shared_directory_without_dead_processes(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "metrics"
    monkeypatch.setenv(MULTIPROC_ENV, str(directory))
    directory.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    gone = directory / f"counter_{dead.pid}.db"
    alive = directory / f"counter_{os.getpid()}.db"
    for path in (gone, alive):
        path.write_bytes(b"x")
    assert prepare_multiprocess_dir(settings) == directory
    assert not gone.exists()
    assert alive.exists()
    assert os.environ[MULTIPROC_ENV] == str(directory)
    # Without a token, nothing is prepared.
    monkeypatch.delenv(MULTIPROC_ENV)
    quiet = settings.model_copy(update={"metrics_token": SecretStr("")})
    assert prepare_multiprocess_dir(quiet) is None
    assert MULTIPROC_ENV not in os.environ
