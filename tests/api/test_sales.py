"""Sales: server-side totals, refusals that write nothing, idempotent offline replays."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from recyclic.core.database import Database
from tests.api.conftest import Shop, written_rows
from tests.factories import Factory


@pytest.fixture
async def session_id(shop: Shop, factory: Factory) -> str:
    session = await factory.open_session(shop.register, shop.cashier, opening="50")
    return str(session.id)


def ticket(session_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "session_id": session_id,
        "items": [
            {"category": "MOB", "description": "Commode", "quantity": 1, "unit_price": 25},
            {"category": "VAI", "description": "Assiettes", "quantity": 6, "unit_price": 0.5},
            {
                "category": "TLC",
                "description": "Vrac textile",
                "unit": "kg",
                "weight_kg": 2.345,
                "unit_price": 4,
            },
        ],
        "payments": [{"method": "cash", "amount": 50}],
    }
    body.update(overrides)
    return body


async def test_the_server_computes_every_total(shop: Shop, session_id: str) -> None:
    response = await shop.cashier_client.post("/api/v1/sales", json=ticket(session_id))
    assert response.status_code == 201, response.text
    sale = response.json()
    assert [line["line_total"] for line in sale["items"]] == [25, 3, 9.38]
    assert sale["items"][2]["weight_kg"] == 2.345
    assert sale["total"] == 37.38
    assert sale["change"] == 12.62
    assert sale["status"] == "completed"
    assert sale["number"] >= 1


async def test_a_client_total_is_not_accepted(shop: Shop, session_id: str) -> None:
    response = await shop.cashier_client.post("/api/v1/sales", json=ticket(session_id, total=1))
    assert response.status_code == 422


async def test_discounts(shop: Shop, session_id: str) -> None:
    body = ticket(
        session_id,
        items=[
            {"category": "DEC", "unit_price": 12.5, "discount_percent": 10},
            {"category": "DEC", "unit_price": 8, "discount_amount": 2},
        ],
        payments=[{"method": "card", "amount": 17.25}],
    )
    sale = (await shop.cashier_client.post("/api/v1/sales", json=body)).json()
    assert [line["discount"] for line in sale["items"]] == [1.25, 2]
    assert sale["total"] == 17.25


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"items": [{"category": "MOB", "unit_price": -1}]}, "validation_error"),
        ({"items": [{"category": "MOB", "unit_price": 1.005}]}, "validation_error"),
        ({"items": [{"category": "MOB", "unit_price": "NaN"}]}, "validation_error"),
        ({"items": [{"category": "MOB", "unit_price": 10**12}]}, "validation_error"),
        ({"items": [{"category": "MOB", "unit_price": 1, "quantity": 10_001}]}, "validation_error"),
        ({"items": [{"category": "MOB", "unit_price": 1, "quantity": 0}]}, "validation_error"),
        (
            {"items": [{"category": "TLC", "unit": "kg", "unit_price": 1, "weight_kg": 10_001}]},
            "validation_error",
        ),
        (
            {"items": [{"category": "TLC", "unit": "kg", "unit_price": 1, "weight_kg": 0.0001}]},
            "validation_error",
        ),
        ({"items": [{"category": "TLC", "unit": "kg", "unit_price": 1}]}, "validation_error"),
        ({"items": []}, "validation_error"),
        ({"items": [{"category": "XYZ", "unit_price": 1}]}, "unknown_category"),
        ({"payments": [{"method": "cash", "amount": 1}]}, "payment_insufficient"),
        ({"payments": [{"method": "card", "amount": 100}]}, "overpayment"),
        ({"payments": [{"method": "bitcoin", "amount": 50}]}, "payment_method_not_allowed"),
        ({"payments": [{"method": "free", "amount": 0}]}, "free_needs_zero_total"),
        ({"items": [{"category": "MOB", "unit_price": 60000, "quantity": 2}]}, "line_too_large"),
        ({"created_at": "2026-01-01T10:00:00"}, "validation_error"),
    ],
)
async def test_bad_tickets_are_refused_and_nothing_is_written(
    shop: Shop, session_id: str, database: Database, change: dict[str, Any], code: str
) -> None:
    before = await written_rows(database)
    response = await shop.cashier_client.post("/api/v1/sales", json=ticket(session_id, **change))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert await written_rows(database) == before


async def test_another_cashiers_session_is_403_and_admins_may_sell_in_it(
    shop: Shop, session_id: str
) -> None:
    refused = await shop.other_client.post("/api/v1/sales", json=ticket(session_id))
    assert (refused.status_code, refused.json()["code"]) == (403, "not_session_cashier")
    assert (
        await shop.admin_client.post("/api/v1/sales", json=ticket(session_id))
    ).status_code == 201


async def test_another_sites_session_is_404(
    shop: Shop, session_id: str, factory: Factory, client_as
) -> None:
    other_site = await factory.site()
    stranger = await factory.user(other_site)
    response = await client_as(stranger).post("/api/v1/sales", json=ticket(session_id))
    assert response.status_code == 404


async def test_zero_euro_ticket_with_free(shop: Shop, session_id: str) -> None:
    body = ticket(
        session_id,
        items=[{"category": "LIV", "unit_price": 0}],
        payments=[{"method": "free", "amount": 0}],
    )
    assert (await shop.cashier_client.post("/api/v1/sales", json=body)).status_code == 201


async def test_site_enabled_methods_are_accepted(shop: Shop, session_id: str) -> None:
    body = ticket(session_id, payments=[{"method": "voucher", "amount": 37.38}])
    refused = await shop.cashier_client.post("/api/v1/sales", json=body)
    assert refused.json()["code"] == "payment_method_not_allowed"
    await shop.admin_client.patch(
        f"/api/v1/sites/{shop.site.id}", json={"settings": {"payment_methods": ["voucher"]}}
    )
    assert (await shop.cashier_client.post("/api/v1/sales", json=body)).status_code == 201


async def test_identical_replay_is_200_with_the_same_sale(
    shop: Shop, session_id: str, database: Database
) -> None:
    sale_id = str(uuid.uuid4())
    first = await shop.cashier_client.post("/api/v1/sales", json=ticket(session_id, id=sale_id))
    assert first.status_code == 201
    rows = await written_rows(database)
    # Amounts written differently are the same request.
    body = ticket(session_id, id=sale_id)
    body["items"][1]["unit_price"] = "0.50"
    body["payments"][0]["amount"] = 50.0
    replay = await shop.cashier_client.post("/api/v1/sales", json=body)
    assert replay.status_code == 200
    assert replay.json() == first.json()
    assert await written_rows(database) == rows


async def test_same_id_with_other_content_is_409(shop: Shop, session_id: str) -> None:
    sale_id = str(uuid.uuid4())
    await shop.cashier_client.post("/api/v1/sales", json=ticket(session_id, id=sale_id))
    body = ticket(session_id, id=sale_id, payments=[{"method": "cash", "amount": 40}])
    conflict = await shop.cashier_client.post("/api/v1/sales", json=body)
    assert (conflict.status_code, conflict.json()["code"]) == (409, "id_conflict")


async def test_replay_after_the_session_closed_and_after_a_refund_is_still_200(
    shop: Shop, session_id: str, factory: Factory
) -> None:
    sale_id = str(uuid.uuid4())
    body = ticket(session_id, id=sale_id)
    created = await shop.cashier_client.post("/api/v1/sales", json=body)
    refund_session = await factory.open_session(await factory.register(shop.site), shop.admin)
    refunded = await shop.admin_client.post(
        f"/api/v1/sales/{sale_id}/refund",
        json={"session_id": str(refund_session.id), "reason": "Erreur de saisie", "method": "cash"},
    )
    assert refunded.status_code == 201
    await shop.cashier_client.post(
        f"/api/v1/cash-sessions/{session_id}/close",
        json={"actual_amount": 50, "variance_comment": "ok"},
    )
    replay = await shop.cashier_client.post("/api/v1/sales", json=body)
    assert replay.status_code == 200
    assert replay.json()["id"] == created.json()["id"]
    assert replay.json()["status"] == "refunded"


async def test_offline_ticket_time_is_kept_within_bounds(
    shop: Shop, factory: Factory, database: Database
) -> None:
    from sqlalchemy import update

    from recyclic.models.cash import CashSession

    session = await factory.open_session(shop.register, shop.cashier)
    async with database.unit_of_work() as uow:
        await uow.execute(
            update(CashSession)
            .where(CashSession.id == session.id)
            .values(opened_at=datetime.now(UTC) - timedelta(hours=80))
        )
    sid = str(session.id)
    made = (datetime.now(UTC) - timedelta(hours=5)).replace(microsecond=0)
    ok = await shop.cashier_client.post(
        "/api/v1/sales", json=ticket(sid, created_at=made.isoformat())
    )
    assert ok.status_code == 201
    assert datetime.fromisoformat(ok.json()["created_at"]) == made
    for when, reason in (
        (datetime.now(UTC) - timedelta(hours=73), "more than 72 h"),
        (datetime.now(UTC) + timedelta(hours=1), "future"),
    ):
        response = await shop.cashier_client.post(
            "/api/v1/sales", json=ticket(sid, created_at=when.isoformat())
        )
        assert (response.status_code, response.json()["code"]) == (422, "invalid_sale_time"), reason
    fresh = await factory.open_session(await factory.register(shop.site), shop.other_cashier)
    before_open = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    response = await shop.other_client.post(
        "/api/v1/sales", json=ticket(str(fresh.id), created_at=before_open)
    )
    assert response.json()["code"] == "invalid_sale_time"


async def test_listing_filters_and_cursor(shop: Shop, session_id: str) -> None:
    for _ in range(4):
        await shop.cashier_client.post("/api/v1/sales", json=ticket(session_id))
    await shop.cashier_client.post(
        "/api/v1/sales",
        json=ticket(
            session_id,
            items=[{"category": "LIV", "unit_price": 2}],
            payments=[{"method": "card", "amount": 2}],
        ),
    )
    page1 = (await shop.viewer_client.get("/api/v1/sales", params={"limit": 2})).json()
    page2 = (
        await shop.viewer_client.get(
            "/api/v1/sales", params={"limit": 10, "cursor": page1["next_cursor"]}
        )
    ).json()
    ids = [s["id"] for s in page1["items"] + page2["items"]]
    assert len(ids) == len(set(ids)) == 5
    assert page2["next_cursor"] is None
    by_card = (
        await shop.viewer_client.get("/api/v1/sales", params={"payment_method": "card"})
    ).json()
    assert len(by_card["items"]) == 1
    books = (await shop.viewer_client.get("/api/v1/sales", params={"category": "liv"})).json()
    assert len(books["items"]) == 1
    today = datetime.now(UTC).date().isoformat()
    dated = (
        await shop.viewer_client.get("/api/v1/sales", params={"from": "2000-01-01", "to": today})
    ).json()
    assert len(dated["items"]) == 5
    bad = await shop.viewer_client.get("/api/v1/sales", params={"cursor": "forged"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_cursor")


async def test_receipt_text_and_html(shop: Shop, session_id: str) -> None:
    sale = (await shop.cashier_client.post("/api/v1/sales", json=ticket(session_id))).json()
    for width in (32, 48):
        text = await shop.viewer_client.get(
            f"/api/v1/sales/{sale['id']}/receipt", params={"width": width}
        )
        assert text.status_code == 200
        lines = text.text.splitlines()
        assert all(len(line) <= width for line in lines), width
        joined = " ".join(text.text.split())
        assert "SIRET 12345678900011" in joined
        assert "art. 293 B du CGI" in joined
        assert "37,38 €" in joined
    html = await shop.viewer_client.get(
        f"/api/v1/sales/{sale['id']}/receipt", params={"format": "html"}
    )
    assert html.headers["content-type"].startswith("text/html")
    assert "Association" in html.text
    bad = await shop.viewer_client.get(f"/api/v1/sales/{sale['id']}/receipt", params={"width": 40})
    assert bad.status_code == 422


async def test_vat_standard_mode_shows_vat_per_rate(shop: Shop, session_id: str) -> None:
    await shop.admin_client.patch(
        f"/api/v1/sites/{shop.site.id}", json={"settings": {"vat_mode": "standard"}}
    )
    sale = (
        await shop.cashier_client.post(
            "/api/v1/sales",
            json=ticket(
                session_id,
                items=[{"category": "MOB", "unit_price": 12}],
                payments=[{"method": "card", "amount": 12}],
            ),
        )
    ).json()
    text = (
        await shop.viewer_client.get(f"/api/v1/sales/{sale['id']}/receipt", params={"width": 48})
    ).text
    # 12 € TTC at 20 %: VAT 2 €, 10 € HT
    assert "TVA 20 % : 2,00 € (HT 10,00 €)" in text
    assert "293 B" not in text


async def test_daily_total_per_payment_method_net_of_change(shop: Shop, session_id: str) -> None:
    await shop.cashier_client.post("/api/v1/sales", json=ticket(session_id))
    await shop.cashier_client.post(
        "/api/v1/sales",
        json=ticket(
            session_id,
            items=[{"category": "LIV", "unit_price": 3}],
            payments=[{"method": "card", "amount": 3}],
        ),
    )
    total = (await shop.viewer_client.get("/api/v1/stats/daily-total")).json()
    assert total["total"] == 40.38
    assert total["by_payment_method"] == {"cash": 37.38, "card": 3}
    assert total["sales_count"] == 2
    yesterday = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    empty = (
        await shop.viewer_client.get("/api/v1/stats/daily-total", params={"date": yesterday})
    ).json()
    assert empty["total"] == 0


async def _refund(
    client: httpx.AsyncClient, sale_id: str, session: str, **body: Any
) -> httpx.Response:
    payload = {"session_id": session, "reason": "Article défectueux", "method": "cash", **body}
    return await client.post(f"/api/v1/sales/{sale_id}/refund", json=payload)


async def test_partial_then_full_refund_never_more_than_sold(shop: Shop, session_id: str) -> None:
    sale = (await shop.cashier_client.post("/api/v1/sales", json=ticket(session_id))).json()
    plates = sale["items"][1]
    part = await _refund(
        shop.admin_client, sale["id"], session_id, items=[{"line_id": plates["id"], "quantity": 2}]
    )
    assert part.status_code == 201, part.text
    assert part.json()["total"] == -1
    assert part.json()["items"][0]["quantity"] == -2
    assert part.json()["refund_of"] == sale["id"]
    assert (await shop.viewer_client.get(f"/api/v1/sales/{sale['id']}")).json()[
        "status"
    ] == "partially_refunded"
    too_many = await _refund(
        shop.admin_client, sale["id"], session_id, items=[{"line_id": plates["id"], "quantity": 5}]
    )
    assert (too_many.status_code, too_many.json()["code"]) == (409, "refund_exceeds_sale")
    rest = await _refund(shop.admin_client, sale["id"], session_id)
    assert rest.status_code == 201
    # Everything that remained: 25 + 4 plates (2 €) + 9.38 of textile, weight back to the gram.
    assert rest.json()["total"] == -36.38
    assert [i["weight_kg"] for i in rest.json()["items"]] == [None, None, -2.345]
    assert (await shop.viewer_client.get(f"/api/v1/sales/{sale['id']}")).json()[
        "status"
    ] == "refunded"
    nothing_left = await _refund(shop.admin_client, sale["id"], session_id)
    assert nothing_left.status_code == 409


async def test_refund_rules(shop: Shop, session_id: str) -> None:
    sale = (await shop.cashier_client.post("/api/v1/sales", json=ticket(session_id))).json()
    by_operator = await _refund(shop.cashier_client, sale["id"], session_id)
    assert by_operator.status_code == 403
    no_reason = await shop.admin_client.post(
        f"/api/v1/sales/{sale['id']}/refund", json={"session_id": session_id, "method": "cash"}
    )
    assert no_reason.status_code == 422
    bad_method = await _refund(shop.admin_client, sale["id"], session_id, method="free")
    assert bad_method.json()["code"] == "payment_method_not_allowed"
    refund = (await _refund(shop.admin_client, sale["id"], session_id)).json()
    of_refund = await _refund(shop.admin_client, refund["id"], session_id)
    assert (of_refund.status_code, of_refund.json()["code"]) == (422, "refund_of_refund")


async def test_a_ticket_without_payment_is_stored_whole(shop: Shop, session_id: str) -> None:
    """A free ticket (nothing to pay) has no payment row: the ticket and its journal entry
    are written all the same (PostgreSQL writes them in one statement)."""
    body = ticket(session_id, items=[{"category": "LIV", "unit_price": 0}], payments=[])
    response = await shop.cashier_client.post("/api/v1/sales", json=body)
    assert response.status_code == 201, response.text
    sale = response.json()
    assert sale["total"] == 0
    assert sale["payments"] == []
    stored = await shop.cashier_client.get(f"/api/v1/sales/{sale['id']}")
    assert stored.json()["items"][0]["category"] == "LIV"
    assert stored.json()["number"] == sale["number"]


async def test_refusals_come_in_fastapis_order(
    shop: Shop, session_id: str, client: httpx.AsyncClient
) -> None:
    """POST /sales resolves its parameters by hand (api/deps.py, `OperatorBodyRoute`): the
    answers and their precedence stay those of any other route."""
    sales = "/api/v1/sales"
    as_json = {"Content-Type": "application/json"}
    # An unreadable body is refused before the token is looked at.
    malformed = await client.post(sales, content=b'{"items": [', headers=as_json)
    assert malformed.status_code == 422
    assert malformed.json()["code"] == "validation_error"
    not_utf8 = await client.post(sales, content=b'{"a": "\xff"}', headers=as_json)
    assert not_utf8.status_code == 400
    assert not_utf8.json()["code"] == "bad_request"
    # Then the token, role and status; only then the fields.
    anonymous = await client.post(sales, json={"items": []})
    assert anonymous.status_code == 401
    assert (await shop.viewer_client.post(sales, json={"items": []})).status_code == 403
    empty = await shop.cashier_client.post(sales)
    assert empty.status_code == 422
    assert empty.json()["errors"] == [{"field": "", "message": "champ obligatoire"}]
    fields = await shop.cashier_client.post(sales, json={"session_id": session_id, "items": []})
    assert fields.status_code == 422
    assert [e["field"] for e in fields.json()["errors"]] == ["items"]
    as_text = await shop.cashier_client.post(
        sales, content=b"{}", headers={"Content-Type": "text/plain"}
    )
    assert as_text.status_code == 422
