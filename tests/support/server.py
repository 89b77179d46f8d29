"""`recyclic serve` in a child process, on a free port, as a shop would run it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

RECYCLIC = Path(sys.executable).parent / "recyclic"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RecyclicServer:
    """One `recyclic serve` process; `stop()` and `start()` again keep its port and data."""

    def __init__(
        self,
        *,
        data_dir: Path,
        env: dict[str, str],
        port: int | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.data_dir = data_dir
        self.args = args  # more options of `recyclic serve`, e.g. ("--workers", "2")
        self.port = port or free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("RECYCLIC_")},
            "RECYCLIC_DATA_DIR": str(data_dir),
            "RECYCLIC_LOG_LEVEL": "WARNING",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "serve.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> None:
        """Start the server and wait until /health answers."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(RECYCLIC), "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"recyclic serve exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"recyclic serve did not answer: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> int | None:
        """SIGTERM, as systemd would; SIGKILL if it does not stop in 15 s. Returns the exit
        status (None when it was not running)."""
        return terminate(self.process)


def terminate(process: subprocess.Popen[bytes] | None) -> int | None:
    """SIGTERM, as systemd would; SIGKILL if the process does not stop in 15 s. Returns the
    exit status (None when it was not running or had to be killed)."""
    if process is None or process.poll() is not None:
        return None
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
        return None
