"""The accounting export: takings per local day, payment method and category.

One row per (day, method, category), in the "simple" entry format that Paheko imports
(`Date, Libellé, Compte de débit, Compte de crédit, Montant…`, matched by header name) and
that other tools map column by column: the payment method's account is debited, the sales
account credited. Amounts are net of refunds (a refund is a negative sale, counted on the day
it was made) and of discounts, and cash is net of the change given back. A day whose refunds
exceed its sales for a method and category gives a reversed entry (credit the method's
account), flagged in `Remarques`; `Montant net` keeps the signed amount.

Nearly every ticket is paid by one method: those are summed by the database. A ticket split
between methods (a little cash, the rest by card) is spread over its categories in ticket
order, methods in name order — whole cents, exact both per method and per category.
"""

from __future__ import annotations

import io
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.repositories.report_repository import ReportRepository
from recyclic.repositories.site_repository import SiteRepository
from recyclic.services.access.scope import require_role, target_site
from recyclic.services.people.sites import SiteNotFound
from recyclic.services.reporting.files import ExportFile
from recyclic.services.reporting.tabular import Column, CsvEncoder, ExportFormat, Kind, XlsxWriter
from recyclic.utils.dates import local_today
from recyclic.utils.periods import Period, custom_period, zone

# A usual French association chart of accounts (plan comptable associatif); adapt at import.
SALES_ACCOUNT = "707"
METHOD_ACCOUNTS = {
    "cash": "530",
    "card": "5115",
    "check": "5112",
    "transfer": "512",
    "voucher": "4191",
    "gift_card": "4191",
    "local_currency": "5302",
}
OTHER_METHOD_ACCOUNT = "511"
METHOD_LABELS = {
    "cash": "Espèces",
    "card": "Carte bancaire",
    "check": "Chèque",
    "transfer": "Virement",
    "voucher": "Bon d'achat",
    "gift_card": "Carte cadeau",
    "local_currency": "Monnaie locale",
    "free": "Gratuit",
}
_METHOD_ORDER = {m: n for n, m in enumerate(("cash", "card", "check"))}
COLUMNS: tuple[Column, ...] = (
    Column("Numéro d'écriture", Kind.TEXT, 10),
    Column("Date", Kind.DATE, 12),
    Column("Libellé", Kind.TEXT, 60),
    Column("Compte de débit", Kind.TEXT, 10),
    Column("Compte de crédit", Kind.TEXT, 10),
    Column("Montant", Kind.CENTS, 12),
    Column("Numéro pièce comptable", Kind.TEXT, 16),
    Column("Référence paiement", Kind.TEXT, 12),
    Column("Remarques", Kind.TEXT, 30),
    Column("Moyen de paiement", Kind.TEXT, 16),
    Column("Catégorie", Kind.TEXT, 10),
    Column("Libellé catégorie", Kind.TEXT, 36),
    Column("Montant net", Kind.CENTS, 12),
)
SPLIT_BATCH = 1_000

Key = tuple[date, str, str]


