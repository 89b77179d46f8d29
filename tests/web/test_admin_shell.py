"""The back office over plain HTTP: the shell holds no data, the fragment is authorised like
the API (role, own site, another site's id → 404), writes need the CSRF token."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.responses import HTMLResponse

from recyclic.api.cookies import new_csrf_token
from recyclic.models.user import Role
from recyclic.web.admin.nav import NAV
from recyclic.web.admin.shell import AdminPage, admin_router
from tests.factories import TEST_SECRET, Factory, auth_headers

SHELL_PATHS = [entry.path for entry in NAV if entry.in_shell]


@pytest.mark.parametrize("path", SHELL_PATHS)
async def test_every_back_office_page_has_a_strict_shell_without_data(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe" not in policy
    assert "http" not in policy
    html = response.text
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert "<style" not in html
    assert " style=" not in html
    assert re.search(r"<[^>]+\son[a-z]+\s*=", html) is None
    assert re.search(r"\shx-on", html) is None
    # The same HTML for everyone, with or without a session cookie.
    again = await client.get(path, headers={"Cookie": "recyclic_refresh=abc; recyclic_csrf=x"})
    assert again.text == html
    assert 'id="admin-main"' in html
    assert "Chargement" in html


async def test_the_fragment_is_the_dashboard_of_ones_own_site(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site(name="Ressourcerie des Lilas")
    admin = await factory.user(site, role=Role.ADMIN, full_name="Claire Admin")
    response = await client.get("/admin", headers=auth_headers(admin))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    html = response.text
    assert "Ressourcerie des Lilas" in html
    assert "Claire Admin" in html
    assert 'hx-swap-oob="true"' in html
    assert "<title>Tableau de bord — Recyclic</title>" in html
    # An admin sees the admin-only actions and navigation entries.
    assert "data-admin-only" in html
    assert 'href="/admin/utilisateurs"' in html


async def test_a_viewer_sees_no_admin_only_button_nor_entry(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    viewer = await factory.user(site, role=Role.VIEWER)
    html = (await client.get("/admin", headers=auth_headers(viewer))).text
    assert "Tableau de bord" in html
    assert "data-admin-only" not in html
    for entry in NAV:
        shown = f'href="{entry.path}"' in html
        assert shown == Role.VIEWER.at_least(entry.role), entry.path
    # The pages themselves refuse, like the API routes behind them.
    response = await client.get("/admin/utilisateurs", headers=auth_headers(viewer))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_another_sites_id_is_not_found(client: httpx.AsyncClient, factory: Factory) -> None:
    mine, theirs = await factory.site(), await factory.site(name="Autre boutique")
    admin = await factory.user(mine, role=Role.ADMIN)
    for path in ("/admin", "/admin/utilisateurs"):
        response = await client.get(
            path, params={"site_id": str(theirs.id)}, headers=auth_headers(admin)
        )
        assert response.status_code == 404, path
        assert "Autre boutique" not in response.text


async def test_a_super_admin_switches_sites(client: httpx.AsyncClient, factory: Factory) -> None:
    home, other = await factory.site(name="Siège"), await factory.site(name="Antenne Nord")
    chief = await factory.user(home, role=Role.SUPER_ADMIN)
    html = (
        await client.get("/admin", params={"site_id": str(other.id)}, headers=auth_headers(chief))
    ).text
    assert 'id="site-switch"' in html
    assert re.search(rf'<option value="{other.id}" selected>Antenne Nord</option>', html)
    # Links keep the chosen site.
    assert f'href="/admin/utilisateurs?site_id={other.id}"' in html


async def test_a_bad_or_missing_token_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json()["detail"]


async def test_writes_need_the_csrf_token(app, client: httpx.AsyncClient, factory: Factory) -> None:  # type: ignore[no-untyped-def]
    probe = admin_router()

    @probe.post("/admin/_probe")
    async def write(ctx: AdminPage) -> HTMLResponse:
        return HTMLResponse("écrit")

    app.include_router(probe)
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    refused = await client.post("/admin/_probe", headers=auth_headers(admin))
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    token = new_csrf_token(TEST_SECRET)
    client.cookies.set("recyclic_csrf", token)
    accepted = await client.post(
        "/admin/_probe", headers={**auth_headers(admin), "X-CSRF-Token": token}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.text == "écrit"
    # Without the bearer token, a write is not a navigation: refused, never the shell.
    anonymous = await client.post("/admin/_probe", headers={"X-CSRF-Token": token})
    assert anonymous.status_code == 401


async def test_every_entry_of_the_navigation_is_a_page(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """No link of the menu leads nowhere: each entry answers its own page, with its title."""
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    for entry in NAV:
        if not entry.in_shell:
            continue
        response = await client.get(entry.path, headers=auth_headers(admin))
        assert response.status_code == 200, entry.path
        assert 'aria-current="page"' in response.text, entry.path
