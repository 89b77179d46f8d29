"""The till's other moments: taps counted, every way to log in, switching cashier, refunds, the
X report, a closing refused while tickets wait, printing, a new version between two tickets,
portrait."""

from __future__ import annotations

from urllib.parse import urlencode

from recyclic.services.people.auth import AuthService
from tests.support.telegram import widget_payload
from tests.web.accessibility import assert_accessible
from tests.web.conftest import BrowserPage, WebShop, new_browser_page
from tests.web.till import Till, wait_for_service_worker


async def _open(web: BrowserPage, shop: WebShop, telegram_id: int | None = None) -> Till:
    till = Till(web)
    await till.login_on_connexion(telegram_id or shop.cashier.telegram_id)  # type: ignore[arg-type]
    await web.page.click(f'[data-register="{shop.register.id}"]')
    await till.open_session("50")
    return till


async def test_a_three_line_cash_ticket_with_change_takes_eight_taps(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    till = await _open(web_page, web_shop)
    till.taps = 0
    await till.sell("2", "VAI")
    await till.sell("5", "LIV")
    await till.sell("3", "DEC")
    await till.checkout()
    await till.pay_cash_note(2000)
    assert await web_page.page.inner_text("#change-due") == "10,00\u00a0€"
    print(f"\ntaps for a 3-line cash ticket with change: {till.taps} ({till.tapped})")
    assert till.taps <= 8


async def test_logging_in_with_a_bot_code_and_with_telegram(
    web_page: BrowserPage, web_shop: WebShop, web_settings: object
) -> None:
    page = web_page.page
    async with web_shop.factory.database.unit_of_work() as session:
        code = await AuthService(session, web_settings).issue_login_code(web_shop.cashier)  # type: ignore[arg-type]
    await web_page.goto("/connexion")
    await page.fill("#bot-code", f"{code[:4].lower()}-{code[4:]}")
    await page.click("#code-form button[type=submit]")
    await page.wait_for_url("**/caisse")
    await page.wait_for_selector("[data-register]")

    # Telegram's widget sends the browser back to /connexion with the signed fields.
    other = await new_browser_page(web_page.context.browser, web_page.base_url)
    try:
        fields = widget_payload(web_shop.cashier.telegram_id)  # type: ignore[arg-type]
        await other.goto("/connexion?" + urlencode(fields))
        await other.page.wait_for_url("**/caisse")
        await other.page.wait_for_selector("[data-register]")
        assert other.problems == []
    finally:
        await other.context.close()

    # A wrong PIN says so, in French.
    await web_page.goto("/connexion")
    await page.fill("#pin-telegram", str(web_shop.cashier.telegram_id))
    await page.fill("#pin-code", "9137")
    await page.click("#pin-form button[type=submit]")
    await page.wait_for_selector("#login-error:not([hidden])")
    assert "incorrect" in await page.inner_text("#login-error")


async def _pair(till: Till, shop: WebShop) -> None:
    page = till.page
    await till.login_on_connexion(shop.admin.telegram_id)  # type: ignore[arg-type]
    await page.click(f'[data-register="{shop.register.id}"]')
    await page.get_by_role("button", name="Associer cette tablette à cette caisse").click()
    await page.click('[data-action="pair-save"]')
    await page.wait_for_selector(".toast")
    await page.get_by_role("button", name="Menu").click()
    await page.click('[data-action="menu-logout"]')
    await page.wait_for_selector(".cashier-grid")


async def test_switching_cashier_is_a_lock_screen(web_page: BrowserPage, web_shop: WebShop) -> None:
    till = Till(web_page)
    page = web_page.page
    other = await web_shop.factory.user(web_shop.site, full_name="Inès Caisse", pin="4821")
    await _pair(till, web_shop)
    await till.unlock("Lucas Caisse")
    await till.open_session("50")
    await till.sell("4", "BRI")
    await till.checkout()
    await till.pay_cash_note(400)

    await page.get_by_role("button", name="Verrouiller la caisse").click()
    await page.wait_for_selector(".cashier-grid")
    await till.unlock(other.full_name)
    # Lucas's session holds the register: Inès may not sell in it.
    await page.wait_for_selector("#busy-title")
    assert "Lucas Caisse" in await page.inner_text("#busy-title")
    await assert_accessible(page, "register busy")
    await web_page.shot("till-busy")
    await page.get_by_role("button", name="Verrouiller pour que ce caissier").click()
    await till.unlock("Lucas Caisse")
    await page.wait_for_selector(".category-grid")
    assert await page.inner_text(".till-cashier") == "Lucas Caisse"

    # A wrong PIN is refused and says why.
    await page.get_by_role("button", name="Verrouiller la caisse").click()
    await till.unlock("Lucas Caisse", pin="9137")
    await page.wait_for_selector("#pin-error:not(:empty)")
    assert "incorrect" in await page.inner_text("#pin-error")


async def test_an_admin_refunds_part_of_a_past_ticket(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    till = await _open(web_page, web_shop, telegram_id=web_shop.admin.telegram_id)  # type: ignore[arg-type]
    page = web_page.page
    await till.sell("3×2", "VAI")
    await till.checkout()
    await till.pay_cash_note(600)
    await till.wait_until_sent()

    await till.menu("menu-tickets")
    await page.wait_for_selector("[data-refund]")
    await page.click("[data-refund]")
    await page.fill('input[id^="refund-"][type=number]', "1")
    await page.fill("#refund-reason", "Verre fêlé")
    await web_page.shot("till-refund")
    await page.click('[data-action="refund-save"]')
    await page.wait_for_selector(".toast")
    assert "2,00" in await page.inner_text(".toast")

    await page.get_by_role("button", name="Fermer", exact=True).click()
    await till.menu("menu-x")
    await page.wait_for_selector("#report-text")
    x_report = await page.inner_text("#report-text")
    assert "RAPPORT X" in x_report
    assert "Remboursements (1)" in x_report
    await web_page.shot("till-x-report")


async def test_closing_waits_for_the_tickets_still_on_the_tablet(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    till = await _open(web_page, web_shop)
    page = web_page.page
    await page.evaluate("navigator.serviceWorker.ready")
    await web_page.context.set_offline(True)
    await till.sell("5", "SPO")
    await till.checkout()
    await till.pay_cash_note(500)
    await till.menu("menu-close")
    await page.wait_for_selector("#close-blocked")
    assert "1 ticket n'a pas pu être envoyé" in await page.inner_text("#close-blocked")
    await web_page.shot("till-close-blocked")
    await web_page.context.set_offline(False)
    await till.wait_until_sent(30)
    await page.get_by_role("button", name="Réessayer").click()
    await page.wait_for_selector("#close-expected")
    assert await page.inner_text("#close-expected") == "55,00\u00a0€"


async def test_receipts_print_on_the_roll_only(web_page: BrowserPage, web_shop: WebShop) -> None:
    till = await _open(web_page, web_shop)
    page = web_page.page
    await till.sell("12", "MOB")
    await till.checkout()
    await till.pay_cash_note(1200)
    await till.wait_until_sent()
    await page.evaluate("window.print = () => { window.__printed = true; }")
    await page.click("#show-receipt")
    await page.click('[data-action="receipt-print"]')
    assert await page.evaluate("window.__printed") is True
    assert "TOTAL" in await page.inner_text("#print-area")
    await page.keyboard.press("Escape")
    await page.emulate_media(media="print")
    await page.set_viewport_size({"width": 220, "height": 800})  # a 58 mm roll
    assert await page.locator("#app").is_hidden()
    assert await page.locator("#print-area pre").is_visible()
    await web_page.shot("till-print-58mm")


async def test_a_new_version_takes_over_only_between_two_tickets(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    """The page activates a waiting service worker only when no ticket is in progress (the
    worker here stands in for one the browser installed: its update check cannot be
    intercepted)."""
    till = await _open(web_page, web_shop)
    page = web_page.page
    await wait_for_service_worker(page)
    await till.sell("2", "VAI")  # a ticket in progress
    await page.evaluate(
        "window.__till.waitingWorker = {postMessage: (m) => { window.__activated = m; }}"
    )
    await till.checkout()  # a new screen, but the ticket is not finished
    assert await page.evaluate("window.__activated") is None
    await till.pay_cash_note(200)
    assert await page.evaluate("window.__activated") == "skip-waiting"
    assert await page.evaluate("window.__till.reloadForUpdate") is True
    await till.wait_until_sent()


async def test_the_till_in_portrait(browser: object, web_server: object, web_shop: WebShop) -> None:
    web = await new_browser_page(browser, web_server.url, viewport=(800, 1280))  # type: ignore[attr-defined]
    try:
        till = await _open(web, web_shop)
        await till.sell("3×1,5", "VAI")
        await till.sell("8", "MOB")
        await web.shot("till-portrait")
        box = await web.page.locator("#checkout").bounding_box()
        assert box is not None
        assert box["height"] >= 48
        assert box["y"] + box["height"] <= 1280
        await till.checkout()
        await web.shot("till-portrait-payment")
        assert web.problems == []
    finally:
        await web.context.close()


async def test_the_home_page_sends_people_to_the_page_of_their_role(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    page = web_page.page
    await web_page.goto("/")
    await page.wait_for_url("**/connexion")
    await page.fill("#pin-telegram", str(web_shop.cashier.telegram_id))
    await page.fill("#pin-code", "4821")
    await page.click("#pin-form button[type=submit]")
    await page.wait_for_url("**/caisse")
    await web_page.goto("/")
    await page.wait_for_url("**/caisse")
