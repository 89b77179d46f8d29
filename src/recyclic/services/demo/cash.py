"""Demo cash history: registers, past sessions with realistic tickets, daily closings.

Written through the real services with a moved clock, so the journal, the Z reports and the
closings are exactly what a shop would have produced.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.cash import CashRegister
from recyclic.models.journal import ClosingKind
from recyclic.models.site import Site
from recyclic.models.user import User
from recyclic.repositories.cash_repository import CashRegisterRepository
from recyclic.schemas.cash import SessionClose, SessionOpen
from recyclic.schemas.sale import SaleCreate
from recyclic.services.cash.closings import ClosingService
from recyclic.services.cash.sales import SaleService
from recyclic.services.cash.sessions import CashService
from recyclic.utils.periods import zone

# (category, description, unit, price range in €, weight range in kg or None)
CATALOGUE: tuple[tuple[str, str, str, tuple[float, float], tuple[float, float] | None], ...] = (
    ("MOB", "Chaise en bois", "piece", (3, 12), (3, 6)),
    ("MOB", "Table basse", "piece", (10, 35), (8, 20)),
    ("MOB", "Commode", "piece", (25, 80), (20, 45)),
    ("TLC", "Vêtements au poids", "kg", (3, 6), (0.4, 4)),
    ("TLC", "Manteau", "piece", (4, 15), None),
    ("TLC", "Chaussures", "piece", (2, 8), None),
    ("LIV", "Livre de poche", "piece", (0.5, 2), (0.2, 0.4)),
    ("LIV", "Bande dessinée", "piece", (1, 4), None),
    ("VAI", "Assiette", "piece", (0.5, 1.5), (0.3, 0.6)),
    ("VAI", "Casserole", "piece", (2, 6), None),
    ("DEC", "Cadre photo", "piece", (1, 5), None),
    ("DEC", "Vase", "piece", (2, 8), None),
    ("JOU", "Jeu de société", "piece", (2, 8), None),
    ("JOU", "Peluche", "piece", (0.5, 3), None),
    ("SPO", "Vélo enfant", "piece", (15, 40), (6, 12)),
    ("EEE-5", "Grille-pain", "piece", (4, 10), (1, 2)),
    ("EEE-5", "Lampe de chevet", "piece", (3, 9), None),
    ("EEE-6", "Téléphone portable", "piece", (10, 30), None),
    ("EEE-2", "Écran d'ordinateur", "piece", (15, 40), (3, 6)),
    ("BRI", "Caisse à outils", "piece", (5, 15), None),
)


@dataclass(slots=True)
class CashHistory:
    sessions: int = 0
    sales: int = 0
    closings: int = 0


def _euros(rng: random.Random, low: float, high: float, step: str = "0.5") -> str:
    value = Decimal(str(rng.uniform(low, high))).quantize(Decimal(step))
    return str(max(value, Decimal(step)))


def _at(moment: datetime) -> Callable[[], datetime]:
    """A clock stopped at `moment`."""
    return lambda: moment


def random_ticket(rng: random.Random) -> tuple[list[dict[str, str]], int]:
    """1 to 4 lines from the catalogue, with the ticket's total in cents."""
    items: list[dict[str, str]] = []
    total = Decimal(0)
    for _ in range(rng.choices((1, 2, 3, 4), weights=(45, 30, 15, 10))[0]):
        category, description, unit, prices, weights = rng.choice(CATALOGUE)
        item = {
            "category": category,
            "description": description,
            "unit": unit,
            "unit_price": _euros(rng, *prices),
        }
        if unit == "kg":
            assert weights is not None
            weight = Decimal(str(rng.uniform(*weights))).quantize(Decimal("0.001"))
            item["weight_kg"] = str(weight)
            line = (Decimal(item["unit_price"]) * weight).quantize(Decimal("0.01"))
        else:
            quantity = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
            item["quantity"] = str(quantity)
            if weights and rng.random() < 0.5:
                item["weight_kg"] = str(
                    Decimal(str(rng.uniform(*weights) * quantity)).quantize(Decimal("0.001"))
                )
            line = Decimal(item["unit_price"]) * quantity
        total += line
        items.append(item)
    return items, int(total * 100)


def _payment(rng: random.Random, total_cents: int) -> list[dict[str, str]]:
    total = Decimal(total_cents) / 100
    if rng.random() < 0.3:
        return [{"method": "card", "amount": str(total)}]
    if rng.random() < 0.05:
        return [{"method": "check", "amount": str(total)}]
    handed = (
        next(n for n in (5, 10, 20, 50, 100, 200, 500) if n >= total)
        if rng.random() < 0.6
        else total
    )
    return [{"method": "cash", "amount": str(handed)}]


async def seed_cash_history(
    session: AsyncSession,
    site: Site,
    cashiers: list[User],
    admin: User,
    *,
    days: int,
    tickets_per_day: int,
    seed: int = 42,
) -> CashHistory:
    """`days` past days of trading on two registers, each day closed; today left open."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    tz = zone(site.timezone)
    registers = []
    repository = CashRegisterRepository(session)
    for name in ("Caisse 1", "Caisse 2"):
        register = await repository.get_by_name(site.id, name)
        registers.append(register or await repository.add(CashRegister(site_id=site.id, name=name)))
    history = CashHistory()
    today = datetime.now(tz).date()
    kept: dict[int, str] = {}
    for offset in range(days, 0, -1):
        day: date = today - timedelta(days=offset)
        for index, register in enumerate(registers[: 1 + (day.weekday() == 5)]):
            cashier = cashiers[(offset + index) % len(cashiers)]
            await _trade_one_session(
                session,
                rng,
                site,
                register,
                cashier,
                day,
                tz,
                tickets_per_day,
                kept,
                index,
                history,
            )
        await ClosingService(
            session, now=_at(datetime.combine(day, time(19, 30), tzinfo=tz))
        ).close_period(admin, kind=ClosingKind.DAILY, date=day.isoformat(), site_id=site.id)
        history.closings += 1
    return history


async def _trade_one_session(
    session: AsyncSession,
    rng: random.Random,
    site: Site,
    register: CashRegister,
    cashier: User,
    day: date,
    tz: object,
    tickets: int,
    kept: dict[int, str],
    index: int,
    history: CashHistory,
) -> None:
    opening = datetime.combine(day, time(10, 0), tzinfo=tz)  # type: ignore[arg-type]
    clock = {"now": opening}
    cash = CashService(session, now=lambda: clock["now"])
    sales = SaleService(session, now=lambda: clock["now"])
    float_ = kept.get(index, "50")
    opened = await cash.open_session(
        cashier,
        SessionOpen(register_id=register.id, opening_amount=float_),
    )
    history.sessions += 1
    for n in range(tickets):
        clock["now"] = opening + timedelta(
            minutes=int(n * 480 / max(tickets, 1)) + rng.randint(0, 5)
        )
        items, total = random_ticket(rng)
        await sales.create_sale(
            cashier,
            SaleCreate.model_validate(
                {"session_id": opened.id, "items": items, "payments": _payment(rng, total)}
            ),
        )
        history.sales += 1
    clock["now"] = datetime.combine(day, time(18, 30), tzinfo=tz)  # type: ignore[arg-type]
    view = await cash.view(opened)
    assert view.figures is not None
    expected = view.figures.expected_cash(opened.opening_cents)
    keep = min(expected, 5000)
    await cash.close_session(
        cashier,
        opened.id,
        SessionClose(
            actual_amount=str(Decimal(expected) / 100),
            kept_float=str(Decimal(keep) / 100),
        ),
    )
    kept[index] = str(Decimal(keep) / 100)
