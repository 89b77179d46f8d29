"""Queries on deposits: scoped reads, filtered listings, retention and period sums."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from recyclic.models.deposit import AIProvider, Channel, Deposit, DepositStatus, DonorType
from recyclic.models.rollups import DepositCategoryHour, DepositOriginHour
from recyclic.repositories.base import BaseRepository, KeysetPage
from recyclic.repositories.hourly import AnySelect, Part, blank_if_none, hours_and_edges


@dataclass(slots=True)
class DepositBreakdown:
    """Validated deposits per donor type and per channel (None: not recorded), as (count,
    grams); and per AI provider, how many it made a suggestion for and how many kept it."""

    donors: dict[str | None, tuple[int, int]] = field(default_factory=dict)
    channels: dict[str | None, tuple[int, int]] = field(default_factory=dict)
    suggested: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SitePeriod:
    """One site's rows created in [start, end) (UTC instants cut in the site's time zone)."""

    site_id: uuid.UUID
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, slots=True)
class DepositFilters:
    """A listing's scope and filters; `sites` None means every site (super admin)."""

    sites: Sequence[SitePeriod] | None
    status: DepositStatus | None = None
    category: str | None = None
    created_by: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class CategoryTotal:
    category: str
    deposits_count: int
    quantity: int
    weight_g: int


@dataclass(frozen=True, slots=True)
class ValidatedDescription:
    """What a person validated: the words of a deposit and the category chosen."""

    deposit_id: uuid.UUID
    text: str
    category: str
    validated_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ProviderAccuracy:
    provider: str
    suggested: int
    first_choice_kept: int


def _add(
    totals: dict[str | None, tuple[int, int]], key: str | None, count: int, grams: int
) -> None:
    before = totals.get(key, (0, 0))
    totals[key] = (before[0] + count, before[1] + grams)


def _in_period(period: SitePeriod) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [Deposit.site_id == period.site_id]
    if period.start is not None:
        conditions.append(Deposit.created_at >= period.start)
    if period.end is not None:
        conditions.append(Deposit.created_at < period.end)
    return and_(*conditions)


