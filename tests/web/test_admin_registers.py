"""Registers and paired tablets in the back office over HTTP: admins only, another site's
register or tablet is a 404, writes need the CSRF token, a blank name is a form error, and
pairing gives the asking browser the same credential as `POST /api/v1/devices`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from recyclic.core.database import Database
from recyclic.models.cash import CashRegister
from recyclic.models.device import PairedDevice
from recyclic.models.user import Role
from tests.factories import Factory, auth_headers
from tests.web.test_admin_people import writer


@pytest.fixture
async def browser(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """A client keeping cookies like a browser on an HTTPS origin (Secure cookies)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


async def devices(database: Database) -> list[PairedDevice]:
    async with database.unit_of_work(write=False) as session:
        return list((await session.scalars(select(PairedDevice))).all())


async def test_registers_and_their_tablets_for_admins_only(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    counter = await factory.register(site, name="Caisse comptoir")
    await factory.device(counter, admin)
    await factory.register(await factory.site(), name="Caisse d'ailleurs")
    html = (await client.get("/admin/caisses", headers=auth_headers(admin))).text
    assert "Caisse comptoir" in html
    assert "Caisse d&#39;ailleurs" not in html
    assert "Tablette " in html
    assert "Révoquer" in html
    assert "Associer cette tablette" in html
    for role in (Role.VIEWER, Role.OPERATOR):
        person = await factory.user(site, role=role)
        assert (await client.get("/admin/caisses", headers=auth_headers(person))).status_code == 403


async def test_create_rename_and_deactivate_a_register(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    blank = await client.post("/admin/caisses", headers=writer(client, admin), data={"name": " "})
    assert blank.status_code == 422
    assert 'id="name-new-error"' in blank.text
    refused = await client.post("/admin/caisses", headers=auth_headers(admin), data={"name": "X"})
    assert refused.status_code == 403
    created = await client.post(
        "/admin/caisses", headers=writer(client, admin), data={"name": "Caisse atelier"}
    )
    assert created.status_code == 200
    assert "Caisse « Caisse atelier » créée." in created.text
    async with database.unit_of_work(write=False) as session:
        register = await session.scalar(select(CashRegister).where(CashRegister.site_id == site.id))
    assert register is not None
    assert register.name == "Caisse atelier"
    taken = await client.post(
        "/admin/caisses", headers=writer(client, admin), data={"name": "Caisse atelier"}
    )
    assert taken.status_code == 409
    renamed = await client.post(
        f"/admin/caisses/{register.id}/renommer",
        headers=writer(client, admin),
        data={"name": "Caisse boutique"},
    )
    assert "Caisse renommée « Caisse boutique »." in renamed.text
    off = await client.post(
        f"/admin/caisses/{register.id}/activation",
        headers=writer(client, admin),
        data={"actif": "false"},
    )
    assert "désactivée" in off.text
    assert "Réactiver la caisse" in off.text
    # A deactivated register takes no tablet: the form is not offered.
    assert f"/admin/caisses/{register.id}/associer" not in off.text


async def test_pairing_this_browser_then_renaming_and_revoking_the_tablet(
    browser: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    register = await factory.register(site, name="Caisse comptoir")
    blank = await browser.post(
        f"/admin/caisses/{register.id}/associer", headers=writer(browser, admin), data={}
    )
    assert blank.status_code == 422
    assert await devices(database) == []
    paired = await browser.post(
        f"/admin/caisses/{register.id}/associer",
        headers=writer(browser, admin),
        data={"name": "Tablette comptoir"},
    )
    assert paired.status_code == 200, paired.text
    assert "Cette tablette est associée" in paired.text
    cookie = next(
        h for h in paired.headers.get_list("set-cookie") if h.startswith("recyclic_device=")
    ).lower()
    for attribute in ("httponly", "secure", "samesite=strict", "path=/api/v1"):
        assert attribute in cookie
    # The browser is now the register's tablet, exactly as after POST /api/v1/devices.
    current = await browser.get("/api/v1/devices/current")
    assert current.status_code == 200, current.text
    assert current.json()["cash_register"]["name"] == "Caisse comptoir"
    [device] = await devices(database)

    renamed = await browser.post(
        f"/admin/caisses/tablettes/{device.id}/renommer",
        headers=writer(browser, admin),
        data={"name": "Tablette entrée"},
    )
    assert "Tablette renommée « Tablette entrée »." in renamed.text
    revoked = await browser.post(
        f"/admin/caisses/tablettes/{device.id}/revoquer", headers=writer(browser, admin)
    )
    assert revoked.status_code == 200
    assert "révoquée" in revoked.text
    after = await browser.get("/api/v1/devices/current")
    assert after.status_code == 401
    assert after.json()["code"] == "device_unknown"


async def test_another_sites_register_or_tablet_is_not_found(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site, elsewhere = await factory.site(), await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    their_admin = await factory.user(elsewhere, role=Role.ADMIN)
    theirs = await factory.register(elsewhere, name="Leur caisse")
    their_tablet = await factory.device(theirs, their_admin)
    for path, data in (
        (f"/admin/caisses/{theirs.id}/renommer", {"name": "À moi"}),
        (f"/admin/caisses/{theirs.id}/associer", {"name": "Intruse"}),
        (f"/admin/caisses/tablettes/{their_tablet.id}/revoquer", {}),
    ):
        response = await client.post(path, headers=writer(client, admin), data=data)
        assert response.status_code == 404, path
    [device] = await devices(database)
    assert device.revoked_at is None
    response = await client.get(
        "/admin/caisses", params={"site_id": str(elsewhere.id)}, headers=auth_headers(admin)
    )
    assert response.status_code == 404
