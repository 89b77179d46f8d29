"""The MySQL driver (the optional `oressource` extra) is loaded by `recyclic import
oressource` only: neither the app nor the command line as a whole import it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_PROBE = """
import sys
from recyclic.core.config import Settings
from recyclic.main import create_app
import recyclic.cli
import recyclic.services.imports.oressource.importer

create_app(Settings(_env_file=None, data_dir=sys.argv[1], secret_key="x" * 40))
print("pymysql" in sys.modules, "yaml" in sys.modules)
"""


def test_the_app_and_the_cli_do_not_load_the_mysql_driver(tmp_path: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split()[0] == "False"
