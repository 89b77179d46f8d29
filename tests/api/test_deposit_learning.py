"""Learning from corrections over HTTP: a site's validations shape its next proposals."""

from __future__ import annotations

from typing import Any

import pytest

from recyclic.models.deposit import DepositStatus
from recyclic.models.user import Role
from tests.factories import Factory


@pytest.fixture
async def shops(factory: Factory) -> dict[str, Any]:
    here, there = await factory.site(), await factory.site()
    return {
        "site": here,
        "operator": await factory.user(here, role=Role.OPERATOR),
        "admin": await factory.user(here, role=Role.ADMIN),
        "elsewhere": await factory.user(there, role=Role.OPERATOR),
    }


async def _deposit_and_validate(client: Any, description: str, category: str) -> dict[str, Any]:
    created = await client.post("/api/v1/deposits", json={"description": description})
    assert created.status_code == 201, created.text
    deposit = created.json()
    validated = await client.post(
        f"/api/v1/deposits/{deposit['id']}/validate",
        json={"category": category, "weight_kg": 2, "quantity": 1},
    )
    assert validated.status_code == 200, validated.text
    return deposit


async def _proposal(client: Any, description: str) -> dict[str, Any]:
    created = await client.post("/api/v1/deposits", json={"description": description})
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


async def test_a_word_corrected_twice_is_then_proposed_right_for_that_site_only(
    shops: dict[str, Any], client_as: Any
) -> None:
    volunteer = client_as(shops["operator"])
    first = await _deposit_and_validate(volunteer, "un toupin", "VAI")
    assert first["category"] == "JOU"  # the lexicon guessed a typo of "toupie"
    await _deposit_and_validate(volunteer, "un vieux toupin", "VAI")

    proposal = await _proposal(volunteer, "un toupin en fonte, 3 kilos")
    assert (proposal["category"], proposal["ai_category"]) == ("VAI", "VAI")
    assert (proposal["quantity"], proposal["weight_kg"]) == (1, 3)

    elsewhere = await _proposal(client_as(shops["elsewhere"]), "un toupin en fonte")
    assert elsewhere["category"] == "JOU"


async def test_one_mistaken_validation_does_not_flip_a_well_known_word(
    shops: dict[str, Any], client_as: Any
) -> None:
    volunteer = client_as(shops["operator"])
    await _deposit_and_validate(volunteer, "une chaise", "DEC")
    assert (await _proposal(volunteer, "une chaise"))["category"] == "MOB"


async def test_the_classify_route_uses_the_sites_memory(
    shops: dict[str, Any], client_as: Any, factory: Factory
) -> None:
    for _ in range(2):
        await factory.deposit(
            shops["site"],
            shops["operator"],
            status=DepositStatus.VALIDATED,
            description="une panosse",
            category="TLC",
        )
    volunteer = client_as(shops["operator"])
    draft = (await volunteer.post("/api/v1/deposits", json={})).json()
    classified = await volunteer.post(
        f"/api/v1/deposits/{draft['id']}/classify", json={"description": "une panosse grise"}
    )
    assert classified.status_code == 200, classified.text
    assert classified.json()["category"] == "TLC"


async def test_an_admins_correction_of_a_validated_deposit_replaces_what_was_learned(
    shops: dict[str, Any], client_as: Any, factory: Factory
) -> None:
    volunteer, admin = client_as(shops["operator"]), client_as(shops["admin"])
    learned = [await _deposit_and_validate(volunteer, "une wassingue", "MOB") for _ in range(2)]
    assert (await _proposal(volunteer, "une wassingue"))["category"] == "MOB"
    for deposit in learned:
        corrected = await admin.patch(f"/api/v1/deposits/{deposit['id']}", json={"category": "DIV"})
        assert corrected.status_code == 200, corrected.text
    proposal = await _proposal(volunteer, "une wassingue")
    assert proposal["category"] == "DIV"
    assert proposal["ai_confidence"] > 50
