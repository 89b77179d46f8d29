"""`null` clears an optional text field; it was a 500 (a length check applied to null)."""

from __future__ import annotations

from tests.api.conftest import Shop
from tests.factories import Factory


async def test_null_clears_a_deposits_description_and_notes(shop: Shop, factory: Factory) -> None:
    deposit = await factory.deposit(shop.site, shop.cashier)
    response = await shop.cashier_client.patch(
        f"/api/v1/deposits/{deposit.id}", json={"description": None, "validation_notes": None}
    )
    assert response.status_code == 200, response.text
    assert response.json()["description"] is None
    too_long = await shop.cashier_client.patch(
        f"/api/v1/deposits/{deposit.id}", json={"description": "x" * 4_001}
    )
    assert too_long.status_code == 422


async def test_null_clears_a_flows_partner(shop: Shop, factory: Factory) -> None:
    flow = await factory.outbound_flow(shop.site, shop.admin)
    response = await shop.admin_client.patch(
        f"/api/v1/outbound-flows/{flow.id}", json={"partner": None, "notes": None}
    )
    assert response.status_code == 200, response.text
    assert response.json()["partner"] is None
