"""GET /api/v1/categories (public)."""

from __future__ import annotations

import csv
from importlib.resources import files

import httpx


def _reference_codes() -> list[str]:
    text = (files("recyclic") / "data" / "categories.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return [r["code"] for r in sorted(rows, key=lambda r: int(r["display_order"]))]


async def test_categories_are_public_and_in_display_order(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/categories")
    assert response.status_code == 200
    codes = [c["code"] for c in response.json()]
    assert codes == _reference_codes()


async def test_category_carries_its_regulatory_mapping(client: httpx.AsyncClient) -> None:
    categories = {c["code"]: c for c in (await client.get("/api/v1/categories")).json()}
    fridge = categories["EEE-1"]
    assert fridge["weee_category"] == 1
    assert fridge["flow"] == "GEM_F"
    assert fridge["eco_organism"] == "ecologic"
    assert fridge["vat_rate"] == 20
    assert fridge["active"] is True
    lamps = categories["EEE-3"]
    assert (lamps["flow"], lamps["eco_organism"]) == ("LAMPES", "ecosystem")
    furniture = categories["MOB"]
    assert furniture["weee_category"] is None
    assert furniture["eco_organism"] == "ecomaison"
    assert categories["DIV"]["eco_organism"] is None
    assert set(fridge) >= {
        "code",
        "label",
        "family",
        "weee_category",
        "flow",
        "eco_organism",
        "default_unit_weight_kg",
        "vat_rate",
        "active",
        "display_order",
    }


async def test_admins_create_and_edit_categories_and_changes_are_audited(
    client_as, factory, client: httpx.AsyncClient
) -> None:
    from recyclic.models.user import Role

    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    operator = await factory.user(site)
    body = {
        "code": "REE",
        "label": "Réemploi solidaire",
        "family": "DIV",
        "vat_rate": 5.5,
        "default_unit_weight_kg": 1.25,
        "price_min": 1,
        "price_max": 20,
        "display_order": 175,
    }
    assert (await client_as(operator).post("/api/v1/categories", json=body)).status_code == 403
    created = await client_as(admin).post("/api/v1/categories", json=body)
    assert created.status_code == 201, created.text
    out = created.json()
    assert (out["vat_rate"], out["default_unit_weight_kg"], out["price_max"]) == (5.5, 1.25, 20)
    dup = await client_as(admin).post("/api/v1/categories", json=body)
    assert (dup.status_code, dup.json()["code"]) == (409, "category_code_taken")
    off = await client_as(admin).patch("/api/v1/categories/ree", json={"active": False})
    assert off.json()["active"] is False
    public = [c["code"] for c in (await client.get("/api/v1/categories")).json()]
    assert "REE" not in public
    audit = (
        await client_as(admin).get("/api/v1/audit-logs", params={"entity_type": "category"})
    ).json()
    assert {e["action"] for e in audit["items"]} == {"category.create", "category.update"}


async def test_category_edits_are_validated(client_as, factory) -> None:
    from recyclic.models.user import Role

    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    client = client_as(admin)
    for change in (
        {"vat_rate": 120},
        {"vat_rate": 5.555},
        {"price_min": 30, "price_max": 2},
        {"code": "NEW"},
        {"weee_category": 9},
    ):
        response = await client.patch("/api/v1/categories/MOB", json=change)
        assert response.status_code == 422, (change, response.text)
    missing = await client.patch("/api/v1/categories/NOPE", json={"label": "x"})
    assert (missing.status_code, missing.json()["code"]) == (404, "category_not_found")
