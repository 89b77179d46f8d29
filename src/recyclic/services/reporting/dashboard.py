"""The back office's dashboard: a site's figures over a chosen period (today, this week, this
month, this year, or from–to), cut in the site's time zone.

The figures are the reporting engine's (`figures.py`, `stats.py`), so the dashboard says what
the exports and `/stats/summary` say for the same days.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, get_args

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.site import Site
from recyclic.models.user import User
from recyclic.repositories.cash_repository import CashSessionRepository
from recyclic.repositories.deposit_repository import DepositRepository, SitePeriod
from recyclic.repositories.report_repository import ReportRepository
from recyclic.services.reporting.accounting import METHOD_LABELS
from recyclic.services.reporting.figures import CategoryFigures, category_figures
from recyclic.services.reporting.stats import Accuracy, StatsService
from recyclic.utils.dates import local_midnight, local_today
from recyclic.utils.periods import InvalidPeriod, Period, custom_period, days_of

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


DONOR_LABELS = {
    "individual": "Particulier",
    "business": "Entreprise",
    "public": "Collectivité",
    None: "Non précisé",
}
CHANNEL_LABELS = {
    "drop_off": "Apport à la boutique",
    "pickup": "Enlèvement",
    "collection_point": "Point de collecte",
    None: "Non précisé",
}
# Sessions open longer than this are flagged (a till left open overnight, or forgotten).
STALE_SESSION = timedelta(hours=24)
# Up to this many days, sales are shown per day; beyond, per month.
DAILY_UP_TO = 62


@dataclass(frozen=True, slots=True)
class Bucket:
    """Sales of a day (or of a month, for long periods)."""

    start: date
    label: str
    sales: int = 0
    refunds: int = 0
    cents: int = 0


@dataclass(frozen=True, slots=True)
class Share:
    """One slice of a breakdown: its label, a count when it means something, grams or cents."""

    key: str
    label: str
    count: int
    amount: int


@dataclass(frozen=True, slots=True)
class OpenSessionRow:
    id: uuid.UUID
    opened_at: datetime
    register: str
    cashier: str
    stale: bool


@dataclass(frozen=True, slots=True)
class Dashboard:
    site: Site
    period: DashboardPeriod
    # Categories with any activity, in display order (the exports' figures).
    categories: list[CategoryFigures]
    # Reuse (sold + given), recycling, disposal: grams.
    outcomes: list[Share]
    buckets: list[Bucket]
    daily: bool
    # Net takings per payment method (cash net of the change given back): cents.
    methods: list[Share]
    donors: list[Share]
    channels: list[Share]
    accuracy: Accuracy
    accuracy_by_provider: dict[str, Accuracy]
    open_sessions: list[OpenSessionRow]

    @property
    def weight_in_g(self) -> int:
        return sum(c.weight_in_g for c in self.categories)

    @property
    def deposits_count(self) -> int:
        return sum(c.deposits_count for c in self.categories)

    @property
    def sales_cents(self) -> int:
        return sum(b.cents for b in self.buckets)

    @property
    def tickets(self) -> int:
        return sum(b.sales for b in self.buckets)

    @property
    def stale_sessions(self) -> int:
        return sum(1 for s in self.open_sessions if s.stale)


_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def _bucket_starts(period: Period) -> tuple[list[date], bool]:
    """The first day of each bucket: every day of a short period, else every month."""
    daily = (period.end - period.start).days < DAILY_UP_TO
    if daily:
        return days_of(period), True
    return sorted({d.replace(day=1) for d in days_of(period)}), False


def _bucket_label(start: date, daily: bool) -> str:
    return f"{start:%d/%m}" if daily else f"{_MONTHS[start.month - 1]} {start.year}"


def _breakdown(totals: Mapping[Any, tuple[int, int]], labels: Mapping[Any, str]) -> list[Share]:
    """Known keys in their label order, then any other; empty ones left out."""
    order = [k for k in labels if k in totals] + [k for k in totals if k not in labels]
    return [
        Share(key or "", labels.get(key, key or ""), *totals[key])
        for key in order
        if totals[key] != (0, 0)
    ]


class DashboardService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.reports = ReportRepository(session)
        self.deposits = DepositRepository(session)
        self.cash = CashSessionRepository(session)

    async def dashboard(
        self,
        actor: User,
        site_id: uuid.UUID,
        *,
        choice: str | None = None,
        first: date | None = None,
        last: date | None = None,
        now: datetime | None = None,
    ) -> Dashboard:
        """A viewer's (or above) dashboard of a site; another site is a 404."""
        site = await StatsService(self.session).site_of(actor, site_id)
        await self.reports.plan_with_actual_values()
        now = now or datetime.now(UTC)
        chosen = dashboard_period(choice, first, last, local_today(site.timezone, now))
        period = custom_period(chosen.first_day, chosen.last_day, site.timezone)
        in_period = SitePeriod(site.id, period.starts_at, period.ends_at)

        figures = await category_figures(self.session, site, period)
        categories = [f for f in figures if f.has_activity]
        outcomes = [
            Share(
                "reuse",
                "Réemploi (vendu ou donné)",
                0,
                sum(f.weight_sold_g + f.weight_donated_g for f in figures),
            ),
            Share("recycling", "Recyclage", 0, sum(f.weight_recycled_g for f in figures)),
            Share("disposal", "Déchèterie", 0, sum(f.weight_disposed_g for f in figures)),
        ]

        starts, daily = _bucket_starts(period)
        # Each bucket's UTC range: from its first local day (not before the period's) to the
        # midnight after its last one.
        ends = [*(later - timedelta(days=1) for later in starts[1:]), period.end]
        ranges = [
            (
                local_midnight(max(first, period.start), site.timezone),
                local_midnight(last + timedelta(days=1), site.timezone),
            )
            for first, last in zip(starts, ends, strict=True)
        ]
        sold = await self.reports.sales_by_range(site.id, ranges)
        buckets = [
            Bucket(start, _bucket_label(start, daily), row.sales, row.refunds, row.cents)
            for start, row in zip(starts, sold, strict=True)
        ]
        paid = await self.reports.paid_by_method(site.id, period)
        # The change given back is cash leaving the drawer: takings are net of it.
        paid["cash"] = paid.get("cash", 0) - sum(row.change_cents for row in sold)
        methods = _breakdown({m: (0, c) for m, c in paid.items() if c}, METHOD_LABELS)

        origin = await self.deposits.validated_breakdown(in_period)
        accuracy = {
            provider: Accuracy(count, origin.kept.get(provider, 0))
            for provider, count in origin.suggested.items()
            if count
        }

        sessions = [
            OpenSessionRow(
                row.id, row.opened_at, row.register, row.cashier,
                stale=now - row.opened_at > STALE_SESSION,
            )
            for row in await self.cash.open_with_names(site.id)
        ]  # fmt: skip

        return Dashboard(
            site=site,
            period=chosen,
            categories=categories,
            outcomes=outcomes,
            buckets=buckets,
            daily=daily,
            methods=methods,
            donors=_breakdown(origin.donors, DONOR_LABELS),
            channels=_breakdown(origin.channels, CHANNEL_LABELS),
            accuracy=sum(accuracy.values(), Accuracy()),
            accuracy_by_provider=dict(sorted(accuracy.items())),
            open_sessions=sessions,
        )
