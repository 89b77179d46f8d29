"""The deposit status machine over HTTP: every transition, every refusal, ownership, audit."""

from __future__ import annotations

import pytest

from recyclic.models.deposit import DepositStatus
from recyclic.models.user import Role
from tests.factories import Factory

FULL = {"category": "MOB", "weight_kg": 7.5, "quantity": 1}


@pytest.fixture
async def shop(factory: Factory):  # type: ignore[no-untyped-def]
    site = await factory.site()
    return {
        "site": site,
        "operator": await factory.user(site, role=Role.OPERATOR),
        "colleague": await factory.user(site, role=Role.OPERATOR),
        "admin": await factory.user(site, role=Role.ADMIN),
    }


async def test_draft_classified_validated(shop, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as(shop["operator"])
    deposit = (await client.post("/api/v1/deposits", json={})).json()
    assert deposit["status"] == "draft"
    url = f"/api/v1/deposits/{deposit['id']}"

    classified = await client.post(f"{url}/classify", json={"description": "un micro-ondes"})
    assert classified.status_code == 200, classified.text
    result = classified.json()
    assert result["category"] == "EEE-5"
    assert result["provider"] == "local"
    assert result["transcription"] is None
    assert result["deposit"]["status"] == "classified"
    assert result["deposit"]["description"] == "un micro-ondes"

    # Classification may be re-run before validation.
    again = await client.post(f"{url}/classify", json={"description": "deux chaises, 9 kg"})
    assert again.json()["deposit"]["category"] == "MOB"
    assert again.json()["quantity"] == 2
    assert again.json()["weight_kg"] == 9

    validated = await client.post(f"{url}/validate", json={"destination": "reuse", "notes": "ok"})
    assert validated.status_code == 200, validated.text
    body = validated.json()
    assert body["status"] == "validated"
    assert (body["category"], body["quantity"], body["weight_kg"]) == ("MOB", 2, 9)
    assert body["human_validated"] is True
    assert body["ai_first_choice_kept"] is True
    assert body["validated_by"] == str(shop["operator"].id)
    assert body["validated_at"] is not None
    assert body["validation_notes"] == "ok"
    assert body["destination"] == "reuse"


async def test_validation_records_a_corrected_ai_choice(shop, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as(shop["operator"])
    deposit = (await client.post("/api/v1/deposits", json={"description": "une lampe"})).json()
    assert deposit["ai_category"] is not None
    corrected = "DEC" if deposit["ai_category"] != "DEC" else "DIV"
    response = await client.post(
        f"/api/v1/deposits/{deposit['id']}/validate",
        json={"category": corrected, "weight_kg": 1.2, "quantity": 1},
    )
    body = response.json()
    assert body["category"] == corrected
    assert body["ai_category"] == deposit["ai_category"]
    assert body["ai_first_choice_kept"] is False


async def test_a_draft_is_validated_directly_by_choosing_the_category(shop, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as(shop["colleague"])
    draft = (await client.post("/api/v1/deposits", json={})).json()
    response = await client.post(f"/api/v1/deposits/{draft['id']}/validate", json=FULL)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "validated"
    assert body["ai_first_choice_kept"] is None  # no AI suggestion: not in the accuracy


@pytest.mark.parametrize(
    ("missing", "code"),
    [
        ("category", "category_required"),
        ("weight_kg", "weight_required"),
        ("quantity", "quantity_required"),
    ],
)
async def test_validation_needs_category_weight_and_quantity(
    shop, client_as, missing: str, code: str
) -> None:  # type: ignore[no-untyped-def]
    client = client_as(shop["operator"])
    draft = (await client.post("/api/v1/deposits", json={})).json()
    body = {k: v for k, v in FULL.items() if k != missing}
    response = await client.post(f"/api/v1/deposits/{draft['id']}/validate", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert (await client.get(f"/api/v1/deposits/{draft['id']}")).json()["status"] == "draft"


async def test_validation_refuses_absurd_figures(shop, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as(shop["operator"])
    draft = (await client.post("/api/v1/deposits", json={})).json()
    for bad in ({"weight_kg": -1}, {"weight_kg": 1e12}, {"weight_kg": 0.0001}, {"quantity": 0}):
        response = await client.post(
            f"/api/v1/deposits/{draft['id']}/validate", json={**FULL, **bad}
        )
        assert response.status_code == 422, bad
    unknown = await client.post(
        f"/api/v1/deposits/{draft['id']}/validate", json={**FULL, "category": "NOPE"}
    )
    assert unknown.json()["code"] == "unknown_category"


async def test_cancel_open_deposits_only(shop, client_as, factory: Factory) -> None:  # type: ignore[no-untyped-def]
    operator = shop["operator"]
    client = client_as(operator)
    for status in (DepositStatus.DRAFT, DepositStatus.CLASSIFIED):
        deposit = await factory.deposit(shop["site"], operator, status=status)
        response = await client.patch(
            f"/api/v1/deposits/{deposit.id}", json={"status": "cancelled"}
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "cancelled"
        # A cancelled deposit is final.
        for method, suffix, json in (
            ("PATCH", "", {"description": "x"}),
            ("POST", "/classify", {"description": "une chaise"}),
            ("POST", "/validate", FULL),
            ("DELETE", "", None),
        ):
            refused = await client.request(
                method, f"/api/v1/deposits/{deposit.id}{suffix}", json=json
            )
            assert refused.status_code == 409, (method, suffix)
            assert refused.json()["code"] in ("invalid_deposit_transition", "deposit_not_draft")
    validated = await factory.deposit(shop["site"], operator, status=DepositStatus.VALIDATED)
    admin = client_as(shop["admin"])
    refused = await admin.patch(f"/api/v1/deposits/{validated.id}", json={"status": "cancelled"})
    assert refused.status_code == 409
    assert "validé" in refused.json()["detail"]
    assert (
        await client.patch(f"/api/v1/deposits/{validated.id}", json={"status": "validated"})
    ).status_code == 422


async def test_a_validated_deposit_is_not_validated_nor_classified_again(
    shop, client_as, factory: Factory
) -> None:  # type: ignore[no-untyped-def]
    deposit = await factory.deposit(shop["site"], shop["operator"], status=DepositStatus.VALIDATED)
    client = client_as(shop["operator"])
    for suffix, json in (("/validate", FULL), ("/classify", {"description": "un frigo"})):
        response = await client.post(f"/api/v1/deposits/{deposit.id}{suffix}", json=json)
        assert response.status_code == 409
        assert response.json()["code"] == "invalid_deposit_transition"


async def test_delete_drafts_only(shop, client_as, factory: Factory) -> None:  # type: ignore[no-untyped-def]
    operator = shop["operator"]
    client = client_as(operator)
    draft = await factory.deposit(shop["site"], operator)
    assert (await client.delete(f"/api/v1/deposits/{draft.id}")).status_code == 204
    assert (await client.get(f"/api/v1/deposits/{draft.id}")).status_code == 404
    for status in (DepositStatus.CLASSIFIED, DepositStatus.VALIDATED, DepositStatus.CANCELLED):
        deposit = await factory.deposit(shop["site"], operator, status=status)
        for actor in (operator, shop["admin"]):
            response = await client_as(actor).delete(f"/api/v1/deposits/{deposit.id}")
            assert response.status_code == 409, status
            assert response.json()["code"] == "deposit_not_draft"
        assert (await client.get(f"/api/v1/deposits/{deposit.id}")).status_code == 200


async def test_operators_edit_and_delete_only_their_own(shop, client_as, factory: Factory) -> None:  # type: ignore[no-untyped-def]
    theirs = await factory.deposit(shop["site"], shop["colleague"], description="Un vélo")
    client = client_as(shop["operator"])
    edit = await client.patch(f"/api/v1/deposits/{theirs.id}", json={"description": "Volé"})
    assert edit.status_code == 403
    assert edit.json()["code"] == "not_owner"
    delete = await client.delete(f"/api/v1/deposits/{theirs.id}")
    assert delete.status_code == 403
    cancel = await client.patch(f"/api/v1/deposits/{theirs.id}", json={"status": "cancelled"})
    assert cancel.status_code == 403
    unchanged = (await client.get(f"/api/v1/deposits/{theirs.id}")).json()
    assert (unchanged["description"], unchanged["status"]) == ("Un vélo", "draft")
    # Any operator may still classify and validate it (reception work is shared).
    validated = await client.post(f"/api/v1/deposits/{theirs.id}/validate", json=FULL)
    assert validated.status_code == 200
    # An admin edits anyone's deposit.
    other = await factory.deposit(shop["site"], shop["colleague"])
    admin_edit = await client_as(shop["admin"]).patch(
        f"/api/v1/deposits/{other.id}", json={"description": "Corrigé"}
    )
    assert admin_edit.status_code == 200
    assert admin_edit.json()["description"] == "Corrigé"


async def test_editing_an_open_deposit(shop, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as(shop["operator"])
    draft = (await client.post("/api/v1/deposits", json={"weight_kg": 3})).json()
    url = f"/api/v1/deposits/{draft['id']}"
    response = await client.patch(
        url,
        json={"category": "tlc", "weight_kg": None, "postal_code": "75011", "channel": "pickup"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["category"], body["weight_kg"]) == ("classified", "TLC", None)
    assert (body["postal_code"], body["channel"]) == ("75011", "pickup")
    for bad in ({"category": None}, {"channel": None}, {"category": "ZZZ"}, {"quantity": -2}):
        refused = await client.patch(url, json=bad)
        assert refused.status_code == 422, bad


async def test_only_an_admin_corrects_a_validated_deposit_and_it_is_audited(
    shop, client_as, factory: Factory
) -> None:  # type: ignore[no-untyped-def]
    operator, admin = shop["operator"], shop["admin"]
    deposit = await factory.deposit(
        shop["site"],
        operator,
        status=DepositStatus.VALIDATED,
        ai_category="EEE-5",
        ai_provider="local",
        ai_confidence=80,
        ai_first_choice_kept=False,
    )
    url = f"/api/v1/deposits/{deposit.id}"
    refused = await client_as(operator).patch(url, json={"weight_kg": 8})
    assert refused.status_code == 403
    assert refused.json()["code"] == "deposit_validated"

    admin_client = client_as(admin)
    for bad in ({"weight_kg": None}, {"quantity": None}):
        assert (await admin_client.patch(url, json=bad)).status_code == 422
    corrected = await admin_client.patch(url, json={"weight_kg": 8.25, "category": "EEE-5"})
    assert corrected.status_code == 200, corrected.text
    body = corrected.json()
    assert (body["status"], body["weight_kg"], body["category"]) == ("validated", 8.25, "EEE-5")
    # Measured against the final category: the AI was right after all.
    assert body["ai_first_choice_kept"] is True

    logs = await admin_client.get(
        "/api/v1/audit-logs", params={"entity_type": "deposit", "entity_id": str(deposit.id)}
    )
    entries = logs.json()["items"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["action"] == "deposit.correct"
    assert entry["actor_id"] == str(admin.id)
    assert entry["before"] == {"category": "MOB", "weight_g": 7500, "ai_first_choice_kept": False}
    assert entry["after"] == {"category": "EEE-5", "weight_g": 8250, "ai_first_choice_kept": True}
