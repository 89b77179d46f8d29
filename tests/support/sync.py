"""Sync test set-ups: a site pointed at the local WebDAV and Sheets fakes, fast retries,
export files and recordings on disk."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.security import encrypt_secret
from recyclic.models.deposit import Deposit
from recyclic.models.site import Site
from recyclic.services.reporting.export_jobs import export_folder
from recyclic.services.sync.clients.retry import RetryPolicy
from recyclic.services.sync.config import DefaultSyncClients
from tests.factories import TEST_SECRET
from tests.fakes.sheets_server import FakeSheetsServer
from tests.fakes.webdav_server import WebDavTestServer


@dataclass
class ScriptedSleep:
    """asyncio.sleep for the retry policy: no real wait; runs `on_sleep(n)` before the n-th
    wait (1-based), e.g. to bring a server back up between two attempts."""

    delays: list[float] = field(default_factory=list)
    on_sleep: Callable[[int], Awaitable[None] | None] | None = None

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.on_sleep is not None:
            result = self.on_sleep(len(self.delays))
            if result is not None:
                await result
        await asyncio.sleep(0)


def fast_clients(settings: Settings, sleep: ScriptedSleep, attempts: int = 4) -> DefaultSyncClients:
    """Real clients with millisecond backoff and a scripted sleep."""
    policy = RetryPolicy(max_attempts=attempts, base_delay=0.001, max_delay=0.01, sleep=sleep)
    return DefaultSyncClients(settings, policy=policy)


async def configure_sync(
    database: Database,
    site: Site,
    *,
    webdav: WebDavTestServer | None = None,
    sheets: FakeSheetsServer | None = None,
    key_json: str | None = None,
) -> None:
    """Store the site's sync configuration (secrets encrypted, as the API stores them)."""
    config: dict[str, Any] = {}
    if webdav is not None:
        config["kdrive_url"] = webdav.url
        config["kdrive_username"] = webdav.username
        config["kdrive_password_enc"] = encrypt_secret(webdav.password, secret=TEST_SECRET)
    if sheets is not None:
        assert key_json is not None
        config["google_sheets_spreadsheet_id"] = sheets.spreadsheet_id
        config["google_sheets_credentials_enc"] = encrypt_secret(key_json, secret=TEST_SECRET)
    async with database.unit_of_work() as session:
        row = await session.get(Site, site.id)
        assert row is not None
        row.sync_config = config
    site.sync_config = config


def write_export(settings: Settings, site: Site, name: str, content: bytes, month: str) -> Path:
    """An export file where the exports job writes them (DATA_DIR/exports/<site>/YYYY/MM/)."""
    year, number = month.split("-")
    path = export_folder(settings, site.id) / year / number / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


async def recording(
    database: Database, settings: Settings, deposit: Deposit, content: bytes
) -> str:
    """A (fake) stored recording attached to `deposit`; its path relative to DATA_DIR."""
    moment: datetime = deposit.created_at
    relative = f"audio/{deposit.site_id}/{moment:%Y}/{moment:%m}/{uuid.uuid4()}.ogg"
    path = settings.data_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    async with database.unit_of_work() as session:
        row = await session.get(Deposit, deposit.id)
        assert row is not None
        row.audio_file_path = relative
    deposit.audio_file_path = relative
    return relative
