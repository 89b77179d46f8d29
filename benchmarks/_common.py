"""Shared plumbing of the benchmarks: fresh databases, a served app, a lean HTTP client.

Benchmarks print `name: value unit` lines; they are measurements, not tests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from recyclic.core.config import Settings

ROOT = Path(__file__).resolve().parents[1]
BENCH_SECRET = "benchmark-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def parser(description: str) -> argparse.ArgumentParser:
    """Arguments every benchmark accepts."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--database-url",
        default="",
        help="sqlite:///path or postgresql://… (default: a temporary SQLite file)",
    )
    return p


def emit(name: str, value: float | int | str, unit: str = "") -> None:
    """One figure, in the house format."""
    if isinstance(value, float):
        value = f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    print(f"{name}: {value} {unit}".rstrip(), flush=True)


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of `values`."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def recreate_postgres(url: str) -> None:
    """Drop and create the database named in `url` (benchmark databases only)."""
    parsed = make_url(url)
    name = parsed.database or ""
    if "bench" not in name:
        raise SystemExit(f"refusing to recreate {name!r}: benchmark databases must contain 'bench'")
    admin = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database="postgres",
    )
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def bench_settings(database_url: str, data_dir: Path) -> Settings:
    """Production-like settings for a benchmark run."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        env="production",
        secret_key=BENCH_SECRET,
        data_dir=data_dir,
        database_url=database_url or f"sqlite:///{data_dir / 'recyclic.db'}",
        log_level="WARNING",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    def rss_mb(self) -> float:
        """Resident memory of the server process (and its workers)."""
        total = 0
        for pid in process_tree(self.process.pid):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        return total / 1024

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server process and its workers."""
        return sum(process_cpu_seconds(pid) for pid in process_tree(self.process.pid))


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (read from /proc)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
    return found


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc/<pid>/stat (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3, utime field 14 and stime field 15.
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


@contextlib.contextmanager
def served(
    settings: Settings, *, extra_env: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> Iterator[Server]:
    """`recyclic serve` in a subprocess with these settings (and extra `args`, e.g.
    `--workers 2`), until the block ends."""
    port = free_port()
    env = {
        **os.environ,
        "RECYCLIC_ENV": settings.env,
        "RECYCLIC_SECRET_KEY": settings.secret_key.get_secret_value(),
        "RECYCLIC_DATABASE_URL": settings.database_url,
        "RECYCLIC_DATA_DIR": str(settings.data_dir),
        "RECYCLIC_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    command = [
        str(Path(sys.executable).parent / "recyclic"),
        "serve",
        "--port",
        str(port),
        *args,
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, cwd=ROOT)
    try:
        deadline = time.monotonic() + 180
        while not healthy(port):
            if process.poll() is not None:
                raise SystemExit("recyclic serve exited during start-up")
            if time.monotonic() > deadline:
                raise SystemExit("recyclic serve did not answer /health within 180 s")
            time.sleep(0.05)
        yield Server(process=process, port=port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def healthy(port: int) -> bool:
    """True when /api/v1/health answers 200 on this port."""
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/v1/health", timeout=2
        ) as response:
            return int(response.status) == 200
    except OSError:
        return False


@contextlib.contextmanager
def temporary_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="recyclic-bench-") as name:
        yield Path(name)


class HttpConnection:
    """A minimal HTTP/1.1 keep-alive client: the load generator must cost less than the
    server it measures (httpx spends about as much CPU per request as the app)."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.static = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.static}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length) if length else b""
        return status, payload

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    per_second: dict[int, int] = field(default_factory=dict)
    duration: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.count / self.duration if self.duration else 0.0

    def errors(self, ok: set[int]) -> int:
        return sum(n for status, n in self.statuses.items() if status not in ok)


async def run_load(
    port: int,
    clients: int,
    seconds: float,
    make_request: Callable[[int, int], tuple[str, str, bytes]],
    headers_for: Callable[[int], dict[str, str]],
) -> LoadResult:
    """`clients` connections issuing requests back to back for `seconds`."""
    result = LoadResult()
    start = time.perf_counter()
    deadline = start + seconds

    async def client(index: int) -> None:
        connection = HttpConnection(port, headers_for(index))
        n = 0
        try:
            while time.perf_counter() < deadline:
                method, path, body = make_request(index, n)
                t0 = time.perf_counter()
                status, _ = await connection.request(method, path, body)
                t1 = time.perf_counter()
                result.latencies_ms.append((t1 - t0) * 1000)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                second = int(t1 - start)
                result.per_second[second] = result.per_second.get(second, 0) + 1
                n += 1
        finally:
            await connection.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    result.duration = time.perf_counter() - start
    return result


async def ensure_sales(settings: Settings, count: int) -> None:
    """Make sure the database holds at least `count` demo sales (bulk-loaded if not)."""
    from sqlalchemy import func, select

    from recyclic.core.database import Database
    from recyclic.core.migrations import upgrade
    from recyclic.models.sale import Sale
    from recyclic.models.user import Role
    from recyclic.services.demo.bulk_sales import BulkSalesLoader
    from recyclic.services.demo.seed import DemoService

    database = Database.from_settings(settings)
    try:
        await upgrade(database.bind)  # type: ignore[arg-type]
        async with database.unit_of_work(write=False) as session:
            have = int(await session.scalar(select(func.count()).select_from(Sale)) or 0)
        if have >= count:
            return
        started = time.perf_counter()
        async with database.unit_of_work() as session:
            summary = await DemoService(session).seed(timezone=settings.timezone)
            cashier = next(u for u in summary.users if u.role == Role.OPERATOR)
            await BulkSalesLoader(session, summary.site, cashier).load(
                count - have, 365, lambda n: None
            )
        emit("seed_seconds", time.perf_counter() - started, "s")
    finally:
        await database.dispose()


def persistent_dir(database_url: str) -> Path:
    """A data directory kept between runs of the same database (for --reuse)."""
    name = (database_url.rsplit("/", 1)[-1] or "sqlite").replace(".", "_")
    path = Path(tempfile.gettempdir()) / f"recyclic-bench-{name}"
    path.mkdir(parents=True, exist_ok=True)
    return path
