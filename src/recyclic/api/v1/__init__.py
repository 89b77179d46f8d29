"""Version 1 of the HTTP API: every router, mounted under /api/v1."""

from fastapi import APIRouter

from recyclic.api.v1 import (
    audit,
    auth,
    cash,
    categories,
    closings,
    deposits,
    devices,
    exports,
    health,
    jobs,
    outbound_flows,
    sales,
    sites,
    stats,
    sync,
    telegram,
    users,
)

api_router = APIRouter()
# FastAPI tries the routes in this order, every one of them (a regular expression each) until
# one matches: the health check and the till's sales come first, they are the most frequent.
for router in (
    health.router,
    sales.router,
    auth.router,
    auth.session_router,
    users.router,
    sites.router,
    categories.router,
    cash.registers,
    cash.sessions,
    devices.router,
    stats.router,
    closings.router,
    closings.journal,
    deposits.router,
    outbound_flows.router,
    exports.router,
    audit.router,
    sync.router,
    jobs.router,
    telegram.router,
):
    api_router.include_router(router)
