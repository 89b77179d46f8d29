"""R8, kDrive: exports and recordings reach the real WebDAV server exactly once, even when it
is down and comes back; every attempt is in the sync log; admins hear of what stays down."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import pytest

from recyclic.core.security import encrypt_secret
from recyclic.models.deposit import Deposit
from recyclic.models.site import Site
from recyclic.models.sync_log import SyncStatus
from recyclic.services.sync.clients.webdav import remote_path_for
from recyclic.services.sync.sync_service import SyncService
from recyclic.utils.periods import local_date
from tests.factories import TEST_SECRET, Factory
from tests.fakes.webdav_server import WebDavTestServer
from tests.support.sync import configure_sync, fast_clients, recording, write_export
from tests.sync.conftest import SyncShop


async def _files(shop: SyncShop, factory: Factory) -> dict[str, bytes]:
    """Two exports and two recordings of the shop; their remote paths and contents."""
    files: dict[str, bytes] = {}
    slug = shop.site.slug
    for name, month, content in (
        ("ecologic_2026-10.csv", "2026-10", b"site,period_start\nA,2026-10-01\n"),
        ("Dépôts février.xlsx", "2026-02", b"PK\x03\x04 fake xlsx" * 50),
    ):
        write_export(shop.settings, shop.site, name, content, month)
        year, number = month.split("-")
        day = datetime(int(year), int(number), 1).date()
        files[remote_path_for(slug, "exports", day, name)] = content
    for index in range(2):
        deposit: Deposit = await factory.deposit(shop.site, shop.cashier)
        content = f"OggS voice note {index}".encode() * 20
        relative = await recording(shop.database, shop.settings, deposit, content)
        day = local_date(deposit.created_at, shop.site.timezone)
        files[remote_path_for(slug, "audio", day, Path(relative).name)] = content
    return files


def _assert_each_uploaded_once(server: WebDavTestServer, files: dict[str, bytes]) -> None:
    for remote, content in files.items():
        assert server.count("PUT", remote) == 1, remote
        assert server.local(remote).read_bytes() == content


async def test_files_reach_the_drive_once_when_it_comes_back_during_the_retries(
    shop: SyncShop, factory: Factory, webdav_server: WebDavTestServer
) -> None:
    await configure_sync(shop.database, shop.site, webdav=webdav_server)
    files = await _files(shop, factory)
    webdav_server.stop()

    async def back_after_two_failures(sleeps: int) -> None:
        if sleeps == 2:
            webdav_server.start()

    shop.sleep.on_sleep = back_after_two_failures
    report = await shop.sync()

    assert report.ok, report.errors
    assert report.kdrive is not None
    assert report.kdrive.uploaded == 4
    _assert_each_uploaded_once(webdav_server, files)
    logs = await shop.logs(report.run_id)
    uploads = [log for log in logs if log.operation == "webdav.upload"]
    first = [log for log in uploads if log.target == uploads[0].target]
    assert [(log.attempt, log.status) for log in first] == [
        (1, SyncStatus.PENDING),
        (2, SyncStatus.PENDING),
        (3, SyncStatus.SUCCESS),
    ]
    assert all(log.error and "ConnectError" in log.error for log in first[:2])
    assert all(log.next_retry_at is not None for log in first[:2])
    assert sorted(log.target for log in uploads if log.status == SyncStatus.SUCCESS) == sorted(
        files
    )
    assert logs[-1].operation == "sync.run"
    assert logs[-1].status == SyncStatus.SUCCESS
    assert await shop.jobs("send_notification") == []

    # The next run finds everything recorded: not one request for these files.
    requests_before = len(webdav_server.requests)
    again = await shop.sync()
    assert again.kdrive is not None
    assert (again.kdrive.uploaded, again.kdrive.unchanged) == (0, 2)
    assert len(webdav_server.requests) == requests_before
    _assert_each_uploaded_once(webdav_server, files)


async def test_a_drive_that_stays_down_is_logged_and_admins_are_told_then_nothing_is_lost(
    shop: SyncShop, factory: Factory, webdav_server: WebDavTestServer
) -> None:
    await configure_sync(shop.database, shop.site, webdav=webdav_server)
    files = await _files(shop, factory)
    webdav_server.stop()

    report = await shop.sync(attempts=3)

    assert not report.ok
    assert report.kdrive is not None
    assert report.kdrive.stopped is not None  # no point trying every file against a dead drive
    logs = await shop.logs(report.run_id)
    uploads = [log for log in logs if log.operation == "webdav.upload"]
    assert [(log.attempt, log.status) for log in uploads] == [
        (1, SyncStatus.PENDING),
        (2, SyncStatus.PENDING),
        (3, SyncStatus.FAILED),
    ]
    assert uploads[-1].next_retry_at is None
    assert logs[-1].operation == "sync.run"
    assert logs[-1].status == SyncStatus.FAILED
    # After the last retry: one notification job for the site's admins (who use Telegram).
    [notification] = await shop.jobs("send_notification")
    assert notification.payload["chat_ids"] == [shop.admin.telegram_id]
    assert shop.site.name in notification.payload["text"]
    assert notification.dedupe_key == f"sync-failed:{report.run_id}"
    assert report.notified

    webdav_server.start()
    later = await shop.sync()
    assert later.ok, later.errors
    assert later.kdrive is not None
    assert later.kdrive.uploaded == 4
    _assert_each_uploaded_once(webdav_server, files)


async def test_an_upload_whose_answer_was_lost_is_not_sent_again(
    shop: SyncShop, webdav_server: WebDavTestServer
) -> None:
    await configure_sync(shop.database, shop.site, webdav=webdav_server)
    write_export(shop.settings, shop.site, "ecologic.csv", b"a,b\n1,2\n", "2026-11")
    remote = remote_path_for(
        shop.site.slug, "exports", datetime(2026, 11, 1).date(), "ecologic.csv"
    )
    webdav_server.fail_next(1, status=502, methods=["PUT"], apply=True)  # written, answer lost

    report = await shop.sync()

    assert report.ok
    assert webdav_server.count("PUT", remote) == 1
    assert webdav_server.local(remote).read_bytes() == b"a,b\n1,2\n"


async def test_a_regenerated_export_is_uploaded_again_an_unchanged_one_never(
    shop: SyncShop, webdav_server: WebDavTestServer
) -> None:
    await configure_sync(shop.database, shop.site, webdav=webdav_server)
    write_export(shop.settings, shop.site, "stock.csv", b"v1,1\n", "2026-11")
    write_export(shop.settings, shop.site, "other.csv", b"same\n", "2026-11")
    day = datetime(2026, 11, 1).date()
    remote = remote_path_for(shop.site.slug, "exports", day, "stock.csv")
    await shop.sync()
    write_export(shop.settings, shop.site, "stock.csv", b"v2,2\n", "2026-11")  # same size

    report = await shop.sync()

    assert report.kdrive is not None
    assert (report.kdrive.uploaded, report.kdrive.unchanged) == (1, 1)
    assert webdav_server.count("PUT", remote) == 2
    assert webdav_server.local(remote).read_bytes() == b"v2,2\n"
    assert (
        webdav_server.count("PUT", remote_path_for(shop.site.slug, "exports", day, "other.csv"))
        == 1
    )


async def test_wrong_credentials_stop_at_once_and_are_reported(
    shop: SyncShop, webdav_server: WebDavTestServer
) -> None:
    await configure_sync(shop.database, shop.site, webdav=webdav_server)
    async with shop.database.unit_of_work() as session:
        site = await session.get(Site, shop.site.id)
        assert site is not None
        site.sync_config = {
            **site.sync_config,
            "kdrive_password_enc": encrypt_secret("pas-le-bon", secret=TEST_SECRET),
        }
    write_export(shop.settings, shop.site, "a.csv", b"1", "2026-11")
    write_export(shop.settings, shop.site, "b.csv", b"2", "2026-11")

    report = await shop.sync()

    assert not report.ok
    assert "identifiants" in report.errors[0]
    logs = await shop.logs(report.run_id)
    uploads = [log for log in logs if log.operation == "webdav.upload"]
    assert [(log.attempt, log.status) for log in uploads] == [(1, SyncStatus.FAILED)]
    assert (uploads[0].details or {}).get("http_status") == 401
    assert webdav_server.count("PUT") == 0


async def test_a_run_with_nothing_configured_does_nothing(shop: SyncShop) -> None:
    report = await shop.sync()
    assert report.ok
    assert report.kdrive is None
    assert report.sheets is None


async def test_the_attempts_of_a_run_that_crashes_stay_in_the_log(
    shop: SyncShop, webdav_server: WebDavTestServer, tmp_path: Path
) -> None:
    await configure_sync(shop.database, shop.site, webdav=webdav_server)
    write_export(shop.settings, shop.site, "a.csv", b"1", "2026-11")
    shop.settings = shop.settings.model_copy(
        update={"google_sheets_spreadsheet_id": "1Tableur", "kdrive_url": ""}
    )
    clients = fast_clients(shop.settings, shop.sleep)

    class Crashing:
        webdav = clients.webdav

        def sheets(self, target: object) -> object:
            raise RuntimeError("a bug after the uploads")

    key = tmp_path / "key.json"
    key.write_text(
        '{"type": "service_account", "client_email": "x@y", "private_key": "k"}', "utf-8"
    )
    shop.settings = shop.settings.model_copy(update={"google_sheets_credentials_file": str(key)})
    service = SyncService(shop.database.unit_of_work, shop.settings, clients=Crashing())  # type: ignore[arg-type]
    run_id = uuid.uuid4()
    with pytest.raises(RuntimeError, match="a bug"):
        await service.sync_site(shop.site.id, run_id=run_id)
    logs = await shop.logs(run_id)
    assert [(log.operation, log.status) for log in logs] == [("webdav.upload", SyncStatus.SUCCESS)]
