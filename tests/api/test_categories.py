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
