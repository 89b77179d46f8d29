"""The kDrive WebDAV client against a real WebDAV server (WsgiDAV) on 127.0.0.1."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
import unicodedata
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from recyclic.core.config import Settings
from recyclic.services.sync.clients import webdav
from recyclic.services.sync.clients.retry import (
    PermanentSyncError,
    RetryableSyncError,
    RetryPolicy,
    SyncAuthError,
)
from recyclic.services.sync.clients.webdav import (
    WebDavClient,
    parse_multistatus,
    remote_path_for,
)
from tests.fakes.webdav_server import WebDavTestServer
from tests.services.sync.clients.conftest import AttemptLog, SleepRecorder

EXPORT = remote_path_for("ma-ressourcerie", "exports", date(2026, 2, 28), "Écologic février.csv")


@pytest.fixture
async def dav(webdav_server: WebDavTestServer, policy: RetryPolicy) -> AsyncIterator[WebDavClient]:
    async with WebDavClient(
        webdav_server.url, webdav_server.username, webdav_server.password, policy=policy
    ) as client:
        yield client


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_layout_is_site_kind_year_month_and_normalises_accents() -> None:
    decomposed = unicodedata.normalize("NFD", "dépôt été.ogg")
    path = remote_path_for("ma-ressourcerie", "audio", date(2026, 1, 31), decomposed)
    assert path == "/Recyclic/ma-ressourcerie/audio/2026/01/dépôt été.ogg"
    assert path == unicodedata.normalize("NFC", path)
    for bad in ("../secret", "a/b.csv", "", "..", "tab\tname"):
        with pytest.raises(ValueError, match="invalid remote path segment"):
            remote_path_for("ma-ressourcerie", "exports", date(2026, 1, 1), bad)


async def test_url_segments_are_percent_encoded() -> None:
    async with WebDavClient("https://123456.connect.kdrive.infomaniak.com/", "u", "p") as client:
        url = client._url(["Recyclic", "dépôt été #1?.csv"])
    assert url == (
        "https://123456.connect.kdrive.infomaniak.com/Recyclic/"
        "d%C3%A9p%C3%B4t%20%C3%A9t%C3%A9%20%231%3F.csv"
    )


async def test_mkcol_creates_every_missing_parent(
    dav: WebDavClient, webdav_server: WebDavTestServer
) -> None:
    await dav.ensure_folder("/Recyclic/ma-ressourcerie/exports/2026/02")

    assert (webdav_server.root / "Recyclic/ma-ressourcerie/exports/2026/02").is_dir()
    created = [r.path for r in webdav_server.requests if r.method == "MKCOL"]
    # Deepest first (409: parent missing), then each parent from the top down.
    assert created[-5:] == [
        "/Recyclic/",
        "/Recyclic/ma-ressourcerie/",
        "/Recyclic/ma-ressourcerie/exports/",
        "/Recyclic/ma-ressourcerie/exports/2026/",
        "/Recyclic/ma-ressourcerie/exports/2026/02/",
    ]


async def test_existing_folders_are_accepted_and_only_missing_ones_created(
    webdav_server: WebDavTestServer, policy: RetryPolicy
) -> None:
    (webdav_server.root / "Recyclic/ma-ressourcerie/exports/2026").mkdir(parents=True)
    async with WebDavClient(
        webdav_server.url, webdav_server.username, webdav_server.password, policy=policy
    ) as dav:
        await dav.ensure_folder("/Recyclic/ma-ressourcerie/exports/2026")  # 405: exists
        await dav.ensure_folder("/Recyclic/ma-ressourcerie/exports/2026/03")
        await dav.ensure_folder("/Recyclic/ma-ressourcerie/exports/2026/03")  # cached

    assert (webdav_server.root / "Recyclic/ma-ressourcerie/exports/2026/03").is_dir()
    assert webdav_server.count("MKCOL") == 2


async def test_put_and_propfind_round_trip_with_accented_names(
    dav: WebDavClient, webdav_server: WebDavTestServer, tmp_path: Path
) -> None:
    content = "catégorie;poids\nÉlectroménager;12,5\n"
    local = write(tmp_path / "Écologic février.csv", content)

    result = await dav.upload_file(local, EXPORT)

    assert result.uploaded
    assert result.size == len(content.encode())
    assert result.sha256 == hashlib.sha256(content.encode()).hexdigest()
    assert webdav_server.local(EXPORT).read_text() == content
    entry = await dav.stat(EXPORT)
    assert entry is not None
    assert (entry.path, entry.size, entry.is_collection) == (EXPORT, result.size, False)
    assert entry.etag is not None
    assert entry.etag == result.etag
    listing = await dav.list_folder("/Recyclic/ma-ressourcerie/exports/2026/02")
    assert listing is not None
    assert [e.path for e in listing] == [EXPORT]
    assert await dav.stat("/Recyclic/ma-ressourcerie/exports/2026/02/absent.csv") is None
    assert await dav.list_folder("/Recyclic/absent") is None


async def test_a_file_already_uploaded_is_skipped(
    dav: WebDavClient, webdav_server: WebDavTestServer, tmp_path: Path
) -> None:
    local = write(tmp_path / "export.csv", "a,b\n1,2\n")
    first = await dav.upload_file(local, EXPORT)

    again = await dav.upload_file(local, EXPORT, known_etag=first.etag, known_sha256=first.sha256)

    assert first.uploaded
    assert not again.uploaded
    assert again.etag == first.etag
    assert webdav_server.count("PUT", EXPORT) == 1


async def test_same_size_but_new_local_content_is_uploaded_when_the_hash_is_known(
    dav: WebDavClient, webdav_server: WebDavTestServer, tmp_path: Path
) -> None:
    local = write(tmp_path / "export.csv", "total;12.50\n")
    first = await dav.upload_file(local, EXPORT)
    write(local, "total;13.50\n")  # a late refund changed one figure, not the size

    second = await dav.upload_file(local, EXPORT, known_sha256=first.sha256, known_etag=first.etag)

    assert second.uploaded
    assert webdav_server.local(EXPORT).read_text() == "total;13.50\n"
    assert webdav_server.count("PUT", EXPORT) == 2


async def test_remote_copy_changed_by_someone_else_is_uploaded_again(
    dav: WebDavClient, webdav_server: WebDavTestServer, tmp_path: Path
) -> None:
    local = write(tmp_path / "export.csv", "total;12.50\n")
    first = await dav.upload_file(local, EXPORT)
    remote = webdav_server.local(EXPORT)
    remote.write_text("edited;9.99\n")  # same size, other content, other ETag
    os.utime(remote, (1_700_000_000, 1_700_000_000))

    second = await dav.upload_file(local, EXPORT, known_sha256=first.sha256, known_etag=first.etag)

    assert second.uploaded
    assert remote.read_text() == "total;12.50\n"


async def test_wrong_password_is_a_permanent_error_without_retries(
    webdav_server: WebDavTestServer, policy: RetryPolicy, attempt_log: AttemptLog, tmp_path: Path
) -> None:
    local = write(tmp_path / "export.csv", "x")
    async with WebDavClient(
        webdav_server.url, webdav_server.username, "mauvais", policy=policy
    ) as dav:
        with pytest.raises(SyncAuthError) as error:
            await dav.check_connection()
        with pytest.raises(SyncAuthError):
            await dav.upload_file(local, EXPORT, on_attempt=attempt_log)

    assert error.value.status == 401
    assert not error.value.retryable
    assert [(a.attempt, a.final) for a in attempt_log.attempts] == [(1, True)]
    assert webdav_server.count("PUT") == 0


async def test_missing_root_is_a_permanent_error(
    webdav_server: WebDavTestServer, policy: RetryPolicy, tmp_path: Path
) -> None:
    local = write(tmp_path / "export.csv", "x")
    async with WebDavClient(
        f"{webdav_server.url}/no-such-root",
        webdav_server.username,
        webdav_server.password,
        policy=policy,
    ) as dav:
        with pytest.raises(PermanentSyncError, match="root not found"):
            await dav.check_connection()
        with pytest.raises(PermanentSyncError, match="root not found"):
            await dav.upload_file(local, EXPORT)


async def test_uploading_over_a_folder_is_refused(
    dav: WebDavClient, webdav_server: WebDavTestServer, tmp_path: Path
) -> None:
    webdav_server.local(EXPORT).mkdir(parents=True)
    with pytest.raises(PermanentSyncError, match="is a folder"):
        await dav.upload_file(write(tmp_path / "x.csv", "x"), EXPORT)


async def test_server_down_then_back_uploads_every_file_exactly_once(
    dav: WebDavClient,
    webdav_server: WebDavTestServer,
    attempt_log: AttemptLog,
    sleeps: SleepRecorder,
    tmp_path: Path,
) -> None:
    """R8: while the server is down every attempt fails as retryable; once it is back, each
    file lands exactly once, and a further run uploads nothing."""
    files = {
        remote_path_for("ma-ressourcerie", "audio", date(2026, 3, 1), f"dépôt-{n}.ogg"): write(
            tmp_path / f"depot-{n}.ogg", os.urandom(1000 + n)
        )
        for n in range(5)
    }
    webdav_server.stop()

    for remote, local in files.items():
        with pytest.raises(RetryableSyncError):
            await dav.upload_file(local, remote, on_attempt=attempt_log)

    down = attempt_log.of("webdav.upload")
    assert len(down) == 5 * 4
    assert all(a.error is not None and a.error.retryable for a in down)
    assert [a.attempt for a in down[:4]] == [1, 2, 3, 4]
    assert [a.next_delay is None for a in down[:4]] == [False, False, False, True]
    assert len(sleeps.delays) == 5 * 3

    webdav_server.start()
    results = [await dav.upload_file(local, remote) for remote, local in files.items()]
    replay = [await dav.upload_file(local, remote) for remote, local in files.items()]

    assert all(r.uploaded for r in results)
    assert not any(r.uploaded for r in replay)
    for remote, local in files.items():
        assert webdav_server.count("PUT", remote) == 1
        assert webdav_server.local(remote).read_bytes() == local.read_bytes()


async def test_server_back_during_the_retries_uploads_once(
    webdav_server: WebDavTestServer, attempt_log: AttemptLog, tmp_path: Path
) -> None:
    async def server_comes_back(_: float) -> None:
        webdav_server.start()

    local = write(tmp_path / "export.csv", "a;b\n")
    webdav_server.stop()
    policy = RetryPolicy(max_attempts=3, base_delay=0.001, sleep=server_comes_back)
    async with WebDavClient(
        webdav_server.url, webdav_server.username, webdav_server.password, policy=policy
    ) as dav:
        result = await dav.upload_file(local, EXPORT, on_attempt=attempt_log)

    assert result.uploaded
    assert result.attempts == 2
    assert [a.succeeded for a in attempt_log.attempts] == [False, True]
    assert webdav_server.count("PUT", EXPORT) == 1


async def test_put_applied_but_answer_lost_is_not_uploaded_twice(
    dav: WebDavClient, webdav_server: WebDavTestServer, tmp_path: Path
) -> None:
    local = write(tmp_path / "export.csv", "a;b\n1;2\n")
    webdav_server.fail_next(status=502, methods=["PUT"], apply=True)

    result = await dav.upload_file(local, EXPORT)

    assert result.uploaded
    assert result.attempts == 2
    assert webdav_server.count("PUT", EXPORT) == 1
    assert webdav_server.local(EXPORT).read_bytes() == local.read_bytes()


async def test_retry_after_from_a_busy_server_is_honoured(
    dav: WebDavClient, webdav_server: WebDavTestServer, sleeps: SleepRecorder, tmp_path: Path
) -> None:
    webdav_server.fail_next(2, status=503, methods=["PROPFIND"], headers={"Retry-After": "7"})

    result = await dav.upload_file(write(tmp_path / "x.csv", "x"), EXPORT)

    assert result.uploaded
    assert sleeps.delays == [7.0, 7.0]


async def test_large_file_is_streamed_with_a_content_length(
    dav: WebDavClient, webdav_server: WebDavTestServer, tmp_path: Path
) -> None:
    size = 24 * 1024 * 1024
    block = os.urandom(1024 * 1024)
    local = tmp_path / "archive.zip"
    with local.open("wb") as handle:
        for _ in range(size // len(block)):
            handle.write(block)

    tracemalloc.start()
    try:
        result = await dav.upload_file(local, EXPORT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.uploaded
    assert result.size == size
    # Server included (same process): far below the file size, so never read whole.
    assert peak < 8 * 1024 * 1024
    put = next(r for r in webdav_server.requests if r.method == "PUT")
    assert put.headers["content-length"] == str(size)
    assert "transfer-encoding" not in put.headers
    remote_hash = hashlib.sha256(webdav_server.local(EXPORT).read_bytes()).hexdigest()
    assert remote_hash == result.sha256


@pytest.fixture(params=["defusedxml", "stdlib"])
def xml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a parsing test with defusedxml and with the guarded stdlib fallback."""
    if request.param == "stdlib":
        monkeypatch.setattr(webdav, "_DEFUSED", None)
    else:
        assert webdav._DEFUSED is not None
    return str(request.param)


