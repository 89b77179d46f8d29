"""A small asyncio TCP proxy for outage tests: the app talks to a service through it, and the
test cuts it — never the shared service itself.

`cut()` drops every open connection and answers new ones by closing them at once (the service
looks down: connection reset); `cut(blackhole=True)` accepts connections and never answers
(the service looks hung: only timeouts help). `restore()` forwards again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

_CHUNK = 64 * 1024


class TcpProxy:
    """Forwards 127.0.0.1:<port> to `target_host:target_port`."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.port = 0
        self.mode: str = "open"  # open | reset | blackhole
        self.accepted = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._restored = asyncio.Event()

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    def url(self, scheme: str, path: str = "") -> str:
        """The service's URL through the proxy, e.g. url("redis", "/7")."""
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    async def cut(self, *, blackhole: bool = False) -> None:
        """The service becomes unreachable (reset), or silent (blackhole)."""
        self.mode = "blackhole" if blackhole else "reset"
        self._restored.clear()
        self._drop_all()

    async def restore(self) -> None:
        """Forward again (connections held by a blackhole are closed: clients reconnect)."""
        self.mode = "open"
        self._restored.set()
        self._drop_all()

    async def close(self) -> None:
        """Stop listening and drop everything."""
        self._restored.set()
        self._drop_all()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _drop_all(self) -> None:
        for writer in list(self._writers):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self._writers.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        try:
            if self.mode == "reset":
                return
            if self.mode == "blackhole":
                await self._restored.wait()
                return
            try:
                up_reader, up_writer = await asyncio.open_connection(
                    self.target_host, self.target_port
                )
            except OSError:
                return
            self._writers.add(up_writer)
            await asyncio.gather(
                self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
            )
        finally:
            self._tasks.discard(task)
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(_CHUNK):
                if self.mode != "open":
                    break
                writer.write(data)
                await writer.drain()
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.transport.abort()


@pytest.fixture
async def tcp_proxy_factory() -> AsyncIterator[object]:
    """`await make(host, port)`: a started proxy, closed after the test."""
    proxies: list[TcpProxy] = []

    async def make(host: str, port: int) -> TcpProxy:
        proxy = TcpProxy(host, port)
        await proxy.start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        await proxy.close()
