"""`GET /stats/summary`: kg in per category and AI accuracy, computed on known data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from recyclic.models.deposit import DepositStatus
from recyclic.models.user import Role
from tests.factories import Factory

V = DepositStatus.VALIDATED
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
async def november(factory: Factory):  # type: ignore[no-untyped-def]
    """A Paris shop's November, with rows just outside it and another site's rows."""
    site = await factory.site(timezone="Europe/Paris")
    volunteer = await factory.user(site, role=Role.OPERATOR)
    add = factory.deposit
    # 1 Nov 00:30 in Paris: in November although still 31 Oct in UTC.
    await add(
        site,
        volunteer,
        status=V,
        category="MOB",
        weight_g=7_500,
        quantity=2,
        ai_category="MOB",
        ai_provider="local",
        ai_first_choice_kept=True,
        created_at=_at(2026, 10, 31, 23, 30),
    )
    await add(
        site,
        volunteer,
        status=V,
        category="MOB",
        weight_g=2_500,
        quantity=1,
        ai_category="MOB",
        ai_provider="local",
        ai_first_choice_kept=True,
        created_at=_at(2026, 11, 12, 10),
    )
    await add(
        site,
        volunteer,
        status=V,
        category="EEE-1",
        weight_g=40_000,
        quantity=1,
        ai_category="EEE-4",
        ai_provider="gemini",
        ai_first_choice_kept=False,
        created_at=_at(2026, 11, 20, 15),
    )
    # Chosen by a person: counted in kg, not in the AI's accuracy.
    await add(
        site,
        volunteer,
        status=V,
        category="TLC",
        weight_g=3_250,
        quantity=1,
        created_at=_at(2026, 11, 21, 9),
    )
    # Not validated: not counted.
    await add(
        site,
        volunteer,
        status=DepositStatus.CLASSIFIED,
        category="MOB",
        weight_g=9_000,
        ai_category="MOB",
        ai_provider="local",
        created_at=_at(2026, 11, 22, 9),
    )
    await add(
        site,
        volunteer,
        status=DepositStatus.CANCELLED,
        category="MOB",
        created_at=_at(2026, 11, 23, 9),
    )
    # 30 Nov 23:30 UTC is 1 Dec in Paris; and October proper.
    await add(
        site,
        volunteer,
        status=V,
        category="MOB",
        weight_g=1_000,
        quantity=1,
        created_at=_at(2026, 11, 30, 23, 30),
    )
    await add(
        site,
        volunteer,
        status=V,
        category="MOB",
        weight_g=1_000,
        quantity=1,
        created_at=_at(2026, 10, 15, 12),
    )
    other = await factory.site()
    stranger = await factory.user(other, role=Role.OPERATOR)
    await add(
        other,
        stranger,
        status=V,
        category="MOB",
        weight_g=99_000,
        quantity=1,
        ai_category="DIV",
        ai_provider="local",
        ai_first_choice_kept=False,
        created_at=_at(2026, 11, 12, 10),
    )
    return site, await factory.user(site, role=Role.VIEWER), other  # fmt: skip


async def test_summary_on_known_data(november, client_as) -> None:  # type: ignore[no-untyped-def]
    site, viewer, _ = november
    response = await client_as(viewer).get("/api/v1/stats/summary", params=NOVEMBER)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["site_id"], body["timezone"]) == (str(site.id), "Europe/Paris")
    assert (body["period_start"], body["period_end"]) == ("2026-11-01", "2026-11-30")
    rows = {row["category"]: row for row in body["categories"]}
    assert list(rows) == ["EEE-1", "MOB", "TLC"]
    assert (rows["MOB"]["deposits_count"], rows["MOB"]["quantity"]) == (2, 3)
    assert rows["MOB"]["weight_in_kg"] == 10
    assert rows["EEE-1"]["weight_in_kg"] == 40
    assert rows["TLC"]["weight_in_kg"] == 3.25
    assert rows["TLC"]["label"]
    assert body["totals"] == {"deposits_count": 4, "weight_in_kg": 53.25}
    accuracy = body["ai_accuracy"]
    assert (accuracy["suggestions"], accuracy["first_choice_kept"]) == (3, 2)
    assert accuracy["accuracy_percent"] == 66.7
    assert accuracy["by_provider"] == [
        {"provider": "gemini", "suggestions": 1, "first_choice_kept": 0, "accuracy_percent": 0.0},
        {"provider": "local", "suggestions": 2, "first_choice_kept": 2, "accuracy_percent": 100.0},
    ]


async def test_summary_of_an_empty_period_and_default_period(november, client_as) -> None:  # type: ignore[no-untyped-def]
    _, viewer, _ = november
    client = client_as(viewer)
    empty = (
        await client.get("/api/v1/stats/summary", params={"from": "2020-01-01", "to": "2020-01-31"})
    ).json()
    assert empty["categories"] == []
    assert empty["totals"] == {"deposits_count": 0, "weight_in_kg": 0}
    assert empty["ai_accuracy"] == {
        "suggestions": 0,
        "first_choice_kept": 0,
        "accuracy_percent": None,
        "by_provider": [],
    }
    default = (await client.get("/api/v1/stats/summary")).json()
    assert default["period_start"].endswith("-01")
    assert default["period_start"][:7] == default["period_end"][:7]


async def test_summary_refusals(november, client_as) -> None:  # type: ignore[no-untyped-def]
    _, viewer, other = november
    client = client_as(viewer)
    for params in ({"from": "2026-11-30", "to": "2026-11-01"}, {"from": "novembre"},
                   {"to": "2026-02-30"}):  # fmt: skip
        response = await client.get("/api/v1/stats/summary", params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"]
    elsewhere = await client.get("/api/v1/stats/summary", params={"site_id": str(other.id)})
    assert elsewhere.status_code == 404


async def test_super_admin_reads_another_sites_summary(
    november, client_as, factory: Factory
) -> None:  # type: ignore[no-untyped-def]
    site, _, other = november
    boss = await factory.user(site, role=Role.SUPER_ADMIN)
    response = await client_as(boss).get(
        "/api/v1/stats/summary", params={**NOVEMBER, "site_id": str(other.id)}
    )
    body = response.json()
    assert body["totals"] == {"deposits_count": 1, "weight_in_kg": 99}
    assert body["ai_accuracy"]["accuracy_percent"] == 0.0


async def test_accuracy_follows_validations_made_through_the_api(
    factory: Factory, client_as
) -> None:
    site = await factory.site()
    operator = await factory.user(site, role=Role.OPERATOR)
    client = client_as(operator)
    kept = (await client.post("/api/v1/deposits", json={"description": "un frigo"})).json()
    changed = (await client.post("/api/v1/deposits", json={"description": "un frigo"})).json()
    await client.post(
        f"/api/v1/deposits/{kept['id']}/validate", json={"weight_kg": 40, "quantity": 1}
    )
    await client.post(
        f"/api/v1/deposits/{changed['id']}/validate",
        json={"category": "EEE-4", "weight_kg": 40, "quantity": 1},
    )
    summary = (await client.get("/api/v1/stats/summary")).json()
    assert summary["ai_accuracy"]["by_provider"] == [
        {"provider": "local", "suggestions": 2, "first_choice_kept": 1, "accuracy_percent": 50.0}
    ]
