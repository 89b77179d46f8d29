"""Reconciliation: per year and category, the source's figures, what it had that Recyclic
refused, and what Recyclic now reports (the reporting engine of the exports and dashboard).

For every year and category, source − refused = Recyclic, to the gram and the cent, unless
Recyclic holds other activity of its own that year (live sales, deposits) or estimates the
weight of unweighed sold items from a category's default unit weight.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.site import Site
from recyclic.repositories.import_repository import ImportRepository
from recyclic.services.reporting.figures import CategoryFigures, category_figures
from recyclic.utils.periods import make_period

FIGURES = ("kg_in", "kg_sold", "kg_out", "takings")


@dataclass(frozen=True, slots=True)
class ReconciledRow:
    """One year and category: [grams in, grams sold, grams out, cents] on each side."""

    year: int
    category: str
    source: list[int]
    refused: list[int]
    recyclic: list[int]

    @property
    def expected(self) -> list[int]:
        return [s - r for s, r in zip(self.source, self.refused, strict=True)]

    @property
    def differences(self) -> list[int]:
        return [r - e for r, e in zip(self.recyclic, self.expected, strict=True)]

    @property
    def balanced(self) -> bool:
        return not any(self.differences)


def reported(row: CategoryFigures) -> list[int]:
    """[grams in, grams sold, grams out, cents] of a report row (out: recycled, disposed and
    donated together, as Oressource counts its exits)."""
    return [
        row.weight_in_g,
        row.weight_sold_g,
        row.weight_recycled_g + row.weight_disposed_g + row.weight_donated_g,
        row.sales_cents,
    ]


async def refused_by_year_and_category(
    session: AsyncSession, site_id: object, source: str
) -> dict[tuple[int, str], list[int]]:
    """What the refused rows would have added to the source's figures."""
    totals: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    async for reject in ImportRepository(session).rejects(site_id, source):  # type: ignore[arg-type]
        for code, values in (reject.contributions or {}).items():
            row = totals[reject.year or 0, code]
            for index, value in enumerate(values):
                row[index] += int(value)
    return dict(totals)


async def reconcile(
    session: AsyncSession,
    site: Site,
    source_figures: dict[tuple[int, str], list[int]],
    source: str,
) -> list[ReconciledRow]:
    """Every (year, category) either side has, in year then category order."""
    refused = await refused_by_year_and_category(session, site.id, source)
    keys = set(source_figures) | set(refused)
    recyclic: dict[tuple[int, str], list[int]] = {}
    for year in sorted({y for y, _ in keys if 1 <= y <= 9998}):
        period = make_period("yearly", date(year, 1, 1), date(year, 12, 31), site.timezone)
        for row in await category_figures(session, site, period):
            figures = reported(row)
            if any(figures):
                recyclic[year, row.code] = figures
                keys.add((year, row.code))
    zero = [0, 0, 0, 0]
    return [
        ReconciledRow(
            year,
            code,
            list(source_figures.get((year, code), zero)),
            list(refused.get((year, code), zero)),
            list(recyclic.get((year, code), zero)),
        )
        for year, code in sorted(keys)
    ]
