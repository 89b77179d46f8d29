"""Spec §7: every figure of the Ecologic export equals the sum recomputed from the rows, for
every period kind, across both daylight-saving changes and a year boundary."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from recyclic.core.database import Database
from tests.factories import Factory
from tests.support.export_data import ECOLOGIC_HERE, Dataset, build_dataset, expected_rows

FIGURES = {
    "deposits_count": ("deposits_count", 1),
    "weight_in_kg": ("weight_in_g", 1000),
    "items_sold": ("items_sold", 1),
    "weight_sold_kg": ("weight_sold_g", 1000),
    "sales_amount_eur": ("sales_cents", 100),
    "weight_recycled_kg": ("weight_recycled_g", 1000),
    "weight_disposed_kg": ("weight_disposed_g", 1000),
}
NAMED = [
    ("daily", "2025-12-31", "2025-12-31", "2025-12-31"),
    ("daily", "2026-01-01", "2026-01-01", "2026-01-01"),
    ("daily", "2026-03-29", "2026-03-29", "2026-03-29"),  # 23 hours long in Paris
    ("daily", "2026-10-25", "2026-10-25", "2026-10-25"),  # 25 hours long
    ("weekly", "2026-W01", "2025-12-29", "2026-01-04"),  # across the year boundary
    ("weekly", "2026-W13", "2026-03-23", "2026-03-29"),
    ("weekly", "2026-W43", "2026-10-19", "2026-10-25"),
    ("monthly", "2025-12", "2025-12-01", "2025-12-31"),
    ("monthly", "2026-01", "2026-01-01", "2026-01-31"),
    ("monthly", "2026-03", "2026-03-01", "2026-03-31"),
    ("monthly", "2026-10", "2026-10-01", "2026-10-31"),
    ("quarterly", "2025-Q4", "2025-10-01", "2025-12-31"),
    ("quarterly", "2026-Q1", "2026-01-01", "2026-03-31"),
    ("quarterly", "2026-Q4", "2026-10-01", "2026-12-31"),
    ("yearly", "2025", "2025-01-01", "2025-12-31"),
    ("yearly", "2026", "2026-01-01", "2026-12-31"),
]
RANGES = [("2025-12-31", "2026-01-01"), ("2026-03-28", "2026-03-29"), ("2026-10-24", "2026-10-26")]


def _grams_or_cents(value: Any, scale: int) -> int:
    """A JSON number or CSV/XLSX cell back to integer grams or cents, exactly."""
    number = Decimal(str(value).replace(",", ".")) * scale
    assert number == number.to_integral_value(), value
    return int(number)


def _figures(row: dict[str, Any]) -> dict[str, int]:
    return {key: _grams_or_cents(row[name], scale) for name, (key, scale) in FIGURES.items()}


def _expected(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    return {r["category_code"]: {k: r[k] for k, _ in FIGURES.values()} for r in rows}


@pytest.fixture
async def shop_history(factory: Factory, database: Database) -> Dataset:
    return await build_dataset(factory, database)


async def _json(client: Any, path: str = "ecologic", **params: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/exports/{path}", params={**params, "format": "json"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_every_figure_of_every_period_equals_the_recomputed_sums(
    shop_history: Dataset, client_as: Any, database: Database
) -> None:
    data = shop_history
    assert data.sales >= 80
    assert data.refunds >= 10
    assert data.split_tickets >= 3
    client = client_as(data.viewer)
    checked = active = 0
    cases = [({"period": k, "date": v}, first, last) for k, v, first, last in NAMED]
    cases += [({"from": a, "to": b}, a, b) for a, b in RANGES]
    for params, first, last in cases:
        body = await _json(client, **params)
        assert (body["period_start"], body["period_end"]) == (first, last), params
        rows = body["rows"]
        # The site's mapping: EEE-3 joins Ecologic, EEE-4 leaves it; zero-filled, fixed order.
        assert [r["category_code"] for r in rows] == ECOLOGIC_HERE, params
        expected = await expected_rows(
            database, data.site, date.fromisoformat(first), date.fromisoformat(last), ECOLOGIC_HERE
        )
        got = {r["category_code"]: _figures(r) for r in rows}
        assert got == _expected(expected), params
        checked += 1
        active += any(any(v for v in f.values()) for f in got.values())
    assert checked == len(NAMED) + len(RANGES)
    assert active >= checked - 1, "the generated history must give every period figures"


async def test_local_days_differ_from_utc_days_in_the_data(
    shop_history: Dataset, client_as: Any, database: Database
) -> None:
    """The data has rows whose local day is not their UTC day, so cutting periods in UTC
    would give other figures: the test above has teeth."""
    from sqlalchemy import select

    from recyclic.models.sale import SaleLine
    from tests.support.export_data import PARIS

    async with database.unit_of_work(write=False) as session:
        instants = list(
            await session.scalars(
                select(SaleLine.created_at).where(SaleLine.site_id == shop_history.site.id)
            )
        )
    shifted = [t for t in instants if t.astimezone(PARIS).date() != t.astimezone(UTC).date()]
    assert len(shifted) >= 5
    new_year = [t for t in shifted if t.astimezone(PARIS).date() == date(2026, 1, 1)]
    assert new_year, "a line of 1 January in Paris made on 31 December in UTC"
    spring = [
        t for t in instants if t.astimezone(PARIS).date() == date(2026, 3, 29) and t.hour >= 1
    ]
    assert spring, "a line after the spring change"
    assert timedelta(hours=2) in {t.astimezone(PARIS).utcoffset() for t in spring}


async def test_other_eco_organisms_and_the_summary(
    shop_history: Dataset, client_as: Any, database: Database
) -> None:
    client = client_as(shop_history.viewer)
    period = {"period": "yearly", "date": "2026"}
    first, last = date(2026, 1, 1), date(2026, 12, 31)
    moved = await _json(client, "eco-organisms/ecosystem", **period)
    assert [r["category_code"] for r in moved["rows"]] == ["EEE-4"]
    assert moved["eco_organism"] == "ecosystem"
    assert {r["category_code"]: _figures(r) for r in moved["rows"]} == _expected(
        await expected_rows(database, shop_history.site, first, last, ["EEE-4"])
    )
    furniture = await _json(client, "eco-organisms/ECOMAISON", **period)
    assert [r["category_code"] for r in furniture["rows"]] == ["MOB", "JOU"]
    summary = await _json(client, "summary", **period)
    codes = [r["category_code"] for r in summary["rows"]]
    assert codes[:7] == ["EEE-1", "EEE-2", "EEE-3", "EEE-4", "EEE-5", "EEE-6", "EEE-7"]
    assert len(codes) == 16
    everything = await expected_rows(database, shop_history.site, first, last, None)
    assert {r["category_code"]: _figures(r) for r in summary["rows"]} == _expected(everything)
    donated = {r["category_code"]: r["weight_donated_kg"] for r in summary["rows"]}
    assert {c: _grams_or_cents(v, 1000) for c, v in donated.items()} == {
        r["category_code"]: r["weight_donated_g"] for r in everything
    }
    eco = {r["category_code"]: r["eco_organism"] for r in summary["rows"]}
    assert (eco["EEE-3"], eco["EEE-4"], eco["EEE-7"], eco["LIV"]) == (
        "ecologic",
        "ecosystem",
        "soren",
        None,
    )
    unknown = await client.get(
        "/api/v1/exports/eco-organisms/ecologiq", params={**period, "format": "json"}
    )
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "unknown_eco_organism"
    assert "ecologic" in unknown.json()["detail"]


async def test_csv_csv_fr_and_xlsx_carry_the_same_figures_as_json(
    shop_history: Dataset, client_as: Any
) -> None:
    client = client_as(shop_history.viewer)
    params = {"period": "monthly", "date": "2026-03"}
    body = await _json(client, **params)
    want = {r["category_code"]: _figures(r) for r in body["rows"]}
    columns = [
        "site", "period_start", "period_end", "category_code", "category_label",
        "weee_category", "flow", "deposits_count", "weight_in_kg", "items_sold",
        "weight_sold_kg", "sales_amount_eur", "weight_recycled_kg", "weight_disposed_kg",
        "generated_at",
    ]  # fmt: skip

    plain = await client.get("/api/v1/exports/ecologic", params=params)
    assert plain.status_code == 200
    assert plain.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = plain.headers["content-disposition"]
    assert disposition == f'attachment; filename="ecologic_{shop_history.site.slug}_2026-03.csv"'
    assert not plain.content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in plain.content  # RFC 4180 line ends
    rows = list(csv.DictReader(io.StringIO(plain.content.decode("utf-8"))))
    assert list(rows[0]) == columns
    assert {r["category_code"]: _figures(r) for r in rows} == want
    first = rows[0]
    assert (first["site"], first["period_start"], first["period_end"]) == (
        shop_history.site.name,
        "2026-03-01",
        "2026-03-31",
    )
    assert len(first["weight_in_kg"].split(".")[1]) == 3  # always three decimals
    assert first["generated_at"].endswith(("+01:00", "+02:00"))

    french = await client.get("/api/v1/exports/ecologic", params={**params, "format": "csv-fr"})
    assert french.content.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs for UTF-8
    text = french.content.decode("utf-8-sig")
    fr_rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert list(fr_rows[0]) == columns
    assert {r["category_code"]: _figures(r) for r in fr_rows} == want
    assert all("." not in r["sales_amount_eur"] for r in fr_rows)
    assert fr_rows[0]["period_start"] == "01/03/2026"
    assert "Écrans" in text  # accents survive

    book = await client.get("/api/v1/exports/ecologic", params={**params, "format": "xlsx"})
    assert book.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheets = load_workbook(io.BytesIO(book.content))
    sheet = sheets["Ecologic"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == columns
    xlsx_rows = [dict(zip(columns, row, strict=True)) for row in values[1:]]
    assert {r["category_code"]: _figures(r) for r in xlsx_rows} == want
    money = sheet.cell(row=2, column=columns.index("sales_amount_eur") + 1)
    assert money.number_format == "#,##0.00"
    assert sheet.cell(row=2, column=2).value.date() == date(2026, 3, 1)
    summary = {row[0]: row[1] for row in sheets["Résumé"].iter_rows(values_only=True)}
    total = sum(f["sales_cents"] for f in want.values())
    assert _grams_or_cents(summary["Ventes (€)"], 100) == total


async def test_bad_periods_and_formats_are_refused_in_french(
    shop_history: Dataset, client_as: Any
) -> None:
    client = client_as(shop_history.viewer)
    refused = [
        ({}, "Précisez la période"),
        ({"period": "monthly"}, "demande period"),
        ({"period": "monthly", "date": "2026-13"}, "Date invalide"),
        ({"period": "weekly", "date": "2026-11"}, "Date invalide pour une période weekly"),
        ({"period": "hourly", "date": "2026"}, "valeur non autorisée"),
        (
            {"period": "yearly", "date": "2026", "from": "2026-01-01", "to": "2026-01-31"},
            "pas les deux",
        ),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "La date de fin précède"),
        ({"from": "2026-01-01"}, "Précisez la période"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "Période trop longue"),
        ({"period": "yearly", "date": "2026", "format": "pdf"}, "valeur non autorisée"),
        ({"from": "2026-02-30", "to": "2026-03-01"}, "date invalide"),
    ]
    for params, words in refused:
        response = await client.get("/api/v1/exports/ecologic", params=params)
        assert response.status_code == 422, (params, response.text)
        body = response.json()
        assert body["code"] in ("invalid_period", "validation_error"), body
        assert words in body["detail"], body


async def test_another_sites_export_is_a_404(shop_history: Dataset, client_as: Any) -> None:
    response = await client_as(shop_history.viewer).get(
        "/api/v1/exports/ecologic",
        params={"period": "yearly", "date": "2026", "site_id": str(shop_history.other.id)},
    )
    assert response.status_code == 404
