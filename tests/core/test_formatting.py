"""Money and weights: exact integers inside, refused when precision would be lost."""

from __future__ import annotations

from decimal import Decimal

import pytest

from recyclic.utils.formatting import (
    PrecisionError,
    cents_to_euros,
    cents_to_json,
    euros_to_cents,
    format_euros,
    format_kg,
    grams_to_kg,
    kg_to_grams,
    parse_french_decimal,
)


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        (12.5, 1250),
        ("4.50", 450),
        (4.5, 450),
        (0, 0),
        (Decimal("19.99"), 1999),
        (0.1, 10),
        (1234567.89, 123456789),
        (-3.2, -320),
    ],
)
def test_euros_become_exact_cents(value: object, cents: int) -> None:
    assert euros_to_cents(value) == cents


@pytest.mark.parametrize(
    "value", [4.005, "1.001", float("nan"), float("inf"), "abc", True, None, [1]]
)
def test_euros_that_would_lose_precision_are_refused(value: object) -> None:
    with pytest.raises(PrecisionError):
        euros_to_cents(value)


@pytest.mark.parametrize(("value", "grams"), [(3.5, 3500), ("0.001", 1), (41, 41000)])
def test_kilograms_become_exact_grams(value: object, grams: int) -> None:
    assert kg_to_grams(value) == grams


def test_a_fourth_decimal_of_kilogram_is_refused() -> None:
    with pytest.raises(PrecisionError):
        kg_to_grams("1.0005")


def test_round_trips_to_json_numbers_are_exact() -> None:
    for cents in (1, 10, 99, 1250, 123456789, 99999999999):
        assert euros_to_cents(cents_to_json(cents)) == cents


def test_conversions_back_to_units() -> None:
    assert cents_to_euros(1250) == Decimal("12.50")
    assert grams_to_kg(3500) == Decimal("3.5")
    assert grams_to_kg(41000) == Decimal("41")


def test_french_formatting() -> None:
    assert format_euros(1234550) == "12\u202f345,50 €"
    assert format_euros(-5) == "-0,05 €"
    assert format_kg(12500) == "12,5 kg"
    assert format_kg(1000) == "1 kg"
    assert format_kg(250) == "0,25 kg"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12,50", Decimal("12.50")),
        ("1 234,5", Decimal("1234.5")),
        ("12.5 €", Decimal("12.5")),
        ("3 kg", Decimal("3")),
    ],
)
def test_parse_french_decimal(text: str, value: Decimal) -> None:
    assert parse_french_decimal(text) == value


@pytest.mark.parametrize("text", ["", "douze", "1,2,3", "12,5.3"])
def test_parse_french_decimal_refuses_garbage(text: str) -> None:
    with pytest.raises(PrecisionError):
        parse_french_decimal(text)
