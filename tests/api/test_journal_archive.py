"""The yearly journal archive: a ZIP of the year's chain and closings with a manifest sealed
by an HMAC; verified offline; any tampering is found."""

from __future__ import annotations

import csv
import hashlib
import io
import tracemalloc
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from recyclic.core.database import Database
from recyclic.models.journal import GENESIS_HASH, ClosingKind, JournalEntry
from recyclic.models.user import Role
from recyclic.services.cash.closings import ClosingService
from recyclic.services.cash.journal import canonical_json
from recyclic.services.demo.bulk_sales import BulkSalesLoader
from recyclic.services.reporting import journal_archive
from recyclic.services.reporting.archive_check import verify_archive
from recyclic.services.reporting.journal_archive import JournalArchiveService, seal
from tests.api.conftest import Shop
from tests.factories import TEST_SECRET, Factory
from tests.support.trading import Trader

ITEM = [{"category": "MOB", "unit_price": "12"}]
CASH = [{"method": "cash", "amount": "12"}]


@pytest.fixture
async def history(shop: Shop, database: Database, factory: Factory) -> Shop:
    """Trading across New Year (in Paris) and a daily closing on 2 January 2026."""
    trader = Trader(database, shop.cashier, shop.admin)
    await trader.open(
        datetime(2025, 12, 31, 9, 0, tzinfo=UTC), (shop.register, await factory.register(shop.site))
    )
    await trader.sell(datetime(2025, 12, 31, 15, 0, tzinfo=UTC), ITEM, CASH)
    await trader.sell(datetime(2025, 12, 31, 23, 30, tzinfo=UTC), ITEM, CASH)  # 1 Jan in Paris
    await trader.sell(datetime(2026, 1, 2, 10, 0, tzinfo=UTC), ITEM, CASH)
    await trader.close(datetime(2026, 1, 2, 17, 0, tzinfo=UTC))
    async with database.unit_of_work() as session:
        await ClosingService(
            session, now=lambda: datetime(2026, 1, 2, 18, 0, tzinfo=UTC)
        ).close_period(shop.admin, kind=ClosingKind.DAILY, date="2026-01-02", site_id=None)
    return shop


async def _entries(database: Database, shop: Shop) -> list[JournalEntry]:
    async with database.unit_of_work(write=False) as session:
        rows = await session.scalars(
            select(JournalEntry)
            .where(JournalEntry.site_id == shop.site.id)
            .order_by(JournalEntry.seq)
        )
        return list(rows)


async def _download(shop: Shop, year: int, tmp_path: Path) -> Path:
    response = await shop.admin_client.get("/api/v1/exports/journal-archive", params={"year": year})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="journal_{shop.site.slug}_{year}.zip"'
    )
    path = tmp_path / f"journal-{year}.zip"
    path.write_bytes(response.content)
    return path


