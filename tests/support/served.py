"""`recyclic serve` as a real process for the fault and fuzzing tests, driven from async code
(the test's event loop keeps running, e.g. a TCP proxy between the server and PostgreSQL):
started on a free port with its own settings, stopped with SIGTERM or SIGKILL by the test."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.support.databases import TestDatabase, prepare_test_database, redis_url
from tests.support.server import RECYCLIC, free_port
from tests.support.telegram import TEST_BOT_TOKEN, UNREACHABLE_TELEGRAM

SECRET = "fault-tests-secret-0123456789-abcdefghijklmnop"
ADMIN_TELEGRAM_ID = 7_700_001
ADMIN_PIN = "4821"
# uvicorn shuts down gracefully on SIGTERM, then raises the signal again so that the parent
# sees why it stopped: -SIGTERM (or 0) is a clean stop.
CLEAN_EXITS = (0, -signal.SIGTERM)


@dataclass
class Server:
    """One `recyclic serve` process."""

    database_url: str
    data_dir: Path
    settings: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RECYCLIC_")}
        env.update(
            {
                "RECYCLIC_DATABASE_URL": self.database_url,
                "RECYCLIC_DATA_DIR": str(self.data_dir),
                "RECYCLIC_SECRET_KEY": SECRET,
                "RECYCLIC_REDIS_URL": redis_url(),
                "RECYCLIC_REDIS_KEY_PREFIX": f"test:{uuid.uuid4().hex}:",
                "RECYCLIC_TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN,
                "RECYCLIC_TELEGRAM_API_URL": UNREACHABLE_TELEGRAM,
                "RECYCLIC_LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",  # the test reads the log while the server runs
                **self.settings,
            }
        )
        return env

    async def cli(self, *args: str) -> tuple[int, str]:
        """Run another `recyclic` command with the same settings (the event loop keeps
        running: a test's TCP proxy may be between the command and the database)."""
        process = await asyncio.create_subprocess_exec(
            str(RECYCLIC),
            *args,
            env=self.environment(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), 120)
        return int(process.returncode or 0), output.decode(errors="replace")

    def spawn(self, *args: str) -> None:
        """Start `recyclic serve` (without waiting)."""
        self.log_path = self.data_dir / f"serve-{self.port}-{time.monotonic_ns()}.log"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [str(RECYCLIC), "serve", "--port", str(self.port), *args],
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def start(self, *args: str, within: float = 90) -> None:
        """Start serving and wait until /health answers 200."""
        self.spawn(*args)
        assert self.process is not None
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(base_url=self.url, timeout=2) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise AssertionError(f"recyclic serve stopped:\n{self.log()}")
                try:
                    if (await client.get("/api/v1/health")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError(f"recyclic serve did not become healthy:\n{self.log()}")

    async def stop_cleanly(self, within: float = 30) -> None:
        """SIGTERM: a graceful stop (lifespan shutdown ran), no traceback in the log."""
        status = await self.stop(within=within)
        assert status in CLEAN_EXITS, (status, self.log())
        assert "Traceback" not in self.log(), self.log()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path else ""

    async def stop(self, sig: int = signal.SIGTERM, within: float = 30) -> int:
        """Send `sig` and wait for the exit status."""
        process = self.process
        assert process is not None
        if process.poll() is None:
            process.send_signal(sig)
        try:
            return await asyncio.to_thread(process.wait, within)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(f"recyclic serve did not stop within {within} s") from None

    async def login(self, telegram_id: int = ADMIN_TELEGRAM_ID, pin: str = ADMIN_PIN) -> str:
        """An access token by PIN."""
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as client:
            response = await client.post(
                "/api/v1/auth/pin", json={"telegram_id": telegram_id, "pin": pin}
            )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    async def create_admin(self) -> None:
        """The first admin of a new shop (after the migrations)."""
        code, output = await self.cli("db", "upgrade")
        assert code == 0, output
        code, output = await self.cli(
            "admin", "create", "--telegram-id", str(ADMIN_TELEGRAM_ID),
            "--name", "Claire Dubois", "--site", "Ressourcerie du Port", "--pin", ADMIN_PIN,
        )  # fmt: skip
        assert code == 0, output


@pytest.fixture
def server_database(tmp_path: Path) -> Iterator[TestDatabase]:
    """A fresh database of its own for the test's server processes."""
    yield from prepare_test_database(tmp_path, suffix="_served")


@pytest.fixture
async def server(server_database: TestDatabase, tmp_path: Path) -> AsyncIterator[Server]:
    """A server (not started) on the module's database; killed after the test if still up."""
    served = Server(database_url=server_database.url, data_dir=tmp_path / "data")
    yield served
    if served.process is not None and served.process.poll() is None:
        served.process.kill()
        served.process.wait()