class DepositRepository(BaseRepository[Deposit]):
    model = Deposit

    async def get_in_site(
        self, deposit_id: uuid.UUID, site_id: uuid.UUID | None, *, for_update: bool = False
    ) -> Deposit | None:
        """The deposit if it belongs to `site_id` (None: any site); locked when asked, so two
        people validating at once are serialised (PostgreSQL; SQLite has a single writer)."""
        statement = select(Deposit).where(Deposit.id == deposit_id)
        if site_id is not None:
            statement = statement.where(Deposit.site_id == site_id)
        if for_update:
            statement = statement.with_for_update()
        return await self.one_or_none(statement)

    async def count_in_site(self, site_id: uuid.UUID) -> int:
        """How many deposits a site has (every status)."""
        statement = select(func.count()).where(Deposit.site_id == site_id)
        return int(await self.session.scalar(statement) or 0)

    async def validated_descriptions(
        self, site_id: uuid.UUID, *, changed_since: datetime | None, limit: int
    ) -> list[ValidatedDescription]:
        """A site's validated deposits with words (description, else transcription), changed
        at or after `changed_since` (all when None), the most recently changed first."""
        text = func.coalesce(Deposit.description, Deposit.transcription)
        statement = (
            select(Deposit.id, text, Deposit.category, Deposit.validated_at, Deposit.updated_at)
            .where(
                Deposit.site_id == site_id,
                Deposit.status == DepositStatus.VALIDATED,
                text.is_not(None),
            )
            .order_by(Deposit.updated_at.desc())
            .limit(limit)
        )
        if changed_since is not None:
            statement = statement.where(Deposit.updated_at >= changed_since)
        rows = (await self.session.execute(statement)).all()
        return [
            ValidatedDescription(deposit_id, str(words), str(category), validated, updated)
            for deposit_id, words, category, validated, updated in rows
            if category is not None and validated is not None
        ]

    async def page(
        self, filters: DepositFilters, *, limit: int, cursor: str | None
    ) -> KeysetPage[Deposit]:
        """Deposits newest first, filtered."""
        statement = select(Deposit)
        if filters.sites is not None:
            if not filters.sites:
                return KeysetPage(items=[], next_cursor=None)
            statement = statement.where(or_(*(_in_period(p) for p in filters.sites)))
        if filters.status is not None:
            statement = statement.where(Deposit.status == filters.status)
        if filters.category is not None:
            statement = statement.where(Deposit.category == filters.category)
        if filters.created_by is not None:
            statement = statement.where(Deposit.created_by == filters.created_by)
        return await self.paginate(
            statement, keys=(Deposit.created_at, Deposit.id), limit=limit, cursor=cursor
        )

    async def with_expired_audio(
        self, site_id: uuid.UUID, *, created_before: datetime, limit: int
    ) -> list[Deposit]:
        """Deposits of a site whose recording is older than the retention, oldest first."""
        statement = (
            select(Deposit)
            .where(
                Deposit.site_id == site_id,
                Deposit.created_at < created_before,
                Deposit.audio_file_path.is_not(None),
            )
            .order_by(Deposit.created_at, Deposit.id)
            .limit(limit)
        )
        return await self.all(statement)

    def _validated_parts(
        self, period: SitePeriod, totals: Part, hour: Any, columns: Sequence[Any]
    ) -> list[AnySelect]:
        """A period's validated deposits: `totals` over its whole hours (an hourly-totals
        table), `columns` of the deposits themselves at its edges."""

        def rows(within: Sequence[ColumnElement[bool]]) -> AnySelect:
            return select(*columns).where(
                Deposit.site_id == period.site_id,
                Deposit.status == DepositStatus.VALIDATED,
                *within,
            )

        return hours_and_edges(
            period.start,
            period.end,
            totals=totals,
            hour=hour,
            rows=rows,
            created_at=Deposit.created_at,
        )

    async def validated_totals_by_category(self, period: SitePeriod) -> list[CategoryTotal]:
        """Count, quantity and weight of the validated deposits of a period, per category."""
        hours = DepositCategoryHour
        parts = self._validated_parts(
            period,
            lambda within: select(
                hours.category, hours.deposits, hours.quantity, hours.weight_g
            ).where(hours.site_id == period.site_id, *within),
            hours.hour,
            [
                func.coalesce(Deposit.category, ""),
                literal(1),
                func.coalesce(Deposit.quantity, 0),
                func.coalesce(Deposit.weight_g, 0),
            ],
        )
        if not parts:
            return []
        shares = union_all(*parts).subquery()
        category, count, quantity, weight = shares.c
        statement = (
            select(category, func.sum(count), func.sum(quantity), func.sum(weight))
            .group_by(category)
            .having(func.sum(count) != 0)
            .order_by(category)
        )
        rows = (await self.session.execute(statement)).all()
        return [
            CategoryTotal(str(code), int(count), int(quantity or 0), int(weight or 0))
            for code, count, quantity, weight in rows
        ]

    async def validated_breakdown(self, period: SitePeriod) -> DepositBreakdown:
        """Count and weight of the validated deposits of a period per donor type and per
        channel, and per AI provider the suggestions made and kept."""
        hours = DepositOriginHour
        suggested = and_(Deposit.ai_category.is_not(None), Deposit.ai_provider.is_not(None))
        parts = self._validated_parts(
            period,
            lambda within: select(
                hours.donor_type,
                hours.channel,
                hours.ai_provider,
                hours.deposits,
                hours.weight_g,
                hours.ai_suggested,
                hours.ai_kept,
            ).where(hours.site_id == period.site_id, *within),
            hours.hour,
            [
                blank_if_none(Deposit.donor_type),
                blank_if_none(Deposit.channel),
                blank_if_none(Deposit.ai_provider),
                literal(1),
                func.coalesce(Deposit.weight_g, 0),
                case((suggested, 1), else_=0),
                case((and_(suggested, Deposit.ai_first_choice_kept.is_(True)), 1), else_=0),
            ],
        )
        found = DepositBreakdown(
            donors=dict.fromkeys([*(d.value for d in DonorType), None], (0, 0)),
            channels={c.value: (0, 0) for c in Channel},
            suggested={p.value: 0 for p in AIProvider},
            kept={p.value: 0 for p in AIProvider},
        )
        if not parts:
            return found
        shares = union_all(*parts).subquery()
        donor, channel, provider, *values = shares.c
        statement = select(donor, channel, provider, *(func.sum(v) for v in values)).group_by(
            donor, channel, provider
        )
        for donor_type, channel_key, ai_provider, count, grams, made, kept in (
            await self.session.execute(statement)
        ).all():
            _add(found.donors, donor_type or None, int(count), int(grams))
            _add(found.channels, channel_key or None, int(count), int(grams))
            if ai_provider:
                found.suggested[ai_provider] = found.suggested.get(ai_provider, 0) + int(made)
                found.kept[ai_provider] = found.kept.get(ai_provider, 0) + int(kept)
        return found

    async def ai_accuracy_by_provider(self, period: SitePeriod) -> list[ProviderAccuracy]:
        """Validated deposits the AI made a suggestion for, and how many kept its first choice."""
        origin = await self.validated_breakdown(period)
        return [
            ProviderAccuracy(provider, count, origin.kept.get(provider, 0))
            for provider, count in sorted(origin.suggested.items())
            if count
        ]
