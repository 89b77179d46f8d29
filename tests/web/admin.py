"""Driving the back office as a shop admin, a viewer or a super admin would: log in on
/connexion, open a page, wait until htmx has settled, check it with axe, take a screenshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from recyclic.models.user import User
from tests.web.accessibility import assert_accessible
from tests.web.conftest import PIN, SCREENSHOTS, BrowserPage
from tests.web.till import wait_until

# The shell is ready, its fragment is in and no htmx request is running.
SETTLED = (
    "window.__admin && window.__admin.ready"
    " && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')"
    " && !document.querySelector('#admin-main > .admin-loading')"
)


@dataclass
class AdminPages:
    """The back office in one browser page, with the fragment answers seen (path, status)."""

    web: BrowserPage
    fragments: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("response", self._record)

    def _record(self, response: Any) -> None:
        request = response.request
        if request.headers.get("hx-request") and "/admin" in request.url:
            self.fragments.append((request.url.removeprefix(self.web.base_url), response.status))

    @property
    def page(self) -> Any:
        return self.web.page

    async def login(self, user: User, path: str = "/admin", pin: str = PIN) -> None:
        """Log in with the PIN form; /connexion sends the person on to `path`."""
        await self.web.goto(f"/connexion?suivant={path}")
        await self.page.fill("#pin-telegram", str(user.telegram_id))
        await self.page.fill("#pin-code", pin)
        await self.page.click("#pin-form button[type=submit]")
        # A predicate, not a glob: "**/admin" would match /connexion?suivant=/admin itself.
        await self.page.wait_for_url(lambda url: urlsplit(url).path == path)
        await self.settled()

    async def open(self, path: str) -> None:
        """A plain navigation (a typed URL, a reload): the shell, then the fragment."""
        await self.web.goto(path)
        await self.settled()

    async def settled(self, seconds: float = 15) -> None:
        await wait_until(self.page, SETTLED, seconds)

    async def follow(self, link_text: str) -> None:
        """Click a navigation link (an htmx swap, the URL pushed)."""
        await (
            self.page.get_by_role("navigation", name="Administration")
            .get_by_role("link", name=link_text, exact=True)
            .click()
        )
        await self.settled()

    async def heading(self) -> str:
        return str(await self.page.inner_text("#admin-main h1"))

    async def wait_for_heading(self, text: str, seconds: float = 15) -> None:
        """Until the page shown is `text` (after a navigation the test did not make itself)."""
        expression = f"document.querySelector('#admin-main h1')?.textContent.trim() === {text!r}"
        await wait_until(self.page, expression, seconds)
        await self.settled()

    async def nav_labels(self) -> list[str]:
        labels = await self.page.locator("#admin-nav a").all_inner_texts()
        return [label.strip() for label in labels]

    async def check(self, name: str, *, full_page: bool = False) -> Path:
        """axe (0 critical or serious) and a screenshot of what is shown now (the whole
        page's length with `full_page`)."""
        await assert_accessible(self.page, name)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"admin-{name}.png"
        await self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def forget_expected_failures(self, status: int) -> None:
        """htmx logs an error answer in the console: drop those the test asked for."""
        marker = f"Response Status Error Code {status}"
        self.web.problems[:] = [p for p in self.web.problems if marker not in p]
