"""The production set-up of docs/deployment.md, run for real on this machine: Caddy with the
shipped `tls internal` Caddyfile in front of `recyclic serve --workers 2` on PostgreSQL +
Redis, plus a `recyclic worker`, all on free ports.

Checked: HTTPS through the proxy; the till and its service worker in headless chromium that
trusts Caddy's local root (and refuses the site without it); a sale through the proxy; the
client address the app sees (the real one, forwarded by the trusted proxy; a forged
X-Forwarded-For ignored); /metrics counting that sale whichever worker answers; `recyclic
doctor` green, then red once the worker is stopped; everything stopping cleanly.

PostgreSQL only (several API workers need it): skipped on SQLite runs. Without Caddy,
certutil, chromium or Redis it skips and says why — and fails under CI=true.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.models.sale import Sale
from tests.factories import TEST_SECRET, Factory, auth_headers
from tests.support.caddy import CaddyProxy, caddy_executable
from tests.support.databases import TestDatabase, postgres_url, prepare_test_database, redis_url
from tests.support.server import RecyclicServer
from tests.web.conftest import (
    CHROMIUM_FLAGS,
    PIN,
    SCREENSHOTS,
    french_browser_env,
    headless_shell_executable,
)
from tests.web.till import wait_for_service_worker

RECYCLIC = Path(sys.executable).parent / "recyclic"
METRICS_TOKEN = "deploy-test-metrics-token-0123456789abcdef"
SITE_NAME = "recyclic.test"  # not localhost: only a trusted certificate makes it secure
CI = os.environ.get("CI", "").lower() == "true"


def _missing(message: str) -> None:
    if CI:
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Deployment:
    settings: Settings
    env: dict[str, str]
    server: RecyclicServer
    caddy: CaddyProxy
    worker: subprocess.Popen[bytes]
    database: Database
    workdir: Path


@pytest.fixture(scope="module")
def deploy_database(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if postgres_url() is None:
        pytest.skip(
            "the deployment test runs on PostgreSQL + Redis only (several API workers): "
            "set RECYCLIC_TEST_DATABASE_URL and RECYCLIC_TEST_REDIS_URL"
        )
    if not redis_url():
        _missing("the deployment test needs Redis (RECYCLIC_TEST_REDIS_URL) beside PostgreSQL")
    for tool, package in (("caddy", "caddy"), ("certutil", "libnss3-tools")):
        found = caddy_executable() if tool == "caddy" else shutil.which(tool)
        if found is None:
            _missing(f"{tool} is not installed: `apt-get install {package}` to run this test")
    if headless_shell_executable() is None:
        _missing("no chromium installed: `apt-get install chromium` to run this test")
    yield from prepare_test_database(tmp_path_factory.mktemp("deploydb"), suffix="_deploy")


@pytest.fixture(scope="module")
async def deployment(
    deploy_database: TestDatabase, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Deployment]:
    workdir = tmp_path_factory.mktemp("deploy")
    data_dir = workdir / "data"
    data_dir.mkdir(mode=0o700)
    prefix = f"deploy:{uuid.uuid4().hex[:8]}:"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        env="production",
        data_dir=data_dir,
        database_url=deploy_database.url,
        redis_url=deploy_database.redis_url,
        redis_key_prefix=prefix,
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
        log_level="WARNING",
    )
    server = RecyclicServer(data_dir=data_dir, env={}, args=("--workers", "2"))
    caddy = CaddyProxy(workdir=workdir / "caddy", upstream=f"127.0.0.1:{server.port}")
    # The production environment file of docs/deployment.md, as systemd would pass it.
    env = {
        "RECYCLIC_ENV": "production",
        "RECYCLIC_DATA_DIR": str(data_dir),
        "RECYCLIC_DATABASE_URL": deploy_database.url,
        "RECYCLIC_REDIS_URL": deploy_database.redis_url,
        "RECYCLIC_REDIS_KEY_PREFIX": prefix,
        "RECYCLIC_SECRET_KEY": TEST_SECRET,
        "RECYCLIC_TRUSTED_PROXIES": "127.0.0.1,::1",
        "RECYCLIC_PUBLIC_URL": f"https://{SITE_NAME}:{caddy.https_port}",
        "RECYCLIC_METRICS_TOKEN": METRICS_TOKEN,
        "RECYCLIC_LOG_LEVEL": "WARNING",
        "RECYCLIC_WORKER_HEARTBEAT_SECONDS": "1",
        "RECYCLIC_WORKER_STALE_SECONDS": "10",
    }
    server.env.update(env)
    process_env = {k: v for k, v in os.environ.items() if not k.startswith("RECYCLIC_")}
    process_env.update(env)
    worker_log = (workdir / "worker.log").open("ab")
    server.start()
    worker = _start_worker(process_env, worker_log)
    database = Database.from_settings(settings)
    try:
        caddy.start()
        yield Deployment(settings, process_env, server, caddy, worker, database, workdir)
    finally:
        await database.dispose()
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
        caddy.stop()
        server.stop()


def _start_worker(env: dict[str, str], log: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(RECYCLIC), "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
    )


def _trust_root(nssdb: Path, root: Path) -> None:
    """What a tablet owner does by hand (docs/deployment.md), done to Chromium's NSS store."""
    nssdb.mkdir(parents=True)
    certutil = ["certutil", "-d", f"sql:{nssdb}"]
    subprocess.run([*certutil, "-N", "--empty-password"], check=True, timeout=30)
    subprocess.run(
        [*certutil, "-A", "-t", "C,,", "-n", "Caddy Local Authority", "-i", str(root)],
        check=True,
        timeout=30,
    )


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def _doctor(deployment: Deployment) -> tuple[int, dict[str, Any]]:
    process = await asyncio.create_subprocess_exec(
        str(RECYCLIC),
        "doctor",
        "--json",
        env=deployment.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    assert b"Traceback" not in err, err.decode()
    return process.returncode, json.loads(out)


async def _rate_limited_addresses(deployment: Deployment) -> set[str]:
    """The client addresses the app counted for its per-address login limit (in Redis)."""
    from redis.asyncio import Redis

    client = Redis.from_url(deployment.settings.redis_url)
    pattern = f"{deployment.settings.redis_key_prefix}ratelimit:auth:ip:*"
    try:
        names = [name.decode() async for name in client.scan_iter(match=pattern)]
    finally:
        await client.aclose()
    return {name.rsplit("auth:ip:", 1)[1] for name in names}


async def test_production_deployment_behind_caddy(deployment: Deployment) -> None:
    caddy, server = deployment.caddy, deployment.server
    trusted = caddy.ssl_context()

    # --- HTTPS through the proxy, the scheme forwarded -------------------------------------
    async with httpx.AsyncClient(base_url=caddy.url, verify=trusted) as https:
        health = await https.get("/api/v1/health")
        assert health.status_code == 200, health.text
        # The app knows the request came over HTTPS (X-Forwarded-Proto from a trusted proxy).
        assert "max-age" in health.headers["strict-transport-security"]
        # The app advertises no server of its own (Caddy adds "Caddy").
        assert "uvicorn" not in health.headers.get("server", "")
    # Plain HTTP on the proxy only redirects to HTTPS.
    async with httpx.AsyncClient() as plain:
        redirect = await plain.get(f"http://127.0.0.1:{caddy.http_port}/caisse")
        assert redirect.status_code in (301, 302, 308)
        assert redirect.headers["location"].startswith("https://")

    # --- The client address the app sees ----------------------------------------------------
    forged = "203.0.113.66"
    # From 127.0.0.2 through Caddy, claiming another address: Caddy replaces the header with
    # the real peer, the app believes Caddy (a trusted proxy).
    through = httpx.AsyncHTTPTransport(verify=trusted, local_address="127.0.0.2")
    async with httpx.AsyncClient(base_url=caddy.url, transport=through) as client:
        refused = await client.post(
            "/api/v1/auth/refresh",
            json={"refresh_token": "nope"},
            headers={"X-Forwarded-For": forged},
        )
        assert refused.status_code in (401, 422), refused.text
    # Straight to the app from 127.0.0.3 (not a trusted proxy): its header is ignored.
    direct = httpx.AsyncHTTPTransport(local_address="127.0.0.3")
    async with httpx.AsyncClient(base_url=server.url, transport=direct) as client:
        refused = await client.post(
            "/api/v1/auth/refresh",
            json={"refresh_token": "nope"},
            headers={"X-Forwarded-For": "198.51.100.7"},
        )
        assert refused.status_code in (401, 422), refused.text
    seen = await _rate_limited_addresses(deployment)
    assert "127.0.0.2" in seen
    assert "127.0.0.3" in seen
    assert forged not in seen
    assert "198.51.100.7" not in seen
    assert "127.0.0.1" not in seen  # never the proxy's own address

    # --- A sale through the proxy -----------------------------------------------------------
    factory = Factory(deployment.database, deployment.settings)
    site = await factory.site()
    cashier = await factory.user(site, full_name="Lucas Caisse", pin=PIN)
    register = await factory.register(site, name="Caisse comptoir")
    session = await factory.open_session(register, cashier, opening="50")
    sale_id = str(uuid.uuid4())
    ticket = {
        "id": sale_id,
        "session_id": str(session.id),
        "items": [{"category": "VAI", "description": "Assiettes", "quantity": 2, "unit_price": 3}],
        "payments": [{"method": "cash", "amount": 6}],
    }
    async with httpx.AsyncClient(base_url=caddy.url, verify=trusted) as https:
        created = await https.post("/api/v1/sales", json=ticket, headers=auth_headers(cashier))
    assert created.status_code == 201, created.text
    assert created.json()["id"] == sale_id
    async with deployment.database.unit_of_work(write=False) as db:
        stored = await db.scalar(
            select(func.count()).select_from(Sale).where(Sale.site_id == site.id)
        )
    assert stored == 1

    # --- /metrics sums both API workers --------------------------------------------------------
    # Many short connections straight to the app: the kernel spreads them over both workers.
    async def fetch_page() -> int:
        async with httpx.AsyncClient(base_url=server.url) as one:
            return (await one.get("/caisse")).status_code

    auth = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    async with httpx.AsyncClient(base_url=caddy.url, verify=trusted) as https:
        before = _samples((await https.get("/metrics", headers=auth)).text)
    statuses = await asyncio.gather(*(fetch_page() for _ in range(40)))
    assert set(statuses) == {200}
    metrics_dir = deployment.settings.data_dir / "metrics"
    writers = {
        m.group(1)
        for p in metrics_dir.glob("counter_*.db")
        if (m := re.search(r"_(\d+)\.db$", p.name))
    }
    assert len(writers) >= 2, f"one worker served everything: {writers}"
    page = (
        "recyclic_http_requests_total",
        (("method", "GET"), ("route", "/caisse"), ("status", "200")),
    )
    sales = ("recyclic_sales_recorded_total", ())
    for _ in range(6):  # whichever worker answers the scrape, it reports all of them
        async with httpx.AsyncClient(base_url=caddy.url, verify=trusted) as https:
            scraped = await https.get("/metrics", headers=auth)
        assert scraped.status_code == 200
        assert METRICS_TOKEN not in scraped.text
        after = _samples(scraped.text)
        assert after[sales] == 1
        assert after[page] - before.get(page, 0) >= 40
        assert after[("recyclic_database_up", ())] == 1
        # Both API workers' pools (RECYCLIC_DB_POOL_SIZE 10 + MAX_OVERFLOW 5 each).
        assert after[("recyclic_db_pool_capacity", ())] == 30
        assert 0 <= after[("recyclic_db_pool_connections_in_use", ())] <= 30
    async with httpx.AsyncClient(base_url=caddy.url, verify=trusted) as https:
        assert (await https.get("/metrics")).status_code == 401

    # --- The till and its service worker in chromium, trusting Caddy's root ---------------------
    assert cashier.telegram_id is not None
    await _till_in_chromium(deployment, cashier.telegram_id, str(register.id))

    # --- recyclic doctor: green, then red without the worker ------------------------------------
    backup = await asyncio.create_subprocess_exec(
        str(RECYCLIC), "backup", env=deployment.env, stdout=asyncio.subprocess.PIPE
    )
    await asyncio.wait_for(backup.communicate(), 60)
    assert backup.returncode == 0
    status, report = await _doctor(deployment)
    statuses_by_check = {c["check"]: c["status"] for c in report["checks"]}
    assert status == 0, report
    assert set(statuses_by_check.values()) == {"ok"}
    assert statuses_by_check["workers"] == "ok"

    deployment.worker.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(deployment.worker.wait, 30) == 0
    status, report = await _doctor(deployment)
    assert status == 2, report
    workers = next(c for c in report["checks"] if c["check"] == "workers")
    assert workers["status"] == "error"

    # --- Everything stops cleanly ------------------------------------------------------------
    assert server.stop() == 0
    assert caddy.stop() == 0
    for log in (server.log_path, deployment.workdir / "worker.log"):
        text = log.read_text(errors="replace")
        assert "Traceback" not in text, text[-3000:]


async def _till_in_chromium(deployment: Deployment, telegram_id: int, register_id: str) -> None:
    """The till over HTTPS by name: a secure context only because the root is trusted."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    caddy = deployment.caddy
    url = f"https://{SITE_NAME}:{caddy.https_port}/caisse"
    resolve = f"--host-resolver-rules=MAP {SITE_NAME} 127.0.0.1"
    trusting = deployment.workdir / "tablet-home"
    nssdb = trusting / ".pki" / "nssdb"
    await asyncio.to_thread(_trust_root, nssdb, caddy.root_certificate)
    untrusting = deployment.workdir / "stranger-home"
    untrusting.mkdir()
    executable = headless_shell_executable()  # the till shows no widget of the browser's own
    assert executable is not None
    errors: list[str] = []
    async with async_playwright() as playwright:
        for home, trusts in ((untrusting, False), (trusting, True)):
            browser = await playwright.chromium.launch(
                executable_path=executable,
                args=[*CHROMIUM_FLAGS, resolve],
                env=french_browser_env(HOME=str(home)),
            )
            try:
                context = await browser.new_context(
                    viewport={"width": 1280, "height": 800}, locale="fr-FR"
                )
                page = await context.new_page()
                page.on("pageerror", lambda error: errors.append(str(error)))
                if not trusts:
                    with pytest.raises(PlaywrightError, match="ERR_CERT_AUTHORITY_INVALID"):
                        await page.goto(url)
                    continue
                response = await page.goto(url)
                assert response is not None
                assert response.status == 200
                # Without a session the till sends the cashier to the login page (same
                # origin, same service worker scope).
                await page.wait_for_url("**/connexion**")
                await page.wait_for_load_state("load")
                assert await page.evaluate("window.isSecureContext") is True
                assert await page.evaluate("location.protocol") == "https:"
                await wait_for_service_worker(page)
                scope = await page.evaluate(
                    "navigator.serviceWorker.getRegistration().then(r => r && r.scope)"
                )
                assert scope == f"https://{SITE_NAME}:{caddy.https_port}/"
                # The till's shell now comes from the service worker (offline-ready).
                again = await page.goto(url)
                assert again is not None
                assert again.from_service_worker
                await page.wait_for_url("**/connexion**")
                await page.wait_for_load_state("load")
                # The cashier logs in (the refresh cookie is Secure: HTTPS only) and gets the
                # till, served through Caddy.
                await page.fill("#pin-telegram", str(telegram_id))
                await page.fill("#pin-code", PIN)
                await page.click("#pin-form button[type=submit]")
                await page.wait_for_url("**/caisse")
                register = page.locator(f'[data-register="{register_id}"]')
                grid = page.locator(".category-grid")
                await register.or_(grid).first.wait_for()
                if await register.count():
                    await register.click()
                await grid.wait_for()
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(SCREENSHOTS / "deploy-till-https.png"))
                assert errors == []
            finally:
                await browser.close()
