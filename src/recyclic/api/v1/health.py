"""Health check (public)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from recyclic import __version__
from recyclic.api.deps import DatabaseDep
from recyclic.schemas.health import Health

router = APIRouter(tags=["santé"])
logger = logging.getLogger(__name__)


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "Base de données injoignable"}},
    summary="État du service",
)
async def health(database: DatabaseDep) -> Health | JSONResponse:
    """200 when the database answers, 503 otherwise."""
    try:
        await database.ping()
    except Exception as exc:  # any failure to answer is "unavailable", never a 500
        logger.warning("health check: database unavailable: %s", exc)
        body = Health(status="error", database="unavailable", version=__version__)
        return JSONResponse(body.model_dump(), status_code=503)
    return Health(status="ok", database="ok", version=__version__)
