"""End to end: "sync now" through the API, run as a job (through Redis when the run has it),
its attempts in GET /sync/logs, and the admins' notification sent by its own job."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI

from recyclic.models.user import Role
from recyclic.services.messaging.outbox import DISPATCHER_KEY
from recyclic.services.sync.clients.webdav import remote_path_for
from tests.factories import Factory
from tests.fakes.webdav_server import WebDavTestServer
from tests.support.jobs import JobHarness
from tests.support.sync import configure_sync, write_export
from tests.sync.conftest import SyncShop


async def _sync_now(client: httpx.AsyncClient) -> uuid.UUID:
    response = await client.post("/api/v1/sync/run")
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "pending"
    return uuid.UUID(response.json()["job_id"])


async def test_sync_now_runs_as_a_job_and_its_attempts_are_in_the_log(
    app: FastAPI,
    shop: SyncShop,
    client_as: Any,
    jobs: JobHarness,
    webdav_server: WebDavTestServer,
) -> None:
    shop.database.session_info[DISPATCHER_KEY] = app.state.jobs  # the app hands jobs over
    await configure_sync(shop.database, shop.site, webdav=webdav_server)
    write_export(shop.settings, shop.site, "ecologic_2026-11.csv", b"a;b\n", "2026-11")
    admin: httpx.AsyncClient = client_as(shop.admin)

    job_id = await _sync_now(admin)
    await jobs.drain()

    assert jobs.through_redis == bool(shop.settings.redis_url)  # the Redis broker in CI's run
    job = (await admin.get(f"/api/v1/jobs/{job_id}")).json()
    assert job["status"] == "done", job
    assert job["result"]["kdrive"]["uploaded"] == 1
    day = date(2026, 11, 1)
    remote = remote_path_for(shop.site.slug, "exports", day, "ecologic_2026-11.csv")
    assert webdav_server.count("PUT", remote) == 1
    logs = (await admin.get("/api/v1/sync/logs", params={"run_id": str(job_id)})).json()
    assert [(e["operation"], e["status"]) for e in logs["items"]] == [
        ("sync.run", "success"),
        ("webdav.upload", "success"),
    ]
    assert logs["items"][1]["target"] == remote
    assert logs["items"][1]["service"] == "kdrive"


async def test_a_failed_sync_job_tells_the_admins_through_the_notification_job(
    app: FastAPI,
    shop: SyncShop,
    client_as: Any,
    jobs: JobHarness,
    webdav_server: WebDavTestServer,
) -> None:
    shop.database.session_info[DISPATCHER_KEY] = app.state.jobs
    sent: list[tuple[int, str]] = []

    async def telegram(chat_id: int, text: str, buttons: Any) -> None:
        sent.append((chat_id, text))

    app.state.jobs.context.notification_sender = telegram
    await configure_sync(shop.database, shop.site, webdav=webdav_server)
    write_export(shop.settings, shop.site, "a.csv", b"1", "2026-11")
    webdav_server.stop()
    admin: httpx.AsyncClient = client_as(shop.admin)

    job_id = await _sync_now(admin)
    await jobs.drain()

    assert (await admin.get(f"/api/v1/jobs/{job_id}")).json()["result"]["ok"] is False
    failed = await admin.get(
        "/api/v1/sync/logs", params={"run_id": str(job_id), "operation": "webdav.upload"}
    )
    assert [(e["attempt"], e["status"]) for e in reversed(failed.json()["items"])] == [
        (1, "pending"),
        (2, "pending"),
        (3, "failed"),
    ]
    assert len(sent) == 1
    chat_id, text = sent[0]
    assert chat_id == shop.admin.telegram_id
    assert "kDrive injoignable" in text
    notification = (await admin.get("/api/v1/jobs", params={"task": "send_notification"})).json()
    assert [item["status"] for item in notification["items"]] == ["done"]


async def test_sync_logs_are_filtered_paginated_and_kept_to_the_site(
    app: FastAPI,
    shop: SyncShop,
    client_as: Any,
    factory: Factory,
    webdav_server: WebDavTestServer,
) -> None:
    await configure_sync(shop.database, shop.site, webdav=webdav_server)
    for index in range(3):
        write_export(shop.settings, shop.site, f"f{index}.csv", b"x", "2026-11")
    report = await shop.sync()
    admin: httpx.AsyncClient = client_as(shop.admin)

    page = (await admin.get("/api/v1/sync/logs", params={"limit": 2, "service": "kdrive"})).json()
    assert len(page["items"]) == 2
    rest = await admin.get(
        "/api/v1/sync/logs", params={"limit": 2, "service": "kdrive", "cursor": page["next_cursor"]}
    )
    assert len(rest.json()["items"]) == 1
    assert rest.json()["next_cursor"] is None
    assert {e["run_id"] for e in page["items"] + rest.json()["items"]} == {str(report.run_id)}
    failed = await admin.get("/api/v1/sync/logs", params={"status": "failed"})
    assert failed.json()["items"] == []
    window = await admin.get(
        "/api/v1/sync/logs",
        params={"since": "2000-01-01T00:00:00+01:00", "until": "2000-01-02T00:00:00Z"},
    )
    assert window.json()["items"] == []
    naive = await admin.get("/api/v1/sync/logs", params={"since": "2026-11-26T10:00:00"})
    assert naive.status_code == 422

    other = await factory.site()
    stranger = client_as(await factory.user(other, role=Role.ADMIN))
    assert (await stranger.get("/api/v1/sync/logs")).json()["items"] == []
    denied = await stranger.get("/api/v1/sync/logs", params={"site_id": str(shop.site.id)})
    assert denied.status_code == 404
    viewer = client_as(await factory.user(shop.site, role=Role.VIEWER))
    assert (await viewer.get("/api/v1/sync/logs")).status_code == 403


async def test_sync_now_without_any_target_is_refused(
    app: FastAPI, shop: SyncShop, client_as: Any, factory: Factory
) -> None:
    await factory.site()  # two sites: the installation settings serve neither
    response = await client_as(shop.admin).post("/api/v1/sync/run")
    assert response.status_code == 409
    assert response.json()["code"] == "sync_not_configured"
