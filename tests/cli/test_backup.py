"""`recyclic backup` while the application runs, and the documented restore
(docs/operations.md), on SQLite and — when the suite runs there — PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from recyclic.cli import app
from recyclic.core.config import get_settings
from tests.support.databases import TestDatabase, postgres_url, prepare_test_database

runner = CliRunner()


def _invoke(args: list[str], env: dict[str, str]) -> Any:
    get_settings.cache_clear()
    return runner.invoke(app, args, env=env)


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


def test_sqlite_backup_while_a_writer_is_busy_then_restore(tmp_path: Path) -> None:
    live = tmp_path / "live"
    env = {"RECYCLIC_DATA_DIR": str(live), "RECYCLIC_LOG_LEVEL": "WARNING"}
    assert _invoke(["demo", "seed", "--sales", "200"], env).exit_code == 0
    database = live / "recyclic.db"
    sales = _count(database, "sales")
    # Another connection is in the middle of writing (the app selling): the backup neither
    # waits for it nor copies its uncommitted row.
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE sites SET name = 'pas encore validé'")
    try:
        target = tmp_path / "copies" / "recyclic.db"
        result = _invoke(["backup", "-o", str(target)], env)
        assert result.exit_code == 0, result.output
        assert "Sauvegarde écrite" in result.output
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert _count(target, "sales") == sales
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT name FROM sites").fetchone()[0] != "pas encore validé"
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not list(target.parent.glob(".*.part"))

    # The restore of docs/operations.md: the copy becomes DATA_DIR/recyclic.db.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy2(target, restored / "recyclic.db")
    shutil.copy2(live / "secret_key", restored / "secret_key")
    env_restored = {**env, "RECYCLIC_DATA_DIR": str(restored)}
    assert _invoke(["db", "upgrade"], env_restored).exit_code == 0
    verified = _invoke(["journal", "verify"], env_restored)
    assert verified.exit_code == 0, verified.output
    assert "chaîne intègre" in verified.output
    assert _count(restored / "recyclic.db", "sale_lines") == _count(database, "sale_lines")

    default = _invoke(["backup"], env)
    assert default.exit_code == 0
    assert list((live / "backups").glob("recyclic-*.db"))


def test_missing_pg_dump_is_a_clear_french_error(tmp_path: Path) -> None:
    env = {
        "RECYCLIC_DATA_DIR": str(tmp_path),
        "RECYCLIC_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/recyclic_test_none",
        "PATH": str(tmp_path),  # no pg_dump there
    }
    result = _invoke(["backup"], env)
    assert result.exit_code == 1
    assert "pg_dump est introuvable" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def pg_pair(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[TestDatabase, TestDatabase]:
    if postgres_url() is None:
        pytest.skip("PostgreSQL only (RECYCLIC_TEST_DATABASE_URL)")
    if shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed")
    source = prepare_test_database(tmp_path_factory.mktemp("bk"), suffix="_backup")
    target = prepare_test_database(tmp_path_factory.mktemp("rs"), suffix="_restore")
    return next(source), next(target)


def _pg_count(url: str, table: str) -> int:
    import asyncpg

    async def count() -> int:
        parsed = make_url(url)
        connection = await asyncpg.connect(
            host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password,
            database=parsed.database,
        )  # fmt: skip
        try:
            return int(await connection.fetchval(f"SELECT count(*) FROM {table}"))  # noqa: S608
        finally:
            await connection.close()

    return asyncio.run(count())


def test_postgresql_backup_and_restore(
    pg_pair: tuple[TestDatabase, TestDatabase], tmp_path: Path
) -> None:
    source, target = pg_pair
    env = {
        "RECYCLIC_DATA_DIR": str(tmp_path),
        "RECYCLIC_DATABASE_URL": source.url,
        "RECYCLIC_LOG_LEVEL": "WARNING",
    }
    assert _invoke(["demo", "seed", "--sales", "200"], env).exit_code == 0
    dump = tmp_path / "recyclic.dump"
    result = _invoke(["backup", "-o", str(dump)], env)
    assert result.exit_code == 0, result.output
    assert "pg_dump" in result.output
    assert dump.read_bytes()[:5] == b"PGDMP"  # the custom format
    # The restore of docs/operations.md, into an empty database.
    parsed = make_url(target.url)
    plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={plain}",
         str(dump)],
        check=True, capture_output=True,
    )  # fmt: skip
    for table in ("sales", "sale_lines", "journal_entries", "deposits", "closings"):
        assert _pg_count(target.url, table) == _pg_count(source.url, table), table
    verified = _invoke(["journal", "verify"], {**env, "RECYCLIC_DATABASE_URL": target.url})
    assert verified.exit_code == 0, verified.output


def test_backup_keeps_the_last_days_only(tmp_path: Path) -> None:
    """`--keep-days` deletes the older default-named backups, never other files."""
    env = {"RECYCLIC_DATA_DIR": str(tmp_path), "RECYCLIC_LOG_LEVEL": "WARNING"}
    assert _invoke(["db", "upgrade"], env).exit_code == 0
    backups = tmp_path / "backups"
    backups.mkdir(mode=0o700)
    old = backups / "recyclic-20200101-023000.db"
    recent = backups / "recyclic-20991231-023000.db"
    other = backups / "notes.txt"
    for path in (old, recent, other):
        path.write_bytes(b"x")
    ancient = 1_600_000_000
    os.utime(old, (ancient, ancient))
    os.utime(other, (ancient, ancient))
    result = _invoke(["backup", "--keep-days", "30"], env)
    assert result.exit_code == 0, result.output
    assert "Anciennes sauvegardes supprimées : 1" in result.output
    assert not old.exists()
    assert recent.exists()
    assert other.exists()
    assert len(list(backups.glob("recyclic-*.db"))) == 2
