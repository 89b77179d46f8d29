"""Statistics: takings of a day, dashboard figures."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from recyclic.api.deps import SessionDep, SiteIdQuery, ViewerUser
from recyclic.schemas.sale import DailyTotal
from recyclic.schemas.stats import (
    AIAccuracy,
    CategoryFigures,
    OutboundTotals,
    ProviderAccuracy,
    SalesTotals,
    SummaryOut,
    Totals,
)
from recyclic.services.cash.sales import SaleService
from recyclic.services.reporting.stats import Accuracy, StatsService, Summary

router = APIRouter(
    prefix="/stats",
    tags=["statistiques"],
    responses={
        401: {"description": "Non authentifié"},
        403: {"description": "Rôle insuffisant"},
        404: {"description": "Autre site"},
        422: {"description": "Période invalide"},
    },
)


@router.get("/daily-total", response_model=DailyTotal)
async def daily_total(
    user: ViewerUser, session: SessionDep, site_id: SiteIdQuery = None, date: date | None = None
) -> DailyTotal:
    """Takings of a day in the site's time zone (today by default), per payment method."""
    return await SaleService(session).daily_total(user, site_id, date)


def _accuracy(figures: Accuracy) -> dict[str, int | float | None]:
    return {
        "suggestions": figures.suggestions,
        "first_choice_kept": figures.first_choice_kept,
        "accuracy_percent": figures.percent,
    }


def _summary_out(summary: Summary) -> SummaryOut:
    stats = summary.deposits
    rows = summary.categories
    return SummaryOut(
        site_id=summary.site.id,
        timezone=summary.site.timezone,
        period_start=summary.first_day,
        period_end=summary.last_day,
        categories=[
            CategoryFigures(
                category=row.code,
                label=row.label,
                eco_organism=row.eco_organism,
                deposits_count=row.deposits_count,
                quantity=row.deposits_quantity,
                weight_in_kg=row.weight_in_g,
                items_sold=row.items_sold,
                weight_sold_kg=row.weight_sold_g,
                sales_amount=row.sales_cents,
                weight_recycled_kg=row.weight_recycled_g,
                weight_disposed_kg=row.weight_disposed_g,
                weight_donated_kg=row.weight_donated_g,
            )
            for row in rows
        ],
        totals=Totals(deposits_count=stats.deposits_count, weight_in_kg=stats.weight_g),
        sales_totals=SalesTotals(
            items_sold=sum(r.items_sold for r in rows),
            weight_sold_kg=sum(r.weight_sold_g for r in rows),
            sales_amount=sum(r.sales_cents for r in rows),
        ),
        outbound_totals=OutboundTotals(
            weight_recycled_kg=sum(r.weight_recycled_g for r in rows),
            weight_disposed_kg=sum(r.weight_disposed_g for r in rows),
            weight_donated_kg=sum(r.weight_donated_g for r in rows),
        ),
        ai_accuracy=AIAccuracy(
            **_accuracy(stats.accuracy),
            by_provider=[
                ProviderAccuracy(provider=provider, **_accuracy(figures))
                for provider, figures in sorted(stats.accuracy_by_provider.items())
            ],
        ),
    )


@router.get("/summary", response_model=SummaryOut, summary="Tableau de bord")
async def summary(
    actor: ViewerUser,
    session: SessionDep,
    site_id: SiteIdQuery = None,
    first_day: Annotated[
        date | None,
        Query(alias="from", description="Premier jour inclus (défaut : le 1er du mois)"),
    ] = None,
    last_day: Annotated[
        date | None, Query(alias="to", description="Dernier jour inclus (défaut : aujourd'hui)")
    ] = None,
) -> SummaryOut:
    """Per category: kg in (validated deposits), items, kg and euros sold (net of refunds),
    kg recycled, disposed of and given (outbound flows); and the AI's accuracy, overall and
    per provider — over a period cut in the site's time zone."""
    result = await StatsService(session).summary(
        actor, site_id=site_id, first_day=first_day, last_day=last_day
    )
    return _summary_out(result)
