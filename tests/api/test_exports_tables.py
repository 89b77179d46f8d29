"""Streamed exports of sales lines, deposits, cash sessions and outbound flows: what they
contain, in each format, and that their memory does not grow with their size."""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from recyclic.core.database import Database
from recyclic.models.deposit import DepositStatus
from recyclic.models.outbound_flow import OutboundDestination
from recyclic.models.sale import SaleLine
from recyclic.models.user import Role
from recyclic.services.demo.bulk_sales import BulkSalesLoader
from recyclic.services.reporting import tables
from recyclic.services.reporting.tables import Table, TableExportService
from recyclic.services.reporting.tabular import ExportFormat
from recyclic.utils.periods import custom_period
from tests.api.conftest import Shop
from tests.factories import Factory
from tests.support.trading import Trader

NOV = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)


def _rows(content: bytes, *, french: bool = False) -> list[dict[str, str]]:
    text = content.decode("utf-8-sig" if french else "utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";" if french else ","))


@pytest.fixture
async def trading(shop: Shop, database: Database) -> Trader:
    """Two tickets on 3 November (one split, one discounted), a partial refund on the 4th."""
    trader = Trader(database, shop.cashier, shop.admin)
    second = await _register(shop, database)
    await trader.open(NOV - timedelta(hours=1), (shop.register, second))
    await trader.sell(
        NOV,
        [
            {"category": "MOB", "description": "Chaise", "quantity": 2, "unit_price": "7.5"},
            {"category": "TLC", "unit": "kg", "unit_price": "4", "weight_kg": "1.25"},
        ],
        [{"method": "card", "amount": "10"}, {"method": "cash", "amount": "10"}],
    )
    view = await trader.sell(
        NOV + timedelta(minutes=5),
        [{"category": "EEE-5", "unit_price": "20", "discount_percent": 25, "weight_kg": 2}],
        [{"method": "cash", "amount": "20"}],
    )
    await trader.refund(NOV + timedelta(days=1), view.sale.id)
    await trader.close(NOV + timedelta(days=1, hours=2))
    return trader


async def _register(shop: Shop, database: Database) -> Any:
    from recyclic.models.cash import CashRegister

    async with database.unit_of_work() as session:
        register = CashRegister(site_id=shop.site.id, name="Caisse admin")
        session.add(register)
    return register


async def test_sales_lines_in_every_format(shop: Shop, trading: Trader) -> None:
    client = shop.viewer_client
    params = {"from": "2026-11-01", "to": "2026-11-30"}
    response = await client.get("/api/v1/exports/sales", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        f'attachment; filename="ventes_{shop.site.slug}_2026-11-01_2026-11-30.csv"'
    )
    rows = _rows(response.content)
    assert [(r["category"], r["quantity"], r["line_total_eur"]) for r in rows] == [
        ("MOB", "2", "15.00"),
        ("TLC", "1", "5.00"),
        ("EEE-5", "1", "15.00"),
        ("EEE-5", "-1", "-15.00"),
    ]
    first, discounted, refund = rows[0], rows[2], rows[3]
    assert first["payment_methods"] == "card, cash"
    assert first["sold_at"] == "2026-11-03T10:30:00+01:00"  # Paris time, with its offset
    assert first["ticket_total_eur"] == "20.00"
    assert rows[1]["weight_kg"] == "1.250"
    assert (discounted["discount_eur"], discounted["unit_price_eur"]) == ("5.00", "20.00")
    assert refund["refund_of"] == discounted["sale_id"]
    assert refund["sold_at"].startswith("2026-11-04")
    assert int(refund["ticket_number"]) > int(discounted["ticket_number"])
    assert first["category_label"] == "Mobilier et literie"

    french = await client.get("/api/v1/exports/sales", params={**params, "format": "csv-fr"})
    fr = _rows(french.content, french=True)
    assert [r["line_total_eur"] for r in fr] == ["15,00", "5,00", "15,00", "-15,00"]
    assert fr[0]["sold_at"] == "03/11/2026 10:30:00"

    book = await client.get("/api/v1/exports/sales", params={**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content))["Ventes"]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    totals = [Decimal(str(v[header.index("line_total_eur")])) for v in values[1:]]
    assert totals == [Decimal(15), Decimal(5), Decimal(15), Decimal(-15)]
    assert values[1][0] == datetime(2026, 11, 3, 10, 30)

    only_the_refund = await client.get("/api/v1/exports/sales", params={"from": "2026-11-04"})
    assert [r["quantity"] for r in _rows(only_the_refund.content)] == ["-1"]


async def test_deposits_sessions_and_flows(shop: Shop, trading: Trader, factory: Factory) -> None:
    volunteer = shop.cashier
    await factory.deposit(
        shop.site, volunteer, status=DepositStatus.VALIDATED, category="EEE-1",
        weight_g=41_500, quantity=1, created_at=NOV, description="=HYPERLIEN(\"x\")",
    )  # fmt: skip
    await factory.deposit(shop.site, volunteer, created_at=NOV + timedelta(hours=1))
    await factory.outbound_flow(
        shop.site, shop.admin, day=date(2026, 11, 10), weight_g=250_000,
        destination=OutboundDestination.DECHETTERIE, document_ref="D-17",
    )  # fmt: skip
    client = shop.viewer_client
    deposits = _rows((await client.get("/api/v1/exports/deposits")).content)
    assert [(d["status"], d["category"], d["weight_kg"]) for d in deposits] == [
        ("validated", "EEE-1", "41.500"),
        ("draft", "", ""),
    ]
    assert deposits[0]["human_validated"] == "true"
    # A typed formula stays text in both CSV flavours (CSV injection).
    assert deposits[0]["description"] == '\'=HYPERLIEN("x")'
    french = _rows(
        (await client.get("/api/v1/exports/deposits", params={"format": "csv-fr"})).content,
        french=True,
    )
    assert french[0]["description"] == '\'=HYPERLIEN("x")'
    assert french[0]["human_validated"] == "oui"

    sessions = _rows((await client.get("/api/v1/exports/cash-sessions")).content)
    assert len(sessions) == 2
    cashier = next(s for s in sessions if s["cashier_id"] == str(shop.cashier.id))
    assert cashier["status"] == "closed"
    assert (cashier["sales_count"], cashier["net_sales_eur"]) == ("2", "35.00")
    # 10 € by card; cash: 10 €, then 20 € handed for 15 € (5 € change) — 25 € kept.
    assert (cashier["card_eur"], cashier["cash_eur"]) == ("10.00", "25.00")
    assert cashier["variance_eur"] == "0.00"

    flows = _rows((await client.get("/api/v1/exports/outbound-flows")).content)
    assert [(f["date"], f["destination"], f["weight_kg"], f["document_ref"]) for f in flows] == [
        ("2026-11-10", "dechetterie", "250.000", "D-17")
    ]
    none = await client.get("/api/v1/exports/outbound-flows", params={"to": "2026-11-09"})
    assert _rows(none.content) == []
    xlsx = await client.get("/api/v1/exports/outbound-flows", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content))["Sorties"]
    assert list(sheet.iter_rows(values_only=True))[1][0] == datetime(2026, 11, 10)


