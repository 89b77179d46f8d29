"""Async WebDAV client for kDrive (Infomaniak): PROPFIND, MKCOL, streamed PUT, idempotent upload.

Remote paths are plain strings relative to the WebDAV root (`/Recyclic/ma-ressourcerie/…`);
each segment is URL-quoted only when the URL is built, so accented names work unchanged.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Literal, Self, TypeVar, cast
from urllib.parse import quote, unquote, urlsplit

import httpx

from recyclic.services.sync.clients.retry import (
    AttemptHook,
    PermanentSyncError,
    PooledClient,
    RetryableSyncError,
    RetryPolicy,
    SyncClientError,
    error_for_status,
    error_for_transport,
    run_with_retries,
)

if TYPE_CHECKING:
    from recyclic.core.config import Settings

T = TypeVar("T")
SyncKind = Literal["exports", "audio"]

ROOT_FOLDER = "Recyclic"
CHUNK_SIZE = 1024 * 1024  # bytes read from disk per PUT body chunk
_DAV = "{DAV:}"
_PROPFIND_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<d:propfind xmlns:d="DAV:"><d:prop>'
    b"<d:resourcetype/><d:getcontentlength/><d:getetag/><d:getlastmodified/>"
    b"</d:prop></d:propfind>"
)


@dataclass(frozen=True)
class RemoteEntry:
    """A file or folder as PROPFIND describes it."""

    path: str  # decoded, relative to the WebDAV root, no trailing slash ("" is the root)
    is_collection: bool
    size: int | None
    etag: str | None
    last_modified: datetime | None


@dataclass(frozen=True)
class UploadResult:
    """What `upload_file` did; keep `etag` and `sha256` to pass back on the next sync."""

    remote_path: str
    uploaded: bool  # False: skipped, the remote copy already matched
    size: int
    sha256: str
    etag: str | None
    attempts: int


def remote_path_for(
    site_slug: str, kind: SyncKind, day: date, filename: str, *, root: str = ROOT_FOLDER
) -> str:
    """`/Recyclic/<site>/<kind>/YYYY/MM/<file>`; `day` is the file's date in the site's zone."""
    if kind not in ("exports", "audio"):
        raise ValueError(f"unknown sync kind {kind!r}")
    segments = [root, site_slug, kind, f"{day.year:04d}", f"{day.month:02d}", filename]
    return "/" + "/".join(_checked_segment(segment) for segment in segments)


def _checked_segment(segment: str) -> str:
    # NFC: a name typed on macOS (NFD) and the same name typed elsewhere must be one file.
    segment = unicodedata.normalize("NFC", segment)
    if segment in ("", ".", "..") or any(c in segment for c in "/\\") or not segment.isprintable():
        raise ValueError(f"invalid remote path segment {segment!r}")
    return segment


def split_remote_path(path: str) -> list[str]:
    """The checked segments of a remote path (leading/trailing slashes ignored)."""
    return [_checked_segment(s) for s in path.split("/") if s]


def _normalize_etag(value: str | None) -> str | None:
    # Compared as opaque strings: PUT answers and PROPFIND may quote them differently.
    return (value or "").strip().removeprefix("W/").strip('"') or None


def _load_defusedxml() -> ModuleType | None:
    # defusedxml comes with the dev tools (WsgiDAV) but is not a runtime dependency.
    try:
        return importlib.import_module("defusedxml.ElementTree")
    except ImportError:
        return None


_DEFUSED = _load_defusedxml()


def _parse_xml(body: bytes) -> ET.Element:
    """Parse a server's XML with defusedxml when installed, else refuse any DTD outright."""
    try:
        if _DEFUSED is not None:
            return cast(ET.Element, _DEFUSED.fromstring(body))
        # No DTD means no entity expansion attacks; NUL bytes would hide one in UTF-16.
        lowered = body.lower()
        if b"<!doctype" in lowered or b"<!entity" in lowered or b"\x00" in body:
            raise PermanentSyncError("PROPFIND answer with a DTD refused")
        return ET.fromstring(body)  # noqa: S314 - DTDs refused just above
    except ET.ParseError as exc:
        raise PermanentSyncError(f"unreadable PROPFIND answer: {exc}") from exc
    except ValueError as exc:  # defusedxml's DTD/entity refusals derive from ValueError
        raise PermanentSyncError(f"PROPFIND answer refused: {exc}") from exc


