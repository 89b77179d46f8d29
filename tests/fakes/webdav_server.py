"""A real WebDAV server (WsgiDAV on cheroot) for tests, standing in for kDrive.

It serves a temporary directory on 127.0.0.1 with basic auth, records every request, can be
stopped and started again on the same port ("server down, then back") and can be told to
answer the next requests with an error, optionally after really applying them.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from cheroot import wsgi
from wsgidav.wsgidav_app import WsgiDAVApp

DAV_USER = "benevole@ressourcerie.example"
DAV_PASSWORD = "mot-de-passe-très-sûr"

StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it (path decoded, relative to the server root)."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass
class _Fault:
    status: int
    methods: frozenset[str] | None
    apply: bool
    headers: list[tuple[str, str]] = field(default_factory=list)


class WebDavTestServer:
    """WsgiDAV serving `root` at http://127.0.0.1:<port>/ in a background thread."""

    def __init__(self, root: Path, *, username: str = DAV_USER, password: str = DAV_PASSWORD):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.username = username
        self.password = password
        self.port = 0  # chosen by the OS at the first start, then kept
        self.requests: list[RecordedRequest] = []
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self._server: wsgi.Server | None = None
        self._thread: threading.Thread | None = None
        self._dav = WsgiDAVApp(
            {
                "host": "127.0.0.1",
                "provider_mapping": {"/": str(root)},
                "simple_dc": {"user_mapping": {"*": {username: {"password": password}}}},
                "http_authenticator": {
                    "domain_controller": None,
                    "accept_basic": True,
                    "accept_digest": False,
                    "default_to_digest": False,
                },
                "dir_browser": {"enable": False},
                "verbose": 0,
                "logging": {"enable": False},
            }
        )

    @property
    def url(self) -> str:
        """The WebDAV root URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        """True while the server accepts connections."""
        return self._server is not None

    def start(self) -> None:
        """Listen (again) on the same port; the first start picks a free port."""
        if self._server is not None:
            return
        if not self.port:
            self.port = _free_port()
        server = wsgi.Server(("127.0.0.1", self.port), self._app, numthreads=4)
        # Short select() waits: stop() returns promptly instead of after half a second.
        server.expiration_interval = 0.05
        server.shutdown_timeout = 1
        server.prepare()
        self._thread = threading.Thread(target=server.serve, name="webdav-test", daemon=True)
        self._thread.start()
        self._server = server

    def stop(self) -> None:
        """Close the listening socket and every connection: clients see it as down."""
        if self._server is None:
            return
        self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 503,
        methods: Iterable[str] | None = None,
        apply: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next `count` matching requests with `status`.

        `apply=True` runs the request for real first (the file is written) and only then
        answers the error: the "applied, but the answer was lost" case.
        """
        wanted = frozenset(m.upper() for m in methods) if methods is not None else None
        with self._lock:
            for _ in range(count):
                self._faults.append(_Fault(status, wanted, apply, list((headers or {}).items())))

    def count(self, method: str, path: str | None = None) -> int:
        """How many `method` requests were received (for `path`, when given)."""
        return sum(
            1
            for r in self.requests
            if r.method == method and (path is None or r.path.rstrip("/") == path.rstrip("/"))
        )

    def local(self, remote_path: str) -> Path:
        """Where the server stores `remote_path` on disk."""
        return self.root.joinpath(*[s for s in remote_path.split("/") if s])

    def _take_fault(self, method: str) -> _Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.methods is None or method in fault.methods:
                    return self._faults.pop(index)
        return None

    def _app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        # WSGI hands the path over as latin-1 text of the raw bytes; the bytes are UTF-8.
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        for key in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            if environ.get(key):
                headers[key.replace("_", "-").lower()] = environ[key]
        self.requests.append(RecordedRequest(method, path, headers))
        fault = self._take_fault(method)
        if fault is None:
            return self._dav(environ, start_response)  # type: ignore[no-any-return]
        if fault.apply:
            for _ in _closing(self._dav(environ, lambda *args, **kwargs: None)):
                pass
        reason = HTTPStatus(fault.status).phrase
        start_response(
            f"{fault.status} {reason}",
            [("Content-Type", "text/plain"), ("Content-Length", "0"), *fault.headers],
        )
        return [b""]


def _free_port() -> int:
    # cheroot sets SO_REUSEADDR only on an explicit port; without it a restart on the same
    # port fails while old connections sit in TIME_WAIT. So pick the port ourselves.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _closing(body: Iterable[bytes]) -> Iterator[bytes]:
    try:
        yield from body
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


@pytest.fixture
def webdav_server(tmp_path: Path) -> Iterator[WebDavTestServer]:
    """A running WebDAV server over a fresh directory; stopped after the test."""
    server = WebDavTestServer(tmp_path / "webdav-root")
    server.start()
    try:
        yield server
    finally:
        server.stop()
