"""The production set-up against `recyclic serve` alone, same run, same database: P1's sale
ingest (tickets of 3 lines + 1 cash payment, bench_sale_ingest's workload) by 16 clients.

A. `recyclic serve` (one process), plain HTTP on 127.0.0.1 — what README's quick start runs.
B. Caddy (deploy/Caddyfile.lan, `tls internal`) → `recyclic serve --workers 2`, HTTPS with
   keep-alive, plus one `recyclic worker` — what docs/deployment.md installs.

Both on PostgreSQL + Redis. Prints sales/s, p50/p99, the server's CPU time per sale (every
process of the server: uvicorn's supervisor and workers; Caddy apart), and the resident memory
of each process idle and after the load. The load generator runs on the same machine (it
competes for the same cores: on a 2-core host the figures are a floor, not a ceiling).

    .venv/bin/python benchmarks/bench_deployment.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/recyclic_bench \\
        --redis-url redis://127.0.0.1:6379/7
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import (
    BENCH_SECRET,
    HttpConnection,
    LoadResult,
    emit,
    parser,
    percentile,
    recreate_postgres,
    temporary_dir,
)
from bench_sale_ingest import ITEMS, prepare
from tests.support.caddy import CaddyProxy
from tests.support.server import RecyclicServer

from recyclic.core.config import Settings

RECYCLIC = Path(sys.executable).parent / "recyclic"
CLIENTS = 16
SECONDS = 15.0
_TICK = os.sysconf("SC_CLK_TCK")


# --- Processes: CPU and memory from /proc ----------------------------------------------------


def tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers are children of `recyclic serve`)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / _TICK


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def emit_rss(prefix: str, named: dict[str, int]) -> None:
    for name, pid in named.items():
        emit(f"{prefix}_{name}_rss", rss_mb(pid), "MB")


# --- Load over HTTP or HTTPS -------------------------------------------------------------------


class TlsConnection(HttpConnection):
    """_common's lean keep-alive client, over TLS (Caddy's certificate, trusted)."""

    def __init__(self, port: int, headers: dict[str, str], context: ssl.SSLContext) -> None:
        super().__init__(port, headers)
        self.context = context

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                "127.0.0.1", self.port, ssl=self.context, server_hostname="127.0.0.1"
            )
        return await super().request(method, path, body)


async def load(
    connect: Callable[[dict[str, str]], HttpConnection],
    tokens: list[tuple[str, str]],
    seconds: float,
) -> LoadResult:
    """CLIENTS connections posting tickets back to back (one cashier and session each)."""
    result = LoadResult()
    start = time.perf_counter()
    deadline = start + seconds

    async def client(index: int) -> None:
        token, session_id = tokens[index]
        connection = connect({"Authorization": f"Bearer {token}"})
        body = json.dumps(
            {
                "items": ITEMS,
                "payments": [{"method": "cash", "amount": 30}],
                "session_id": session_id,
            }
        ).encode()
        try:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                status, _ = await connection.request("POST", "/api/v1/sales", body)
                t1 = time.perf_counter()
                result.latencies_ms.append((t1 - t0) * 1000)
                result.statuses[status] = result.statuses.get(status, 0) + 1
        finally:
            await connection.close()

    await asyncio.gather(*(client(i) for i in range(CLIENTS)))
    result.duration = time.perf_counter() - start
    return result


async def measure(
    label: str,
    connect: Callable[[dict[str, str]], HttpConnection],
    tokens: list[tuple[str, str]],
    server_pids: Callable[[], list[int]],
    proxy_pid: int | None = None,
) -> None:
    await load(connect, tokens, 3)  # warm-up (connections, caches, JIT of the pool)
    pids = server_pids()
    cpu_before = cpu_seconds(pids)
    proxy_before = cpu_seconds([proxy_pid]) if proxy_pid else 0.0
    result = await load(connect, tokens, SECONDS)
    cpu = cpu_seconds(pids) - cpu_before
    sales = result.statuses.get(201, 0)
    emit(f"{label}_sales", sales)
    emit(f"{label}_errors", result.errors({201}))
    emit(f"{label}_rate", result.rate, "sales/s")
    emit(f"{label}_p50", percentile(result.latencies_ms, 50), "ms")
    emit(f"{label}_p99", percentile(result.latencies_ms, 99), "ms")
    emit(f"{label}_server_cpu_per_sale", cpu * 1000 / sales if sales else float("nan"), "ms")
    if proxy_pid:
        proxy = cpu_seconds([proxy_pid]) - proxy_before
        emit(f"{label}_caddy_cpu_per_sale", proxy * 1000 / sales if sales else float("nan"), "ms")


def server_env(settings: Settings, data_dir: Path, redis_url: str) -> dict[str, str]:
    return {
        "RECYCLIC_ENV": "production",
        "RECYCLIC_SECRET_KEY": BENCH_SECRET,
        "RECYCLIC_DATABASE_URL": settings.database_url,
        "RECYCLIC_DATA_DIR": str(data_dir),
        "RECYCLIC_REDIS_URL": redis_url,
        "RECYCLIC_REDIS_KEY_PREFIX": f"bench:{uuid.uuid4().hex[:8]}:",
        "RECYCLIC_TRUSTED_PROXIES": "127.0.0.1,::1",
        "RECYCLIC_METRICS_TOKEN": "bench-metrics-token-0123456789abcdef",
        "RECYCLIC_LOG_LEVEL": "WARNING",
    }


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(RECYCLIC), "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


async def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = p.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit(
            "PostgreSQL only (several API workers): pass --database-url postgresql://…"
        )
    await recreate_postgres(args.database_url)
    emit("cores", os.cpu_count() or 0)
    with temporary_dir() as root:
        data_dir = root / "data"
        data_dir.mkdir(mode=0o700)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            env="production",
            secret_key=BENCH_SECRET,
            data_dir=data_dir,
            database_url=args.database_url,
            log_level="WARNING",
        )
        tokens = await prepare(settings, CLIENTS)
        env = server_env(settings, data_dir, args.redis_url)

        # A. recyclic serve alone, plain HTTP.
        alone = RecyclicServer(data_dir=data_dir, env=env)
        alone.start()
        assert alone.process is not None
        try:
            emit("alone_server_rss_idle", rss_mb(alone.process.pid), "MB")
            await measure(
                "alone",
                lambda headers: HttpConnection(alone.port, headers),
                tokens,
                lambda: tree(alone.process.pid),  # type: ignore[union-attr]
            )
            emit("alone_server_rss_after_load", rss_mb(alone.process.pid), "MB")
        finally:
            alone.stop()

        # B. Caddy → recyclic serve --workers 2, and one job worker.
        server = RecyclicServer(data_dir=data_dir, env=env, args=("--workers", "2"))
        server.start()
        assert server.process is not None
        worker = start_worker({**os.environ, **env})
        caddy = CaddyProxy(workdir=root / "caddy", upstream=f"127.0.0.1:{server.port}")
        try:
            caddy.start()
            assert caddy.process is not None
            await asyncio.sleep(2)  # the worker's start-up
            members = tree(server.process.pid)
            named = {"supervisor": server.process.pid}
            api = [pid for pid in members[1:] if "spawn_main" in command_line(pid)]
            named.update({f"api_worker_{i + 1}": pid for i, pid in enumerate(api)})
            named.update({"job_worker": worker.pid, "caddy": caddy.process.pid})
            emit_rss("proxied_idle", named)
            context = caddy.ssl_context()
            await measure(
                "proxied",
                lambda headers: TlsConnection(caddy.https_port, headers, context),
                tokens,
                lambda: tree(server.process.pid),  # type: ignore[union-attr]
                proxy_pid=caddy.process.pid,
            )
            emit_rss("proxied_after_load", named)
        finally:
            caddy.stop()
            worker.terminate()
            worker.wait(timeout=30)
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
