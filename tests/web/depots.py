"""Driving the reception desk (/depots) as a volunteer would: every interaction counted."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.web.conftest import PIN, BrowserPage
from tests.web.till import wait_until


@dataclass
class Desk:
    """The reception desk of one browser, with the interactions made (a tap, a field typed,
    a key pressed each count one) and when the current deposit was started."""

    web: BrowserPage
    interactions: int = 0
    done: list[str] = field(default_factory=list)
    started: float = 0.0

    @property
    def page(self) -> Any:
        return self.web.page

    def count(self, what: str) -> None:
        self.interactions += 1
        self.done.append(what)

    def restart(self) -> None:
        self.interactions = 0
        self.done = []
        self.started = time.perf_counter()

    @asynccontextmanager
    async def aside(self) -> AsyncIterator[None]:
        """Time spent checking (screenshots, axe) is not the volunteer's: not counted."""
        before = time.perf_counter()
        try:
            yield
        finally:
            self.started += time.perf_counter() - before

    async def login(self, telegram_id: int, pin: str = PIN, *, section: str = "") -> None:
        """Log in on /connexion and come back to the desk."""
        await self.web.goto("/connexion?suivant=/depots")
        await self.page.fill("#pin-telegram", str(telegram_id))
        await self.page.fill("#pin-code", pin)
        await self.page.click("#pin-form button[type=submit]")
        await self.page.wait_for_url("**/depots")
        await self.page.wait_for_selector(".desk-header")
        if section:
            await self.section(section)

    async def section(self, name: str) -> None:
        await self.page.click(f'.desk-tab[data-section="{name}"]')
        await self.page.wait_for_selector(f".desk-{name}")

    async def tap(self, selector: str) -> None:
        await self.page.click(selector)
        self.count(selector)

    async def fill(self, selector: str, text: str) -> None:
        """Typing into one field counts as one interaction."""
        await self.page.fill(selector, text)
        self.count(f"type {selector}")

    async def describe(self, text: str) -> None:
        """Type the description and press Enter: the AI's proposal appears."""
        await self.fill("#dep-description", text)
        await self.page.press("#dep-description", "Enter")
        self.count("Enter")
        await self.wait_for_proposal()

    async def wait_for_proposal(self) -> None:
        await self.page.wait_for_selector('#dep-proposal .choice[aria-pressed="true"]')

    async def pick(self, name: str, value: str) -> None:
        await self.tap(f'[data-pick="{name}"][data-value="{value}"]')

    async def choose(self, code: str) -> None:
        await self.tap(f'#dep-proposal [data-category="{code}"]')

    async def validate(self) -> float:
        """Tap "Valider"; wait until the form is empty again. Returns the seconds since
        `restart()`."""
        recorded = await self.page.evaluate("window.__desk.metrics.recorded")
        await self.tap("#dep-validate")
        await wait_until(self.page, f"window.__desk.metrics.recorded > {recorded}")
        await self.page.wait_for_selector("#dep-description")
        return time.perf_counter() - self.started

    async def value(self, selector: str) -> str:
        return str(await self.page.input_value(selector))

    async def chosen(self) -> str:
        return str(
            await self.page.get_attribute(
                '#dep-proposal .choice[aria-pressed="true"]', "data-category"
            )
        )

    async def row(self, deposit_id: object) -> Any:
        return self.page.locator(f'tr[data-deposit="{deposit_id}"]')
