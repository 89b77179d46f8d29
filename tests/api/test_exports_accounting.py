"""The accounting export: takings per day, method and category, net of refunds and change,
adding up to the till's own daily totals."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from recyclic.core.database import Database
from recyclic.services.reporting.accounting import spread
from tests.api.conftest import Shop
from tests.factories import Factory
from tests.support.trading import Trader

DAY1 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
DAY2 = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
LATE = datetime(2026, 11, 4, 23, 30, tzinfo=UTC)  # 5 November in Paris


@pytest.fixture
async def takings(shop: Shop, database: Database, factory: Factory) -> Shop:
    trader = Trader(database, shop.cashier, shop.admin)
    await trader.open(DAY1 - timedelta(hours=1), (shop.register, await factory.register(shop.site)))
    mob = {"category": "MOB", "unit_price": "12"}
    tlc = {"category": "TLC", "unit_price": "3", "quantity": 2}
    await trader.sell(DAY1, [mob], [{"method": "cash", "amount": "20"}])  # 8 € change
    await trader.sell(DAY1, [mob, tlc], [{"method": "card", "amount": "18"}])
    split = await trader.sell(
        DAY1,
        [tlc, {"category": "EEE-5", "unit_price": "10", "discount_amount": "1"}],
        [{"method": "card", "amount": "5"}, {"method": "cash", "amount": "10"}],  # 15 for 15
    )
    await trader.sell(DAY2, [mob], [{"method": "check", "amount": "12"}])
    await trader.refund(DAY2, split.sale.id, method="cash")  # all of it, in cash
    await trader.sell(LATE, [tlc], [{"method": "cash", "amount": "6"}])
    await trader.close(LATE + timedelta(minutes=10))
    return shop


def _parse(content: bytes, *, french: bool = False) -> list[dict[str, str]]:
    text = content.decode("utf-8-sig" if french else "utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";" if french else ","))


def _cents(text: str) -> int:
    return int(Decimal(text.replace(",", ".")) * 100)


async def test_takings_add_up_to_the_daily_totals(takings: Shop) -> None:
    client = takings.admin_client
    params = {"from": "2026-11-01", "to": "2026-11-30"}
    response = await client.get("/api/v1/exports/accounting", params=params)
    assert response.status_code == 200, response.text
    rows = _parse(response.content)
    assert list(rows[0])[:6] == [
        "Numéro d'écriture", "Date", "Libellé", "Compte de débit", "Compte de crédit", "Montant",
    ]  # fmt: skip
    net: dict[tuple[str, str, str], int] = {
        (r["Date"], r["Référence paiement"], r["Catégorie"]): _cents(r["Montant net"]) for r in rows
    }
    assert net == {
        ("2026-11-03", "cash", "MOB"): 1200,  # 20 € handed, 8 € back
        ("2026-11-03", "card", "MOB"): 1200,
        ("2026-11-03", "card", "TLC"): 600 + 500,  # the split ticket's card goes first to TLC
        ("2026-11-03", "cash", "TLC"): 100,
        ("2026-11-03", "cash", "EEE-5"): 900,  # 10 € less a 1 € discount
        ("2026-11-04", "check", "MOB"): 1200,
        ("2026-11-04", "cash", "TLC"): -600,  # the refund of the split ticket, paid in cash
        ("2026-11-04", "cash", "EEE-5"): -900,
        ("2026-11-05", "cash", "TLC"): 600,  # 23:30 UTC on the 4th is the 5th in Paris
    }
    for day in ("2026-11-03", "2026-11-04", "2026-11-05"):
        till = (await client.get("/api/v1/stats/daily-total", params={"date": day})).json()
        per_method: dict[str, int] = defaultdict(int)
        for (d, method, _), cents in net.items():
            if d == day:
                per_method[method] += cents
        assert {m: v / 100 for m, v in per_method.items()} == {
            m: v for m, v in till["by_payment_method"].items() if v
        }, day
    refund = next(r for r in rows if r["Catégorie"] == "EEE-5" and r["Date"] == "2026-11-04")
    assert (refund["Compte de débit"], refund["Compte de crédit"], refund["Montant"]) == (
        "707", "530", "9.00",
    )  # fmt: skip
    assert "inversée" in refund["Remarques"]
    card = next(r for r in rows if r["Référence paiement"] == "card")
    assert (card["Compte de débit"], card["Compte de crédit"]) == ("5115", "707")
    assert card["Libellé"].startswith("Recettes du 03/11/2026 – ")

    french = await client.get("/api/v1/exports/accounting", params={**params, "format": "csv-fr"})
    fr = _parse(french.content, french=True)
    assert fr[0]["Date"] == "03/11/2026"
    assert sum(_cents(r["Montant net"]) for r in fr) == sum(net.values())
    assert (await takings.viewer_client.get("/api/v1/exports/accounting")).status_code == 403


@pytest.mark.parametrize(
    ("categories", "methods"),
    [
        ([("A", 700), ("B", 300)], [("card", 500), ("cash", 500)]),
        ([("A", 1)], [("card", 0), ("cash", 1)]),
        ([("A", -700), ("B", -300)], [("cash", -1000)]),
        ([("A", 250), ("B", 250), ("C", 500)], [("card", 333), ("check", 333), ("cash", 334)]),
    ],
)
def test_a_split_ticket_is_spread_exactly(
    categories: list[tuple[str, int]], methods: list[tuple[str, int]]
) -> None:
    out = spread(categories, methods)
    per_category: dict[str, int] = defaultdict(int)
    per_method: dict[str, int] = defaultdict(int)
    for (method, category), cents in out.items():
        per_category[category] += cents
        per_method[method] += cents
    assert dict(per_category) == {c: v for c, v in categories if v}
    assert dict(per_method) == {m: v for m, v in methods if v}
