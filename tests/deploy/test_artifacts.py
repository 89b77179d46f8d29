"""The files of deploy/ are what a shop installs: they must be valid as shipped."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from recyclic.core.config import Settings

DEPLOY = Path(__file__).parents[2] / "deploy"
RECYCLIC = Path(sys.executable).parent / "recyclic"
UNITS = sorted((DEPLOY / "systemd").iterdir())


def _needs(tool: str, *, required_in_ci: bool = True) -> str:
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is not installed: the deploy/ files cannot be checked with it"
        if required_in_ci and os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_the_environment_template_lists_every_setting_with_a_comment() -> None:
    lines = (DEPLOY / "recyclic.env.example").read_text(encoding="utf-8").splitlines()
    listed = {}
    for number, line in enumerate(lines):
        match = re.fullmatch(r"#?RECYCLIC_([A-Z0-9_]+)=.*", line)
        if match:
            listed[match.group(1).lower()] = number
            assert lines[number - 1].startswith("# "), f"no comment above {line!r}"
    assert set(listed) == set(Settings.model_fields)
    # The placeholders can never pass for a production secret.
    values = dict(line.split("=", 1) for line in lines if line.startswith("RECYCLIC_"))
    assert values["RECYCLIC_ENV"] == "production"
    assert len(values["RECYCLIC_SECRET_KEY"]) < 32
    assert values["RECYCLIC_TRUSTED_PROXIES"] == "127.0.0.1,::1"
    assert values["RECYCLIC_PUBLIC_URL"].startswith("https://")


def test_systemd_units_verify(tmp_path: Path) -> None:
    """`systemd-analyze verify` on the units, with ExecStart pointing at this checkout's
    `recyclic` (verify checks that the program exists)."""
    # systemd is not part of every CI image (containers): checked where it is installed.
    analyze = _needs("systemd-analyze", required_in_ci=False)
    names = []
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        assert "/srv/recyclic/.venv/bin/recyclic" in text or unit.suffix == ".timer"
        text = text.replace("/srv/recyclic/.venv/bin/recyclic", str(RECYCLIC))
        name = unit.name.replace("@.service", "@1.service")
        (tmp_path / name).write_text(text, encoding="utf-8")
        names.append(name)
    result = subprocess.run(
        [analyze, "verify", *names], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    # Only our units' own problems count (not the host's other units).
    ours = [line for line in result.stderr.splitlines() if "recyclic" in line]
    assert result.returncode == 0, result.stderr
    assert not ours, result.stderr


def test_units_run_the_documented_commands() -> None:
    texts = {unit.name: unit.read_text(encoding="utf-8") for unit in UNITS}
    assert "recyclic serve --host 127.0.0.1 --port 8000 --workers" in texts["recyclic-api.service"]
    assert "recyclic worker" in texts["recyclic-worker@.service"]
    assert "recyclic bot" in texts["recyclic-bot.service"]
    assert "recyclic backup --keep-days" in texts["recyclic-backup.service"]
    assert "OnCalendar=" in texts["recyclic-backup.timer"]
    for name, text in texts.items():
        if name.endswith(".service"):
            assert "EnvironmentFile=/etc/recyclic/recyclic.env" in text
            assert "User=recyclic" in text


@pytest.mark.parametrize("name", ["Caddyfile", "Caddyfile.lan"])
def test_caddyfiles_are_valid(name: str, tmp_path: Path) -> None:
    caddy = _needs("caddy")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
    }
    result = subprocess.run(
        [caddy, "adapt", "--config", str(DEPLOY / name), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "127.0.0.1:8000" in result.stdout
