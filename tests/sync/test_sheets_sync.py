"""R8, Google Sheets: the rows created since the last successful watermark are appended once,
whatever the 429s, lost answers and failed runs in between."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from recyclic.models.cash import CashSession
from recyclic.models.deposit import DepositStatus
from recyclic.models.sale import SaleLine
from recyclic.models.sync_log import SyncStatus
from recyclic.repositories.sync_repository import SyncWatermarkRepository
from tests.factories import Factory
from tests.fakes.sheets_server import FakeSheetsServer, ServiceAccountKey
from tests.support.sync import configure_sync
from tests.sync.conftest import DEPOSITS_TAB, SALES_TAB, SyncShop


async def _configure(
    shop: SyncShop, sheets: FakeSheetsServer, key: ServiceAccountKey, tmp_path: Path
) -> None:
    key_file = key.write_json(tmp_path / "key.json", sheets.token_uri)
    shop.settings = shop.settings.model_copy(update={"google_sheets_api_url": sheets.url})
    await configure_sync(
        shop.database, shop.site, sheets=sheets, key_json=key_file.read_text(encoding="utf-8")
    )


async def _sale(shop: SyncShop, factory: Factory, *prices: str) -> list[str]:
    """A sale with one line per price; the sheet ids of its lines."""
    sale = await factory.sale(
        shop.session,
        shop.cashier,
        items=[{"category": "MOB", "description": f"Chaise {p}", "unit_price": p} for p in prices],
        payments=[{"method": "card", "amount": str(sum(int(p) for p in prices))}],
    )
    return [f"sale-line:{line.id}" for line in sale.lines]


def _ids(sheets: FakeSheetsServer, tab: str) -> list[str]:
    return sheets.ids(tab)


def _in_order(ids: list[str], *groups: list[str]) -> bool:
    """`ids` is the header then each group in turn (lines of one sale share a timestamp and
    come in id order, so each group is compared as a set)."""
    if ids[:1] != ["id"]:
        return False
    position = 1
    for group in groups:
        if sorted(ids[position : position + len(group)]) != sorted(group):
            return False
        position += len(group)
    return position == len(ids)


def _appended_ids(sheets: FakeSheetsServer, tab: str) -> list[str]:
    """Every row id sent by an append request to `tab`, in order."""
    sent = []
    for request in sheets.requests:
        if request.kind == "append" and tab in request.path:
            sent.extend(str(row[0]) for row in request.body["values"])
    return sent


async def test_new_sale_lines_and_validated_deposits_are_appended_with_a_header(
    shop: SyncShop,
    factory: Factory,
    tabs: FakeSheetsServer,
    service_account_key: ServiceAccountKey,
    tmp_path: Path,
) -> None:
    await _configure(shop, tabs, service_account_key, tmp_path)
    lines = await _sale(shop, factory, "12", "3")
    validated = await factory.deposit(shop.site, shop.cashier, status=DepositStatus.VALIDATED)
    await factory.deposit(shop.site, shop.cashier)  # a draft: not reported yet

    report = await shop.sync()

    assert report.ok, report.errors
    assert _in_order(_ids(tabs, SALES_TAB), lines)
    assert _ids(tabs, DEPOSITS_TAB) == ["id", f"deposit:{validated.id}"]
    first_line = next(row for row in tabs.sheets[SALES_TAB] if row[0] == lines[0])
    assert first_line[1] == shop.site.slug
    assert first_line[4:] == ["MOB", "Chaise 12", 1, "piece", 1200, 0, 1200, None, ""]
    deposit_row = tabs.sheets[DEPOSITS_TAB][1]
    assert deposit_row[4:7] == ["MOB", 1, 7500]
    assert report.sheets is not None
    assert report.sheets.streams["sale_lines"].appended == 2
    assert report.sheets.streams["deposits"].appended == 1


async def test_429s_are_waited_out_and_never_duplicate_rows(
    shop: SyncShop,
    factory: Factory,
    tabs: FakeSheetsServer,
    service_account_key: ServiceAccountKey,
    tmp_path: Path,
) -> None:
    await _configure(shop, tabs, service_account_key, tmp_path)
    lines = await _sale(shop, factory, "5", "6", "7")
    tabs.fail_next("append", 2, status=429, retry_after=1)
    tabs.fail_next("get", 1, status=429)

    report = await shop.sync()

    assert report.ok, report.errors
    assert _in_order(_ids(tabs, SALES_TAB), lines)
    assert 1.0 in shop.sleep.delays  # Retry-After honoured
    logs = await shop.logs(report.run_id)
    appends = [log for log in logs if log.operation == "sheets.append" and log.target == SALES_TAB]
    assert [(log.attempt, log.status) for log in appends] == [
        (1, SyncStatus.PENDING),
        (2, SyncStatus.PENDING),
        (3, SyncStatus.SUCCESS),
    ]
    assert (appends[0].details or {}).get("http_status") == 429


async def test_an_append_applied_but_unanswered_is_not_sent_twice(
    shop: SyncShop,
    factory: Factory,
    tabs: FakeSheetsServer,
    service_account_key: ServiceAccountKey,
    tmp_path: Path,
) -> None:
    await _configure(shop, tabs, service_account_key, tmp_path)
    lines = await _sale(shop, factory, "5", "6")
    tabs.fail_next("append", 1, status=500, apply=True)

    report = await shop.sync()

    assert report.ok, report.errors
    assert _in_order(_ids(tabs, SALES_TAB), lines)
    assert Counter(_ids(tabs, SALES_TAB)).most_common(1)[0][1] == 1


async def test_the_watermark_moves_only_on_success_and_a_failed_run_is_caught_up_without_duplicates(
    shop: SyncShop,
    factory: Factory,
    tabs: FakeSheetsServer,
    service_account_key: ServiceAccountKey,
    tmp_path: Path,
) -> None:
    await _configure(shop, tabs, service_account_key, tmp_path)
    first = await _sale(shop, factory, "10")
    assert (await shop.sync()).ok
    async with shop.database.unit_of_work(write=False) as session:
        mark = await SyncWatermarkRepository(session).position(shop.site.id, "sale_lines")
        line = await session.get(SaleLine, uuid.UUID(first[0].split(":")[1]))
    assert line is not None
    assert mark == (line.created_at, line.id)

    # Sheets fails for good during the next run: the watermark stays.
    second = await _sale(shop, factory, "20", "21")
    tabs.fail_next("append", 10, status=503)
    failed = await shop.sync(attempts=3)
    assert not failed.ok
    assert any(SALES_TAB in error for error in failed.errors)
    async with shop.database.unit_of_work(write=False) as session:
        assert await SyncWatermarkRepository(session).position(shop.site.id, "sale_lines") == mark
    assert _ids(tabs, SALES_TAB) == ["id", *first]
    [notification] = await shop.jobs("send_notification")
    assert "Google Sheets" in notification.payload["text"]

    # Back to normal: the missing rows, and only them, are appended.
    tabs._faults.clear()
    appended_before = len(_appended_ids(tabs, SALES_TAB))
    third = await _sale(shop, factory, "30")
    caught_up = await shop.sync()
    assert caught_up.ok, caught_up.errors
    assert _in_order(_ids(tabs, SALES_TAB), first, second, third)
    assert sorted(_appended_ids(tabs, SALES_TAB)[appended_before:]) == sorted([*second, *third])
    assert caught_up.sheets is not None
    # Rows before the watermark are re-read (offline tickets may arrive late), then skipped.
    assert caught_up.sheets.streams["sale_lines"].skipped == 1

    # Nothing new: the id column is read, nothing is appended.
    appends = tabs.count("append")
    assert (await shop.sync()).ok
    assert tabs.count("append") == appends


async def test_an_offline_ticket_reported_in_the_past_still_reaches_the_sheet(
    shop: SyncShop,
    factory: Factory,
    tabs: FakeSheetsServer,
    service_account_key: ServiceAccountKey,
    tmp_path: Path,
) -> None:
    await _configure(shop, tabs, service_account_key, tmp_path)
    now_lines = await _sale(shop, factory, "10")
    assert (await shop.sync()).ok
    # A till that was offline sends a ticket made 2 hours ago: it sorts before the watermark.
    async with shop.database.unit_of_work() as session:
        till = await session.get(CashSession, shop.session.id)
        assert till is not None
        till.opened_at = datetime.now(UTC) - timedelta(hours=3)
    made = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    late = await factory.sale(
        shop.session,
        shop.cashier,
        created_at=made,
        items=[{"category": "LIV", "unit_price": "2"}],
        payments=[{"method": "cash", "amount": "2"}],
    )
    assert (await shop.sync()).ok
    assert _ids(tabs, SALES_TAB) == ["id", *now_lines, f"sale-line:{late.lines[0].id}"]
