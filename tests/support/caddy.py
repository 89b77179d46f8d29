"""Caddy (Debian's package) running deploy/Caddyfile.lan — `tls internal` — on free ports, with
its own data directory: it never touches the machine's Caddy, certificates or trust store."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import httpx

from tests.support.server import free_port, terminate

DEPLOY = Path(__file__).parents[2] / "deploy"


def caddy_executable() -> str | None:
    return os.environ.get("RECYCLIC_TEST_CADDY") or shutil.which("caddy")


class CaddyProxy:
    """`caddy run` on the shipped LAN Caddyfile, in front of `upstream` ("127.0.0.1:8000")."""

    def __init__(
        self,
        *,
        workdir: Path,
        upstream: str,
        sites: str = "recyclic.test, 127.0.0.1",
        caddyfile: Path = DEPLOY / "Caddyfile.lan",
    ) -> None:
        executable = caddy_executable()
        if executable is None:
            raise RuntimeError("caddy is not installed")
        self.executable = executable
        self.workdir = workdir
        self.caddyfile = caddyfile
        self.https_port = free_port()
        self.http_port = free_port()
        self.admin_port = free_port()
        home = workdir / "home"
        home.mkdir(parents=True, exist_ok=True)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            # Caddy keeps its certificate authority under XDG_DATA_HOME: ours, not the system's.
            "HOME": str(home),
            "XDG_DATA_HOME": str(workdir / "data"),
            "XDG_CONFIG_HOME": str(workdir / "config"),
            "CADDY_ADMIN": f"127.0.0.1:{self.admin_port}",
            "CADDY_HTTP_PORT": str(self.http_port),
            "CADDY_HTTPS_PORT": str(self.https_port),
            "RECYCLIC_SITES": sites,
            "RECYCLIC_UPSTREAM": upstream,
        }
        self.log_path = workdir / "caddy.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The proxy by address (the certificate also names 127.0.0.1)."""
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def root_certificate(self) -> Path:
        """Caddy's local root, the one tablets must trust."""
        return self.workdir / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    def ssl_context(self) -> ssl.SSLContext:
        """Trusts Caddy's local root only."""
        return ssl.create_default_context(cafile=str(self.root_certificate))

    def start(self, timeout: float = 60) -> None:
        """Start Caddy and wait until /api/v1/health answers through it over trusted HTTPS."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [self.executable, "run", "--config", str(self.caddyfile), "--adapter", "caddyfile"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"caddy exited: {self.log_path.read_text()[-3000:]}")
            if self.root_certificate.exists():
                try:
                    with httpx.Client(verify=self.ssl_context(), timeout=2) as client:
                        if client.get(f"{self.url}/api/v1/health").status_code == 200:
                            return
                except (httpx.HTTPError, ssl.SSLError, OSError):
                    pass
            time.sleep(0.2)
        raise TimeoutError(f"caddy did not answer: {self.log_path.read_text()[-3000:]}")

    def stop(self) -> int | None:
        """SIGTERM (as systemd does); returns Caddy's exit status."""
        return terminate(self.process)