def parse_multistatus(body: bytes, base_path: str) -> list[RemoteEntry]:
    """The entries of a 207 Multi-Status body; only properties reported with 200 are used."""
    entries = []
    base = unquote(base_path).rstrip("/")
    for response in _parse_xml(body).iter(f"{_DAV}response"):
        href = response.findtext(f"{_DAV}href") or ""
        path = unquote(urlsplit(href.strip()).path).rstrip("/")
        if base and path.startswith(base):
            path = path[len(base) :]
        props: dict[str, ET.Element] = {}
        for propstat in response.iter(f"{_DAV}propstat"):
            status = propstat.findtext(f"{_DAV}status") or ""
            prop = propstat.find(f"{_DAV}prop")
            if " 200 " in f"{status} " and prop is not None:
                props.update({child.tag: child for child in prop})
        kind = props.get(f"{_DAV}resourcetype")
        entries.append(
            RemoteEntry(
                path=unicodedata.normalize("NFC", path),
                is_collection=kind is not None and kind.find(f"{_DAV}collection") is not None,
                size=_size(_text(props, "getcontentlength")),
                etag=_normalize_etag(_text(props, "getetag")),
                last_modified=_parse_http_date(_text(props, "getlastmodified")),
            )
        )
    return entries


def _text(props: dict[str, ET.Element], name: str) -> str | None:
    element = props.get(_DAV + name)
    return element.text if element is not None else None


