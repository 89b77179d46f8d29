"""Generated history for the export tests, and the figures computed independently.

Sales, refunds, deposits and outbound flows of a Paris shop, crowded around the awkward
instants (New Year, both daylight-saving changes), with discounts, lines without a weight
and split payments. `expected_rows` recomputes every Ecologic figure in Python from the rows
read back — local dates through zoneinfo, not the SQL ranges the exports use.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from recyclic.core.database import Database
from recyclic.models.category import Category
from recyclic.models.deposit import Deposit, DepositStatus
from recyclic.models.outbound_flow import OutboundDestination, OutboundFlow
from recyclic.models.sale import SaleLine
from recyclic.models.site import Site
from recyclic.models.user import Role
from tests.factories import Factory
from tests.support.trading import Trader, set_default_weights

PARIS = ZoneInfo("Europe/Paris")
# EEE-3 (lamps, ecosystem by default) moves to Ecologic; EEE-4 (Ecologic by default) leaves.
MAPPING = {"EEE-3": "ecologic", "EEE-4": "ecosystem"}
ECOLOGIC_HERE = ["EEE-1", "EEE-2", "EEE-3", "EEE-5", "EEE-6", "SPO"]
DEFAULT_WEIGHTS = {"EEE-5": 1_500, "SPO": 8_000, "EEE-2": 4_000, "MOB": 12_000}
_CATEGORIES = ["EEE-1", "EEE-2", "EEE-3", "EEE-4", "EEE-5", "EEE-6", "SPO", "MOB", "TLC", "LIV"]
# Where the awkward instants are (UTC): Paris's New Year (23:00 UTC), spring forward
# (29 March 01:00 UTC) and fall back (25 October 01:00 UTC), each with its local midnight.
WINDOWS = (
    (datetime(2025, 12, 31, 21, 0, tzinfo=UTC), datetime(2026, 1, 1, 2, 0, tzinfo=UTC)),
    (datetime(2026, 3, 28, 21, 30, tzinfo=UTC), datetime(2026, 3, 29, 3, 0, tzinfo=UTC)),
    (datetime(2026, 10, 24, 20, 30, tzinfo=UTC), datetime(2026, 10, 25, 3, 0, tzinfo=UTC)),
    (datetime(2025, 12, 1, 8, 0, tzinfo=UTC), datetime(2026, 11, 20, 18, 0, tzinfo=UTC)),
)
# Instants whose local day or offset is the trap (UTC → Paris).
PINNED = (
    datetime(2025, 12, 31, 22, 30, tzinfo=UTC),  # 31 Dec 23:30
    datetime(2025, 12, 31, 23, 30, tzinfo=UTC),  # 1 Jan 00:30
    datetime(2026, 3, 28, 23, 30, tzinfo=UTC),  # 29 Mar 00:30 (CET)
    datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # 29 Mar 01:59:59, the last second of CET
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 29 Mar 03:00 (CEST)
    datetime(2026, 10, 24, 22, 30, tzinfo=UTC),  # 25 Oct 00:30 (CEST)
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 25 Oct 02:30 CEST, the first one
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 25 Oct 02:30 CET, the second one
    datetime(2026, 10, 25, 22, 59, 59, tzinfo=UTC),  # 25 Oct 23:59:59, the day's last second
    datetime(2026, 10, 25, 23, 0, tzinfo=UTC),  # 26 Oct 00:00
)
FLOW_DAYS = (date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 29), date(2026, 10, 25))


@dataclass
class Dataset:
    site: Site
    other: Site
    viewer: Any
    admin: Any
    sales: int = 0
    refunds: int = 0
    split_tickets: int = 0
    refunded: set[Any] = field(default_factory=set)


def _instant(rng: random.Random) -> datetime:
    start, end = rng.choices(WINDOWS, weights=(2, 2, 2, 4))[0]
    seconds = rng.randint(0, int((end - start).total_seconds()))
    return (start + timedelta(seconds=seconds)).replace(microsecond=0)


def _item(rng: random.Random) -> dict[str, Any]:
    category = rng.choice(_CATEGORIES)
    if category == "TLC" and rng.random() < 0.5:
        grams = rng.randint(300, 4_000)
        return {"category": "TLC", "unit": "kg", "unit_price": "4.5", "weight_kg": grams / 1000}
    quantity = rng.randint(1, 3)
    item: dict[str, Any] = {
        "category": category,
        "quantity": quantity,
        "unit_price": str(Decimal(rng.randint(50, 4_000)) / 100),
    }
    if rng.random() < 0.5:
        item["weight_kg"] = rng.randint(100, 20_000) * quantity / 1000
    roll = rng.random()
    if roll < 0.15:
        item["discount_percent"] = rng.choice((10, 25, 50))
    elif roll < 0.25:
        item["discount_amount"] = "0.5"
    return item


def _payments(rng: random.Random, total: int) -> tuple[list[dict[str, Any]], bool]:
    euros = Decimal(total) / 100
    roll = rng.random()
    if roll < 0.3:
        return [{"method": "card", "amount": str(euros)}], False
    if roll < 0.45 and total >= 200:
        card = Decimal(total // 2) / 100
        cash = Decimal(math.ceil((total - total // 2) / 100))  # rounded up: change given
        return [
            {"method": "card", "amount": str(card)},
            {"method": "cash", "amount": str(cash)},
        ], True
    handed = Decimal(math.ceil(total / 500) * 5)
    return [{"method": "cash", "amount": str(handed)}], False


async def build_dataset(
    factory: Factory, database: Database, *, seed: int = 2026, tickets: int = 90
) -> Dataset:
    """The shop's history: ~90 tickets, refunds, 70 deposits, 30 outbound flows."""
    rng = random.Random(seed)
    await set_default_weights(database, DEFAULT_WEIGHTS)
    site = await factory.site(timezone="Europe/Paris", settings={"eco_organisms": MAPPING})
    other = await factory.site(timezone="Europe/Paris")
    admin = await factory.user(site, role=Role.ADMIN)
    cashier = await factory.user(site, role=Role.OPERATOR)
    data = Dataset(site, other, await factory.user(site, role=Role.VIEWER), admin)
    registers = (await factory.register(site), await factory.register(site))
    trader = Trader(database, cashier, admin)
    await trader.open(datetime(2025, 11, 30, 8, 0, tzinfo=UTC), registers)
    events: list[tuple[datetime, str]] = [(_instant(rng), "sale") for _ in range(tickets)]
    events += [(at, "sale") for at in PINNED]
    events += [(_instant(rng), "refund") for _ in range(tickets // 5)]
    sold: list[tuple[datetime, Any]] = []
    for at, kind in sorted(events, key=lambda e: e[0]):
        if kind == "sale":
            items = [_item(rng) for _ in range(rng.randint(1, 3))]
            priced = _price(items)
            payments, split = _payments(rng, priced)
            view = await trader.sell(at, items, payments)
            sold.append((at, view))
            data.sales += 1
            data.split_tickets += split
            continue
        candidates = [v for t, v in sold if t < at and v.sale.id not in data.refunded]
        if not candidates:
            continue
        view = rng.choice(candidates)
        data.refunded.add(view.sale.id)
        line = rng.choice(view.lines)
        partial = [{"line_id": str(line.id), "quantity": 1}]
        await trader.refund(at, view.sale.id, partial if rng.random() < 0.6 else None,
                            rng.choice(("cash", "card")))  # fmt: skip
        data.refunds += 1
    await trader.close(datetime(2026, 11, 21, 18, 0, tzinfo=UTC))
    volunteer = await factory.user(site)
    for at in PINNED:
        grams = rng.randint(200, 9_000)
        await factory.deposit(site, volunteer, status=DepositStatus.VALIDATED, category="EEE-5",
                              created_at=at, weight_g=grams, quantity=1)  # fmt: skip
    for _ in range(70):
        status = rng.choices(
            (DepositStatus.VALIDATED, DepositStatus.CLASSIFIED, DepositStatus.CANCELLED), (8, 1, 1)
        )[0]
        fields: dict[str, Any] = {"category": rng.choice(_CATEGORIES), "created_at": _instant(rng)}
        if status == DepositStatus.VALIDATED:
            fields.update(weight_g=rng.randint(200, 60_000), quantity=rng.randint(1, 4))
        await factory.deposit(site, volunteer, status=status, **fields)
    for n in range(30):
        day = FLOW_DAYS[n] if n < len(FLOW_DAYS) else _instant(rng).astimezone(PARIS).date()
        await factory.outbound_flow(
            site, admin, day=day, category=rng.choice(_CATEGORIES),
            weight_g=rng.randint(1_000, 900_000), destination=rng.choice(list(OutboundDestination)),
        )  # fmt: skip
    # Another site's rows, on the same days: never counted.
    stranger = await factory.user(other)
    await factory.deposit(other, stranger, status=DepositStatus.VALIDATED, category="EEE-1",
                          created_at=WINDOWS[0][0], weight_g=50_000, quantity=1)  # fmt: skip
    await factory.outbound_flow(other, stranger, day=FLOW_DAYS[0], category="EEE-1")
    return data


def _price(items: list[dict[str, Any]]) -> int:
    """The ticket total in cents, as the server computes it."""
    from recyclic.schemas.sale import SaleLineIn
    from recyclic.services.cash.pricing import price_line

    return sum(price_line(SaleLineIn.model_validate(i).to_input()).line_total_cents for i in items)


async def expected_rows(
    database: Database, site: Site, first: date, last: date, codes: list[str] | None
) -> list[dict[str, Any]]:
    """Every figure of the export, recomputed from all the site's rows in Python."""
    tz = ZoneInfo(site.timezone)
    async with database.unit_of_work(write=False) as session:
        categories = list(
            await session.scalars(select(Category).order_by(Category.display_order, Category.code))
        )
        lines = list(await session.scalars(select(SaleLine).where(SaleLine.site_id == site.id)))
        deposits = list(await session.scalars(select(Deposit).where(Deposit.site_id == site.id)))
        flows = list(
            await session.scalars(select(OutboundFlow).where(OutboundFlow.site_id == site.id))
        )

    def inside(moment: datetime) -> bool:
        return first <= moment.astimezone(tz).date() <= last

    out = []
    for category in categories:
        if codes is not None and category.code not in codes:
            continue
        mine = [x for x in lines if x.category == category.code and inside(x.created_at)]
        unit = category.default_unit_weight_g or 0
        kept = [
            d
            for d in deposits
            if d.category == category.code
            and d.status == DepositStatus.VALIDATED
            and inside(d.created_at)
        ]
        gone = [f for f in flows if f.category == category.code and first <= f.date <= last]

        def weight(*destinations: OutboundDestination, gone: list[OutboundFlow] = gone) -> int:
            return sum(f.weight_g for f in gone if f.destination in destinations)

        out.append(
            {
                "category_code": category.code,
                "deposits_count": len(kept),
                "weight_in_g": sum(d.weight_g or 0 for d in kept),
                "items_sold": sum(x.quantity for x in mine),
                "weight_sold_g": sum(
                    x.weight_g if x.weight_g is not None else x.quantity * unit for x in mine
                ),
                "sales_cents": sum(x.line_total_cents for x in mine),
                "weight_recycled_g": weight(
                    OutboundDestination.ECO_ORGANISM, OutboundDestination.RECYCLER
                ),
                "weight_disposed_g": weight(OutboundDestination.DECHETTERIE),
                "weight_donated_g": weight(OutboundDestination.DONATION),
            }
        )
    return out
