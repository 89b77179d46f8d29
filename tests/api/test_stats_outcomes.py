"""`GET /stats/summary` also gives, per category, what was sold (net of refunds), recycled,
disposed of and given: the same figures as the exports."""

from __future__ import annotations

from datetime import date
from typing import Any

from recyclic.core.database import Database
from tests.factories import Factory
from tests.support.export_data import build_dataset, expected_rows


async def test_summary_carries_sold_recycled_disposed_and_donated(
    factory: Factory, database: Database, client_as: Any
) -> None:
    data = await build_dataset(factory, database, tickets=40)
    response = await client_as(data.viewer).get(
        "/api/v1/stats/summary", params={"from": "2026-03-01", "to": "2026-03-31"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    expected = {
        r["category_code"]: r
        for r in await expected_rows(database, data.site, date(2026, 3, 1), date(2026, 3, 31), None)
    }
    active = [
        code for code, r in expected.items() if any(v for k, v in r.items() if k != "category_code")
    ]
    assert [row["category"] for row in body["categories"]] == active
    for row in body["categories"]:
        want = expected[row["category"]]
        assert row["deposits_count"] == want["deposits_count"]
        assert round(row["weight_in_kg"] * 1000) == want["weight_in_g"]
        assert row["items_sold"] == want["items_sold"]
        assert round(row["weight_sold_kg"] * 1000) == want["weight_sold_g"]
        assert round(row["sales_amount"] * 100) == want["sales_cents"]
        assert round(row["weight_recycled_kg"] * 1000) == want["weight_recycled_g"]
        assert round(row["weight_disposed_kg"] * 1000) == want["weight_disposed_g"]
        assert round(row["weight_donated_kg"] * 1000) == want["weight_donated_g"]
    assert {r["category"]: r["eco_organism"] for r in body["categories"]}.get("EEE-4") in (
        None,
        "ecosystem",
    )
    totals = body["sales_totals"]
    assert round(totals["sales_amount"] * 100) == sum(r["sales_cents"] for r in expected.values())
    assert totals["items_sold"] == sum(r["items_sold"] for r in expected.values())
    outbound = body["outbound_totals"]
    assert round(outbound["weight_disposed_kg"] * 1000) == sum(
        r["weight_disposed_g"] for r in expected.values()
    )
    assert body["totals"]["deposits_count"] == sum(r["deposits_count"] for r in expected.values())