@pytest.mark.usefixtures("xml_parser")
def test_multistatus_parsing_keeps_only_200_properties_and_decodes_hrefs() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<d:multistatus xmlns:d="DAV:">
  <d:response>
    <d:href>https://1.connect.kdrive.infomaniak.com/dav/Recyclic/d%C3%A9p%C3%B4t.ogg</d:href>
    <d:propstat><d:prop><d:getcontentlength>2048</d:getcontentlength>
      <d:getetag>W/"abc"</d:getetag><d:resourcetype/></d:prop>
      <d:status>HTTP/1.1 200 OK</d:status></d:propstat>
    <d:propstat><d:prop><d:getlastmodified/></d:prop>
      <d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>
  </d:response>
  <d:response><d:href>/dav/Recyclic/</d:href>
    <d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop>
      <d:status>HTTP/1.1 200 OK</d:status></d:propstat>
  </d:response>
</d:multistatus>"""
    file, folder = parse_multistatus(body, "/dav")
    assert (file.path, file.size, file.etag, file.is_collection) == (
        "/Recyclic/dépôt.ogg",
        2048,
        "abc",
        False,
    )
    assert file.last_modified is None
    assert (folder.path, folder.is_collection, folder.size) == ("/Recyclic", True, None)


@pytest.mark.usefixtures("xml_parser")
def test_multistatus_with_entity_declarations_is_refused() -> None:
    body = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<d:multistatus xmlns:d="DAV:"><d:response><d:href>&lol2;</d:href></d:response></d:multistatus>"""
    with pytest.raises(PermanentSyncError):
        parse_multistatus(body, "")


async def test_client_from_settings(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        kdrive_url="https://123456.connect.kdrive.infomaniak.com",
        kdrive_username="tresorier@ressourcerie.example",
        kdrive_password="application-password",
        sync_max_attempts=7,
        sync_base_delay_seconds=0.5,
    )
    async with WebDavClient.from_settings(settings) as client:
        assert client.base_url == "https://123456.connect.kdrive.infomaniak.com"
        assert (client.policy.max_attempts, client.policy.base_delay) == (7, 0.5)
    with pytest.raises(ValueError, match="RECYCLIC_KDRIVE_URL"):
        WebDavClient.from_settings(settings.model_copy(update={"kdrive_url": ""}))
