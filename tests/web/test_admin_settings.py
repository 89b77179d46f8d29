"""The site settings page over HTTP: admins edit their own site (a super admin the chosen
one), everything is saved at once through SiteService (audited), French errors in the form
(422, nothing written), another site's id is a 404."""

from __future__ import annotations

import httpx

from recyclic.core.database import Database
from recyclic.models.user import Role
from recyclic.repositories.site_repository import SiteRepository
from tests.factories import Factory, auth_headers
from tests.web.test_admin_categories import write_headers

FORM = [
    ("name", "Ressourcerie du Port"),
    ("legal_name", "Association Le Port"),
    ("siret", "123 456 789 00011"),
    ("address", "1 quai Est\n29200 Brest"),
    ("contact_email", "contact@port.example"),
    ("receipt_footer", "Merci pour le réemploi !"),
    ("vat_mode", "standard"),
    ("cash_variance_threshold", "2,50"),
    ("payment_methods", "transfer"),
    ("payment_methods", "local_currency"),
    ("audio_retention_days", "14"),
    ("preset_label", "Sac de vêtements"),
    ("preset_category", "tlc"),
    ("preset_price", "5"),
    ("preset_quantity", "1"),
    ("preset_label", ""),
    ("preset_category", ""),
    ("preset_price", ""),
    ("preset_quantity", ""),
]


async def test_an_admin_saves_the_sites_settings(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    viewer = await factory.user(site, role=Role.VIEWER)
    assert (await client.get("/admin/reglages", headers=auth_headers(viewer))).status_code == 403
    page = await client.get("/admin/reglages", headers=auth_headers(admin))
    assert page.status_code == 200
    assert f'value="{site.name}"' in page.text

    refused = await client.post(
        "/admin/reglages", content=_encode(FORM), headers=_form(auth_headers(admin))
    )
    assert refused.status_code == 403
    saved = await client.post(
        "/admin/reglages", content=_encode(FORM), headers=_form(write_headers(client, admin))
    )
    assert saved.status_code == 200, saved.text
    assert "Réglages enregistrés." in saved.text
    async with database.unit_of_work() as session:
        stored = await SiteRepository(session).get(site.id)
        assert stored is not None
        assert stored.name == "Ressourcerie du Port"
        assert stored.siret == "12345678900011"
        settings = stored.settings
    assert settings["vat_mode"] == "standard"
    assert settings["cash_variance_threshold"] == 250
    assert settings["payment_methods"] == ["transfer", "local_currency"]
    assert settings["audio_retention_days"] == 14
    assert settings["till_presets"] == [
        {"label": "Sac de vêtements", "category": "TLC", "unit_price": 500, "quantity": 1}
    ]
    # The API reads the same.
    api = (await client.get(f"/api/v1/sites/{site.id}", headers=auth_headers(admin))).json()
    assert api["settings"]["cash_variance_threshold"] == 2.5
    # Shown back as stored.
    assert 'value="2,50"' in saved.text
    assert 'value="Sac de vêtements"' in saved.text


async def test_mistakes_come_back_in_the_form_and_nothing_is_written(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    for field, value, marker in (
        ("cash_variance_threshold", "-3", 'id="e-cash_variance_threshold"'),
        ("siret", "123", 'id="e-siret"'),
        ("contact_email", "pas-un-email", 'id="e-contact_email"'),
        ("preset_price", "cinq", "data-preset-error"),
    ):
        form = [(k, value if k == field and (k != "preset_price" or v) else v) for k, v in FORM]
        response = await client.post(
            "/admin/reglages", content=_encode(form), headers=_form(write_headers(client, admin))
        )
        assert response.status_code == 422, field
        assert marker in response.text, field
        assert "Rien n&#39;a été enregistré" in response.text or "Rien n'a été" in response.text
    # A category that does not exist: the service's French error (JSON, shown by the page).
    form = [(k, "ZZZ" if k == "preset_category" and v else v) for k, v in FORM]
    response = await client.post(
        "/admin/reglages", content=_encode(form), headers=_form(write_headers(client, admin))
    )
    assert response.status_code == 422
    assert "ZZZ" in response.json()["detail"]
    async with database.unit_of_work() as session:
        stored = await SiteRepository(session).get(site.id)
        assert stored is not None
        assert stored.name == site.name


async def test_a_super_admin_edits_the_chosen_site_and_others_get_404(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    home, other = await factory.site(), await factory.site()
    chief = await factory.user(home, role=Role.SUPER_ADMIN)
    admin = await factory.user(home, role=Role.ADMIN)
    page = await client.get(
        "/admin/reglages", params={"site_id": str(other.id)}, headers=auth_headers(chief)
    )
    assert page.status_code == 200
    assert f'hx-post="/admin/reglages?site_id={other.id}"' in page.text
    saved = await client.post(
        f"/admin/reglages?site_id={other.id}",
        content=_encode(FORM),
        headers=_form(write_headers(client, chief)),
    )
    assert saved.status_code == 200
    async with database.unit_of_work() as session:
        changed = await SiteRepository(session).get(other.id)
        untouched = await SiteRepository(session).get(home.id)
        assert changed is not None
        assert untouched is not None
        assert changed.name == "Ressourcerie du Port"
        assert untouched.name == home.name
    for call in (
        client.get(
            "/admin/reglages", params={"site_id": str(other.id)}, headers=auth_headers(admin)
        ),
        client.post(
            f"/admin/reglages?site_id={other.id}",
            content=_encode(FORM),
            headers=_form(write_headers(client, admin)),
        ),
    ):
        assert (await call).status_code == 404


def _encode(pairs: list[tuple[str, str]]) -> bytes:
    from urllib.parse import urlencode

    return urlencode(pairs).encode()


def _form(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Content-Type": "application/x-www-form-urlencoded"}
