"""Version 1 of the HTTP API: every router, mounted under /api/v1."""

from fastapi import APIRouter

from recyclic.api.v1 import audit, auth, categories, deposits, health, sites, stats, users

api_router = APIRouter()
for module in (health, auth, users, sites, categories, audit, deposits, stats):
    api_router.include_router(module.router)
