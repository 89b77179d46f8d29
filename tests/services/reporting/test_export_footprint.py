"""P7: openpyxl (a few MB) is imported when an XLSX file is first made, not with the app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_PROBE = """
import sys
from recyclic.core.config import Settings
from recyclic.main import create_app
import recyclic.services.reporting.export_service
import recyclic.cli

create_app(Settings(_env_file=None, data_dir=sys.argv[1], secret_key="x" * 40))
from recyclic.services.reporting.tabular import Column, CsvEncoder, ExportFormat
CsvEncoder([Column("a")], ExportFormat.CSV_FR, "Europe/Paris").encode([["x"]])
print("openpyxl" in sys.modules)
"""


def test_the_app_and_csv_exports_do_not_load_openpyxl(tmp_path: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["False"]
