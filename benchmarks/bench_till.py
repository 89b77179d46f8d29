"""P9 — the web till in Debian's chromium (Playwright): first load, reload from the service
worker, "Encaisser" → ticket safe in the outbox and the next one ready, 100 queued tickets
draining, and the taps a 3-line cash ticket with change takes.

    .venv/bin/python benchmarks/bench_till.py [--database-url postgresql://…/recyclic_bench]
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (
    bench_settings,
    emit,
    parser,
    percentile,
    recreate_postgres,
    served,
    temporary_dir,
)
from tests.factories import Factory
from tests.web.conftest import CHROMIUM_FLAGS, PIN
from tests.web.till import wait_for_service_worker, wait_until

from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.models.user import Role

TICKETS = 100


async def _prepare(settings: Any) -> dict[str, Any]:
    database = Database.from_settings(settings)
    await upgrade(database.bind)  # type: ignore[arg-type]
    factory = Factory(database, settings)
    site = await factory.site()
    shop = {
        "cashier": await factory.user(site, full_name="Cassandre Caisse", pin=PIN),
        "admin": await factory.user(site, role=Role.ADMIN, pin=PIN),
        "register": await factory.register(site, name="Caisse banc d'essai"),
    }
    await database.dispose()
    return shop


async def _ticket(page: Any, price: str = "2") -> int:
    """A one-line cash ticket; returns its taps."""
    taps = 0
    for key in price:
        await page.click(f'.keypad [data-key="{key}"]')
        taps += 1
    await page.click('[data-category="VAI"]')
    await page.click("#checkout")
    await page.click(".cash-note >> nth=0")
    await page.wait_for_selector(".change-banner")
    return taps + 3


async def measure(base: str, shop: dict[str, Any], chromium: str) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        page = await context.new_page()

        # First load, cold cache: every byte on the wire (headers included), for the login
        # page, then for /caisse until the till is drawn and its service worker in control.
        cdp = await context.new_cdp_session(page)
        await cdp.send("Network.enable")
        wire = [0]
        cdp.on(
            "Network.loadingFinished",
            lambda e: wire.__setitem__(0, wire[0] + e["encodedDataLength"]),
        )
        await page.goto(f"{base}/connexion?suivant=/caisse")
        await page.wait_for_load_state("networkidle")
        emit("till_login_page_first_load_bytes", wire[0] / 1024, "KB")
        wire[0] = 0
        started = time.perf_counter()
        await page.fill("#pin-telegram", str(shop["cashier"].telegram_id))
        await page.fill("#pin-code", PIN)
        await page.click("#pin-form button[type=submit]")
        await page.wait_for_url("**/caisse")
        await page.wait_for_selector("[data-register]")
        await wait_for_service_worker(page)
        await page.wait_for_load_state("networkidle")
        emit("till_first_load_bytes", wire[0] / 1024, "KB")
        emit("till_first_load_seconds", time.perf_counter() - started, "s")
        await page.click(f'[data-register="{shop["register"].id}"]')
        await page.wait_for_selector("#open-amount")
        await page.fill("#open-amount", "50")
        await page.click("#open-submit")
        await page.wait_for_selector(".category-grid")

        # Reload from the service worker: until the till's first screen is drawn.
        ready = []
        for _ in range(5):
            await page.reload()
            await page.wait_for_selector(".category-grid")
            ready.append(await page.evaluate("window.__till.metrics.ready"))
        from_sw = (await page.reload()).from_service_worker
        await page.wait_for_selector(".category-grid")
        emit("till_reload_from_service_worker", str(from_sw).lower())
        emit("till_reload_to_interactive_median", sorted(ready)[len(ready) // 2], "ms")

        # "Encaisser" → safe in the outbox, next ticket ready.
        taps_one_line = 0
        for _ in range(TICKETS):
            taps_one_line = await _ticket(page)
        timings = await page.evaluate("window.__till.metrics.checkout")
        emit("till_checkout_p50", percentile(timings, 50), "ms")
        emit("till_checkout_p95", percentile(timings, 95), "ms")
        emit("till_checkout_tickets", len(timings))

        # 100 tickets made offline, then the network comes back.
        await wait_until(page, "document.querySelector('[data-status=\"pending\"]') === null")
        await context.set_offline(True)
        for _ in range(TICKETS):
            await _ticket(page)
        waiting = await page.evaluate("window.__till.outbox.count()")
        started = time.perf_counter()
        await context.set_offline(False)
        while await page.evaluate("window.__till.outbox.count()") > 0:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        emit("till_queued_tickets", waiting)
        emit("till_drain_seconds", time.perf_counter() - started, "s")

        # A 3-line cash ticket with change, counted tap by tap.
        taps = 0
        for price, category in (("2", "VAI"), ("5", "LIV"), ("3", "DEC")):
            await page.click(f'.keypad [data-key="{price}"]')
            await page.click(f'[data-category="{category}"]')
            taps += 2
        await page.click("#checkout")
        await page.click('.cash-note[data-cash="2000"]')
        await page.wait_for_selector("#change-due")
        taps += 2
        emit("till_taps_3_line_cash_ticket_with_change", taps)
        emit("till_taps_1_line_cash_ticket", taps_one_line)
        await browser.close()


async def main() -> None:
    args = parser(__doc__ or "").parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("needs Debian's chromium: apt-get install chromium")
    with temporary_dir() as data_dir:
        if args.database_url.startswith("postgresql"):
            await recreate_postgres(args.database_url)
        settings = bench_settings(args.database_url, data_dir)
        shop = await _prepare(settings)
        emit(
            "database", "postgresql" if settings.database_url.startswith("postgresql") else "sqlite"
        )
        with served(settings) as server:
            await measure(f"http://127.0.0.1:{server.port}", shop, chromium)


if __name__ == "__main__":
    asyncio.run(main())
