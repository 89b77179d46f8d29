"""Outbound flows (sorties): admins record, correct and delete them (audited); everyone of the
site reads them; bad input is a French 422; another site's flow is a 404."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from recyclic.core.database import Database
from recyclic.models.outbound_flow import OutboundDestination
from recyclic.models.user import Role
from recyclic.schemas.outbound_flow import OutboundFlowCreate
from recyclic.services.deposits.outbound_flows import FlowDateOutOfRange, OutboundFlowService
from tests.api.conftest import Shop
from tests.factories import Factory

BODY = {
    "date": "2026-11-02",
    "category": "eee-4",
    "weight_kg": 120.5,
    "destination": "eco_organism",
    "partner": "  Ecologic  ",
    "document_ref": "BE-2026-0042",
}


async def _audit(client: Any, flow_id: str) -> list[dict[str, Any]]:
    response = await client.get(
        "/api/v1/audit-logs", params={"entity_type": "outbound_flow", "entity_id": flow_id}
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_admin_records_corrects_and_deletes_a_flow(shop: Shop) -> None:
    created = await shop.admin_client.post("/api/v1/outbound-flows", json=BODY)
    assert created.status_code == 201, created.text
    flow = created.json()
    assert flow["category"] == "EEE-4"
    assert flow["weight_kg"] == 120.5
    assert flow["partner"] == "Ecologic"
    assert (flow["created_by"], flow["site_id"]) == (str(shop.admin.id), str(shop.site.id))
    flow_id = flow["id"]

    seen = await shop.viewer_client.get(f"/api/v1/outbound-flows/{flow_id}")
    assert seen.json() == flow

    patched = await shop.admin_client.patch(
        f"/api/v1/outbound-flows/{flow_id}",
        json={"weight_kg": "98.25", "destination": "dechetterie", "partner": None},
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["weight_kg"], patched.json()["destination"]) == (98.25, "dechetterie")
    assert patched.json()["partner"] is None

    deleted = await shop.admin_client.delete(f"/api/v1/outbound-flows/{flow_id}")
    assert deleted.status_code == 204
    gone = await shop.viewer_client.get(f"/api/v1/outbound-flows/{flow_id}")
    assert gone.status_code == 404
    assert gone.json()["code"] == "outbound_flow_not_found"

    trail = {e["action"]: e for e in await _audit(shop.admin_client, flow_id)}
    assert set(trail) == {
        "outbound_flow.create",
        "outbound_flow.update",
        "outbound_flow.delete",
    }
    assert trail["outbound_flow.create"]["after"]["weight_g"] == 120_500
    update = trail["outbound_flow.update"]
    assert update["before"] == {
        "destination": "eco_organism",
        "partner": "Ecologic",
        "weight_g": 120_500,
    }
    assert update["after"] == {"destination": "dechetterie", "partner": None, "weight_g": 98_250}
    assert trail["outbound_flow.delete"]["before"]["category"] == "EEE-4"


async def test_only_admins_write(shop: Shop) -> None:
    for client in (shop.viewer_client, shop.cashier_client):
        refused = await client.post("/api/v1/outbound-flows", json=BODY)
        assert refused.status_code == 403
    assert (await shop.viewer_client.get("/api/v1/outbound-flows")).status_code == 200


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"weight_kg": 0}, "supérieur à 0"),
        ({"weight_kg": -3}, "supérieur à 0"),
        ({"weight_kg": 100_000.001}, "100 t"),
        ({"weight_kg": 1.2345}, "3 décimales"),
        ({"weight_kg": "beaucoup"}, "nombre"),
        ({"weight_kg": float("nan")}, "fini"),
        ({"destination": "landfill"}, "valeur non autorisée"),
        ({"category": "XYZ"}, "Catégorie inconnue"),
        ({"date": "2999-01-01"}, "dans le futur"),
        ({"date": "1999-12-31"}, "invraisemblable"),
        ({"date": "2026-02-30"}, "date invalide"),
        ({"partner": "x" * 201}, "trop long"),
        ({"unknown": 1}, "champ inconnu"),
    ],
)
async def test_bad_flows_are_refused_in_french(
    shop: Shop, change: dict[str, Any], words: str
) -> None:
    body = {**BODY, **change}
    if "weight_kg" in change and change["weight_kg"] != change["weight_kg"]:
        response = await shop.admin_client.post(
            "/api/v1/outbound-flows",
            content=b'{"date": "2026-11-02", "category": "MOB", "weight_kg": NaN, '
            b'"destination": "donation"}',
            headers={"content-type": "application/json"},
        )
    else:
        response = await shop.admin_client.post("/api/v1/outbound-flows", json=body)
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"], response.json()
    assert (await shop.viewer_client.get("/api/v1/outbound-flows")).json()["items"] == []


async def test_corrections_keep_required_fields(shop: Shop, factory: Factory) -> None:
    flow = await factory.outbound_flow(shop.site, shop.admin)
    for body in ({"weight_kg": None}, {"category": None}, {"date": None}, {"category": "ZZZ"}):
        response = await shop.admin_client.patch(f"/api/v1/outbound-flows/{flow.id}", json=body)
        assert response.status_code == 422, body


async def test_listing_filters_and_pages(shop: Shop, factory: Factory) -> None:
    days = [date(2026, 10, d) for d in (1, 5, 5, 20, 31)]
    for n, day in enumerate(days):
        await factory.outbound_flow(
            shop.site,
            shop.admin,
            day=day,
            category="MOB" if n % 2 else "EEE-4",
            destination=OutboundDestination.DONATION if n == 4 else OutboundDestination.RECYCLER,
        )
    client = shop.viewer_client
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/outbound-flows", params=params)).json()
        seen += [item["date"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted((d.isoformat() for d in days), reverse=True)
    october = {"from": "2026-10-05", "to": "2026-10-20"}
    assert len((await client.get("/api/v1/outbound-flows", params=october)).json()["items"]) == 3
    mob = (await client.get("/api/v1/outbound-flows", params={"category": "mob"})).json()
    assert {i["category"] for i in mob["items"]} == {"MOB"}
    given = (await client.get("/api/v1/outbound-flows", params={"destination": "donation"})).json()
    assert [i["date"] for i in given["items"]] == ["2026-10-31"]
    backwards = await client.get(
        "/api/v1/outbound-flows", params={"from": "2026-11-01", "to": "2026-10-01"}
    )
    assert backwards.status_code == 422
    bad_cursor = await client.get("/api/v1/outbound-flows", params={"cursor": "abc"})
    assert bad_cursor.status_code == 422


async def test_another_sites_flow_is_a_404(shop: Shop, factory: Factory) -> None:
    other = await factory.site()
    theirs = await factory.outbound_flow(other, await factory.user(other, role=Role.ADMIN))
    for method in ("GET", "PATCH", "DELETE"):
        response = await shop.admin_client.request(
            method,
            f"/api/v1/outbound-flows/{theirs.id}",
            json={"partner": "x"} if method == "PATCH" else None,
        )
        assert response.status_code == 404, method
    elsewhere = await shop.admin_client.post(
        "/api/v1/outbound-flows", json={**BODY, "site_id": str(other.id)}
    )
    assert elsewhere.status_code == 404
    listing = await shop.viewer_client.get("/api/v1/outbound-flows")
    assert listing.json()["items"] == []


async def test_today_is_the_sites_today(factory: Factory, database: Database) -> None:
    """At 23:30 UTC on 26 November it is already the 27th in Paris, still the 26th in
    Martinique."""
    now = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    paris = await factory.site(timezone="Europe/Paris")
    martinique = await factory.site(timezone="America/Martinique")
    for site, accepted in ((paris, True), (martinique, False)):
        admin = await factory.user(site, role=Role.ADMIN)
        body = OutboundFlowCreate.model_validate({**BODY, "date": "2026-11-27"})
        async with database.unit_of_work() as session:
            service = OutboundFlowService(session, now=lambda: now)
            if accepted:
                assert (await service.create(admin, body)).date == date(2026, 11, 27)
            else:
                with pytest.raises(FlowDateOutOfRange):
                    await service.create(admin, body)
