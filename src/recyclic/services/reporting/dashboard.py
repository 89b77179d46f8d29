"""The back office's dashboard: a site's figures over a chosen period (today, this week, this
month, this year, or from–to), cut in the site's time zone.

The figures are the reporting engine's (`figures.py`, `stats.py`), so the dashboard says what
the exports and `/stats/summary` say for the same days.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, get_args

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.user import User
from recyclic.services.reporting.stats import StatsService, Summary
from recyclic.utils.dates import local_today
from recyclic.utils.periods import InvalidPeriod

PeriodChoice = Literal["jour", "semaine", "mois", "annee", "perso"]
PERIOD_CHOICES: tuple[PeriodChoice, ...] = get_args(PeriodChoice)
PERIOD_LABELS: dict[PeriodChoice, str] = {
    "jour": "Aujourd'hui",
    "semaine": "Cette semaine",
    "mois": "Ce mois-ci",
    "annee": "Cette année",
    "perso": "Période choisie",
}


@dataclass(frozen=True, slots=True)
class DashboardPeriod:
    choice: PeriodChoice
    first_day: date
    last_day: date

    @property
    def label(self) -> str:
        return PERIOD_LABELS[self.choice]


def dashboard_period(
    choice: str | None, first: date | None, last: date | None, today: date
) -> DashboardPeriod:
    """The days a choice covers, up to today: the week starts on Monday; "perso" needs both
    days (the same rules as the exports' from–to)."""
    if choice in (None, ""):
        choice = "perso" if first or last else "mois"
    if choice not in PERIOD_CHOICES:
        raise InvalidPeriod("Période inconnue : jour, semaine, mois, annee ou perso.")
    if choice == "jour":
        return DashboardPeriod("jour", today, today)
    if choice == "semaine":
        return DashboardPeriod("semaine", today - timedelta(days=today.weekday()), today)
    if choice == "mois":
        return DashboardPeriod("mois", today.replace(day=1), today)
    if choice == "annee":
        return DashboardPeriod("annee", today.replace(month=1, day=1), today)
    if first is None or last is None:
        raise InvalidPeriod("Choisissez le premier et le dernier jour de la période.")
    if last < first:
        raise InvalidPeriod("La date de fin précède la date de début.")
    return DashboardPeriod("perso", first, last)


@dataclass(frozen=True, slots=True)
class Dashboard:
    period: DashboardPeriod
    summary: Summary


class DashboardService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def dashboard(
        self,
        actor: User,
        site_id: uuid.UUID,
        *,
        choice: str | None = None,
        first: date | None = None,
        last: date | None = None,
    ) -> Dashboard:
        stats = StatsService(self.session)
        site = await stats.site_of(actor, site_id)
        period = dashboard_period(choice, first, last, local_today(site.timezone))
        summary = await stats.summary(
            actor, site_id=site.id, first_day=period.first_day, last_day=period.last_day
        )
        return Dashboard(period=period, summary=summary)
