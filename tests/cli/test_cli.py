"""The command line: clear one-line errors, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recyclic.cli import app
from recyclic.core.config import get_settings
from tests.support.databases import TestDatabase, prepare_test_database

runner = CliRunner()


@pytest.fixture(scope="module")
def cli_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    yield from prepare_test_database(tmp_path_factory.mktemp("cli"), suffix="_cli")


@pytest.fixture
def env(cli_database: TestDatabase, tmp_path: Path) -> dict[str, str]:
    get_settings.cache_clear()
    return {
        "RECYCLIC_DATA_DIR": str(tmp_path),
        "RECYCLIC_DATABASE_URL": cli_database.url,
        "RECYCLIC_LOG_LEVEL": "WARNING",
    }


def _invoke(args: list[str], env: dict[str, str]):  # type: ignore[no-untyped-def]
    get_settings.cache_clear()
    return runner.invoke(app, args, env=env)


def test_db_upgrade_then_admin_create(env: dict[str, str]) -> None:
    result = _invoke(["db", "upgrade"], env)
    assert result.exit_code == 0, result.output
    result = _invoke(
        [
            "admin",
            "create",
            "--telegram-id",
            "123456",
            "--name",
            "Alice Dupont",
            "--site",
            "Ressourcerie du Port",
        ],
        env,
    )
    assert result.exit_code == 0, result.output
    assert "Alice Dupont" in result.output
    assert "Ressourcerie du Port" in result.output


def test_admin_create_twice_is_a_clear_error(env: dict[str, str]) -> None:
    args = ["admin", "create", "--telegram-id", "555000111", "--name", "Bob", "--site", "Quai"]
    assert _invoke(args, env).exit_code == 0
    again = _invoke(args, env)
    assert again.exit_code == 1
    assert "555000111" in again.output
    assert "existe déjà" in again.output
    assert "Traceback" not in again.output


def test_unknown_database_scheme_is_one_line(env: dict[str, str]) -> None:
    result = _invoke(["db", "upgrade"], {**env, "RECYCLIC_DATABASE_URL": "mysql://x@y/z"})
    assert result.exit_code == 1
    assert "Unsupported database URL scheme" in result.output
    assert "Traceback" not in result.output


def test_unreachable_postgresql_is_one_line(env: dict[str, str]) -> None:
    url = "postgresql://postgres@127.0.0.1:1/recyclic_test"
    result = _invoke(["db", "upgrade"], {**env, "RECYCLIC_DATABASE_URL": url})
    assert result.exit_code == 1
    assert "base de données inutilisable" in result.output
    assert "Traceback" not in result.output


def test_production_without_secret_refuses_to_start(env: dict[str, str]) -> None:
    result = _invoke(["db", "upgrade"], {**env, "RECYCLIC_ENV": "production"})
    assert result.exit_code == 1
    assert "RECYCLIC_SECRET_KEY" in result.output


def test_demo_seed_is_idempotent(env: dict[str, str]) -> None:
    first = _invoke(["demo", "seed"], env)
    assert first.exit_code == 0, first.output
    second = _invoke(["demo", "seed"], env)
    assert second.exit_code == 0
    assert "déjà présent" in second.output
    for role in ("super_admin", "admin", "operator", "viewer"):
        assert role in first.output


def test_admin_create_with_a_pin_can_log_in_without_telegram(env: dict[str, str]) -> None:
    weak = _invoke(
        [
            "admin",
            "create",
            "--telegram-id",
            "777000111",
            "--name",
            "Zoé",
            "--site",
            "Quai",
            "--pin",
            "1111",
        ],
        env,
    )
    assert weak.exit_code == 1
    assert "PIN" in weak.output
    ok = _invoke(
        [
            "admin",
            "create",
            "--telegram-id",
            "777000111",
            "--name",
            "Zoé",
            "--site",
            "Quai",
            "--pin",
            "4821",
        ],
        env,
    )
    assert ok.exit_code == 0, ok.output
    assert "code PIN" in ok.output


def test_journal_verify_exits_1_and_names_the_first_broken_entry(
    env: dict[str, str], cli_database: TestDatabase
) -> None:
    import asyncio

    from sqlalchemy import text

    from recyclic.core.config import Settings
    from recyclic.core.database import Database

    seeded = _invoke(["demo", "seed"], env)  # includes two weeks of journalled sales
    assert seeded.exit_code == 0, seeded.output
    ok = _invoke(["journal", "verify"], env)
    assert ok.exit_code == 0, ok.output
    assert "chaîne intègre" in ok.output
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=cli_database.url, data_dir=env["RECYCLIC_DATA_DIR"]
    )

    async def tamper() -> None:
        database = Database.from_settings(settings)
        forge = "UPDATE journal_entries SET payload = payload || ' ' WHERE seq = 2"
        try:
            async with database.unit_of_work() as session:
                if database.dialect == "postgresql":
                    await session.execute(text("ALTER TABLE journal_entries DISABLE TRIGGER USER"))
                    await session.execute(text(forge))
                    await session.execute(text("ALTER TABLE journal_entries ENABLE TRIGGER USER"))
                else:
                    await session.execute(text("DROP TRIGGER journal_entries_no_update"))
                    await session.execute(text(forge))
        finally:
            await database.dispose()

    asyncio.run(tamper())
    broken = _invoke(["journal", "verify"], env)
    assert broken.exit_code == 1
    assert "entrée n° 2" in broken.output
