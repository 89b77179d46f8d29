"""Cash sessions and their Z reports in the back office over HTTP: viewers may read (like
`GET /api/v1/cash-sessions`), another site's session is a 404, filters and the cursor live in
the URL, sessions open for more than 24 h are flagged, and the Z report shows the figures of
`services/cash/z_report.py`."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from recyclic.models.base import utcnow
from recyclic.models.cash import CashSession
from recyclic.models.user import Role
from recyclic.schemas.cash import SessionClose
from recyclic.services.cash.sessions import CashService
from tests.factories import Factory, auth_headers


async def close(factory: Factory, cash_session: CashSession, admin: object, amount: str) -> None:
    async with factory.database.unit_of_work() as session:
        await CashService(session).close_session(
            admin,  # type: ignore[arg-type]
            cash_session.id,
            SessionClose(actual_amount=amount, kept_float="50", variance_comment="Pièce perdue"),  # type: ignore[arg-type]
        )


async def test_viewers_read_sessions_and_the_z_report(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site(name="Ressourcerie des Lilas")
    admin = await factory.user(site, role=Role.ADMIN)
    viewer = await factory.user(site, role=Role.VIEWER)
    cashier = await factory.user(site, full_name="Lucas Caisse")
    register = await factory.register(site, name="Caisse comptoir")
    till = await factory.open_session(register, cashier, opening="50")
    await factory.sale(till, cashier)  # 12 € paid 20 € cash
    await close(factory, till, admin, "61")  # expected 62 €: 1 € short

    html = (await client.get("/admin/sessions", headers=auth_headers(viewer))).text
    assert "Caisse comptoir" in html
    assert "Lucas Caisse" in html
    assert "12,00 €" in html
    assert "−1,00 €" in html or "-1,00 €" in html
    assert "Rapport Z" in html

    report = await client.get(f"/admin/sessions/{till.id}", headers=auth_headers(viewer))
    assert report.status_code == 200
    z = report.text
    assert '<h1 tabindex="-1">Rapport Z</h1>' in z
    assert 'data-figure="net">12,00 €' in z
    assert 'data-figure="expected">62,00 €' in z
    assert "Espèces" in z
    # Categories by their label, the code beside it.
    assert '<th scope="row">Mobilier et literie <span class="muted">MOB</span></th>' in z
    assert "Association Ressourcerie" in z or "Ressourcerie des Lilas" in z
    assert 'data-action="print"' in z
    # A viewer sees no button that writes.
    assert "hx-post" not in z
    assert "hx-post" not in html


async def test_stale_sessions_are_flagged_and_filters_live_in_the_url(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    first, second = await factory.register(site, name="Caisse A"), await factory.register(site)
    old = await factory.open_session(first, await factory.user(site))
    await factory.open_session(second, await factory.user(site))
    async with factory.database.unit_of_work() as session:
        await session.execute(
            update(CashSession)
            .where(CashSession.id == old.id)
            .values(opened_at=utcnow() - timedelta(hours=30))
        )
    html = (await client.get("/admin/sessions", headers=auth_headers(admin))).text
    assert "data-stale-alert" in html
    assert html.count('class="is-stale"') == 1
    assert "depuis plus de 24 h" in html
    only_a = (
        await client.get(
            "/admin/sessions",
            params={"caisse": str(first.id), "statut": "ouvertes"},
            headers=auth_headers(admin),
        )
    ).text
    assert only_a.count('<tr data-session="') == 1
    assert f'<option value="{first.id}" selected>' in only_a
    report = (await client.get(f"/admin/sessions/{old.id}", headers=auth_headers(admin))).text
    assert "Rapport X (session en cours)" in report
    assert "data-stale-alert" in report
    closed = await client.get(
        "/admin/sessions", params={"statut": "closes"}, headers=auth_headers(admin)
    )
    assert "Aucune session" in closed.text
    bad = await client.get("/admin/sessions", params={"du": "hier"}, headers=auth_headers(admin))
    assert bad.status_code == 422


async def test_sessions_page_with_the_cursor(client: httpx.AsyncClient, factory: Factory) -> None:
    site = await factory.site()
    viewer = await factory.user(site, role=Role.VIEWER)
    for _ in range(32):
        await factory.open_session(await factory.register(site), await factory.user(site))
    html = (await client.get("/admin/sessions", headers=auth_headers(viewer))).text
    assert html.count('<tr data-session="') == 30
    cursor = html.split("cursor=", 1)[1].split('"', 1)[0].split("&", 1)[0]
    rest = await client.get(f"/admin/sessions?cursor={cursor}", headers=auth_headers(viewer))
    assert rest.text.count('<tr data-session="') == 2


@pytest.mark.parametrize("path", ["/admin/sessions/{id}"])
async def test_another_sites_session_is_not_found(
    client: httpx.AsyncClient, factory: Factory, path: str
) -> None:
    site, elsewhere = await factory.site(), await factory.site()
    viewer = await factory.user(site, role=Role.VIEWER)
    theirs = await factory.open_session(
        await factory.register(elsewhere), await factory.user(elsewhere)
    )
    response = await client.get(path.format(id=theirs.id), headers=auth_headers(viewer))
    assert response.status_code == 404
    # A super admin sees it from its own site's pages, not from another site's.
    chief = await factory.user(site, role=Role.SUPER_ADMIN)
    mine = await client.get(path.format(id=theirs.id), headers=auth_headers(chief))
    assert mine.status_code == 404
    theirs_page = await client.get(
        path.format(id=theirs.id),
        params={"site_id": str(elsewhere.id)},
        headers=auth_headers(chief),
    )
    assert theirs_page.status_code == 200
