"""`recyclic import oressource` end to end (real MariaDB, committing database): the dry run
writes a proposal, an import killed with SIGKILL resumes on the next run, the report shows
no gap, the refused rows are listed, and `recyclic journal verify` passes."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from recyclic.cli import app
from recyclic.core.config import get_settings
from tests.support.databases import TestDatabase, prepare_test_database
from tests.support.mariadb import generated_shop, source_url
from tests.support.oressource.history import Shop

runner = CliRunner()
RECYCLIC = str(Path(sys.executable).parent / "recyclic")


@pytest.fixture(scope="module")
def big_shop() -> Iterator[Shop]:
    """Enough rows for several batches per table (5,000 source rows each)."""
    yield from generated_shop(weighings=16_000, sale_lines=8_000, exit_weighings=600, years=3)


@pytest.fixture(scope="module")
def committing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    yield from prepare_test_database(tmp_path_factory.mktemp("imports"), suffix="_imports")


def _env(database: TestDatabase, data_dir: Path) -> dict[str, str]:
    return {
        "RECYCLIC_DATABASE_URL": database.url,
        "RECYCLIC_DATA_DIR": str(data_dir),
        "RECYCLIC_LOG_LEVEL": "WARNING",
        "RECYCLIC_SECRET_KEY": "import-test-secret-key-0123456789-abcdefghijklmnop",
    }


def _invoke(args: list[str], env: dict[str, str]) -> Any:
    get_settings.cache_clear()
    return runner.invoke(app, args, env=env)


def _scalar(database: TestDatabase, sql: str) -> int:
    if not database.is_postgres:
        path = make_url(database.url).database or ""
        with sqlite3.connect(path, timeout=30) as connection:
            return int(connection.execute(sql).fetchone()[0])

    async def query() -> int:
        import asyncpg

        url = make_url(database.url)
        connection = await asyncpg.connect(
            host=url.host, port=url.port or 5432, user=url.username, database=url.database
        )
        try:
            return int(await connection.fetchval(sql))
        finally:
            await connection.close()

    return asyncio.run(query())


def test_dry_run_then_a_killed_import_resumes_and_reconciles(
    big_shop: Shop, committing: TestDatabase, tmp_path: Path
) -> None:
    env = _env(committing, tmp_path)
    assert _invoke(["demo", "seed"], env).exit_code == 0
    proposal = tmp_path / "proposition.yaml"
    dry = _invoke(
        ["import", "oressource", "--source", source_url(big_shop), "--site", "demo",
         "--dry-run", "--mapping", str(proposal)],
        env,
    )  # fmt: skip
    assert dry.exit_code == 0, dry.output
    assert "type_dechets 3 « Informatique » → EEE-6" in dry.output
    assert "« Ã‰lectromÃ©nager » → « Électroménager »" in dry.output
    assert "confiance 25 %, à vérifier" in dry.output  # "deee": the admin must look
    assert "1: MOB  # Mobilier — entrés" in proposal.read_text(encoding="utf-8")
    assert _scalar(committing, "SELECT count(*) FROM deposits WHERE imported_from IS NOT NULL") == 0

    mapping = tmp_path / "correspondances.yaml"
    mapping.write_text(big_shop.mapping_yaml(), encoding="utf-8")
    command = [RECYCLIC, "import", "oressource", "--source", source_url(big_shop),
               "--site", "demo", "--mapping", str(mapping)]  # fmt: skip
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    try:
        while _scalar(committing, "SELECT count(*) FROM journal_entries WHERE kind = 'import'") < 2:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    imported = _scalar(committing, "SELECT count(*) FROM deposits WHERE imported_from IS NOT NULL")
    assert 0 < imported < big_shop.counts["pesees_collectes"]

    resumed = _invoke(command[1:], env)
    assert resumed.exit_code == 0, resumed.output
    assert "Aucun écart" in resumed.output
    assert f"Lignes refusées ({len(big_shop.bad)})" in resumed.output
    assert "pesees_collectes 16001 — poids_invalide : poids négatif ou nul (-2,5 kg)" in (
        resumed.output
    )
    assert "Claire Martin <claire@example.org>" in resumed.output
    bad_weighings = sum(1 for table, _ in big_shop.bad if table == "pesees_collectes")
    assert _scalar(
        committing, "SELECT count(*) FROM deposits WHERE imported_from IS NOT NULL"
    ) == big_shop.counts["pesees_collectes"] - (bad_weighings - 5)  # 5 bad rows were extra

    again = _invoke(command[1:], env)
    assert again.exit_code == 0, again.output
    assert "rien de nouveau" in again.output

    verify = _invoke(["journal", "verify"], env)
    assert verify.exit_code == 0, verify.output
    assert "chaîne intègre" in verify.output