async def test_refusals(shop: Shop, factory: Factory) -> None:
    client = shop.viewer_client
    backwards = await client.get(
        "/api/v1/exports/sales", params={"from": "2026-02-01", "to": "2026-01-01"}
    )
    assert backwards.status_code == 422
    assert "précède" in backwards.json()["detail"]
    assert (await client.get("/api/v1/exports/sales", params={"format": "ods"})).status_code == 422
    other = await factory.site()
    elsewhere = await client.get("/api/v1/exports/deposits", params={"site_id": str(other.id)})
    assert elsewhere.status_code == 404


async def _peak(
    database: Database, site: Any, start: date, end: date, fmt: ExportFormat
) -> tuple[int, int]:
    """(peak traced bytes, bytes produced) while an export is streamed and thrown away."""
    period = custom_period(start, end, site.timezone, limit_length=False)
    async with database.unit_of_work(write=False) as session:
        service = TableExportService(session, database)
        export = await service.export_for_site(site, Table.SALES, period, fmt)
    # Consumed after that unit of work: the export reads through units of work of its own.
    tracemalloc.start()
    tracemalloc.reset_peak()
    produced = 0
    async for chunk in export.chunks:
        produced += len(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, produced


async def test_memory_stays_flat_whatever_the_size(
    factory: Factory, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five times the rows, not five times the memory: the export holds one batch (small
    batches, so that a few thousand tickets are dozens of them)."""
    monkeypatch.setattr(tables, "BATCH_ROWS", 100)
    site = await factory.site(timezone="Europe/Paris")
    cashier = await factory.user(site, role=Role.OPERATOR)
    async with database.unit_of_work() as session:
        await BulkSalesLoader(session, site, cashier).load(3_000, 50, lambda n: None)
    async with database.unit_of_work(write=False) as session:
        lines = int(
            await session.scalar(
                select(func.count()).select_from(SaleLine).where(SaleLine.site_id == site.id)
            )
            or 0
        )
        first, last = (
            await session.execute(
                select(func.min(SaleLine.created_at), func.max(SaleLine.created_at)).where(
                    SaleLine.site_id == site.id
                )
            )
        ).one()
    assert lines > 4_500
    start, end = first.date(), last.date() + timedelta(days=1)
    tenth = start + (end - start) / 10
    small_peak, small_size = await _peak(database, site, start, tenth, ExportFormat.CSV)
    big_peak, big_size = await _peak(database, site, start, end, ExportFormat.CSV)
    assert big_size > 5 * small_size
    assert big_size > 750_000
    # The whole export is a megabyte or more; what it holds at once is one batch, whatever
    # the size.
    # Both peaks also hold a fixed cost — on PostgreSQL up to 1 MB for the driver's connection
    # set-up and prepared statements — so the check is on what five times the rows add.
    assert big_peak < 1.5 * small_peak + 200_000, (small_peak, big_peak, big_size)
    assert big_peak - small_peak < (big_size - small_size) / 4, (small_peak, big_peak, big_size)


async def test_dates_at_the_ends_of_the_calendar_are_a_422_not_a_500(shop: Shop) -> None:
    """Years 1 and 9999 overflow once shifted to UTC: refused, never a 500."""
    for path, params in (
        ("exports/sales", {"from": "0001-01-01"}),
        ("exports/deposits", {"to": "9999-12-31"}),
        ("exports/ecologic", {"from": "0001-01-01", "to": "0001-01-02"}),
        ("exports/ecologic", {"period": "yearly", "date": "0001"}),
        ("exports/accounting", {"from": "9999-12-30", "to": "9999-12-31"}),
        ("stats/summary", {"from": "0001-01-01"}),
        ("deposits", {"to": "9999-12-31"}),
        ("sales", {"from": "0001-01-01"}),
    ):
        response = await shop.admin_client.get(f"/api/v1/{path}", params=params)
        assert response.status_code == 422, (path, params, response.text)
        assert response.json()["code"] == "invalid_period"


async def test_any_typed_text_exports_in_every_format(shop: Shop, factory: Factory) -> None:
    # A control character (a barcode scanner's \x06) used to cut the XLSX stream mid-way.
    odd = "Lampe\x06 sans fil \x1b[31m"
    await factory.deposit(
        shop.site, shop.cashier, status=DepositStatus.VALIDATED, category="EEE-1",
        weight_g=1_000, quantity=1, created_at=NOV, description=odd,
    )  # fmt: skip
    for formula in ("+33 6 12 34 56 78", "-2+3", "@SUM(A1)", "\tcmd"):
        await factory.deposit(shop.site, shop.cashier, created_at=NOV, description=formula)
    client = shop.viewer_client
    book = await client.get("/api/v1/exports/deposits", params={"format": "xlsx"})
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content))["Dépôts"]
    values = list(sheet.iter_rows(values_only=True))
    column = list(values[0]).index("description")
    texts = {row[column] for row in values[1:]}
    assert "Lampe sans fil [31m" in texts
    for fmt, french in (("csv", False), ("csv-fr", True)):
        response = await client.get("/api/v1/exports/deposits", params={"format": fmt})
        described = {row["description"] for row in _rows(response.content, french=french)}
        assert {"'+33 6 12 34 56 78", "'-2+3", "'@SUM(A1)", "'\tcmd"} <= described, fmt
