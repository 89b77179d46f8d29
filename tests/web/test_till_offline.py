"""Never lose a ticket: offline selling across a reload, lost answers, a server restarted
while tickets wait, and refusals kept for a person to see."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select

from recyclic.models.sale import Sale
from recyclic.models.site import Site
from tests.factories import auth_headers
from tests.support.server import RecyclicServer
from tests.web.conftest import BrowserPage, WebShop, new_browser_page, server_env
from tests.web.till import Till, wait_for_service_worker


async def _open_till(web: BrowserPage, shop: WebShop) -> Till:
    till = Till(web)
    await till.login_on_connexion(shop.cashier.telegram_id)  # type: ignore[arg-type]
    await web.page.click(f'[data-register="{shop.register.id}"]')
    await till.open_session("50")
    return till


async def _sale_ids(shop: WebShop) -> set[str]:
    async with shop.factory.database.unit_of_work(write=False) as session:
        rows = await session.scalars(select(Sale.id).where(Sale.site_id == shop.site.id))
        return {str(i) for i in rows}


async def _journal_is_intact(base_url: str, shop: WebShop) -> None:
    async with httpx.AsyncClient(base_url=base_url) as api:
        verified = await api.get(
            "/api/v1/journal/verify",
            params={"site_id": str(shop.site.id)},
            headers=auth_headers(shop.admin),
        )
    assert verified.status_code == 200, verified.text
    assert verified.json()["ok"] is True


async def test_offline_tickets_survive_a_reload_and_reach_the_server(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    till = await _open_till(web_page, web_shop)
    page = web_page.page
    await wait_for_service_worker(page)

    await web_page.context.set_offline(True)
    for price in ("2", "3", "4", "5", "6"):
        await till.sell(price, "VAI")
        await till.checkout()
        await till.pay_cash_note(int(price) * 100)
    assert await till.pending_count() == 5
    await page.wait_for_selector('[data-status="offline"]')
    assert "5 tickets en attente" in await page.inner_text("#till-status")
    queued = await page.evaluate("window.__till.outbox.pending().then(l => l.map(e => e.id))")

    # Reloaded while still offline: the shell comes from the service worker, the tickets
    # are still there, and the cashier keeps selling.
    response = await page.reload()
    assert response is not None
    assert response.from_service_worker
    await page.wait_for_selector(".category-grid")
    assert await till.pending_count() == 5
    await page.wait_for_selector('[data-status="pending"]')
    await web_page.shot("till-offline")

    await web_page.context.set_offline(False)
    await till.wait_until_sent(30)
    refused = await page.evaluate("window.__till.outbox.attention()")
    assert [(r["code"], r["error"]) for r in refused] == []
    assert await _sale_ids(web_shop) == set(queued)
    await _journal_is_intact(web_page.base_url, web_shop)
    await page.wait_for_selector('[data-status="online"]')


async def test_a_lost_answer_never_makes_a_second_sale(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    till = await _open_till(web_page, web_shop)
    page = web_page.page
    dropped: list[int] = []

    async def drop_first_answer(route: Any) -> None:
        if route.request.method == "POST" and not dropped:
            stored = await route.fetch()  # the server stores the sale...
            dropped.append(stored.status)
            await route.abort("connectionreset")  # ...but its answer never arrives
            return
        await route.continue_()

    await page.route("**/api/v1/sales", drop_first_answer)
    await till.sell("7", "LIV")
    await till.checkout()
    await till.pay_cash_note(1000)
    await till.wait_until_sent(30)
    assert dropped == [201]
    async with web_shop.factory.database.unit_of_work(write=False) as session:
        count = await session.scalar(
            select(func.count()).select_from(Sale).where(Sale.site_id == web_shop.site.id)
        )
    assert count == 1


async def test_tickets_wait_for_a_stopped_server_and_drain_when_it_restarts(
    browser: Any, web_shop: WebShop, web_settings: Any, tmp_path: Any
) -> None:
    server = RecyclicServer(data_dir=tmp_path, env=server_env(web_settings))
    server.start()
    web = await new_browser_page(browser, server.url)
    try:
        till = await _open_till(web, web_shop)
        server.stop()
        for price in ("2", "3", "4"):
            await till.sell(price, "DEC")
            await till.checkout()
            await till.pay_cash_note(int(price) * 100)
        assert await till.pending_count() == 3
        server.start()
        await till.wait_until_sent(45)
        assert len(await _sale_ids(web_shop)) == 3
        await _journal_is_intact(server.url, web_shop)
    finally:
        await web.context.close()
        server.stop()


async def test_a_refused_ticket_is_shown_and_kept(web_page: BrowserPage, web_shop: WebShop) -> None:
    till = await _open_till(web_page, web_shop)
    page = web_page.page
    await web_page.context.set_offline(True)
    await till.sell("9", "MOB")
    await till.checkout()
    await till.pay_cash_note(900)
    session_id = await page.evaluate("window.__till.context.session.id")

    # Meanwhile an admin closes the session from another device.
    async with httpx.AsyncClient(base_url=web_page.base_url) as api:
        closed = await api.post(
            f"/api/v1/cash-sessions/{session_id}/close",
            json={"actual_amount": 50, "kept_float": 50},
            headers=auth_headers(web_shop.admin),
        )
    assert closed.status_code == 200, closed.text

    await web_page.context.set_offline(False)
    await page.wait_for_selector('[data-status="attention"]', timeout=30_000)
    assert await till.pending_count() == 0
    kept = await page.evaluate("window.__till.outbox.attention()")
    assert len(kept) == 1
    assert kept[0]["code"] == "cash_session_closed"
    await page.click('[data-status="attention"]')
    await page.wait_for_selector(".ticket-attention")
    assert "clôturée" in await page.inner_text(".ticket-attention")
    await web_page.shot("till-refused-ticket")
    assert await _sale_ids(web_shop) == set()


async def test_text_typed_by_people_is_shown_as_text(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    hostile = '<img src=x onerror="window.__xss=1">Vaisselle'
    async with httpx.AsyncClient(base_url=web_page.base_url) as api:
        headers = auth_headers(web_shop.admin)
        code = f"X{uuid.uuid4().hex[:6].upper()}"
        created = await api.post(
            "/api/v1/categories",
            json={"code": code, "label": hostile, "family": "DIV", "display_order": 1},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        preset = await api.patch(
            f"/api/v1/sites/{web_shop.site.id}",
            json={
                "settings": {
                    "till_presets": [{"label": "<b>Don</b>", "category": code, "unit_price": 0}]
                }
            },
            headers=headers,
        )
        assert preset.status_code == 200, preset.text
    try:
        till = await _open_till(web_page, web_shop)
        page = web_page.page
        key = page.locator(f'[data-category="{code}"]')
        assert await key.inner_text() == f"{hostile}\nA"
        await page.click('[data-preset="<b>Don</b>"]')
        assert "<b>Don</b>" in await page.inner_text(".ticket-lines")
        await till.sell("1", code)
        assert hostile in await page.inner_text(".ticket-lines")
        assert await page.locator("img").count() == 0
        assert await page.locator(".ticket-lines b").count() == 0
        assert await page.evaluate("window.__xss") is None
    finally:
        async with web_shop.factory.database.unit_of_work() as session:
            site = await session.get(Site, web_shop.site.id)
            assert site is not None
            site.settings = {}
        async with httpx.AsyncClient(base_url=web_page.base_url) as api:
            await api.patch(
                f"/api/v1/categories/{code}",
                json={"active": False},
                headers=auth_headers(web_shop.admin),
            )