async def test_the_archive_holds_the_years_chain_sealed(
    history: Shop, database: Database, tmp_path: Path
) -> None:
    entries = await _entries(database, history)
    # 2 openings and a sale in 2025 (Paris time); the rest is 2026.
    assert [e.kind for e in entries[:3]] == ["session_open", "session_open", "sale"]
    path = await _download(history, 2026, tmp_path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == [
            "closings.csv", "journal_entries.csv", "manifest.json", "manifest.sig",
        ]  # fmt: skip
        document = archive.read("manifest.json")
        assert archive.read("manifest.sig").decode().strip() == seal(document, TEST_SECRET)
        manifest = orjson.loads(document)
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
        rows = list(csv.DictReader(io.StringIO(archive.read("journal_entries.csv").decode())))
        closings = list(csv.DictReader(io.StringIO(archive.read("closings.csv").decode())))
    assert document == canonical_json(manifest).encode()
    year = entries[3:]
    assert [int(r["seq"]) for r in rows] == [e.seq for e in year]
    assert [r["payload"] for r in rows] == [e.payload for e in year]  # the hashed text, as is
    assert manifest["journal"] == {
        "first_seq": 4,
        "last_seq": entries[-1].seq,
        "entries": len(year),
        "prev_hash": entries[2].hash,
        "head_seq": entries[-1].seq,
        "head_hash": entries[-1].hash,
    }
    assert (manifest["site"]["id"], manifest["year"], manifest["complete"]) == (
        str(history.site.id), 2026, False,
    )  # fmt: skip
    assert manifest["period"]["starts_at"] == "2025-12-31T23:00:00.000000Z"
    [closing] = closings
    assert (closing["kind"], closing["period_start"]) == ("daily", "2026-01-02")
    assert closing["journal_hash"] == next(
        e.hash for e in entries if e.seq == int(closing["journal_seq"])
    )
    check = verify_archive(path, TEST_SECRET)
    assert check.ok, check.problems
    assert check.entries == len(year)

    previous = verify_archive(await _download(history, 2025, tmp_path), TEST_SECRET)
    assert previous.ok, previous.problems
    assert previous.manifest["journal"]["prev_hash"] == GENESIS_HASH
    assert previous.manifest["journal"]["head_hash"] == entries[2].hash
    assert previous.manifest["complete"] is True


def _rebuild(source: Path, target: Path, change: Any, *, reseal: str | None = None) -> Path:
    """A copy of the archive with its entries file changed; the manifest's digests updated
    and the manifest re-sealed when asked (an attacker who knows the secret)."""
    with zipfile.ZipFile(source) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["journal_entries.csv"] = change(files["journal_entries.csv"])
    if reseal is not None:
        manifest = orjson.loads(files["manifest.json"])
        for entry in manifest["files"]:
            entry["sha256"] = hashlib.sha256(files[entry["name"]]).hexdigest()
        files["manifest.json"] = canonical_json(manifest).encode()
        files["manifest.sig"] = (seal(files["manifest.json"], reseal) + "\n").encode()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def _edit_amount(data: bytes) -> bytes:
    return data.replace(b'""total_cents"":1200', b'""total_cents"":120', 1)


def _drop_second_entry(data: bytes) -> bytes:
    lines = data.split(b"\r\n")
    return b"\r\n".join(lines[:2] + lines[3:])


async def test_tampering_is_found(history: Shop, tmp_path: Path) -> None:
    original = await _download(history, 2026, tmp_path)
    with zipfile.ZipFile(original) as archive:
        entries_file = archive.read("journal_entries.csv")
    assert _edit_amount(entries_file) != entries_file  # 12 € becomes 1.20 € in entry n° 4
    edited = _rebuild(original, tmp_path / "a.zip", _edit_amount)
    problems = verify_archive(edited, TEST_SECRET).problems
    assert any("SHA-256 de journal_entries.csv" in p for p in problems), problems
    assert any("Chaîne rompue" in p for p in problems), problems

    resealed = _rebuild(original, tmp_path / "b.zip", _edit_amount, reseal="not-the-secret")
    problems = verify_archive(resealed, TEST_SECRET).problems
    assert any("Sceau HMAC invalide" in p for p in problems), problems

    # Even with the secret, the chain itself gives the edit away.
    forged = _rebuild(original, tmp_path / "c.zip", _edit_amount, reseal=TEST_SECRET)
    problems = verify_archive(forged, TEST_SECRET).problems
    assert problems == [
        "Chaîne rompue à l'entrée n° 4 (hash does not match the stored payload)."
    ], problems

    shortened = _rebuild(original, tmp_path / "d.zip", _drop_second_entry, reseal=TEST_SECRET)
    problems = verify_archive(shortened, TEST_SECRET).problems
    assert problems == ["Entrée n° 5 manquante (suivante : n° 6)."], problems

    assert "Sceau HMAC invalide" in verify_archive(original, "another-secret").problems[0]
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip")
    assert "illisible" in verify_archive(garbage, TEST_SECRET).problems[0]


async def test_refusals(history: Shop) -> None:
    for year, code in (
        ("1999", "validation_error"),
        ("2999", "invalid_year"),
        ("x", "validation_error"),
    ):
        response = await history.admin_client.get(
            "/api/v1/exports/journal-archive", params={"year": year}
        )
        assert response.status_code == 422
        assert response.json()["code"] == code
    viewer = await history.viewer_client.get(
        "/api/v1/exports/journal-archive", params={"year": 2026}
    )
    assert viewer.status_code == 403


async def _archive_peak(database: Database, site: Any) -> tuple[int, int]:
    async with database.unit_of_work(write=False) as session:
        export = JournalArchiveService(session, database, secret=TEST_SECRET).archive_for_site(
            site, datetime.now(UTC).year
        )
    tracemalloc.start()
    tracemalloc.reset_peak()
    size = 0
    async for chunk in export.chunks:
        size += len(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, size


async def test_the_archive_streams_in_flat_memory(
    factory: Factory, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_archive, "BATCH_ENTRIES", 500)
    sites = []
    for tickets in (1_000, 10_000):
        site = await factory.site()
        cashier = await factory.user(site, role=Role.OPERATOR)
        async with database.unit_of_work() as session:
            # Within the current year: the days before the last fortnight.
            days = max(1, min(40, (datetime.now(UTC) - timedelta(days=16)).timetuple().tm_yday - 1))
            loader = BulkSalesLoader(session, site, cashier, seed=tickets)
            await loader.load(tickets, days, lambda n: None)
        sites.append(site)
    small_peak, small_size = await _archive_peak(database, sites[0])
    big_peak, big_size = await _archive_peak(database, sites[1])
    assert big_size > 8 * small_size
    assert big_peak < 1.5 * small_peak + 300_000, (small_peak, big_peak)
