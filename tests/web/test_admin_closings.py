"""Closings in the back office over HTTP: viewers read the closings and the grand total (like
`GET /api/v1/closings`), only admins close a period (like `POST /api/v1/closings`), with the
service's refusals (already closed, session still open), form errors as 422, another site's
closing a 404."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import httpx

from recyclic.models.user import Role
from tests.factories import Factory, auth_headers
from tests.web.test_admin_people import writer
from tests.web.test_admin_sessions import close


def today(timezone: str = "Europe/Paris") -> str:
    return datetime.now(ZoneInfo(timezone)).date().isoformat()


async def test_an_admin_closes_a_day_and_sees_the_grand_total(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    cashier = await factory.user(site)
    till = await factory.open_session(await factory.register(site), cashier)
    await factory.sale(till, cashier)
    await factory.sale(till, cashier)

    html = (await client.get("/admin/clotures", headers=auth_headers(admin))).text
    assert 'data-figure="grand-total">24,00 €' in html
    assert "Clôture journalière" in html
    assert "Aucune clôture" in html

    # The session of the day is still open: the service refuses, nothing is written.
    refused = await client.post(
        "/admin/clotures",
        headers=writer(client, admin),
        data={"kind": "daily", "date": today()},
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "session_still_open"

    await close(factory, till, admin, "74")
    done = await client.post(
        "/admin/clotures",
        headers=writer(client, admin),
        data={"kind": "daily", "date": today()},
    )
    assert done.status_code == 200, done.text
    day = date.fromisoformat(today())
    assert f"Clôture journalière enregistrée ({day:%d/%m/%Y}), journal n° " in done.text
    assert done.text.count('<tr data-closing="') == 1
    assert "24,00 €" in done.text
    again = await client.post(
        "/admin/clotures",
        headers=writer(client, admin),
        data={"kind": "daily", "date": today()},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "period_already_closed"

    closing_id = done.text.split('<tr data-closing="', 1)[1].split('"', 1)[0]
    detail = await client.get(f"/admin/clotures/{closing_id}", headers=auth_headers(admin))
    assert detail.status_code == 200
    assert 'data-figure="net">24,00 €' in detail.text
    assert 'data-figure="grand-total">24,00 €' in detail.text
    assert "Empreinte" in detail.text
    # The list filters by kind, in the URL.
    monthly = await client.get(
        "/admin/clotures", params={"type": "monthly"}, headers=auth_headers(admin)
    )
    assert "Aucune clôture" in monthly.text


async def test_bad_periods_are_form_errors(client: httpx.AsyncClient, factory: Factory) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    for data in ({"kind": "monthly", "date": "novembre"}, {"kind": "weekly", "date": "2026"}):
        response = await client.post("/admin/clotures", headers=writer(client, admin), data=data)
        assert response.status_code == 422, data
        assert "Indiquez la période" in response.text
    future = await client.post(
        "/admin/clotures", headers=writer(client, admin), data={"kind": "yearly", "date": "2999"}
    )
    assert future.status_code == 422
    assert future.json()["code"] == "period_in_future"
    without_csrf = await client.post(
        "/admin/clotures", headers=auth_headers(admin), data={"kind": "yearly", "date": "2020"}
    )
    assert without_csrf.status_code == 403
    html = (await client.get("/admin/clotures", headers=auth_headers(admin))).text
    assert "Aucune clôture" in html


async def test_viewers_read_but_never_close(client: httpx.AsyncClient, factory: Factory) -> None:
    site = await factory.site()
    viewer = await factory.user(site, role=Role.VIEWER)
    html = (await client.get("/admin/clotures", headers=auth_headers(viewer))).text
    assert "Grand total perpétuel" in html
    assert "hx-post" not in html
    assert "data-admin-only" not in html
    response = await client.post(
        "/admin/clotures", headers=writer(client, viewer), data={"kind": "yearly", "date": "2020"}
    )
    assert response.status_code == 403


async def test_another_sites_closing_is_not_found(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site, elsewhere = await factory.site(), await factory.site()
    viewer = await factory.user(site, role=Role.VIEWER)
    their_admin = await factory.user(elsewhere, role=Role.ADMIN)
    made = await client.post(
        "/admin/clotures",
        headers=writer(client, their_admin),
        data={"kind": "yearly", "date": "2020"},
    )
    assert made.status_code == 200, made.text
    closing_id = made.text.split('<tr data-closing="', 1)[1].split('"', 1)[0]
    response = await client.get(f"/admin/clotures/{closing_id}", headers=auth_headers(viewer))
    assert response.status_code == 404
    listed = await client.get("/admin/clotures", headers=auth_headers(viewer))
    assert closing_id not in listed.text
