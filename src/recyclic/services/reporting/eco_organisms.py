"""The Ecologic export (spec §7) and its siblings: one eco-organism, or every category.

One row per category reporting to the eco-organism **on this site** (the category's default,
overridden by the site's `eco_organisms` mapping), zero-filled, in display order then code.
Inactive categories appear only when they have figures in the period, so that nothing sold or
handed over is ever left out.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.exceptions import NotFound
from recyclic.models.base import utcnow
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.repositories.site_repository import SiteRepository
from recyclic.services.access.scope import require_role, target_site
from recyclic.services.people.sites import SiteNotFound
from recyclic.services.reporting.figures import (
    CategoryFigures,
    category_figures,
    eco_organism_mapping,
)
from recyclic.services.reporting.files import ExportFile
from recyclic.services.reporting.tabular import (
    Column,
    CsvEncoder,
    ExportFormat,
    Kind,
    XlsxWriter,
)
from recyclic.utils.periods import Period, requested_period

ECOLOGIC = "ecologic"

# The contract of spec §7: names and order are fixed.
ECOLOGIC_COLUMNS: tuple[Column, ...] = (
    Column("site", Kind.TEXT, 28),
    Column("period_start", Kind.DATE, 12),
    Column("period_end", Kind.DATE, 12),
    Column("category_code", Kind.TEXT, 13),
    Column("category_label", Kind.TEXT, 44),
    Column("weee_category", Kind.INT, 14),
    Column("flow", Kind.TEXT, 9),
    Column("deposits_count", Kind.INT, 14),
    Column("weight_in_kg", Kind.GRAMS, 14),
    Column("items_sold", Kind.INT, 11),
    Column("weight_sold_kg", Kind.GRAMS, 15),
    Column("sales_amount_eur", Kind.CENTS, 16),
    Column("weight_recycled_kg", Kind.GRAMS, 18),
    Column("weight_disposed_kg", Kind.GRAMS, 18),
    Column("generated_at", Kind.TIMESTAMP, 20),
)
# The all-categories summary also says where each category reports, and what was given away.
SUMMARY_COLUMNS: tuple[Column, ...] = (
    *ECOLOGIC_COLUMNS[:7],
    Column("eco_organism", Kind.TEXT, 13),
    *ECOLOGIC_COLUMNS[7:14],
    Column("weight_donated_kg", Kind.GRAMS, 17),
    ECOLOGIC_COLUMNS[14],
)


class UnknownEcoOrganism(NotFound):
    code = "unknown_eco_organism"
    message = "Éco-organisme inconnu."


@dataclass(frozen=True, slots=True)
class PeriodQuery:
    """`period` + `date`, or `from` + `to` (inclusive local dates)."""

    kind: str | None = None
    value: str | None = None
    first_day: date | None = None
    last_day: date | None = None

    def resolve(self, timezone: str) -> Period:
        return requested_period(self.kind, self.value, self.first_day, self.last_day, timezone)


@dataclass(frozen=True, slots=True)
class EcoReport:
    """The rows of an eco-organism export (`organism` None: every category)."""

    site: Site
    period: Period
    organism: str | None
    rows: list[CategoryFigures]
    generated_at: datetime

    @property
    def columns(self) -> tuple[Column, ...]:
        return SUMMARY_COLUMNS if self.organism is None else ECOLOGIC_COLUMNS

    @property
    def name(self) -> str:
        """The file name's stem: ecologic_<site>_<period>, synthese_<site>_<period>…"""
        return f"{self.organism or 'synthese'}_{self.site.slug}_{self.period.label}"

    def table(self) -> list[tuple[Any, ...]]:
        """The rows as values in the order of `columns` (cents and grams as integers)."""
        site, period, at = self.site.name, self.period, self.generated_at
        out: list[tuple[Any, ...]] = []
        for r in self.rows:
            head = (site, period.start, period.end, r.code, r.label, r.weee_category, r.flow)
            figures = (
                r.deposits_count,
                r.weight_in_g,
                r.items_sold,
                r.weight_sold_g,
                r.sales_cents,
                r.weight_recycled_g,
                r.weight_disposed_g,
            )
            if self.organism is None:
                out.append((*head, r.eco_organism, *figures, r.weight_donated_g, at))
            else:
                out.append((*head, *figures, at))
        return out


