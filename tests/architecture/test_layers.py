"""The layer rules of docs/architecture.md hold, and the checker really catches a break."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(source_root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts, on the package found under `source_root`."""
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def checker() -> Path:
    if not LINT_IMPORTS.exists():
        pytest.skip("lint-imports is not installed (dev dependencies)")
    return LINT_IMPORTS


def test_every_layer_rule_holds(checker: Path) -> None:
    result = _lint(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "forbidden_import", "contract"),
    [
        ("services/cash/receipts.py", "import recyclic.api.deps", "Services never import"),
        ("services/messaging/outbox.py", "import recyclic.services.cash.sales", "layered"),
        ("repositories/sale_repository.py", "import recyclic.services.cash.sales", "Repositories"),
        ("models/sale.py", "import recyclic.core.config", "Models import nothing"),
        ("services/ai/cache.py", "import fastapi", "Services never import"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(
    checker: Path, tmp_path: Path, module: str, forbidden_import: str, contract: str
) -> None:
    """Add one forbidden import to a copy of the package: the checker fails and names it."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "recyclic", copy / "recyclic", ignore=shutil.ignore_patterns("__pycache__")
    )
    target = copy / "recyclic" / module
    target.write_text(target.read_text() + f"\n{forbidden_import}  # noqa\n")
    result = _lint(copy)
    assert result.returncode == 1, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout
