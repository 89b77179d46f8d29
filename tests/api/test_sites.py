"""Sites: isolation, settings, and secrets that never come back."""

from __future__ import annotations

from recyclic.models.user import Role
from tests.factories import Factory


async def test_members_see_only_their_site(client_as, factory: Factory) -> None:
    site, other = await factory.site(), await factory.site()
    viewer = await factory.user(site, role=Role.VIEWER)
    client = client_as(viewer)
    listed = (await client.get("/api/v1/sites")).json()
    assert [s["id"] for s in listed] == [str(site.id)]
    assert (await client.get(f"/api/v1/sites/{site.id}")).status_code == 200
    assert (await client.get(f"/api/v1/sites/{other.id}")).status_code == 404


async def test_super_admin_creates_sites_admins_cannot(client_as, factory: Factory) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    boss = await factory.user(None, role=Role.SUPER_ADMIN)
    body = {
        "name": "Ressourcerie d'Évreux",
        "timezone": "Europe/Paris",
        "siret": "123 456 789 00012",
    }
    assert (await client_as(admin).post("/api/v1/sites", json=body)).status_code == 403
    created = await client_as(boss).post("/api/v1/sites", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["slug"] == "ressourcerie-d-evreux"
    assert created.json()["siret"] == "12345678900012"
    again = await client_as(boss).post("/api/v1/sites", json=body)
    assert (again.status_code, again.json()["code"]) == (409, "site_slug_taken")


async def test_admin_updates_settings_and_sync_secrets_are_never_returned(
    client_as, factory: Factory
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    client = client_as(admin)
    response = await client.patch(
        f"/api/v1/sites/{site.id}",
        json={
            "settings": {
                "cash_variance_threshold": 2.5,
                "vat_mode": "standard",
                "payment_methods": ["voucher"],
                "eco_organisms": {"EEE-3": "ecosystem"},
            },
            "sync": {
                "kdrive_url": "https://123.connect.kdrive.infomaniak.com",
                "kdrive_username": "shop@example.org",
                "kdrive_password": "app-password-s3cret",
            },
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["settings"]["cash_variance_threshold"] == 2.5
    assert body["settings"]["vat_mode"] == "standard"
    assert body["sync"]["kdrive_password_set"] is True
    assert "app-password-s3cret" not in response.text
    fetched = await client.get(f"/api/v1/sites/{site.id}")
    assert "app-password-s3cret" not in fetched.text
    audit = await client.get("/api/v1/audit-logs", params={"entity_type": "site"})
    assert "app-password-s3cret" not in audit.text
    assert audit.json()["items"]


async def test_bad_settings_are_clear_422s(client_as, factory: Factory) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    client = client_as(admin)
    cases = [
        {"settings": {"cash_variance_threshold": 1.005}},
        {"settings": {"cash_variance_threshold": -1}},
        {"settings": {"vat_mode": "sometimes"}},
        {"settings": {"eco_organisms": {"XYZ": "ecologic"}}},
        {"settings": {"payment_methods": ["bitcoin"]}},
        {"timezone": "Europe/Atlantis"},
        {"siret": "123"},
        {"unknown_field": 1},
    ]
    for body in cases:
        response = await client.patch(f"/api/v1/sites/{site.id}", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"]


async def test_admin_of_another_site_cannot_update_it(client_as, factory: Factory) -> None:
    site, other = await factory.site(), await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    response = await client_as(admin).patch(f"/api/v1/sites/{other.id}", json={"name": "Pris"})
    assert response.status_code == 404


async def test_operator_cannot_update_the_site(client_as, factory: Factory) -> None:
    site = await factory.site()
    operator = await factory.user(site)
    response = await client_as(operator).patch(f"/api/v1/sites/{site.id}", json={"name": "X"})
    assert response.status_code == 403