def rows_for(figures: list[CategoryFigures], organism: str | None) -> list[CategoryFigures]:
    """The categories of an export, in the order they came (display order, then code)."""
    return [
        f
        for f in figures
        if (organism is None or f.eco_organism == organism) and (f.active or f.has_activity)
    ]


class EcoExportService:
    def __init__(self, session: AsyncSession, *, now: Callable[[], datetime] = utcnow) -> None:
        self.session = session
        self.now = now
        self.sites = SiteRepository(session)
        self.categories = CategoryRepository(session)

    async def report(
        self,
        actor: User,
        *,
        site_id: uuid.UUID | None,
        period: PeriodQuery,
        organism: str | None,
    ) -> EcoReport:
        """The export a viewer+ asked for (another site's is a 404)."""
        require_role(actor, Role.VIEWER)
        site = await self.sites.get(target_site(actor, site_id))
        if site is None:
            raise SiteNotFound()
        return await self.report_for_site(site, period.resolve(site.timezone), organism)

    async def report_for_site(self, site: Site, period: Period, organism: str | None) -> EcoReport:
        """The export of a site (jobs and the CLI call this directly)."""
        if organism is not None:
            organism = organism.strip().lower()
            if organism != ECOLOGIC:
                await self._ensure_known(site, organism)
        figures = await category_figures(self.session, site, period)
        return EcoReport(site, period, organism, rows_for(figures, organism), self.now())

    async def known_organisms(self, site: Site) -> list[str]:
        """The eco-organisms a category or the site's settings name, sorted."""
        known = {c.eco_organism.lower() for c in await self.categories.list(active_only=False)
                 if c.eco_organism}  # fmt: skip
        known |= set(eco_organism_mapping(site).values())
        return sorted(known)

    async def _ensure_known(self, site: Site, organism: str) -> None:
        # A name no category and no site setting uses is a typing error, not an empty file.
        known = set(await self.known_organisms(site))
        if organism not in known:
            raise UnknownEcoOrganism(
                f"Éco-organisme inconnu : « {organism} » "
                f"(connus : {', '.join(sorted(known)) or 'aucun'})."
            )


def render(report: EcoReport, fmt: ExportFormat) -> ExportFile:
    """The report as a CSV, French CSV or XLSX file."""
    suffix = "_fr" if fmt is ExportFormat.CSV_FR else ""
    filename = f"{report.name}{suffix}.{fmt.extension}"
    if fmt is ExportFormat.XLSX:
        return ExportFile.of_bytes(filename, fmt.media_type, _xlsx(report))
    encoder = CsvEncoder(report.columns, fmt, report.site.timezone)
    return ExportFile.of_bytes(
        filename, fmt.media_type, encoder.header() + encoder.encode(report.table())
    )


def _xlsx(report: EcoReport) -> bytes:
    buffer = io.BytesIO()
    book = XlsxWriter(buffer, report.site.timezone)
    title = {None: "Synthèse", ECOLOGIC: "Ecologic"}.get(report.organism, report.organism or "")
    book.add_sheet(title, report.columns)
    book.append(report.table())
    rows = report.rows
    book.append_pairs(
        "Résumé",
        [
            ("Site", report.site.name, Kind.TEXT),
            ("Éco-organisme", report.organism or "toutes catégories", Kind.TEXT),
            ("Période", report.period.label, Kind.TEXT),
            ("Premier jour", report.period.start, Kind.DATE),
            ("Dernier jour (inclus)", report.period.end, Kind.DATE),
            ("Fuseau horaire", report.site.timezone, Kind.TEXT),
            ("Catégories", len(rows), Kind.INT),
            ("Dépôts validés", sum(r.deposits_count for r in rows), Kind.INT),
            ("Poids entré (kg)", sum(r.weight_in_g for r in rows), Kind.GRAMS),
            ("Objets vendus", sum(r.items_sold for r in rows), Kind.INT),
            ("Poids vendu (kg)", sum(r.weight_sold_g for r in rows), Kind.GRAMS),
            ("Ventes (€)", sum(r.sales_cents for r in rows), Kind.CENTS),
            ("Poids recyclé (kg)", sum(r.weight_recycled_g for r in rows), Kind.GRAMS),
            (
                "Poids éliminé en déchèterie (kg)",
                sum(r.weight_disposed_g for r in rows),
                Kind.GRAMS,
            ),
            ("Généré le", report.generated_at, Kind.TIMESTAMP),
        ],
    )
    book.save()
    return buffer.getvalue()
