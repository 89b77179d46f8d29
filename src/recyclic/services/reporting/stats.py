"""Dashboard figures of a site over a period: what came in, was sold, recycled, disposed of
or given, per category (the exports' figures, `services/reporting/figures.py`), and how well
the AI did.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.repositories.deposit_repository import CategoryTotal, DepositRepository, SitePeriod
from recyclic.repositories.site_repository import SiteRepository
from recyclic.services.access.scope import require_role, target_site
from recyclic.services.people.sites import SiteNotFound
from recyclic.services.reporting.figures import CategoryFigures, category_figures
from recyclic.utils.dates import day_range, local_today
from recyclic.utils.periods import custom_period, ensure_ordered


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Validated deposits the AI suggested a category for, and how many kept its first choice."""

    suggestions: int = 0
    first_choice_kept: int = 0

    @property
    def percent(self) -> float | None:
        """Share kept, in percent with one decimal; None without any suggestion."""
        if not self.suggestions:
            return None
        return round(100 * self.first_choice_kept / self.suggestions, 1)

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(
            self.suggestions + other.suggestions, self.first_choice_kept + other.first_choice_kept
        )


@dataclass(frozen=True, slots=True)
class DepositStats:
    """Validated deposits of a period: per category, and the AI's accuracy per provider."""

    categories: list[CategoryTotal] = field(default_factory=list)
    accuracy_by_provider: dict[str, Accuracy] = field(default_factory=dict)

    @property
    def deposits_count(self) -> int:
        return sum(c.deposits_count for c in self.categories)

    @property
    def weight_g(self) -> int:
        return sum(c.weight_g for c in self.categories)

    @property
    def accuracy(self) -> Accuracy:
        return sum(self.accuracy_by_provider.values(), Accuracy())


async def deposit_stats(session: AsyncSession, period: SitePeriod) -> DepositStats:
    """The deposit figures of a site's period (validated deposits, by `created_at`)."""
    deposits = DepositRepository(session)
    categories = await deposits.validated_totals_by_category(period)
    accuracy = {
        row.provider: Accuracy(row.suggested, row.first_choice_kept)
        for row in await deposits.ai_accuracy_by_provider(period)
    }
    return DepositStats(categories=categories, accuracy_by_provider=accuracy)


@dataclass(frozen=True, slots=True)
class Summary:
    site: Site
    first_day: date
    last_day: date
    labels: dict[str, str]
    deposits: DepositStats
    # Categories with any activity in the period, in display order.
    categories: list[CategoryFigures] = field(default_factory=list)


class StatsService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.sites = SiteRepository(session)
        self.categories = CategoryRepository(session)

    async def site_of(self, actor: User, site_id: uuid.UUID | None) -> Site:
        """The site a viewer (or above) may read figures of; another site is a 404."""
        require_role(actor, Role.VIEWER)
        site = await self.sites.get(target_site(actor, site_id))
        if site is None:
            raise SiteNotFound()
        return site

    async def summary(
        self,
        actor: User,
        *,
        site_id: uuid.UUID | None,
        first_day: date | None,
        last_day: date | None,
    ) -> Summary:
        """A site's figures between two days (inclusive, site's time zone); by default from
        the first of the current month to today."""
        site = await self.site_of(actor, site_id)
        last_day = last_day or local_today(site.timezone)
        first_day = first_day or last_day.replace(day=1)
        ensure_ordered(first_day, last_day)
        start, end = day_range(first_day, last_day, site.timezone)
        stats = await deposit_stats(self.session, SitePeriod(site.id, start, end))
        labels = {c.code: c.label for c in await self.categories.list(active_only=False)}
        period = custom_period(first_day, last_day, site.timezone, limit_length=False)
        figures = await category_figures(self.session, site, period)
        active = [f for f in figures if f.has_activity]
        return Summary(site, first_day, last_day, labels, stats, active)
