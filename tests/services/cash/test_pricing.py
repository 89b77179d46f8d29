"""Ticket arithmetic: exact cents, server-side totals, payments that must settle the ticket."""

from __future__ import annotations

import pytest

from recyclic.services.cash.pricing import (
    BASE_PAYMENT_METHODS,
    LineInput,
    PaymentInput,
    PricingError,
    price_line,
    price_ticket,
    request_hash,
    round_half_up,
)


def line(**overrides: object) -> LineInput:
    values: dict[str, object] = {
        "category": "MOB",
        "description": None,
        "quantity": 1,
        "unit": "piece",
        "unit_price_cents": 1200,
        "weight_g": None,
        "discount_percent_bp": None,
        "discount_cents": None,
    }
    values.update(overrides)
    return LineInput(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        (5, 10, 1),
        (4, 10, 0),
        (15, 10, 2),
        (-5, 10, -1),
        (-15, 10, -2),
        (125, 100, 1),
        (150, 100, 2),
    ],
)
def test_round_half_up_goes_away_from_zero(num: int, den: int, expected: int) -> None:
    assert round_half_up(num, den) == expected


def test_piece_line_is_quantity_times_price() -> None:
    assert price_line(line(quantity=3, unit_price_cents=450)).line_total_cents == 1350


def test_kg_line_is_weight_times_price_per_kg_rounded_to_the_cent() -> None:
    # 2.345 kg of clothes at 4.00 €/kg = 9.38 €
    priced = price_line(line(unit="kg", unit_price_cents=400, weight_g=2345))
    assert priced.line_total_cents == 938
    # 1.125 kg at 3.00 €/kg = 3.375 € → 3.38 € (half up)
    assert price_line(line(unit="kg", unit_price_cents=300, weight_g=1125)).line_total_cents == 338


def test_kg_line_without_weight_is_refused() -> None:
    with pytest.raises(PricingError) as err:
        price_line(line(unit="kg", weight_g=None))
    assert err.value.code == "weight_required"


def test_discounts_by_percent_and_by_amount() -> None:
    assert (
        price_line(line(unit_price_cents=1250, discount_percent_bp=1000)).line_total_cents == 1125
    )
    assert price_line(line(unit_price_cents=1250, discount_cents=200)).line_total_cents == 1050
    assert price_line(line(unit_price_cents=999, discount_percent_bp=3333)).discount_cents == 333


def test_a_discount_above_the_line_is_refused() -> None:
    with pytest.raises(PricingError):
        price_line(line(unit_price_cents=500, discount_cents=600))


def test_line_and_ticket_limits() -> None:
    with pytest.raises(PricingError) as err:
        price_line(line(quantity=2, unit_price_cents=60_000_00))
    assert err.value.code == "line_too_large"
    lines = [line(unit_price_cents=100_000_00) for _ in range(11)]
    with pytest.raises(PricingError) as err2:
        price_ticket(lines, [], allowed_methods=BASE_PAYMENT_METHODS)
    assert err2.value.code == "ticket_too_large"


def _settle(total_lines: list[LineInput], payments: list[tuple[str, int]]) -> int:
    return price_ticket(
        total_lines,
        [PaymentInput(m, a) for m, a in payments],
        allowed_methods=BASE_PAYMENT_METHODS | {"voucher"},
    ).change_cents


def test_cash_may_exceed_the_total_and_gives_change() -> None:
    assert _settle([line()], [("cash", 2000)]) == 800
    assert _settle([line()], [("card", 500), ("cash", 1000)]) == 300


def test_non_cash_may_not_exceed_what_is_due() -> None:
    with pytest.raises(PricingError) as err:
        _settle([line()], [("card", 1500)])
    assert err.value.code == "overpayment"


def test_payments_must_cover_the_total() -> None:
    with pytest.raises(PricingError) as err:
        _settle([line()], [("cash", 1000)])
    assert err.value.code == "payment_insufficient"
    with pytest.raises(PricingError):
        _settle([line()], [])


def test_free_is_only_for_zero_euro_tickets() -> None:
    assert _settle([line(unit_price_cents=0)], [("free", 0)]) == 0
    assert _settle([line(unit_price_cents=0)], []) == 0
    with pytest.raises(PricingError):
        _settle([line()], [("free", 0), ("cash", 1200)])


def test_methods_outside_the_site_list_are_refused() -> None:
    with pytest.raises(PricingError) as err:
        _settle([line()], [("bitcoin", 1200)])
    assert err.value.code == "payment_method_not_allowed"
    assert _settle([line()], [("voucher", 1200)]) == 0


def test_zero_or_negative_payments_are_refused() -> None:
    with pytest.raises(PricingError):
        _settle([line()], [("cash", 0), ("card", 1200)])


def test_request_hash_ignores_how_amounts_were_written_but_not_content() -> None:
    a = request_hash(
        session_id="s", created_at=None, lines=[line()], payments=[PaymentInput("cash", 1200)]
    )
    b = request_hash(
        session_id="s", created_at=None, lines=[line()], payments=[PaymentInput("cash", 1200)]
    )
    c = request_hash(session_id="s", created_at=None, lines=[line(quantity=2)], payments=[])
    assert a == b
    assert a != c