def spread(
    categories: Sequence[tuple[str, int]], methods: Sequence[tuple[str, int]]
) -> dict[tuple[str, str], int]:
    """Split a ticket's amount across (method, category) so that every method and every
    category gets exactly its own total: walk both lists, taking the smaller remainder."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    cat_names = [c for c, v in categories if v]
    cat_left = [v for _, v in categories if v]
    pay_names = [m for m, v in methods if v]
    pay_left = [v for _, v in methods if v]
    sign = -1 if sum(cat_left) < 0 else 1
    if any(v * sign < 0 for v in cat_left + pay_left):
        # Never produced by the till (a ticket is all sales or all refunds): keep the
        # category totals exact and book them on the largest method.
        main = (
            pay_names[max(range(len(pay_left)), key=lambda n: abs(pay_left[n]))]
            if pay_left
            else "cash"
        )
        for name, cents in zip(cat_names, cat_left, strict=True):
            out[(main, name)] += cents
        return dict(out)
    i = j = 0
    while i < len(cat_left) and j < len(pay_left):
        take = min(abs(cat_left[i]), abs(pay_left[j])) * sign
        out[(pay_names[j], cat_names[i])] += take
        cat_left[i] -= take
        pay_left[j] -= take
        if cat_left[i] == 0:
            i += 1
        if pay_left[j] == 0:
            j += 1
    return dict(out)


class AccountingService:
    def __init__(self, session: AsyncSession) -> None:
        self.reports = ReportRepository(session)
        self.sites = SiteRepository(session)
        self.categories = CategoryRepository(session)

    async def export(
        self,
        actor: User,
        *,
        site_id: uuid.UUID | None,
        first_day: date | None,
        last_day: date | None,
        fmt: ExportFormat,
    ) -> ExportFile:
        """The takings between two local dates (inclusive; by default this month to date)."""
        require_role(actor, Role.ADMIN)
        site = await self.sites.get(target_site(actor, site_id))
        if site is None:
            raise SiteNotFound()
        last = last_day or local_today(site.timezone)
        period = custom_period(first_day or last.replace(day=1), last, site.timezone)
        return await self.export_for_site(site, period, fmt)

    async def takings(self, site: Site, period: Period) -> dict[Key, int]:
        """Net cents per (local day, method, category), zero amounts left out."""
        totals: dict[Key, int] = defaultdict(int)
        for row in await self.reports.takings_of_single_method_tickets(site.id, period):
            totals[(row.day, row.method, row.category)] += row.cents
        tz = zone(site.timezone)
        after: uuid.UUID | None = None
        while tickets := await self.reports.split_tickets(
            site.id, period, after=after, limit=SPLIT_BATCH
        ):
            for ticket in tickets:
                day = ticket.created_at.astimezone(tz).date()
                methods: dict[str, int] = defaultdict(int)
                for method, cents in ticket.methods:
                    methods[method] += cents
                for (method, category), cents in spread(
                    ticket.categories, sorted(methods.items())
                ).items():
                    totals[(day, method, category)] += cents
            after = tickets[-1].sale_id
        return {k: v for k, v in totals.items() if v}

    async def export_for_site(self, site: Site, period: Period, fmt: ExportFormat) -> ExportFile:
        """The same without an actor (jobs)."""
        order = {
            c.code: (n, c.label)
            for n, c in enumerate(await self.categories.list(active_only=False))
        }
        takings = await self.takings(site, period)
        keys = sorted(
            takings,
            key=lambda k: (k[0], _METHOD_ORDER.get(k[1], 99), k[1], order.get(k[2], (999, ""))[0]),
        )
        rows = [self._row(key, takings[key], order.get(key[2], (0, key[2]))[1]) for key in keys]
        name = f"comptabilite_{site.slug}_{period.start.isoformat()}_{period.end.isoformat()}"
        filename = f"{name}{'_fr' if fmt is ExportFormat.CSV_FR else ''}.{fmt.extension}"
        if fmt is ExportFormat.XLSX:
            buffer = io.BytesIO()
            book = XlsxWriter(buffer, site.timezone)
            book.add_sheet("Recettes", COLUMNS)
            book.append(rows)
            book.save()
            return ExportFile.of_bytes(filename, fmt.media_type, buffer.getvalue())
        encoder = CsvEncoder(COLUMNS, fmt, site.timezone)
        return ExportFile.of_bytes(
            filename, fmt.media_type, encoder.header() + encoder.encode(rows)
        )

    @staticmethod
    def _row(key: Key, cents: int, category_label: str) -> tuple[object, ...]:
        day, method, category = key
        account = METHOD_ACCOUNTS.get(method, OTHER_METHOD_ACCOUNT)
        method_label = METHOD_LABELS.get(method, method)
        debit, credit = (account, SALES_ACCOUNT) if cents > 0 else (SALES_ACCOUNT, account)
        return (
            None,
            day,
            f"Recettes du {day:%d/%m/%Y} – {category_label} ({category}) – {method_label}",
            debit,
            credit,
            abs(cents),
            f"RCY-{day:%Y%m%d}",
            method,
            None if cents > 0 else "Remboursements supérieurs aux ventes : écriture inversée",
            method_label,
            category,
            category_label,
            cents,
        )
