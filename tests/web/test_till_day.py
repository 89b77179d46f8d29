"""A day at the till in a real browser: pairing, PIN, opening, tickets by piece, lot and
weight, split payment with change, receipt, cash out, close by denomination, Z report."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select

from recyclic.models.sale import Sale
from tests.factories import auth_headers
from tests.web.accessibility import assert_accessible
from tests.web.conftest import BrowserPage, WebShop
from tests.web.till import Till


async def test_a_full_day_at_the_till(web_page: BrowserPage, web_shop: WebShop) -> None:
    till = Till(web_page)
    page = web_page.page

    # The admin pairs the shop's tablet to the register, then hands it over.
    await web_page.goto("/connexion")
    await assert_accessible(page, "connexion")
    await web_page.shot("connexion")
    await till.login_on_connexion(web_shop.admin.telegram_id)  # type: ignore[arg-type]
    await page.click(f'[data-register="{web_shop.register.id}"]')
    await page.wait_for_selector("#open-amount")
    await page.get_by_role("button", name="Associer cette tablette à cette caisse").click()
    await page.fill("#pair-name", "Tablette comptoir")
    await web_page.shot("till-pairing")
    await page.click('[data-action="pair-save"]')
    await page.get_by_role("button", name="Menu").click()
    await page.click('[data-action="menu-logout"]')

    # The cashier picks their name on the lock screen and types their PIN.
    await page.wait_for_selector(".cashier-grid")
    await web_page.shot("till-lock")
    await assert_accessible(page, "lock screen")
    await page.get_by_role("button", name="Lucas Caisse").click()
    await page.wait_for_selector(".pin-pad")
    await assert_accessible(page, "PIN pad")
    await web_page.shot("till-pin")
    await page.get_by_role("button", name="Changer de nom").click()
    await till.unlock("Lucas Caisse")
    await page.wait_for_selector("#open-amount")
    await web_page.shot("till-open")
    await assert_accessible(page, "opening")
    await till.open_session("50")
    assert await page.inner_text(".till-cashier") == "Lucas Caisse"

    # A piece, a lot of three, textile by weight, a line with a discount.
    await till.sell("2", "VAI")
    await till.sell("3×1,5", "DEC")
    await till.type("1,25")
    await till.key("kg")
    await till.sell("4", "TLC")
    assert await till.total_text() == "11,50\u00a0€"
    await web_page.shot("till-ticket")
    await assert_accessible(page, "selling")

    # Split payment: 5 € by card, 10 € in cash → 3.50 € change.
    await till.checkout()
    await till.pay_amount("card", "5")
    await till.pay_amount("cash", "10")
    assert (await page.inner_text("#pay-change")).startswith("3,50")
    await web_page.shot("till-payment")
    await assert_accessible(page, "payment")
    await till.validate()
    assert await page.inner_text("#change-due") == "3,50\u00a0€"
    await web_page.shot("till-change")
    await till.wait_until_sent()

    # The receipt, as the customer asked for it.
    await page.click("#show-receipt")
    receipt = await page.inner_text("#receipt-text")
    assert "TOTAL" in receipt
    assert "11,50" in receipt
    assert web_shop.site.name in receipt
    await web_page.shot("till-receipt")
    await assert_accessible(page, "receipt")
    await page.get_by_role("button", name="Fermer").click()

    # A gift (0 €) needs no payment.
    await till.sell("0", "JOU")
    await till.tap("#checkout")
    await page.wait_for_selector(".change-banner")
    await till.wait_until_sent()

    # 10 € taken out of the drawer to buy bags.
    await till.menu("menu-movement")
    await page.fill("#movement-amount", "10")
    await page.fill("#movement-reason", "Achat de sacs")
    await page.click('[data-action="movement-save"]')
    await page.wait_for_selector(".toast")

    # Close by denomination: 50 (float) + 10 cash − 3.50 change − 10 out = 46.50 expected.
    await till.menu("menu-close")
    await page.wait_for_selector("#close-expected")
    assert await page.inner_text("#close-expected") == "46,50\u00a0€"
    for _ in range(2):
        await page.click('[data-plus="2000"]')
    for _ in range(3):
        await page.click('[data-plus="200"]')
    await page.click('[data-plus="50"]')
    assert await page.inner_text("#close-counted") == "46,50\u00a0€"
    await page.fill("#close-kept", "40")
    assert await page.inner_text("#close-bank") == "6,50\u00a0€"
    await web_page.shot("till-close")
    await assert_accessible(page, "closing")
    await page.click("#close-submit")
    await page.wait_for_selector("#z-report")
    z_report = await page.inner_text("#z-report")
    await web_page.shot("till-z-report")
    await assert_accessible(page, "Z report")

    # The Z report on screen is the server's; its figures are the API's.
    async with httpx.AsyncClient(base_url=web_page.base_url) as api:
        headers = auth_headers(web_shop.admin)
        sessions = (
            await api.get(
                "/api/v1/cash-sessions",
                params={"register_id": str(web_shop.register.id)},
                headers=headers,
            )
        ).json()["items"]
        assert len(sessions) == 1
        closed = sessions[0]
        assert closed["status"] == "closed"
        assert closed["expected_amount"] == 46.5
        assert closed["actual_amount"] == 46.5
        assert closed["variance"] == 0
        assert closed["kept_float"] == 40
        assert closed["bank_deposit"] == 6.5
        report = closed["closing_report"]
        text = (
            await api.get(
                f"/api/v1/cash-sessions/{closed['id']}/report",
                params={"format": "text", "width": 32},
                headers=headers,
            )
        ).text
    assert z_report.strip() == text.strip()
    assert report["counts"] == {"sales": 2, "refunds": 0}
    assert report["totals"]["net"] == 11.5
    assert report["payments"] == {"card": 5, "cash": 6.5, "free": 0}
    assert "11,50" in z_report
    async with web_shop.factory.database.unit_of_work(write=False) as session:
        sales = (
            await session.scalars(select(Sale).where(Sale.session_id == uuid.UUID(closed["id"])))
        ).all()
    assert sorted(s.total_cents for s in sales) == [0, 1150]
