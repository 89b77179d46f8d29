"""`write_export`: the hand-off with the background jobs (`reporting/export_jobs.py`), which
asks for an export with plain values and a path, inside its own unit of work."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.exceptions import RecyclicError
from recyclic.models.deposit import DepositStatus
from recyclic.models.user import Role
from recyclic.services.reporting.archive_check import verify_archive
from recyclic.services.reporting.export_service import UnknownExport, write_export
from tests.factories import Factory


@dataclass(frozen=True)
class Request:
    site_id: uuid.UUID
    export: str
    period: str
    date: str
    format: str = "csv"


async def _write(database: Database, settings: Settings, request: Request, path: Path) -> Path:
    async with database.unit_of_work(write=False) as session:
        await write_export(session, settings, request, path)
    return path


async def test_every_kind_of_export_is_written(
    factory: Factory, database: Database, settings: Settings, tmp_path: Path
) -> None:
    site = await factory.site()
    cashier = await factory.user(site)
    session = await factory.open_session(await factory.register(site), cashier)
    await factory.sale(session, cashier)
    await factory.deposit(site, cashier, status=DepositStatus.VALIDATED)
    await factory.outbound_flow(site, await factory.user(site, role=Role.ADMIN),
                                day=datetime.now(UTC).date())  # fmt: skip
    now = datetime.now(UTC)
    month, year = f"{now:%Y-%m}", str(now.year)

    ecologic = await _write(database, settings, Request(site.id, "ecologic", "monthly", month),
                            tmp_path / "ecologic.csv")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(ecologic.read_text("utf-8"))))
    assert rows[0]["category_code"] == "EEE-1"
    summary = await _write(database, settings, Request(site.id, "SUMMARY", "yearly", year),
                           tmp_path / "summary.csv")  # fmt: skip
    furniture = next(
        r for r in csv.DictReader(io.StringIO(summary.read_text())) if r["category_code"] == "MOB"
    )
    assert (furniture["items_sold"], furniture["deposits_count"]) == ("1", "1")
    lamps = await _write(database, settings,
                         Request(site.id, "eco-organisms/ecosystem", "yearly", year, "csv-fr"),
                         tmp_path / "lamps.csv")  # fmt: skip
    assert "EEE-3" in lamps.read_bytes().decode("utf-8-sig")

    sales = await _write(database, settings, Request(site.id, "sales", "monthly", month, "xlsx"),
                         tmp_path / "sales.xlsx")  # fmt: skip
    sheet = load_workbook(sales)["Ventes"]
    assert len(list(sheet.iter_rows(values_only=True))) == 2  # the header and the chair
    for table in ("deposits", "cash-sessions", "outbound-flows"):
        written = await _write(database, settings, Request(site.id, table, "yearly", year),
                               tmp_path / f"{table}.csv")  # fmt: skip
        assert len(written.read_text().splitlines()) == 2, table
    accounting = await _write(database, settings, Request(site.id, "accounting", "monthly", month),
                              tmp_path / "accounting.csv")  # fmt: skip
    assert "Montant" in accounting.read_text()
    archive = await _write(database, settings,
                           Request(site.id, "journal-archive", "yearly", year),
                           tmp_path / "journal.zip")  # fmt: skip
    check = verify_archive(archive, settings.secret_key.get_secret_value())
    assert check.ok, check.problems
    assert check.entries == 2  # the session's opening and the sale


@pytest.mark.parametrize(
    ("export", "period", "date", "fmt", "words"),
    [
        ("stock", "monthly", "2026-10", "csv", "Export inconnu"),
        ("ecologic", "monthly", "2026-10", "pdf", "Format d'export inconnu"),
        ("journal-archive", "monthly", "2026-10", "csv", "annuelle"),
        ("ecologic", "monthly", "2026-13", "csv", "Date invalide"),
        ("eco-organisms/nobody", "yearly", "2026", "csv", "Éco-organisme inconnu"),
    ],
)
async def test_bad_requests_are_domain_errors(
    factory: Factory,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    export: str,
    period: str,
    date: str,
    fmt: str,
    words: str,
) -> None:
    site = await factory.site()
    with pytest.raises(RecyclicError) as raised:
        await _write(database, settings, Request(site.id, export, period, date, fmt),
                     tmp_path / "x")  # fmt: skip
    assert words in raised.value.message
    assert isinstance(raised.value, UnknownExport) or raised.value.status in (404, 422)
    with pytest.raises(RecyclicError):
        await _write(database, settings, Request(uuid.uuid4(), "ecologic", "yearly", "2026"),
                     tmp_path / "y")  # fmt: skip
