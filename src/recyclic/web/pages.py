"""Page shells, the service worker and the web app manifest.

A shell holds no data and no secret: the same HTML for everyone, which the service worker
keeps for offline use. Its script gets an access token from the refresh cookie and the data
from the API; every authorisation happens there.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from recyclic import __version__
from recyclic.core.config import Settings
from recyclic.utils.formatting import format_euros, format_kg
from recyclic.web.assets import ASSETS_PREFIX, SHELL_PAGES, TEMPLATES_DIR, asset_bundle
from recyclic.web.csp import PAGE_HEADERS, content_security_policy

if TYPE_CHECKING:
    from jinja2 import Environment

router = APIRouter(include_in_schema=False)


@cache
def templates() -> Environment:
    # Jinja is loaded with the first page rendered, not with the app.
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # French figures for the back office's fragments: 1 234,50 €, 12,5 kg, 06/12/2026.
    environment.filters["euros"] = format_euros
    environment.filters["kg"] = format_kg
    environment.filters["day"] = lambda value: value.strftime("%d/%m/%Y") if value else ""
    environment.filters["local_time"] = lambda moment, timezone: (
        moment.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y %H:%M") if moment else ""
    )
    return environment


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def render_page(template: str, *, telegram_widget: bool = False, **context: Any) -> HTMLResponse:
    html = (
        templates()
        .get_template(template)
        .render(assets=ASSETS_PREFIX, version=asset_bundle().version, **context)
    )
    return HTMLResponse(
        html,
        headers={
            **PAGE_HEADERS,
            "Content-Security-Policy": content_security_policy(telegram_widget=telegram_widget),
            # Revalidated on every online visit; offline, the service worker answers.
            "Cache-Control": "no-cache",
        },
    )


@router.get("/")
async def home() -> HTMLResponse:
    """Sends a logged-in person to the page of their role (decided by the page's script)."""
    return render_page("accueil.html", title="Recyclic")


@router.get("/connexion")
async def login_page(request: Request) -> HTMLResponse:
    """PIN, bot code, Telegram Login Widget (when configured), paired tablet."""
    bot = _settings(request).telegram_bot_username.lstrip("@")
    return render_page(
        "connexion.html", title="Connexion", telegram_bot=bot, telegram_widget=bool(bot)
    )


@router.get("/caisse")
async def till_page() -> HTMLResponse:
    """The till: one shell, the app runs in the browser and keeps working offline."""
    return render_page("caisse.html", title="Caisse")


@router.get("/sw.js")
async def service_worker() -> Response:
    """The service worker, versioned by the content of every asset."""
    bundle = asset_bundle()
    script = (
        templates()
        .get_template("sw.js")
        .render(
            version=json.dumps(bundle.version),
            precache=json.dumps([*SHELL_PAGES, *bundle.urls], indent=2),
            shells=json.dumps(list(SHELL_PAGES)),
        )
    )
    return Response(
        script,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/", **PAGE_HEADERS},
    )


@router.get("/manifest.webmanifest")
async def web_manifest() -> Response:
    """Lets a tablet install the till as an app (full screen, its own icon)."""
    manifest = {
        "name": "Recyclic — caisse",
        "short_name": "Recyclic",
        "lang": "fr",
        "start_url": "/caisse",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#f6f4ee",
        "theme_color": "#1f5f4a",
        "icons": [
            {"src": f"{ASSETS_PREFIX}/icons/icon.svg", "sizes": "any", "type": "image/svg+xml"},
            {"src": f"{ASSETS_PREFIX}/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": f"{ASSETS_PREFIX}/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
        ],
        "version": __version__,
    }
    return Response(
        json.dumps(manifest, ensure_ascii=False),
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache", **PAGE_HEADERS},
    )
