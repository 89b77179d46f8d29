"""The web app's static files: where they are, their version, what the service worker keeps."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from recyclic import __version__

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATES_DIR = Path(__file__).parent / "templates"
ASSETS_PREFIX = "/assets"
# What the service worker precaches besides the assets: the page shells.
SHELL_PAGES = ("/", "/connexion", "/caisse", "/depots")
# Source maps, licences, the vendor manifest and the install icons are not needed offline.
_NOT_PRECACHED = {".map", ".md", ".txt", ".json", ".png"}
# The back office is used online (a PC or a tablet in the office): its scripts, its styles and
# its libraries (htmx, Chart.js: ~380 KB) stay out of the offline cache every till downloads.
_BACK_OFFICE_ONLY = ("js/admin", "css/admin", "vendor/htmx/", "vendor/chartjs/")


@dataclass(frozen=True, slots=True)
class AssetBundle:
    version: str
    urls: tuple[str, ...]


@cache
def asset_bundle() -> AssetBundle:
    """Every static file's URL, and a version that changes when any file (or a template, or
    the app version) changes — the service worker's cache is named after it."""
    digest = hashlib.sha256(__version__.encode())
    urls = []
    for root in (STATIC_DIR, TEMPLATES_DIR):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
            if root is STATIC_DIR and _precached(path.relative_to(STATIC_DIR).as_posix()):
                urls.append(f"{ASSETS_PREFIX}/{path.relative_to(STATIC_DIR).as_posix()}")
    return AssetBundle(version=digest.hexdigest()[:16], urls=tuple(urls))


def _precached(relative: str) -> bool:
    """Whether the service worker keeps this static file for offline use."""
    return (
        Path(relative).suffix not in _NOT_PRECACHED
        and not relative.endswith("LICENSE")
        and not relative.startswith(_BACK_OFFICE_ONLY)
    )
