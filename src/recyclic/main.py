"""The application factory."""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from recyclic import __version__
from recyclic.api.body_limit import BodyLimitMiddleware
from recyclic.api.errors import register_error_handlers
from recyclic.api.middleware import RequestContextMiddleware
from recyclic.api.openapi import completed_openapi
from recyclic.api.proxy_headers import TrustedProxyMiddleware
from recyclic.api.security_headers import SecurityHeadersMiddleware
from recyclic.api.v1 import api_router
from recyclic.bot.runtime import BotRuntime
from recyclic.core.config import Settings, get_settings
from recyclic.core.database import Database
from recyclic.core.rate_limit import MemoryRateLimiter, RedisRateLimiter
from recyclic.core.redis import create_redis
from recyclic.jobs.context import JobContext
from recyclic.jobs.runtime import JobRuntime
from recyclic.services.ai.ai_service import AIService
from recyclic.services.messaging.telegram_service import TelegramNotifier
from recyclic.web.admin import ROUTERS as ADMIN_ROUTERS
from recyclic.web.assets import ASSETS_PREFIX, STATIC_DIR
from recyclic.web.depots import router as depots_router
from recyclic.web.pages import router as web_router
from recyclic.web.static_files import AssetFiles

API_PREFIX = "/api/v1"
_SWAGGER_STATIC = "/static/swagger"


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    """Build the app; tests pass their own settings and database."""
    settings = settings or get_settings()
    owns_database = database is None
    database = database or Database.from_settings(settings)

    redis = create_redis(settings.redis_url) if settings.redis_url else None
    # One per process: it holds the Gemini HTTP sessions and the classification cache.
    ai_service = AIService(settings)
    # Jobs enqueued by requests are kicked after their commit. Without Redis they also run
    # here (in-memory broker, with the relay and the daily scheduler): `recyclic serve` alone
    # runs everything; with Redis, `recyclic worker` processes run them.
    jobs = JobRuntime(JobContext(settings, database)).install()
    notifier = TelegramNotifier(settings)
    # With a token, the app answers Telegram's webhook; aiogram loads on the first update.
    bot = (
        BotRuntime(settings, database, ai=ai_service, notifier=notifier)
        if settings.telegram_bot_token.get_secret_value()
        else None
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if jobs.in_process:
            jobs.start_background()
        registering = start_webhook_registration(settings, bot)
        yield
        if registering is not None:
            registering.cancel()
        if bot is not None:
            await bot.aclose()
        await notifier.aclose()
        await jobs.shutdown()
        await ai_service.aclose()
        if redis is not None:
            await redis.aclose()
        if owns_database:
            await app.state.database.dispose()

    app = RecyclicAPI(
        title="Recyclic",
        version=__version__,
        description="API de Recyclic : dépôts, caisse, exports réglementaires d'une ressourcerie.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        # Routes answer at their exact path: no 307 to a trailing-slash twin.
        redirect_slashes=False,
        # No OpenTelemetry here: FastAPI would otherwise look for configured providers on
        # every request (a measurable share of a sale's CPU).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.database = database
    app.state.redis = redis
    app.state.ai_service = ai_service
    app.state.jobs = jobs
    app.state.notifier = notifier
    app.state.bot = bot
    app.state.rate_limiter = (
        RedisRateLimiter(redis, settings.redis_key_prefix) if redis else MemoryRateLimiter()
    )

    register_error_handlers(app)
    app.router.routes.extend(_included_routers())
    # Compressed: the first load of the till on a shop's slow line stays small.
    app.mount(
        ASSETS_PREFIX,
        GZipMiddleware(AssetFiles(directory=STATIC_DIR), minimum_size=1024),
        name="assets",
    )
    _mount_offline_docs(app)
    return app


@functools.cache
def _included_routers() -> tuple[BaseRoute, ...]:
    """The app's routers, included once per process and shared by every app built in it.

    FastAPI builds a route's dependency tree and validators on its first request, and keeps
    them on the object an inclusion creates: including afresh in every app (the test suite
    builds one per test) would redo that work for each app, ≈ 80 ms a test."""
    table = APIRouter()
    table.include_router(api_router, prefix=API_PREFIX)
    table.include_router(web_router)
    table.include_router(depots_router)
    for admin_router in ADMIN_ROUTERS:
        table.include_router(admin_router)
    return tuple(table.routes)


class RecyclicAPI(FastAPI):
    """FastAPI whose edge middlewares wrap everything, the 500 handler included: every
    answer (even an unexpected error's) gets the request id and the security headers, and an
    oversized body is refused before any routing or authentication."""

    def openapi(self) -> dict[str, Any]:
        """The document with the answers every route can give (api/openapi.py)."""
        return completed_openapi(self)

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        app = super().build_middleware_stack()
        app = BodyLimitMiddleware(
            app,
            max_bytes=settings.max_body_bytes,
            multipart_max_bytes=settings.audio_max_bytes,
        )
        if settings.metrics_token.get_secret_value():
            from recyclic.api.metrics import MetricsMiddleware

            app = MetricsMiddleware(app, settings=settings, database=self.state.database)
        app = SecurityHeadersMiddleware(app)
        app = RequestContextMiddleware(app)
        return TrustedProxyMiddleware(app, settings.trusted_proxy_networks)


def start_webhook_registration(
    settings: Settings, bot: BotRuntime | None
) -> asyncio.Task[bool] | None:
    """Register the webhook in the background when PUBLIC_URL and the token are set: the
    server starts at once whatever Telegram does (a failure is only logged)."""
    if bot is None or not settings.public_url:
        return None
    return asyncio.create_task(bot.register_webhook())


def _mount_offline_docs(app: FastAPI) -> None:
    """Swagger UI served from the installed package: /docs works without internet."""
    static_dir = files("fastapi_offline") / "static"
    app.mount(_SWAGGER_STATIC, StaticFiles(directory=str(static_dir)), name="swagger-static")
    # The handler takes its app from the request: a closure over `app` would keep every app
    # ever built alive (FastAPI keeps endpoint functions in module-level caches).
    app.add_api_route("/docs", swagger_ui, methods=["GET"], include_in_schema=False)


async def swagger_ui(request: Request) -> HTMLResponse:
    """The Swagger page of the request's app (built on the first visit, then kept)."""
    state = request.app.state
    page: tuple[bytes, str] | None = getattr(state, "swagger_page", None)
    if page is None:
        html = bytes(
            get_swagger_ui_html(
                openapi_url=request.app.openapi_url or "/openapi.json",
                title="Recyclic — API",
                swagger_js_url=f"{_SWAGGER_STATIC}/swagger-ui-bundle.js",
                swagger_css_url=f"{_SWAGGER_STATIC}/swagger-ui.css",
                swagger_favicon_url=f"{_SWAGGER_STATIC}/favicon.png",
            ).body
        )
        page = state.swagger_page = (html, swagger_csp(html))
    html, policy = page
    return HTMLResponse(html, headers={"Content-Security-Policy": policy})


def swagger_csp(html: bytes) -> str:
    """Swagger's page may run its bundle and its one inline start-up script, nothing else."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in re.findall(rb"<script>(.*?)</script>", html, flags=re.DOTALL)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'"
    )
