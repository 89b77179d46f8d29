"""User management and the role rules of spec §4."""

from __future__ import annotations

from sqlalchemy import select

from recyclic.core.database import Database
from recyclic.models.audit import AuditLog
from recyclic.models.user import Role, UserStatus
from tests.factories import Factory


async def test_admin_lists_only_their_site_with_filters_and_cursor(
    client_as, factory: Factory
) -> None:
    site, other = await factory.site(), await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    for n in range(5):
        await factory.user(site, full_name=f"Opérateur {n}")
    await factory.user(site, status=UserStatus.PENDING, full_name="En attente")
    await factory.user(other, full_name="Ailleurs")
    client = client_as(admin)

    first = (await client.get("/api/v1/users", params={"limit": 3})).json()
    assert len(first["items"]) == 3
    assert first["next_cursor"]
    rest = (
        await client.get("/api/v1/users", params={"limit": 50, "cursor": first["next_cursor"]})
    ).json()
    names = {u["full_name"] for u in first["items"] + rest["items"]}
    assert "Ailleurs" not in names
    assert len(names) == 7

    pending = (await client.get("/api/v1/users", params={"status": "pending"})).json()["items"]
    assert [u["full_name"] for u in pending] == ["En attente"]
    found = (await client.get("/api/v1/users", params={"search": "opérateur 3"})).json()["items"]
    assert [u["full_name"] for u in found] == ["Opérateur 3"]
    wildcard = (await client.get("/api/v1/users", params={"search": "%"})).json()["items"]
    assert wildcard == []


async def test_other_sites_users_are_404(client_as, factory: Factory) -> None:
    site, other = await factory.site(), await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    stranger = await factory.user(other)
    client = client_as(admin)
    assert (await client.get(f"/api/v1/users/{stranger.id}")).status_code == 404
    patch = await client.patch(f"/api/v1/users/{stranger.id}", json={"is_active": False})
    assert patch.status_code == 404
    foreign_list = await client.get("/api/v1/users", params={"site_id": str(other.id)})
    assert foreign_list.status_code == 404


async def test_approval_gives_operator_unless_a_role_is_chosen(client_as, factory: Factory) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    a = await factory.user(site, status=UserStatus.PENDING, role=Role.VIEWER)
    b = await factory.user(site, status=UserStatus.PENDING)
    client = client_as(admin)
    ra = (await client.patch(f"/api/v1/users/{a.id}", json={"status": "approved"})).json()
    assert (ra["status"], ra["role"]) == ("approved", "operator")
    rb = (
        await client.patch(f"/api/v1/users/{b.id}", json={"status": "approved", "role": "viewer"})
    ).json()
    assert (rb["status"], rb["role"]) == ("approved", "viewer")


async def test_reject_then_no_way_back_to_pending(client_as, factory: Factory) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    pending = await factory.user(site, status=UserStatus.PENDING)
    client = client_as(admin)
    rejected = await client.patch(f"/api/v1/users/{pending.id}", json={"status": "rejected"})
    assert rejected.json()["status"] == "rejected"
    back = await client.patch(f"/api/v1/users/{pending.id}", json={"status": "pending"})
    assert (back.status_code, back.json()["code"]) == (409, "invalid_status_transition")


async def test_nobody_edits_their_own_role_or_status(client_as, factory: Factory) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    await factory.user(site, role=Role.ADMIN)
    client = client_as(admin)
    for change in ({"role": "viewer"}, {"is_active": False}, {"status": "rejected"}):
        response = await client.patch(f"/api/v1/users/{admin.id}", json=change)
        assert (response.status_code, response.json()["code"]) == (403, "cannot_edit_self")
    renamed = await client.patch(f"/api/v1/users/{admin.id}", json={"full_name": "Nouveau Nom"})
    assert renamed.status_code == 200


async def test_admin_cannot_grant_super_admin_nor_touch_one(client_as, factory: Factory) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    operator = await factory.user(site)
    boss = await factory.user(site, role=Role.SUPER_ADMIN)
    client = client_as(admin)
    up = await client.patch(f"/api/v1/users/{operator.id}", json={"role": "super_admin"})
    assert (up.status_code, up.json()["code"]) == (403, "role_too_high")
    touch = await client.patch(f"/api/v1/users/{boss.id}", json={"is_active": False})
    assert (touch.status_code, touch.json()["code"]) == (403, "cannot_manage_super_admin")
    create = await client.post(
        "/api/v1/users", json={"telegram_id": 4242, "full_name": "X", "role": "super_admin"}
    )
    assert create.status_code == 403
    promote = await client.patch(f"/api/v1/users/{operator.id}", json={"role": "admin"})
    assert promote.json()["role"] == "admin"


async def test_last_active_admin_cannot_be_demoted_or_deactivated(
    client_as, factory: Factory
) -> None:
    site = await factory.site()
    boss = await factory.user(None, role=Role.SUPER_ADMIN)
    admin = await factory.user(site, role=Role.ADMIN)
    client = client_as(boss)
    for change in ({"role": "operator"}, {"is_active": False}):
        response = await client.patch(f"/api/v1/users/{admin.id}", json=change)
        assert (response.status_code, response.json()["code"]) == (409, "last_admin")
    anonymize = await client.post(f"/api/v1/users/{admin.id}/anonymize")
    assert anonymize.status_code == 409
    await factory.user(site, role=Role.ADMIN)
    ok = await client.patch(f"/api/v1/users/{admin.id}", json={"role": "operator"})
    assert ok.status_code == 200


