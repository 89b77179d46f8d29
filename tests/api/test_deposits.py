"""Deposits over HTTP: creation, reading, filters, pagination and refused input (R10)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pytest

from recyclic.models.deposit import DepositStatus
from recyclic.models.user import Role
from tests.factories import Factory


async def _operator(factory: Factory, **site_fields: object):  # type: ignore[no-untyped-def]
    site = await factory.site(**site_fields)
    return site, await factory.user(site, role=Role.OPERATOR)


async def test_create_with_description_is_classified_by_the_local_classifier(
    factory: Factory, client_as
) -> None:
    site, operator = await _operator(factory)
    response = await client_as(operator).post(
        "/api/v1/deposits",
        json={"description": "un vieux frigo, environ 40 kilos", "postal_code": "14 000"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "classified"
    assert body["category"] == "EEE-1"
    assert body["ai_category"] == "EEE-1"
    assert body["ai_provider"] == "local"
    assert 0 <= body["ai_confidence"] <= 100
    assert body["weight_kg"] == 40
    assert body["quantity"] == 1
    assert body["postal_code"] == "14000"
    assert body["channel"] == "drop_off"
    assert body["site_id"] == str(site.id)
    assert body["created_by"] == str(operator.id)
    assert body["human_validated"] is False
    assert body["has_audio"] is False
    assert "audio_file_path" not in body
    assert all({"category", "confidence"} <= set(alt) for alt in body["ai_alternatives"])


async def test_create_empty_is_a_draft_and_a_chosen_category_skips_the_ai(
    factory: Factory, client_as
) -> None:
    _, operator = await _operator(factory)
    client = client_as(operator)
    draft = await client.post("/api/v1/deposits", json={"channel": "pickup"})
    assert draft.status_code == 201
    assert draft.json()["status"] == "draft"
    assert draft.json()["category"] is None
    assert draft.json()["channel"] == "pickup"

    chosen = await client.post(
        "/api/v1/deposits",
        json={
            "description": "un frigo",
            "category": "mob",
            "quantity": 2,
            "weight_kg": 12.345,
            "destination": "reuse",
            "donor_type": "business",
        },
    )
    assert chosen.status_code == 201, chosen.text
    body = chosen.json()
    assert body["status"] == "classified"
    assert body["category"] == "MOB"
    assert body["ai_category"] is None
    assert body["ai_provider"] is None
    assert body["weight_kg"] == 12.345
    assert body["quantity"] == 2
    assert body["destination"] == "reuse"
    assert body["donor_type"] == "business"


async def test_typed_figures_win_over_what_the_ai_heard(factory: Factory, client_as) -> None:
    _, operator = await _operator(factory)
    response = await client_as(operator).post(
        "/api/v1/deposits",
        json={"description": "trois chaises, 12 kilos", "quantity": 4, "weight_kg": 15},
    )
    body = response.json()
    assert (body["category"], body["quantity"], body["weight_kg"]) == ("MOB", 4, 15)


async def test_get_and_another_sites_deposit_is_404(factory: Factory, client_as) -> None:
    site, operator = await _operator(factory)
    other_site, other_operator = await _operator(factory)
    mine = await factory.deposit(site, operator)
    theirs = await factory.deposit(other_site, other_operator)
    client = client_as(operator)
    assert (await client.get(f"/api/v1/deposits/{mine.id}")).json()["id"] == str(mine.id)
    for method, suffix, body in (
        ("GET", "", None),
        ("PATCH", "", {"description": "x"}),
        ("DELETE", "", None),
        ("POST", "/classify", {"description": "une chaise"}),
        ("POST", "/validate", {"category": "MOB", "weight_kg": 1, "quantity": 1}),
    ):
        response = await client.request(method, f"/api/v1/deposits/{theirs.id}{suffix}", json=body)
        assert response.status_code == 404, (method, suffix, response.text)
        assert response.json()["code"] == "deposit_not_found"
    # Nothing changed on the other site's deposit.
    admin = await factory.user(other_site, role=Role.ADMIN)
    again = (await client_as(admin).get(f"/api/v1/deposits/{theirs.id}")).json()
    assert again["status"] == "draft"
    assert again["description"] == "Une chaise en bois"


async def test_list_filters_and_keyset_pagination(factory: Factory, client_as) -> None:
    site, operator = await _operator(factory)
    colleague = await factory.user(site, role=Role.OPERATOR)
    other_site, other_operator = await _operator(factory)
    await factory.deposit(other_site, other_operator)
    made = []
    for day in range(1, 8):
        made.append(
            await factory.deposit(
                site,
                operator if day % 2 else colleague,
                status=DepositStatus.VALIDATED if day <= 3 else DepositStatus.DRAFT,
                created_at=datetime(2026, 11, day, 12, tzinfo=UTC),
            )
        )
    viewer = await factory.user(site, role=Role.VIEWER)
    client = client_as(viewer)

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/deposits", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(d.id) for d in reversed(made)]  # newest first, only this site

    def ids(response) -> set[str]:  # type: ignore[no-untyped-def]
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    validated = await client.get("/api/v1/deposits", params={"status": "validated"})
    assert ids(validated) == {str(d.id) for d in made[:3]}
    by_colleague = await client.get("/api/v1/deposits", params={"created_by": str(colleague.id)})
    assert ids(by_colleague) == {str(made[i].id) for i in (1, 3, 5)}
    by_category = await client.get("/api/v1/deposits", params={"category": "mob"})
    assert ids(by_category) == {str(d.id) for d in made[:3]}
    period = await client.get("/api/v1/deposits", params={"from": "2026-11-02", "to": "2026-11-04"})
    assert ids(period) == {str(made[i].id) for i in (1, 2, 3)}


async def test_period_is_cut_in_the_sites_time_zone(factory: Factory, client_as) -> None:
    site, operator = await _operator(factory, timezone="Pacific/Noumea")  # UTC+11
    # 26 Nov 20:00 UTC is already 27 Nov in Nouméa; 26 Nov 12:00 UTC is 26 Nov 23:00 there.
    late = await factory.deposit(site, operator, created_at=datetime(2026, 11, 26, 20, tzinfo=UTC))
    same_day = await factory.deposit(
        site, operator, created_at=datetime(2026, 11, 26, 12, tzinfo=UTC)
    )
    client = client_as(operator)
    day_26 = await client.get("/api/v1/deposits", params={"from": "2026-11-26", "to": "2026-11-26"})
    assert [i["id"] for i in day_26.json()["items"]] == [str(same_day.id)]
    day_27 = await client.get("/api/v1/deposits", params={"from": "2026-11-27"})
    assert [i["id"] for i in day_27.json()["items"]] == [str(late.id)]


async def test_super_admin_lists_every_site_or_one(factory: Factory, client_as) -> None:
    site, operator = await _operator(factory)
    other_site, other_operator = await _operator(factory)
    here = await factory.deposit(site, operator)
    there = await factory.deposit(other_site, other_operator)
    boss = await factory.user(site, role=Role.SUPER_ADMIN)
    client = client_as(boss)
    everything = {i["id"] for i in (await client.get("/api/v1/deposits")).json()["items"]}
    assert {str(here.id), str(there.id)} <= everything
    one = await client.get("/api/v1/deposits", params={"site_id": str(other_site.id)})
    assert [i["id"] for i in one.json()["items"]] == [str(there.id)]
    dated = await client.get("/api/v1/deposits", params={"from": "2000-01-01"})
    assert {str(here.id), str(there.id)} <= {i["id"] for i in dated.json()["items"]}
    created = await client.post(
        "/api/v1/deposits", params={"site_id": str(other_site.id)}, json={"category": "TLC"}
    )
    assert created.json()["site_id"] == str(other_site.id)


@pytest.mark.parametrize(
    "params",
    [
        {"status": "lost"},
        {"from": "2026-13-01"},
        {"from": "2026-11-26T10:00:00+25:00"},
        {"to": "hier"},
        {"created_by": "not-a-uuid"},
        {"limit": "0"},
        {"limit": "501"},
        {"cursor": "%%%"},
    ],
)
async def test_bad_filters_are_422(factory: Factory, client_as, params: dict[str, str]) -> None:
    _, operator = await _operator(factory)
    response = await client_as(operator).get("/api/v1/deposits", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


async def test_reversed_period_and_unknown_category_filter_are_422(
    factory: Factory, client_as
) -> None:
    _, operator = await _operator(factory)
    client = client_as(operator)
    reversed_period = await client.get(
        "/api/v1/deposits", params={"from": "2026-11-30", "to": "2026-11-01"}
    )
    assert reversed_period.status_code == 422
    assert reversed_period.json()["code"] == "invalid_period"
    unknown = await client.get("/api/v1/deposits", params={"category": "EEE-9"})
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_category"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weight_kg": -3}, "weight_kg"),
        ({"weight_kg": 0}, "weight_kg"),
        ({"weight_kg": 10**12}, "weight_kg"),
        ({"weight_kg": 1.2345}, "weight_kg"),
        ({"weight_kg": math.nan}, "weight_kg"),
        ({"weight_kg": math.inf}, "weight_kg"),
        ({"weight_kg": "lourd"}, "weight_kg"),
        ({"weight_kg": True}, "weight_kg"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": -1}, "quantity"),
        ({"quantity": 10**12}, "quantity"),
        ({"quantity": 2.5}, "quantity"),
        ({"quantity": math.nan}, "quantity"),
        ({"quantity": "3"}, "quantity"),
        ({"postal_code": "1400"}, "postal_code"),
        ({"postal_code": "00123"}, "postal_code"),
        ({"postal_code": "B-1000"}, "postal_code"),
        ({"channel": "drone"}, "channel"),
        ({"destination": "landfill"}, "destination"),
        ({"donor_type": "alien"}, "donor_type"),
        ({"description": "x" * 4001}, "description"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_absurd_input_is_422_and_nothing_is_stored(
    factory: Factory, client_as, body: dict[str, object], field: str
) -> None:
    _, operator = await _operator(factory)
    client = client_as(operator)
    # Raw text: NaN and Infinity are what a sloppy client's JSON library writes.
    response = await client.post(
        "/api/v1/deposits",
        content=json.dumps(body, allow_nan=True),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "validation_error"
    assert field in {e["field"] for e in error["errors"]}
    assert error["detail"].startswith("Données invalides")
    listing = await client.get("/api/v1/deposits")
    assert listing.json()["items"] == []


async def test_overseas_postal_codes_are_french(factory: Factory, client_as) -> None:
    _, operator = await _operator(factory)
    client = client_as(operator)
    for code in ("97400", "98000", "20000", "01000"):
        response = await client.post("/api/v1/deposits", json={"postal_code": code})
        assert response.status_code == 201, response.text
        assert response.json()["postal_code"] == code


async def test_unknown_or_inactive_category_is_422(factory: Factory, client_as, database) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from recyclic.models.category import Category

    _, operator = await _operator(factory)
    client = client_as(operator)
    unknown = await client.post("/api/v1/deposits", json={"category": "EEE-8"})
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_category"
    assert "EEE-8" in unknown.json()["detail"]
    async with database.unit_of_work() as session:
        await session.execute(update(Category).where(Category.code == "JOU").values(active=False))
    inactive = await client.post("/api/v1/deposits", json={"category": "JOU"})
    assert inactive.status_code == 422
    assert inactive.json()["code"] == "unknown_category"
    # The AI is only offered active categories: a toy is never classified JOU now.
    toy = await client.post("/api/v1/deposits", json={"description": "une poupée et un puzzle"})
    assert toy.status_code == 201
    assert toy.json()["category"] != "JOU"
    assert (await client.get("/api/v1/deposits", params={"category": "JOU"})).status_code == 200


async def test_viewer_reads_but_does_not_create(factory: Factory, client_as) -> None:
    site, operator = await _operator(factory)
    viewer = await factory.user(site, role=Role.VIEWER)
    await factory.deposit(site, operator)
    client = client_as(viewer)
    assert len((await client.get("/api/v1/deposits")).json()["items"]) == 1
    refused = await client.post("/api/v1/deposits", json={"description": "une chaise"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
