"""Version 1 of the HTTP API: every router, mounted under /api/v1."""

from fastapi import APIRouter

from recyclic.api.v1 import categories, health

api_router = APIRouter()
for module in (health, categories):
    api_router.include_router(module.router)
