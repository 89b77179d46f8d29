"""Browser tests: Debian's chromium driven by Playwright (never a downloaded browser) against
`recyclic serve` started here, on SQLite or on PostgreSQL (+ Redis) like the rest of the suite.

Without chromium the tests skip and say why; under CI=true a missing browser fails the run.
Every test gets a fresh browser context (1280×800, French); console errors, page errors and
CSP violations fail the test. Screenshots go to tests/artifacts/screenshots/ (ignored).

Two builds of the same Debian chromium: the till and the reception desk run in its headless
shell (`chromium-headless-shell`, the build Playwright itself uses for headless runs) when it
is installed: the same engine, for about half the CPU (measured: 14.5 against 28 CPU-seconds
for the same 18 tests). The shell draws the browser's own widgets in English only (a date field
reads dd/mm/yyyy), so the tests whose screenshots show one (an empty date or month field of
the back office), marked `browser_widgets`, run in full chromium, whose widgets speak French
(chromium-l10n) as on the shop's tablets.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.models.cash import CashRegister
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from tests.factories import TEST_SECRET, Factory
from tests.support.databases import TestDatabase, prepare_test_database
from tests.support.server import RecyclicServer
from tests.support.telegram import TEST_BOT_TOKEN, UNREACHABLE_TELEGRAM

SCREENSHOTS = Path(__file__).parents[1] / "artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PIN = "4821"


def french_browser_env(**extra: str) -> dict[str, str]:
    """Chromium draws its own widgets (date fields, validation bubbles) in the language of its
    process, not the page's locale: French, as on the shop's tablets (with chromium-l10n)."""
    return {**os.environ, "LANG": "fr_FR.UTF-8", "LANGUAGE": "fr", **extra}


def chromium_executable() -> str | None:
    """Debian's chromium (or RECYCLIC_TEST_CHROMIUM)."""
    configured = os.environ.get("RECYCLIC_TEST_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def headless_shell_executable() -> str | None:
    """Debian's chromium-headless-shell (or RECYCLIC_TEST_CHROMIUM_SHELL), else full chromium."""
    configured = os.environ.get("RECYCLIC_TEST_CHROMIUM_SHELL")
    if configured:
        return configured
    return shutil.which("chromium-headless-shell") or chromium_executable()


def _required(path: str | None) -> str:
    if path is None:
        message = "no chromium installed: `apt-get install chromium` to run the browser tests"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Full chromium: its own widgets (date fields) in French."""
    return _required(chromium_executable())


@pytest.fixture(scope="session")
def shell_path() -> str:
    """The headless shell where the browser's own widgets do not show (else full chromium)."""
    return _required(headless_shell_executable())


@pytest.fixture(scope="session")
def web_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """The database `recyclic serve` runs on (not the suite's rolled-back one)."""
    yield from prepare_test_database(tmp_path_factory.mktemp("webdb"), suffix="_web")


@pytest.fixture(scope="session")
def web_settings(web_database: TestDatabase, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        env="development",
        data_dir=tmp_path_factory.mktemp("webdata"),
        database_url=web_database.url,
        redis_url=web_database.redis_url,
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
        log_level="WARNING",
    )


def server_env(settings: Settings) -> dict[str, str]:
    env = {
        "RECYCLIC_ENV": "development",
        "RECYCLIC_DATABASE_URL": settings.database_url,
        "RECYCLIC_SECRET_KEY": settings.secret_key.get_secret_value(),
        # Telegram logins are checked with the suite's bot token; nothing reaches Telegram.
        "RECYCLIC_TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN,
        "RECYCLIC_TELEGRAM_API_URL": UNREACHABLE_TELEGRAM,
        # Every browser of the suite logs in from 127.0.0.1: the per-address limit of a shop
        # (tested in tests/api) would stop the suite itself.
        "RECYCLIC_AUTH_RATE_LIMIT_PER_IP": "100000",
    }
    if settings.redis_url:
        env["RECYCLIC_REDIS_URL"] = settings.redis_url
        env["RECYCLIC_REDIS_KEY_PREFIX"] = "webtest:"
    return env


@pytest.fixture(scope="session")
async def web_db(web_settings: Settings) -> AsyncIterator[Database]:
    """A connection to the server's database, to prepare shops and check what was stored."""
    database = Database.from_settings(web_settings)
    await upgrade(database.bind)  # type: ignore[arg-type]
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
def web_server(web_db: Database, web_settings: Settings) -> Iterator[RecyclicServer]:
    server = RecyclicServer(data_dir=web_settings.data_dir, env=server_env(web_settings))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
async def playwright() -> AsyncIterator[Any]:
    """One Playwright driver for the session's browsers."""
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        yield driver


async def _launch(playwright: Any, executable: str) -> Any:
    return await playwright.chromium.launch(
        executable_path=executable, args=CHROMIUM_FLAGS, env=french_browser_env()
    )


@pytest.fixture(scope="session")
async def browser(playwright: Any, shell_path: str) -> AsyncIterator[Any]:
    """The tests' browser: the headless shell when installed."""
    launched = await _launch(playwright, shell_path)
    yield launched
    await launched.close()


@pytest.fixture(scope="session")
async def widgets_browser(playwright: Any, chromium_path: str) -> AsyncIterator[Any]:
    """Full chromium, for the pages that show the browser's own widgets."""
    launched = await _launch(playwright, chromium_path)
    yield launched
    await launched.close()


@dataclass
class BrowserPage:
    """A page and what went wrong in it (console errors, exceptions, CSP violations)."""

    page: Any
    context: Any
    base_url: str
    problems: list[str]

    async def goto(self, path: str) -> None:
        await self.page.goto(self.base_url + path)

    async def shot(self, name: str) -> Path:
        """Save a screenshot of what the cashier sees now."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        await self.page.screenshot(path=str(path))
        return path


async def new_browser_page(
    browser: Any, base_url: str, *, viewport: tuple[int, int] = (1280, 800)
) -> BrowserPage:
    context = await browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]},
        locale="fr-FR",
        timezone_id="Europe/Paris",
    )
    context.set_default_timeout(15_000)
    page = await context.new_page()
    problems: list[str] = []
    # A failed request the till expects (401 before login, 404 "no session yet", offline)
    # is logged by Chromium as a console error: only our own script's errors count.
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error"
            and "Failed to load resource" not in message.text
            and "net::ERR_" not in message.text
            else None
        ),
    )
    return BrowserPage(page=page, context=context, base_url=base_url, problems=problems)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's outcome on the test, for the fixtures' teardown."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page_browser(request: pytest.FixtureRequest) -> Any:
    """The headless shell, or full chromium for the tests marked browser_widgets (a plain
    fixture: an async one cannot ask for another while the loop runs)."""
    widgets = request.node.get_closest_marker("browser_widgets") is not None
    return request.getfixturevalue("widgets_browser" if widgets else "browser")


@pytest.fixture
async def web_page(
    page_browser: Any, web_server: RecyclicServer, request: pytest.FixtureRequest
) -> AsyncIterator[BrowserPage]:
    page = await new_browser_page(page_browser, web_server.url)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        await page.shot(f"FAILED-{request.node.name}")
    await page.context.close()
    assert page.problems == [], page.problems


@dataclass
class WebShop:
    site: Site
    admin: User
    cashier: User
    register: CashRegister
    factory: Factory


@pytest.fixture
async def web_shop(web_db: Database, web_settings: Settings) -> WebShop:
    """A shop of its own for each test: an admin and a cashier with PIN 4821, a register."""
    factory = Factory(web_db, web_settings)
    site = await factory.site()
    return WebShop(
        site=site,
        admin=await factory.user(site, role=Role.ADMIN, full_name="Claire Admin", pin=PIN),
        cashier=await factory.user(site, full_name="Lucas Caisse", pin=PIN),
        register=await factory.register(site, name="Caisse comptoir"),
        factory=factory,
    )
