"""`recyclic demo seed --deposits/--outbound-flows`, `recyclic export …` and
`recyclic journal verify-archive`, through the real command line."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from recyclic.cli import app
from recyclic.core.config import Settings, get_settings
from recyclic.core.database import Database
from recyclic.repositories.site_repository import SiteRepository
from recyclic.services.reporting.export_service import ExportService, save_export
from tests.support.databases import TestDatabase, prepare_test_database

runner = CliRunner()
YEAR = str(datetime.now(UTC).year)


@pytest.fixture(scope="module")
def cli_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    yield from prepare_test_database(tmp_path_factory.mktemp("export-cli"), suffix="_cli_exports")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("export-cli-data")


@pytest.fixture(scope="module")
def env(cli_database: TestDatabase, data_dir: Path) -> dict[str, str]:
    env = {
        "RECYCLIC_DATA_DIR": str(data_dir),
        "RECYCLIC_DATABASE_URL": cli_database.url,
        "RECYCLIC_LOG_LEVEL": "WARNING",
    }
    seeded = _invoke(
        ["demo", "seed", "--sales", "300", "--deposits", "400", "--outbound-flows", "40",
         "--days", "60"],
        env,
    )  # fmt: skip
    assert seeded.exit_code == 0, seeded.output
    assert "400 dépôts ajoutés sur 60 jours." in seeded.output
    assert "40 sorties ajoutées sur 60 jours." in seeded.output
    return env


def _invoke(args: list[str], env: dict[str, str]) -> Any:
    get_settings.cache_clear()
    return runner.invoke(app, args, env=env)


def _csv(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_ecologic_to_stdout_to_a_file_and_as_xlsx(env: dict[str, str], tmp_path: Path) -> None:
    period = ["--period", "yearly", "--date", YEAR]
    result = _invoke(["export", "ecologic", *period], env)
    assert result.exit_code == 0, result.output
    rows = _csv(result.stdout)
    assert [r["category_code"] for r in rows] == [
        "EEE-1",
        "EEE-2",
        "EEE-4",
        "EEE-5",
        "EEE-6",
        "SPO",
    ]
    assert sum(int(r["deposits_count"]) for r in rows) > 0
    assert sum(int(r["items_sold"]) for r in rows) > 0

    # The same engine: the summary's Ecologic rows carry the same figures.
    summary = _csv(_invoke(["export", "summary", *period], env).stdout)
    ecologic = [r for r in summary if r["eco_organism"] == "ecologic"]
    keys = ("category_code", "deposits_count", "weight_in_kg", "items_sold", "weight_sold_kg",
            "sales_amount_eur", "weight_recycled_kg", "weight_disposed_kg")  # fmt: skip
    assert [[r[k] for k in keys] for r in ecologic] == [[r[k] for k in keys] for r in rows]

    french = tmp_path / "ecologic.csv"
    written = _invoke(["export", "ecologic", *period, "--format", "csv-fr", "-o", str(french)], env)
    assert written.exit_code == 0, written.output
    assert "Export écrit dans" in written.output
    fr = _csv(french.read_bytes().decode("utf-8-sig"), delimiter=";")
    assert [r["sales_amount_eur"].replace(",", ".") for r in fr] == [
        r["sales_amount_eur"] for r in rows
    ]
    book = tmp_path / "ecologic.xlsx"
    assert (
        _invoke(["export", "ecologic", *period, "--format", "xlsx", "-o", str(book)], env).exit_code
        == 0
    )
    sheet = load_workbook(book)["Ecologic"]
    assert [r[3] for r in list(sheet.iter_rows(values_only=True))[1:]] == [
        r["category_code"] for r in rows
    ]
    flows = _invoke(["export", "eco-organism", "ecomaison", "--from", f"{YEAR}-01-01",
                     "--to", f"{YEAR}-12-31", "--site", "demo"], env)  # fmt: skip
    assert flows.exit_code == 0, flows.output
    assert [r["category_code"] for r in _csv(flows.stdout)] == ["MOB", "JOU"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--period", "monthly"], "demande period"),
        (["--period", "yearly", "--date", YEAR, "--site", "nowhere"], "Site introuvable"),
        (["--period", "yearly", "--date", YEAR, "--format", "pdf"], "format inconnu"),
        (["--from", "2026-13-01", "--to", "2026-12-31"], "date invalide"),
        (["--period", "weekly", "--date", "2026-11"], "Date invalide pour une période weekly"),
    ],
)
def test_mistakes_are_one_french_line(env: dict[str, str], args: list[str], words: str) -> None:
    result = _invoke(["export", "ecologic", *args], env)
    assert result.exit_code == 1
    assert words in result.output
    assert "Traceback" not in result.output


def _archive(env: dict[str, str], target: Path) -> Path:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=Path(env["RECYCLIC_DATA_DIR"]),
        database_url=env["RECYCLIC_DATABASE_URL"],
    )

    async def make() -> Path:
        database = Database.from_settings(settings)
        try:
            async with database.unit_of_work(write=False) as session:
                [site] = await SiteRepository(session).list_all()
                secret = settings.secret_key.get_secret_value()
                export = ExportService(session, database, secret=secret).journal_archive_for_site(
                    site, int(YEAR)
                )
            return await save_export(export, target)
        finally:
            await database.dispose()

    return asyncio.run(make())


def test_verify_archive_offline(env: dict[str, str], tmp_path: Path) -> None:
    path = _archive(env, tmp_path)
    result = _invoke(["journal", "verify-archive", str(path)], env)
    assert result.exit_code == 0, result.output
    assert "Archive intègre" in result.output
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["closings.csv"] += b"forged,row\r\n"
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    result = _invoke(["journal", "verify-archive", str(tampered)], env)
    assert result.exit_code == 1
    assert "ARCHIVE ALTÉRÉE" in result.output
    assert "closings.csv" in result.output
    other_key = _invoke(
        ["journal", "verify-archive", str(path)],
        {**env, "RECYCLIC_SECRET_KEY": "another-secret-key-of-sufficient-length-0123456789"},
    )
    assert other_key.exit_code == 1
    assert "Sceau HMAC invalide" in other_key.output
    missing = _invoke(["journal", "verify-archive", str(tmp_path / "none.zip")], env)
    assert (missing.exit_code, "introuvable" in missing.output) == (1, True)
