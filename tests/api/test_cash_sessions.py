"""Cash sessions: float, movements, expected cash, variance, Z report."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import update

from recyclic.core.database import Database
from recyclic.models.cash import CashSession
from tests.api.conftest import Shop
from tests.factories import Factory


async def _open(
    client: httpx.AsyncClient, register_id: object, amount: object = 50, **extra: object
) -> httpx.Response:
    return await client.post(
        "/api/v1/cash-sessions",
        json={"register_id": str(register_id), "opening_amount": amount, **extra},
    )


async def test_open_session_and_read_it_back(shop: Shop) -> None:
    response = await _open(shop.cashier_client, shop.register.id, 75.5)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "opened"
    assert body["opening_amount"] == 75.5
    assert body["cashier_id"] == str(shop.cashier.id)
    assert body["stale"] is False
    assert body["live_totals"]["expected_cash"] == 75.5
    current = await shop.cashier_client.get("/api/v1/cash-sessions/current")
    assert current.json()["id"] == body["id"]


async def test_a_busy_register_is_409_whatever_the_request_says(
    shop: Shop, factory: Factory
) -> None:
    assert (await _open(shop.cashier_client, shop.register.id)).status_code == 201
    again = await _open(shop.other_client, shop.register.id, 999, opening_comment=None)
    assert (again.status_code, again.json()["code"]) == (409, "cash_register_busy")
    second_register = await factory.register(shop.site)
    busy_cashier = await _open(shop.cashier_client, second_register.id)
    assert (busy_cashier.status_code, busy_cashier.json()["code"]) == (409, "cashier_busy")


async def test_the_kept_float_is_proposed_and_a_different_float_needs_a_comment(shop: Shop) -> None:
    first = (await _open(shop.cashier_client, shop.register.id, 123.45)).json()  # any first float
    close = await shop.cashier_client.post(
        f"/api/v1/cash-sessions/{first['id']}/close",
        json={"actual_amount": 123.45, "kept_float": 40},
    )
    assert close.status_code == 200, close.text
    assert close.json()["bank_deposit"] == 83.45
    refused = await _open(shop.cashier_client, shop.register.id, 50)
    assert (refused.status_code, refused.json()["code"]) == (422, "opening_comment_required")
    assert "40,00" in refused.json()["detail"]
    ok = await _open(shop.cashier_client, shop.register.id, 40)
    assert ok.status_code == 201


async def test_different_float_with_a_comment_is_accepted(shop: Shop) -> None:
    first = (await _open(shop.cashier_client, shop.register.id, 30)).json()
    await shop.cashier_client.post(
        f"/api/v1/cash-sessions/{first['id']}/close", json={"actual_amount": 30, "kept_float": 30}
    )
    ok = await _open(shop.cashier_client, shop.register.id, 25, opening_comment="Pièces prêtées")
    assert ok.status_code == 201
    assert ok.json()["opening_comment"] == "Pièces prêtées"


async def test_expected_cash_variance_and_z_report(shop: Shop) -> None:
    session = (await _open(shop.cashier_client, shop.register.id, 50)).json()
    sid = session["id"]
    cash_sale = await shop.cashier_client.post(
        "/api/v1/sales",
        json={
            "session_id": sid,
            "items": [{"category": "MOB", "description": "Chaise", "unit_price": 12}],
            "payments": [{"method": "cash", "amount": 20}],
        },
    )
    assert cash_sale.status_code == 201, cash_sale.text
    assert cash_sale.json()["change"] == 8
    card_sale = await shop.cashier_client.post(
        "/api/v1/sales",
        json={
            "session_id": sid,
            "items": [{"category": "TLC", "unit": "kg", "weight_kg": 1.5, "unit_price": 4}],
            "payments": [{"method": "card", "amount": 6}],
        },
    )
    assert card_sale.status_code == 201
    for amount, reason in ((20, "Appoint de monnaie"), (-5, "Achat de sacs")):
        moved = await shop.cashier_client.post(
            f"/api/v1/cash-sessions/{sid}/movements", json={"amount": amount, "reason": reason}
        )
        assert moved.status_code == 201
    refund = await shop.admin_client.post(
        f"/api/v1/sales/{cash_sale.json()['id']}/refund",
        json={"session_id": sid, "reason": "Chaise bancale", "method": "cash"},
    )
    assert refund.status_code == 201, refund.text
    live = (await shop.cashier_client.get(f"/api/v1/cash-sessions/{sid}")).json()["live_totals"]
    # 50 float + 20 paid − 8 change − 12 refunded + 20 − 5 moved = 65
    assert live["expected_cash"] == 65

    no_comment = await shop.cashier_client.post(
        f"/api/v1/cash-sessions/{sid}/close", json={"actual_amount": 64.5}
    )
    assert (no_comment.status_code, no_comment.json()["code"]) == (422, "variance_comment_required")
    closed = await shop.cashier_client.post(
        f"/api/v1/cash-sessions/{sid}/close",
        json={
            "count": {"20": 2, "10": 2, "2": 2, "0.5": 1},
            "variance_comment": "Pièce perdue",
            "kept_float": 30,
        },
    )
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert (body["expected_amount"], body["actual_amount"], body["variance"]) == (65, 64.5, -0.5)
    assert (body["kept_float"], body["bank_deposit"]) == (30, 34.5)
    report = body["closing_report"]
    assert report["type"] == "Z"
    assert report["counts"] == {"sales": 2, "refunds": 1}
    assert report["totals"] == {"sales": 18, "refunds": -12, "net": 6}
    assert report["payments"] == {"card": 6, "cash": 0}
    assert {c["code"]: c["total"] for c in report["categories"]} == {"MOB": 0, "TLC": 6}
    text = await shop.viewer_client.get(
        f"/api/v1/cash-sessions/{sid}/report", params={"format": "text", "width": 32}
    )
    assert text.status_code == 200
    assert all(len(line) <= 32 for line in text.text.splitlines())
    assert "RAPPORT Z" in text.text
    assert "Remise en banque" in text.text
    assert "art. 293 B" in " ".join(text.text.split())


async def test_a_closed_session_accepts_nothing(shop: Shop) -> None:
    sid = (await _open(shop.cashier_client, shop.register.id, 0)).json()["id"]
    await shop.cashier_client.post(f"/api/v1/cash-sessions/{sid}/close", json={"actual_amount": 0})
    sale = await shop.cashier_client.post(
        "/api/v1/sales",
        json={
            "session_id": sid,
            "items": [{"category": "LIV", "unit_price": 1}],
            "payments": [{"method": "cash", "amount": 1}],
        },
    )
    assert (sale.status_code, sale.json()["code"]) == (409, "cash_session_closed")
    move = await shop.cashier_client.post(
        f"/api/v1/cash-sessions/{sid}/movements", json={"amount": 5, "reason": "x"}
    )
    assert move.status_code == 409
    again = await shop.cashier_client.post(
        f"/api/v1/cash-sessions/{sid}/close", json={"actual_amount": 0}
    )
    assert again.status_code == 409


async def test_only_the_cashier_or_an_admin_acts_on_a_session(shop: Shop) -> None:
    sid = (await _open(shop.cashier_client, shop.register.id, 10)).json()["id"]
    other = await shop.other_client.post(
        f"/api/v1/cash-sessions/{sid}/movements", json={"amount": 5, "reason": "x"}
    )
    assert (other.status_code, other.json()["code"]) == (403, "not_session_cashier")
    admin = await shop.admin_client.post(
        f"/api/v1/cash-sessions/{sid}/close", json={"actual_amount": 10}
    )
    assert admin.status_code == 200


async def test_bad_amounts_are_422(shop: Shop) -> None:
    for amount in (-1, 1.234, "NaN", 10**12, True, None):
        response = await _open(shop.cashier_client, shop.register.id, amount)
        assert response.status_code == 422, (amount, response.text)
    sid = (await _open(shop.cashier_client, shop.register.id, 10)).json()["id"]
    for body in ({"amount": 0, "reason": "x"}, {"amount": 5}, {"amount": 5, "reason": ""}):
        response = await shop.cashier_client.post(
            f"/api/v1/cash-sessions/{sid}/movements", json=body
        )
        assert response.status_code == 422
    for body in (
        {},
        {"count": {"7": 1}},
        {"count": {"50": -1}},
        {"actual_amount": 10, "count": {"5": 1}},
    ):
        response = await shop.cashier_client.post(f"/api/v1/cash-sessions/{sid}/close", json=body)
        assert response.status_code == 422, (body, response.text)
    too_much = await shop.cashier_client.post(
        f"/api/v1/cash-sessions/{sid}/close", json={"actual_amount": 10, "kept_float": 11}
    )
    assert (too_much.status_code, too_much.json()["code"]) == (422, "kept_float_too_high")


async def test_a_session_open_more_than_24h_is_flagged(shop: Shop, database: Database) -> None:
    sid = (await _open(shop.cashier_client, shop.register.id, 10)).json()["id"]
    async with database.unit_of_work() as session:
        await session.execute(
            update(CashSession).values(opened_at=datetime.now(UTC) - timedelta(hours=25))
        )
    body = (await shop.viewer_client.get(f"/api/v1/cash-sessions/{sid}")).json()
    assert body["stale"] is True
    listed = (
        await shop.viewer_client.get("/api/v1/cash-sessions", params={"status": "opened"})
    ).json()
    assert listed["items"][0]["stale"] is True
    report = (await shop.viewer_client.get(f"/api/v1/cash-sessions/{sid}/report")).json()
    assert report["stale"] is True
    assert report["type"] == "X"


async def test_current_without_open_session_is_404(shop: Shop) -> None:
    response = await shop.cashier_client.get("/api/v1/cash-sessions/current")
    assert (response.status_code, response.json()["code"]) == (404, "cash_session_not_found")


async def test_registers_are_managed_by_admins(shop: Shop) -> None:
    created = await shop.admin_client.post("/api/v1/cash-registers", json={"name": "Caisse 2"})
    assert created.status_code == 201
    dup = await shop.admin_client.post("/api/v1/cash-registers", json={"name": "Caisse 2"})
    assert (dup.status_code, dup.json()["code"]) == (409, "cash_register_name_taken")
    off = await shop.admin_client.patch(
        f"/api/v1/cash-registers/{created.json()['id']}", json={"is_active": False}
    )
    assert off.json()["is_active"] is False
    closed_register = await _open(shop.cashier_client, created.json()["id"])
    assert (closed_register.status_code, closed_register.json()["code"]) == (
        409,
        "cash_register_inactive",
    )
    names = [r["name"] for r in (await shop.viewer_client.get("/api/v1/cash-registers")).json()]
    assert names == ["Caisse 2", "Caisse principale"]


async def test_x_and_z_reports_print_the_sites_local_time(shop: Shop, database: Database) -> None:
    sid = (await _open(shop.cashier_client, shop.register.id, 0)).json()["id"]
    opened = datetime(2026, 12, 6, 2, 20, tzinfo=UTC)  # 03:20 in Paris
    async with database.unit_of_work() as session:
        await session.execute(
            update(CashSession).where(CashSession.id == uuid.UUID(sid)).values(opened_at=opened)
        )
    live = await shop.viewer_client.get(f"/api/v1/cash-sessions/{sid}/report")
    assert live.json()["opened_at"] == "2026-12-06T03:20:00+01:00"
    text = await shop.viewer_client.get(
        f"/api/v1/cash-sessions/{sid}/report", params={"format": "text"}
    )
    assert "2026-12-06 03:20" in text.text
    closed = await shop.cashier_client.post(
        f"/api/v1/cash-sessions/{sid}/close", json={"actual_amount": 0}
    )
    report = closed.json()["closing_report"]
    # Every time in the stored report is in the site's zone.
    paris = ZoneInfo("Europe/Paris")
    assert report["opened_at"] == "2026-12-06T03:20:00+01:00"
    closed_at = datetime.fromisoformat(report["closed_at"])
    assert closed_at.utcoffset() == closed_at.astimezone(paris).utcoffset()
