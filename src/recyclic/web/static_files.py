"""Static files of the web app, revalidated by the browser on every online use."""

from __future__ import annotations

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from recyclic.web.csp import PAGE_HEADERS


class AssetFiles(StaticFiles):
    """StaticFiles that asks browsers to revalidate (ETag) rather than trust a stale copy:
    the service worker, not the HTTP cache, is what keeps the till working offline."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = "no-cache"
        for name, value in PAGE_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
