"""The back office (`/admin`): one module per group of pages, assembled here.

To add a page: write `web/admin/<group>.py` with `router = admin_router()` and its handlers
(see `shell.py` and docs/architecture.md, "How to add a back-office page"), list the module in
`PAGE_MODULES`, and add its path to `nav.NAV` (a test checks every entry is served).
"""

from __future__ import annotations

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

# The app includes each page module's router itself: one router gathering them, included
# without a prefix, made FastAPI build every back-office route a second time at start-up (to
# check that no path is empty), work thrown away when the app routes its first request.
ROUTERS = tuple(module.router for module in PAGE_MODULES)
