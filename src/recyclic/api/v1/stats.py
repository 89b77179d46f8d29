"""Statistics."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from recyclic.api.deps import SessionDep, SiteIdQuery, ViewerUser
from recyclic.schemas.common import ErrorBody
from recyclic.schemas.sale import DailyTotal
from recyclic.services.sale_service import SaleService

router = APIRouter(
    prefix="/stats",
    tags=["statistiques"],
    responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 404: {"model": ErrorBody}},
)


@router.get("/daily-total", response_model=DailyTotal)
async def daily_total(
    user: ViewerUser, session: SessionDep, site_id: SiteIdQuery = None, date: date | None = None
) -> DailyTotal:
    """Takings of a day in the site's time zone (today by default), per payment method."""
    return await SaleService(session).daily_total(user, site_id, date)
