"""The back office (`/admin`): one module per group of pages, assembled here.

To add a page: write `web/admin/<group>.py` with `router = admin_router()` and its handlers
(see `shell.py` and docs/architecture.md, "How to add a back-office page"), list the module in
`PAGE_MODULES`, and make sure its path is in `nav.NAV`. Every navigation entry whose page is not
written yet answers a "page à venir" placeholder, authorised with the entry's role.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from recyclic.models.user import Role
from recyclic.web.admin import (
    audit,
    cash_sessions,
    categories,
    closings,
    dashboard,
    exports,
    journal,
    people,
    registers,
    settings,
    sync,
)
from recyclic.web.admin.nav import NAV
from recyclic.web.admin.shell import AdminContext, admin_router, page_context, render

# One line per page module.
PAGE_MODULES = (
    dashboard,
    exports,
    cash_sessions,
    closings,
    journal,
    registers,
    people,
    categories,
    settings,
    sync,
    audit,
)


def _placeholder(role: Role) -> APIRouter:
    """Placeholders share one handler per role."""

    async def placeholder(ctx: AdminContext = Depends(page_context(role))) -> HTMLResponse:
        return render(ctx, "admin/placeholder.html")

    placeholder.__name__ = f"placeholder_{role.value}"
    placeholder_router = admin_router()
    served = {route.path for module in PAGE_MODULES for route in module.router.routes}
    for entry in NAV:
        if entry.in_shell and entry.role == role and entry.path not in served:
            placeholder_router.add_api_route(entry.path, placeholder, methods=["GET"])
    return placeholder_router


router = APIRouter()
for _module in PAGE_MODULES:
    router.include_router(_module.router)
for _role in Role:
    router.include_router(_placeholder(_role))
