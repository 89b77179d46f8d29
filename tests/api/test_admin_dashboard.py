"""The dashboard's figures equal what `/stats`, the exports and the cash routes say for the
same period, on known data of one day (sales paid several ways with change and a refund,
deposits of every origin with AI suggestions kept or corrected, outbound flows, a session
left open for more than a day), with another site's rows and other days' rows around."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import update

from recyclic.core.database import Database
from recyclic.models.cash import CashSession
from recyclic.models.deposit import AIProvider, Channel, DepositStatus, DonorType
from recyclic.models.outbound_flow import OutboundDestination
from recyclic.models.user import Role, User
from recyclic.services.reporting.accounting import METHOD_LABELS
from recyclic.services.reporting.dashboard import Dashboard, DashboardService, dashboard_period
from recyclic.utils.dates import local_today
from recyclic.utils.periods import InvalidPeriod
from tests.factories import Factory, auth_headers

V = DepositStatus.VALIDATED


def cents(euros: float | str) -> int:
    return int(Decimal(str(euros)) * 100)


def grams(kg: float | str) -> int:
    return int(Decimal(str(kg)) * 1000)


@pytest.fixture
async def shop(factory: Factory, client: httpx.AsyncClient):  # type: ignore[no-untyped-def]
    site = await factory.site(timezone="Europe/Paris")
    admin = await factory.user(site, role=Role.ADMIN)
    cashier = await factory.user(site, role=Role.OPERATOR, full_name="Lucas Caisse")
    late = await factory.user(site, role=Role.OPERATOR, full_name="Nina Oubli")
    register = await factory.register(site, name="Comptoir")
    forgotten = await factory.register(site, name="Annexe")
    till = await factory.open_session(register, cashier)
    old = await factory.open_session(forgotten, late)
    async with factory.database.unit_of_work() as session:
        await session.execute(
            update(CashSession)
            .where(CashSession.id == old.id)
            .values(opened_at=datetime.now(UTC) - timedelta(hours=30))
        )

    # Sales: cash with change, split card + cash with change, a weighed line, a refund.
    chair = await factory.sale(till, cashier)  # 12 € paid 20 € cash
    await factory.sale(
        till,
        cashier,
        items=[
            {"category": "MOB", "description": "Table", "unit_price": "15"},
            {"category": "LIV", "description": "Roman", "unit_price": "3", "quantity": 1},
        ],
        payments=[{"method": "card", "amount": "10"}, {"method": "cash", "amount": "10"}],
    )
    await factory.sale(
        till,
        cashier,
        items=[{"category": "DEC", "description": "Vase", "unit_price": "4.5"}],
        payments=[{"method": "check", "amount": "4.5"}],
    )
    refund = await client.post(
        f"/api/v1/sales/{chair.sale.id}/refund",
        json={"session_id": str(till.id), "reason": "Chaise bancale", "method": "cash"},
        headers=auth_headers(admin),
    )
    assert refund.status_code == 201, refund.text

    # Deposits of today: every origin, AI kept or corrected; a draft and yesterday's too.
    now = datetime.now(UTC)
    add = factory.deposit
    await add(
        site,
        cashier,
        status=V,
        weight_g=7_500,
        donor_type=DonorType.INDIVIDUAL,
        ai_category="MOB",
        ai_provider=AIProvider.LOCAL,
        ai_first_choice_kept=True,
    )
    await add(
        site,
        cashier,
        status=V,
        category="EEE-4",
        weight_g=32_000,
        donor_type=DonorType.BUSINESS,
        channel=Channel.PICKUP,
        ai_category="EEE-3",
        ai_provider=AIProvider.LOCAL,
        ai_first_choice_kept=False,
    )
    await add(
        site,
        cashier,
        status=V,
        category="LIV",
        weight_g=4_250,
        quantity=12,
        channel=Channel.COLLECTION_POINT,
        ai_category="LIV",
        ai_provider=AIProvider.GEMINI,
        ai_first_choice_kept=True,
    )
    await add(site, cashier, status=V, category="TLC", weight_g=2_000, donor_type=DonorType.PUBLIC)
    await add(site, cashier)  # a draft: not counted
    await add(site, cashier, status=V, weight_g=99_000, created_at=now - timedelta(days=3))

    # Outbound flows of today.
    today = local_today(site.timezone)
    flow = factory.outbound_flow
    await flow(site, admin, day=today)  # 120 kg to Ecologic
    await flow(
        site,
        admin,
        day=today,
        category="MOB",
        weight_g=30_000,
        destination=OutboundDestination.DECHETTERIE,
        partner="Déchèterie",
    )
    await flow(
        site,
        admin,
        day=today,
        category="TLC",
        weight_g=5_000,
        destination=OutboundDestination.DONATION,
        partner="Emmaüs",
    )
    await flow(site, admin, day=today - timedelta(days=2), weight_g=1_000_000)  # fmt: skip

    # Another shop's day, which must not show.
    other = await factory.site()
    stranger = await factory.user(other, role=Role.OPERATOR)
    their_till = await factory.open_session(await factory.register(other), stranger)
    await factory.sale(their_till, stranger)
    await add(other, stranger, status=V, weight_g=50_000)
    return site, admin, today


async def _board(database: Database, actor: User, **period: object) -> Dashboard:
    async with database.unit_of_work(write=False) as session:
        return await DashboardService(session).dashboard(actor, actor.site_id, **period)  # type: ignore[arg-type]


async def test_every_figure_equals_the_exports_and_stats(
    shop,
    database: Database,
    client: httpx.AsyncClient,  # type: ignore[no-untyped-def]
) -> None:
    _site, admin, today = shop
    board = await _board(database, admin, choice="jour")
    headers = auth_headers(admin)
    day = {"from": today.isoformat(), "to": today.isoformat()}
    summary = (await client.get("/api/v1/stats/summary", params=day, headers=headers)).json()

    # kg in by category, deposits, sales and outcomes: /stats/summary.
    shown = {
        c.code: (c.weight_in_g, c.deposits_count) for c in board.categories if c.deposits_count
    }
    stated = {
        c["category"]: (grams(c["weight_in_kg"]), c["deposits_count"])
        for c in summary["categories"]
        if c["deposits_count"]
    }
    assert shown == stated == {
        "MOB": (7_500, 1), "EEE-4": (32_000, 1), "LIV": (4_250, 1), "TLC": (2_000, 1)
    }  # fmt: skip
    assert board.weight_in_g == grams(summary["totals"]["weight_in_kg"]) == 45_750
    assert board.deposits_count == summary["totals"]["deposits_count"] == 4
    outcomes = {s.key: s.amount for s in board.outcomes}
    sold = summary["sales_totals"]
    out = summary["outbound_totals"]
    assert outcomes["reuse"] == grams(sold["weight_sold_kg"]) + grams(out["weight_donated_kg"])
    assert outcomes["recycling"] == grams(out["weight_recycled_kg"]) == 120_000
    assert outcomes["disposal"] == grams(out["weight_disposed_kg"]) == 30_000
    assert board.sales_cents == cents(sold["sales_amount"]) == 2_250  # 12 + 18 + 4.50 − 12
    ai = summary["ai_accuracy"]
    assert (board.accuracy.suggestions, board.accuracy.first_choice_kept) == (
        ai["suggestions"],
        ai["first_choice_kept"],
    ) == (3, 2)  # fmt: skip

    # The same per category in the all-categories export (the eco-organisms' figures).
    eco = await client.get(
        "/api/v1/exports/summary", params={**day, "format": "json"}, headers=headers
    )
    assert eco.status_code == 200, eco.text
    exported = {
        r["category_code"]: (grams(r["weight_in_kg"]), r["deposits_count"])
        for r in eco.json()["rows"]
        if r["deposits_count"]
    }
    assert exported == shown
    eco_rows = eco.json()["rows"]
    assert outcomes["reuse"] == sum(
        grams(r["weight_sold_kg"]) + grams(r["weight_donated_kg"]) for r in eco_rows
    )
    assert outcomes["recycling"] == sum(grams(r["weight_recycled_kg"]) for r in eco_rows)
    assert outcomes["disposal"] == sum(grams(r["weight_disposed_kg"]) for r in eco_rows)
    assert board.sales_cents == sum(cents(r["sales_amount_eur"]) for r in eco_rows)

    # Tickets and takings per method: /stats/daily-total.
    daily = (await client.get("/api/v1/stats/daily-total", headers=headers)).json()
    assert board.tickets == daily["sales_count"] == 3
    assert sum(b.refunds for b in board.buckets) == daily["refunds_count"] == 1
    assert board.sales_cents == cents(daily["total"])
    methods = {s.key: s.amount for s in board.methods}
    assert methods == {m: cents(v) for m, v in daily["by_payment_method"].items() if v}
    # Cash: 20 − 8 change, 10 − 2 change, −12 refunded; card 10; check 4,50.
    assert methods == {"cash": 800, "card": 1_000, "check": 450}

    # Takings per day and per method: the accounting export.
    export = await client.get(
        "/api/v1/exports/accounting", params={**day, "format": "csv"}, headers=headers
    )
    assert export.status_code == 200, export.text
    per_method: dict[str, int] = defaultdict(int)
    per_day: dict[str, int] = defaultdict(int)
    for row in csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))):
        per_method[row["Moyen de paiement"]] += cents(row["Montant net"])
        per_day[row["Date"]] += cents(row["Montant net"])
    assert {s.label: s.amount for s in board.methods} == {
        label: amount for label, amount in per_method.items() if amount
    }
    assert {b.start.isoformat(): b.cents for b in board.buckets if b.cents} == dict(per_day)

    # Deposits by origin: the deposits export's rows.
    rows = await client.get(
        "/api/v1/exports/deposits", params={**day, "format": "csv"}, headers=headers
    )
    validated = [r for r in csv.DictReader(io.StringIO(rows.text)) if r["status"] == "validated"]
    assert {s.key: s.count for s in board.donors} == dict(
        Counter(r["donor_type"] for r in validated)
    )
    assert {s.key: s.count for s in board.channels} == dict(
        Counter(r["channel"] for r in validated)
    )
    assert {s.key: s.amount for s in board.donors}[""] == 4_250  # the unknown donor's books

    # Open sessions: the cash sessions route; the forgotten one is flagged.
    opened = (
        await client.get("/api/v1/cash-sessions", params={"status": "opened"}, headers=headers)
    ).json()
    assert {str(s.id) for s in board.open_sessions} == {s["id"] for s in opened["items"]}
    assert [(s.register, s.stale) for s in board.open_sessions] == [
        ("Annexe", True),
        ("Comptoir", False),
    ]
    assert board.stale_sessions == 1


async def test_the_fragment_shows_the_figures(
    shop,
    client: httpx.AsyncClient,  # type: ignore[no-untyped-def]
) -> None:
    _site, admin, _today = shop
    page = await client.get("/admin", params={"periode": "jour"}, headers=auth_headers(admin))
    assert page.status_code == 200
    html = page.text
    assert 'data-figure="weight-in">45,75 kg<' in html
    assert 'data-figure="takings">22,50 €<' in html
    assert '<tr data-category="EEE-4"><th scope="row">' in html
    assert "Plus de 24 h" in html
    assert METHOD_LABELS["check"] in html
    assert 'data-figure="ai-percent">66,7 %<' in html


def test_the_periods_of_the_dashboard() -> None:
    today = date(2026, 12, 6)  # a Sunday
    assert dashboard_period("jour", None, None, today).first_day == today
    week = dashboard_period("semaine", None, None, today)
    assert (week.first_day, week.last_day) == (date(2026, 11, 30), today)
    assert dashboard_period(None, None, None, today).first_day == date(2026, 12, 1)
    assert dashboard_period("annee", None, None, today).first_day == date(2026, 1, 1)
    custom = dashboard_period(None, date(2026, 3, 1), date(2026, 3, 31), today)
    assert (custom.choice, custom.first_day, custom.last_day) == (
        "perso", date(2026, 3, 1), date(2026, 3, 31)
    )  # fmt: skip
    with pytest.raises(InvalidPeriod):
        dashboard_period("perso", date(2026, 3, 31), date(2026, 3, 1), today)
    with pytest.raises(InvalidPeriod):
        dashboard_period("hier", None, None, today)


async def test_a_bad_period_is_a_french_422_never_a_500(
    shop,
    client: httpx.AsyncClient,  # type: ignore[no-untyped-def]
) -> None:
    _site, admin, _today = shop
    headers = auth_headers(admin)
    for params in (
        {"periode": "perso", "du": "2026-03-31", "au": "2026-03-01"},
        {"periode": "hier"},
        {"du": "31/03/2026"},
    ):
        response = await client.get("/admin", params=params, headers=headers)
        assert response.status_code == 422, params
        assert response.json()["detail"], params
