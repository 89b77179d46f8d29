"""Per-category figures of a site over a period: what came in, was sold, left the shop.

The definitions of spec §7, shared by the eco-organism exports and the dashboard:

- deposits_count / weight_in: validated deposits, by their `created_at`;
- items_sold / weight_sold / sales amount: sale lines by their `created_at`, net of refunds
  (refunds are negative lines) and of discounts (line totals are after discount); a line
  without a weight weighs quantity × the category's default unit weight;
- recycled: outbound flows to an eco-organism or a recycler; disposed: to a déchèterie;
  donated: given away (reuse, like a sale) — by the flow's local date.

The database sums; this module only lays the few aggregated rows side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.category import Category
from recyclic.models.outbound_flow import OutboundDestination
from recyclic.models.site import Site
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.repositories.deposit_repository import DepositRepository, SitePeriod
from recyclic.repositories.outbound_flow_repository import OutboundFlowRepository
from recyclic.repositories.report_repository import ReportRepository
from recyclic.schemas.site import SiteSettings
from recyclic.utils.periods import Period

RECYCLED = frozenset({OutboundDestination.ECO_ORGANISM, OutboundDestination.RECYCLER})


@dataclass(slots=True)
class CategoryFigures:
    """One category's row: its reference data, then integer counts, grams and cents."""

    code: str
    label: str
    weee_category: int | None
    flow: str | None
    eco_organism: str | None  # the site's mapping, else the category's default
    active: bool
    deposits_count: int = 0
    deposits_quantity: int = 0
    weight_in_g: int = 0
    items_sold: int = 0
    weight_sold_g: int = 0
    sales_cents: int = 0
    weight_recycled_g: int = 0
    weight_disposed_g: int = 0
    weight_donated_g: int = 0

    @property
    def has_activity(self) -> bool:
        """Anything came in, was sold (or refunded) or left during the period."""
        return any(
            (
                self.deposits_count,
                self.items_sold,
                self.weight_sold_g,
                self.sales_cents,
                self.weight_recycled_g,
                self.weight_disposed_g,
                self.weight_donated_g,
            )
        )


def eco_organism_mapping(site: Site) -> dict[str, str]:
    """The site's overrides, category code → eco-organism name (normalised)."""
    mapping = SiteSettings.of(site.settings).eco_organisms
    return {code.strip().upper(): name.strip().lower() for code, name in mapping.items()}


def eco_organism_of(category: Category, mapping: dict[str, str]) -> str | None:
    """The eco-organism a category reports to on this site."""
    if category.code in mapping:
        return mapping[category.code]
    return category.eco_organism.strip().lower() if category.eco_organism else None


async def category_figures(
    session: AsyncSession, site: Site, period: Period
) -> list[CategoryFigures]:
    """Every category (display order, then code) with its figures over the period."""
    mapping = eco_organism_mapping(site)
    rows = {
        c.code: CategoryFigures(
            code=c.code,
            label=c.label,
            weee_category=c.weee_category,
            flow=c.flow,
            eco_organism=eco_organism_of(c, mapping),
            active=c.active,
        )
        for c in await CategoryRepository(session).list(active_only=False)
    }
    deposits = await DepositRepository(session).validated_totals_by_category(
        SitePeriod(site.id, period.starts_at, period.ends_at)
    )
    for total in deposits:
        row = rows[total.category]
        row.deposits_count, row.deposits_quantity = total.deposits_count, total.quantity
        row.weight_in_g = total.weight_g
    sold = await ReportRepository(session).sold_by_category(
        site.id, period.starts_at, period.ends_at
    )
    for line in sold:
        row = rows[line.category]
        row.items_sold, row.weight_sold_g, row.sales_cents = line.items, line.weight_g, line.cents
    flows = await OutboundFlowRepository(session).totals(site.id, period.start, period.end)
    for flow in flows:
        row = rows[flow.category]
        if flow.destination in RECYCLED:
            row.weight_recycled_g += flow.weight_g
        elif flow.destination is OutboundDestination.DECHETTERIE:
            row.weight_disposed_g += flow.weight_g
        else:
            row.weight_donated_g += flow.weight_g
    return list(rows.values())
