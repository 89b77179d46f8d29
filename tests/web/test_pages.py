"""The page shells, the service worker and the vendored files, over plain HTTP."""

from __future__ import annotations

import hashlib
import json
import re

import httpx
import pytest

from recyclic.web.assets import STATIC_DIR, asset_bundle

PAGES = ("/", "/connexion", "/caisse")


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_carries_a_strict_policy(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "http" not in policy  # no other origin
    assert response.headers["x-content-type-options"] == "nosniff"
    # Nothing inline that the policy would have to allow.
    assert re.search(r"<script(?![^>]*\bsrc=)", response.text) is None
    assert "<style" not in response.text
    assert " style=" not in response.text
    assert re.search(r"<[^>]+\son[a-z]+\s*=", response.text) is None


@pytest.mark.parametrize("path", PAGES)
async def test_page_shells_hold_no_data(client: httpx.AsyncClient, path: str) -> None:
    """The same HTML for everyone: no name, no site, no token (the service worker keeps it)."""
    anonymous = (await client.get(path)).text
    again = (await client.get(path, headers={"Cookie": "recyclic_refresh=abc"})).text
    assert anonymous == again


async def test_telegram_widget_is_allowed_only_where_configured(
    client: httpx.AsyncClient, app
) -> None:  # type: ignore[no-untyped-def]
    assert "telegram.org" not in (await client.get("/connexion")).headers["content-security-policy"]
    app.state.settings = app.state.settings.model_copy(
        update={"telegram_bot_username": "@ressourcerie_bot"}
    )
    page = await client.get("/connexion")
    assert "script-src 'self' https://telegram.org" in page.headers["content-security-policy"]
    assert "frame-src https://oauth.telegram.org" in page.headers["content-security-policy"]
    assert 'data-bot="ressourcerie_bot"' in page.text
    assert "telegram.org" not in (await client.get("/caisse")).headers["content-security-policy"]


async def test_the_service_worker_keeps_this_version_and_never_posts(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    script = response.text
    bundle = asset_bundle()
    assert json.dumps(bundle.version) in script
    for url in ("/caisse", "/assets/till/app.js", "/assets/vendor/idb/index.js"):
        assert f'"{url}"' in script
    assert 'request.method !== "GET"' in script
    assert 'url.pathname.startsWith("/api/")' in script


def test_tablets_do_not_cache_the_back_office() -> None:
    """The till's offline cache holds what the till and the reception desk need, not htmx,
    Chart.js or the back office's own files."""
    urls = asset_bundle().urls
    assert "/assets/depots/app.js" in urls
    assert "/assets/css/till.css" in urls
    leaked = [url for url in urls if "admin" in url or "htmx" in url or "chartjs" in url]
    assert leaked == []
    assert (STATIC_DIR / "vendor" / "htmx").is_dir()


async def test_every_precached_asset_is_served(client: httpx.AsyncClient) -> None:
    for url in asset_bundle().urls:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == "no-cache"


async def test_assets_are_compressed(client: httpx.AsyncClient) -> None:
    response = await client.get("/assets/till/sell.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"


async def test_the_manifest_installs_the_till(client: httpx.AsyncClient) -> None:
    response = await client.get("/manifest.webmanifest")
    manifest = response.json()
    assert response.headers["content-type"].startswith("application/manifest+json")
    assert manifest["start_url"] == "/caisse"
    assert manifest["lang"] == "fr"
    for icon in manifest["icons"]:
        assert (await client.get(icon["src"])).status_code == 200


def test_vendored_files_are_the_pinned_packages_unedited() -> None:
    manifest = json.loads((STATIC_DIR / "vendor" / "manifest.json").read_text())
    assert manifest["packages"]
    for package in manifest["packages"]:
        for key in ("version", "license", "integrity"):
            assert package[key], (package["name"], key)
        licences = [t for t in package["files"].values() if t.endswith("LICENSE")]
        assert licences, f"{package['name']} ships without its licence"
        for target in package["files"].values():
            content = (STATIC_DIR / "vendor" / target).read_bytes()
            assert hashlib.sha256(content).hexdigest() == package["sha256"][target], target


def test_no_page_or_script_loads_anything_from_another_origin() -> None:
    ours = [p for p in STATIC_DIR.rglob("*") if p.suffix in {".js", ".css", ".html"}]
    ours = [p for p in ours if "vendor" not in p.parts]
    for path in ours:
        text = path.read_text()
        assert "http://" not in text, path
        # Telegram's widget is the one exception, and only when a site configures it.
        for url in re.findall(r"https://[^\s\"'`)]+", text):
            assert url.startswith("https://telegram.org/js/telegram-widget.js"), (path, url)