async def test_only_a_super_admin_moves_users_between_sites(client_as, factory: Factory) -> None:
    site, other = await factory.site(), await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    boss = await factory.user(None, role=Role.SUPER_ADMIN)
    operator = await factory.user(site)
    refused = await client_as(admin).patch(
        f"/api/v1/users/{operator.id}", json={"site_id": str(other.id)}
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "site_change_forbidden")
    moved = await client_as(boss).patch(
        f"/api/v1/users/{operator.id}", json={"site_id": str(other.id)}
    )
    assert moved.json()["site_id"] == str(other.id)


async def test_create_user_by_telegram_id_or_pin_only(client_as, factory: Factory) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    client = client_as(admin)
    by_tg = await client.post("/api/v1/users", json={"telegram_id": 31337, "full_name": "Marc"})
    assert by_tg.status_code == 201
    body = by_tg.json()
    assert (body["status"], body["role"], body["site_id"]) == ("approved", "operator", str(site.id))
    pin_only = await client.post(
        "/api/v1/users", json={"full_name": "Sans Telegram", "pin": "4821"}
    )
    assert pin_only.status_code == 201
    assert pin_only.json()["has_pin"] is True
    assert pin_only.json()["telegram_id"] is None
    neither = await client.post("/api/v1/users", json={"full_name": "Personne"})
    assert (neither.status_code, neither.json()["code"]) == (422, "identifier_required")
    dup = await client.post("/api/v1/users", json={"telegram_id": 31337, "full_name": "Marc"})
    assert (dup.status_code, dup.json()["code"]) == (409, "telegram_id_taken")


async def test_creating_a_pending_telegram_user_approves_the_registration(
    client_as, factory: Factory
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    pending = await factory.user(site, status=UserStatus.PENDING)
    response = await client_as(admin).post(
        "/api/v1/users",
        json={"telegram_id": pending.telegram_id, "full_name": "Validée", "role": "viewer"},
    )
    assert response.status_code == 201
    assert response.json()["id"] == str(pending.id)
    assert (response.json()["status"], response.json()["role"]) == ("approved", "viewer")


async def test_anonymisation_erases_personal_data_but_keeps_the_id(
    client_as, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    user = await factory.user(site, full_name="Jean Dupont", username="jdupont", pin="4821")
    client = client_as(admin)
    await client.patch(f"/api/v1/users/{user.id}", json={"full_name": "Jean-Pierre Dupont"})
    response = await client.post(f"/api/v1/users/{user.id}/anonymize")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(user.id)
    assert body["telegram_id"] is None
    assert body["username"] is None
    assert "Dupont" not in response.text
    assert body["is_active"] is False
    assert body["has_pin"] is False
    async with database.unit_of_work(write=False) as session:
        entries = (
            await session.scalars(select(AuditLog).where(AuditLog.entity_id == str(user.id)))
        ).all()
    assert {e.action for e in entries} >= {"user.update", "user.anonymize"}
    assert all("Dupont" not in str(e.before) + str(e.after) for e in entries)


async def test_every_change_is_audited_with_before_and_after(
    client_as, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    user = await factory.user(site)
    await client_as(admin).patch(f"/api/v1/users/{user.id}", json={"role": "viewer"})
    async with database.unit_of_work(write=False) as session:
        entry = await session.scalar(
            select(AuditLog).where(
                AuditLog.entity_id == str(user.id), AuditLog.action == "user.update"
            )
        )
    assert entry is not None
    assert entry.actor_id == admin.id
    assert entry.before == {"role": "operator"}
    assert entry.after == {"role": "viewer"}
    listed = (
        await client_as(admin).get("/api/v1/audit-logs", params={"entity_type": "user"})
    ).json()
    assert any(e["entity_id"] == str(user.id) for e in listed["items"])


async def test_viewer_and_operator_cannot_manage_users(client_as, factory: Factory) -> None:
    site = await factory.site()
    for role in (Role.VIEWER, Role.OPERATOR):
        user = await factory.user(site, role=role)
        response = await client_as(user).get("/api/v1/users")
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")


async def test_pending_user_without_site_is_assigned_by_a_super_admin(
    client_as, factory: Factory
) -> None:
    site = await factory.site()
    await factory.site()
    boss = await factory.user(None, role=Role.SUPER_ADMIN)
    waiting = await factory.user(None, status=UserStatus.PENDING)
    client = client_as(boss)
    no_site = await client.patch(f"/api/v1/users/{waiting.id}", json={"status": "approved"})
    assert (no_site.status_code, no_site.json()["code"]) == (422, "site_required")
    done = await client.patch(
        f"/api/v1/users/{waiting.id}", json={"status": "approved", "site_id": str(site.id)}
    )
    assert done.status_code == 200
    assert done.json()["site_id"] == str(site.id)
