"""Driving the till as a cashier would: taps on the screen, counted."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from tests.web.conftest import PIN, BrowserPage

# Keypad keys by what is typed: "3×1,5" → 3, ×, 1, ",", 5.
_KEY_NAMES = {"×": "times", "⌫": "back"}


async def wait_until(page: Any, expression: str, seconds: float = 15) -> Any:
    """Until `expression` (evaluated in the page) is truthy. Polled from here: Playwright's
    own wait_for_function compiles its predicate with eval, which our CSP forbids."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not (value := await page.evaluate(expression)):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still false after {seconds} s: {expression}")
        await asyncio.sleep(0.1)
    return value


async def wait_for_service_worker(page: Any) -> None:
    """Until the service worker controls the page (its cache is then complete)."""
    await page.evaluate("navigator.serviceWorker.ready")
    await wait_until(page, "navigator.serviceWorker.controller !== null")


@dataclass
class Till:
    """The till page of one browser, with the number of taps made."""

    web: BrowserPage
    taps: int = 0
    tapped: list[str] = field(default_factory=list)

    @property
    def page(self) -> Any:
        return self.web.page

    async def tap(self, selector: str) -> None:
        await self.page.click(selector)
        self.taps += 1
        self.tapped.append(selector)

    async def login_on_connexion(self, telegram_id: int, pin: str = PIN) -> None:
        """Log in on /connexion with a Telegram id and PIN, then go to the till."""
        await self.web.goto("/connexion?suivant=/caisse")
        await self.page.fill("#pin-telegram", str(telegram_id))
        await self.page.fill("#pin-code", pin)
        await self.page.click("#pin-form button[type=submit]")
        await self.page.wait_for_url("**/caisse")

    async def unlock(self, cashier_name: str, pin: str = PIN) -> None:
        """On the paired tablet's lock screen: pick a name, type the PIN."""
        await self.page.get_by_role("button", name=cashier_name).click()
        for digit in pin:
            await self.page.click(f'.pin-pad [data-key="{digit}"]')
        await self.page.click('.pin-pad [data-key="ok"]')

    async def open_session(self, amount: str | None = None, comment: str | None = None) -> None:
        await self.page.wait_for_selector("#open-amount")
        if amount is not None:
            await self.page.fill("#open-amount", amount)
        if comment is not None:
            await self.page.fill("#open-comment", comment)
        await self.page.click("#open-submit")
        await self.page.wait_for_selector(".category-grid")

    async def type(self, keys: str) -> None:
        """Tap keypad keys: digits, ",", "×"."""
        for key in keys:
            await self.tap(f'.keypad [data-key="{_KEY_NAMES.get(key, key)}"]')

    async def key(self, name: str) -> None:
        """A named keypad key: "kg", "times", "back", "clear", "00"."""
        await self.tap(f'.keypad [data-key="{name}"]')

    async def category(self, code: str) -> None:
        await self.tap(f'[data-category="{code}"]')

    async def sell(self, keys: str, code: str) -> None:
        """Type an amount, press a category."""
        await self.type(keys)
        await self.category(code)

    async def total_text(self) -> str:
        return str(await self.page.inner_text("#ticket-total"))

    async def checkout(self) -> None:
        await self.tap("#checkout")
        await self.page.wait_for_selector(".pay-methods")

    async def pay_cash_note(self, cents: int) -> None:
        """One tap on a banknote (or "Compte juste"): records the ticket."""
        await self.tap(f'.cash-note[data-cash="{cents}"]')
        await self.page.wait_for_selector(".change-banner")

    async def pay_amount(self, method: str, amount: str | None = None) -> None:
        """Type an amount on the payment keypad (or none: what remains) and tap a method."""
        for key in amount or "":
            await self.tap(f'.pay-keypad [data-key="{"back" if key == "⌫" else key}"]')
        await self.tap(f'.method[data-method="{method}"]')

    async def validate(self) -> None:
        await self.tap("#pay-validate")
        await self.page.wait_for_selector(".change-banner")

    async def pending_count(self) -> int:
        return int(await self.page.evaluate("window.__till.outbox.count()"))

    async def wait_until_sent(self, seconds: float = 20) -> None:
        """Until the outbox is empty (the server accepted every ticket)."""
        await self.wait_for_pending(0, seconds)

    async def wait_for_pending(self, count: int, seconds: float = 20) -> None:
        """Until exactly `count` tickets wait in the outbox (polled: the count is async)."""
        deadline = asyncio.get_running_loop().time() + seconds
        while (pending := await self.pending_count()) != count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{pending} tickets wait in the outbox, expected {count}")
            await asyncio.sleep(0.1)

    async def menu(self, item: str) -> None:
        await self.page.get_by_role("button", name="Menu").click()
        await self.page.click(f'[data-action="{item}"]')