def _size(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _parse_http_date(value: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    # Disk reads happen in a thread, one chunk at a time: constant memory, loop never blocked.
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        while chunk := await asyncio.to_thread(handle.read, CHUNK_SIZE):
            yield chunk
    finally:
        handle.close()


class WebDavClient(PooledClient):
    """One WebDAV account. Use as `async with WebDavClient.from_settings(settings) as dav:`."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        timeout_seconds: float = 30.0,
        policy: RetryPolicy | None = None,
    ) -> None:
        if not base_url:
            raise ValueError("WebDAV URL is not configured (RECYCLIC_KDRIVE_URL)")
        self.base_url = base_url.rstrip("/")
        self.base_path = urlsplit(self.base_url).path
        self.policy = policy or RetryPolicy()
        self._http = httpx.AsyncClient(
            auth=httpx.BasicAuth(username, password),
            timeout=httpx.Timeout(timeout_seconds),
            follow_redirects=False,
        )
        # Folders known to exist: MKCOL is sent once per folder per client.
        self._known_folders: set[tuple[str, ...]] = set()

    @classmethod
    def from_settings(cls, settings: Settings, *, policy: RetryPolicy | None = None) -> Self:
        """A client for the configured kDrive (RECYCLIC_KDRIVE_*, RECYCLIC_SYNC_*)."""
        return cls(
            settings.kdrive_url,
            settings.kdrive_username,
            settings.kdrive_password.get_secret_value(),
            timeout_seconds=settings.sync_http_timeout_seconds,
            policy=policy or RetryPolicy.from_settings(settings),
        )

    # Public operations: each one retried by the policy and reported attempt by attempt.

    async def check_connection(self, *, on_attempt: AttemptHook | None = None) -> None:
        """Fail with SyncAuthError / PermanentSyncError when the root is unusable."""

        async def attempt(_: int) -> None:
            if await self._stat("/") is None:
                raise PermanentSyncError(f"WebDAV root not found: {self.base_url}", status=404)

        await self._retry("webdav.check", "/", attempt, on_attempt)

    async def stat(self, path: str, *, on_attempt: AttemptHook | None = None) -> RemoteEntry | None:
        """The entry at `path` (PROPFIND Depth 0), or None when it does not exist."""
        return await self._retry("webdav.stat", path, lambda _: self._stat(path), on_attempt)

    async def list_folder(
        self, path: str, *, on_attempt: AttemptHook | None = None
    ) -> list[RemoteEntry] | None:
        """The direct children of a folder (PROPFIND Depth 1), or None when it does not exist."""

        segments = split_remote_path(path)
        own = "/" + "/".join(segments) if segments else ""

        async def attempt(_: int) -> list[RemoteEntry] | None:
            entries = await self._propfind(path, depth=1)
            if entries is None:
                return None
            return [entry for entry in entries if entry.path != own]

        return await self._retry("webdav.list", path, attempt, on_attempt)

    async def ensure_folder(self, path: str, *, on_attempt: AttemptHook | None = None) -> None:
        """Create the folder and every missing parent (MKCOL)."""
        await self._retry(
            "webdav.mkcol", path, lambda _: self._ensure_folder(split_remote_path(path)), on_attempt
        )

    async def upload_file(
        self,
        local_path: Path,
        remote_path: str,
        *,
        known_etag: str | None = None,
        known_sha256: str | None = None,
        on_attempt: AttemptHook | None = None,
    ) -> UploadResult:
        """Upload unless the remote copy already matches; safe to call again after any failure.

        The remote copy matches when its size equals the local size and, when given, the
        local content still has `known_sha256` and the remote still has `known_etag` (both
        from the previous `UploadResult` of this file). Each attempt starts with a PROPFIND,
        so a retry after a PUT whose answer was lost does not upload the file twice.
        """
        local_path = Path(local_path)
        size = (await asyncio.to_thread(local_path.stat)).st_size
        sha256 = await asyncio.to_thread(_file_sha256, local_path)
        segments = split_remote_path(remote_path)
        if not segments:
            raise ValueError("remote_path must name a file")
        put_may_have_landed = False

        async def attempt(number: int) -> UploadResult:
            nonlocal put_may_have_landed
            entry = await self._stat(remote_path)
            if entry is not None and entry.is_collection:
                raise PermanentSyncError(f"{remote_path} is a folder on the WebDAV server")
            if entry is not None and entry.size == size:
                if put_may_have_landed:
                    # Our own earlier attempt landed, only its answer was lost.
                    return UploadResult(remote_path, True, size, sha256, entry.etag, number)
                if (known_sha256 is None or known_sha256 == sha256) and (
                    known_etag is None or entry.etag is None or entry.etag == known_etag
                ):
                    return UploadResult(remote_path, False, size, sha256, entry.etag, number)
            await self._ensure_folder(segments[:-1])
            try:
                etag = await self._put(local_path, remote_path, size)
            except SyncClientError as error:
                put_may_have_landed = put_may_have_landed or error.outcome_unknown
                raise
            put_may_have_landed = True
            after = await self._stat(remote_path)
            if after is None or after.size != size:
                raise RetryableSyncError(
                    f"{remote_path}: remote size {after.size if after else None} after PUT, "
                    f"expected {size}",
                    outcome_unknown=True,
                )
            return UploadResult(remote_path, True, size, sha256, after.etag or etag, number)

        return await self._retry("webdav.upload", remote_path, attempt, on_attempt)

    # Single requests (one attempt each).

    def _url(self, segments: list[str] | tuple[str, ...], *, collection: bool = False) -> str:
        quoted = "/".join(quote(segment, safe="") for segment in segments)
        url = f"{self.base_url}/{quoted}"
        return url if not collection or url.endswith("/") else url + "/"

    async def _send(
        self,
        method: str,
        url: str,
        what: str,
        *,
        content: bytes | AsyncIterator[bytes] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        try:
            return await self._http.request(method, url, content=content, headers=headers)
        except httpx.TransportError as exc:
            raise error_for_transport(exc, what) from exc

    async def _propfind(self, path: str, *, depth: Literal[0, 1]) -> list[RemoteEntry] | None:
        segments = split_remote_path(path)
        response = await self._send(
            "PROPFIND",
            self._url(segments, collection=depth == 1),
            f"PROPFIND {path}",
            content=_PROPFIND_BODY,
            headers={"Depth": str(depth), "Content-Type": "application/xml; charset=utf-8"},
        )
        if response.status_code == 404:
            return None
        if response.status_code != 207:
            raise error_for_status(response, f"PROPFIND {path}")
        return parse_multistatus(response.content, self.base_path)

    async def _stat(self, path: str) -> RemoteEntry | None:
        entries = await self._propfind(path, depth=0)
        return entries[0] if entries else None

    async def _ensure_folder(self, segments: list[str]) -> None:
        key = tuple(segments)
        if not key or key in self._known_folders:
            return
        what = "MKCOL /" + "/".join(segments)
        response = await self._send("MKCOL", self._url(segments, collection=True), what)
        if response.status_code == 409:
            # RFC 4918: 409 means an intermediate collection is missing; create it, then retry.
            if len(segments) == 1:
                raise PermanentSyncError(
                    f"{what}: WebDAV root not found ({self.base_url})", status=409
                )
            await self._ensure_folder(segments[:-1])
            response = await self._send("MKCOL", self._url(segments, collection=True), what)
        # 405: the folder already exists (MKCOL is only allowed on unmapped URLs).
        if response.status_code not in (201, 405):
            raise error_for_status(response, what)
        self._known_folders.add(key)

    async def _put(self, local_path: Path, remote_path: str, size: int) -> str | None:
        response = await self._send(
            "PUT",
            self._url(split_remote_path(remote_path)),
            f"PUT {remote_path}",
            content=_file_chunks(local_path),
            # An explicit length: streamed without chunked encoding, which some servers refuse.
            headers={"Content-Length": str(size), "Content-Type": "application/octet-stream"},
        )
        if response.status_code == 409:
            # The parent folder vanished since we created it (someone tidied the drive).
            self._known_folders.clear()
            raise RetryableSyncError(f"PUT {remote_path}: parent folder missing", status=409)
        if response.status_code not in (200, 201, 204):
            raise error_for_status(response, f"PUT {remote_path}")
        return _normalize_etag(response.headers.get("ETag"))

    async def _retry(
        self,
        operation: str,
        target: str,
        attempt: Callable[[int], Awaitable[T]],
        on_attempt: AttemptHook | None,
    ) -> T:
        return await run_with_retries(
            operation, target, attempt, policy=self.policy, on_attempt=on_attempt
        )
