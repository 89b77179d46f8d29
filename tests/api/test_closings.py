"""Daily, monthly and yearly closings: period totals, perpetual grand total, frozen periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from tests.api.conftest import Shop
from tests.factories import Factory


def _today() -> str:
    return datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()


async def _day_with_sales(shop: Shop, factory: Factory) -> str:
    session = await factory.open_session(shop.register, shop.cashier)
    await factory.sale(session, shop.cashier)
    await factory.sale(
        session,
        shop.cashier,
        items=[{"category": "LIV", "unit_price": "3"}],
        payments=[{"method": "card", "amount": "3"}],
    )
    response = await shop.cashier_client.post(
        f"/api/v1/cash-sessions/{session.id}/close",
        json={"actual_amount": 62, "kept_float": 50},
    )
    assert response.status_code == 200, response.text
    return str(session.id)


async def _close(client: httpx.AsyncClient, kind: str, date: str) -> httpx.Response:
    return await client.post("/api/v1/closings", json={"kind": kind, "date": date})


async def test_daily_closing_totals_and_grand_total(shop: Shop, factory: Factory) -> None:
    await _day_with_sales(shop, factory)
    response = await _close(shop.admin_client, "daily", _today())
    assert response.status_code == 201, response.text
    closing = response.json()
    assert closing["totals"]["total"] == 15
    assert closing["totals"]["sales_count"] == 2
    assert closing["totals"]["payments"] == {"card": 3, "cash": 12}
    assert closing["grand_total"] == 15
    assert closing["journal_seq"] > 0
    again = await _close(shop.admin_client, "daily", _today())
    assert (again.status_code, again.json()["code"]) == (409, "period_already_closed")
    listed = (await shop.viewer_client.get("/api/v1/closings")).json()["items"]
    assert [c["id"] for c in listed] == [closing["id"]]
    text = await shop.viewer_client.get(
        f"/api/v1/closings/{closing['id']}", params={"format": "text", "width": 32}
    )
    assert "GRAND TOTAL" in text.text
    assert all(len(line) <= 32 for line in text.text.splitlines())
    verify = (await shop.admin_client.get("/api/v1/journal/verify")).json()
    assert verify["ok"] is True


async def test_a_closed_day_accepts_no_new_sale(shop: Shop, factory: Factory) -> None:
    await _day_with_sales(shop, factory)
    assert (await _close(shop.admin_client, "daily", _today())).status_code == 201
    session = await factory.open_session(shop.register, shop.cashier, opening="50")
    response = await shop.cashier_client.post(
        "/api/v1/sales",
        json={
            "session_id": str(session.id),
            "items": [{"category": "LIV", "unit_price": 1}],
            "payments": [{"method": "cash", "amount": 1}],
        },
    )
    assert (response.status_code, response.json()["code"]) == (409, "period_closed")


async def test_a_day_with_a_session_still_open_cannot_be_closed(
    shop: Shop, factory: Factory
) -> None:
    await factory.open_session(shop.register, shop.cashier)
    response = await _close(shop.admin_client, "daily", _today())
    assert (response.status_code, response.json()["code"]) == (409, "session_still_open")


async def test_monthly_and_yearly_closings_and_bad_requests(shop: Shop, factory: Factory) -> None:
    await _day_with_sales(shop, factory)
    month = _today()[:7]
    monthly = await _close(shop.admin_client, "monthly", month)
    assert monthly.status_code == 201
    assert monthly.json()["totals"]["total"] == 15
    yearly = await _close(shop.admin_client, "yearly", _today()[:4])
    assert yearly.json()["grand_total"] == 15
    future = (datetime.now(UTC) + timedelta(days=40)).date().isoformat()
    assert (await _close(shop.admin_client, "daily", future)).json()["code"] == "period_in_future"
    for kind, date in (("daily", "2026-13-45"), ("monthly", "2026-11-01"), ("weekly", "2026-W01")):
        response = await _close(shop.admin_client, kind, date)
        assert response.status_code == 422, (kind, date)
    assert (await _close(shop.cashier_client, "daily", "2001-01-01")).status_code == 403
