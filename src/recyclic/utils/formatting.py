"""Money and weights: integer cents and grams inside, euros and kilograms at the edges.

Conversions refuse any value that would lose precision (a third decimal of euro, a fourth of
kilogram), non-finite numbers and booleans, so both databases sum exactly the same integers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

CENTS_PER_EURO = 100
GRAMS_PER_KG = 1000

_NBSP = "\u202f"  # narrow no-break space: the French thousands separator


class PrecisionError(ValueError):
    """A value that cannot be represented exactly in cents or grams."""


def to_decimal(value: object) -> Decimal:
    """An exact Decimal from an int, float, Decimal or numeric string; refuse anything else.

    A float is read through its shortest repr, which is the decimal text it was parsed from
    (JSON `4.5` stays 4.5, not 4.4999…).
    """
    if isinstance(value, bool):
        raise PrecisionError("un nombre est attendu")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise PrecisionError("un nombre est attendu") from None
    else:
        raise PrecisionError("un nombre est attendu")
    if not number.is_finite():
        raise PrecisionError("le nombre doit être fini")
    return number


def _scaled(value: object, scale: int, decimals: int, unit_name: str) -> int:
    number = to_decimal(value)
    scaled = number * scale
    if scaled != scaled.to_integral_value():
        raise PrecisionError(f"{unit_name} : au plus {decimals} décimales")
    return int(scaled)


def euros_to_cents(value: object) -> int:
    """12.5 → 1250; refuses a third decimal."""
    return _scaled(value, CENTS_PER_EURO, 2, "montant en euros")


def kg_to_grams(value: object) -> int:
    """3.5 → 3500; refuses a fourth decimal."""
    return _scaled(value, GRAMS_PER_KG, 3, "poids en kg")


def cents_to_euros(cents: int) -> Decimal:
    """1250 → Decimal('12.50')."""
    return (Decimal(cents) / CENTS_PER_EURO).quantize(Decimal("0.01"))


def grams_to_kg(grams: int) -> Decimal:
    """3500 → Decimal('3.5') (trailing zeros dropped, at most 3 decimals)."""
    kg = Decimal(grams) / GRAMS_PER_KG
    return kg.quantize(Decimal(1)) if kg == kg.to_integral_value() else kg.normalize()


def cents_to_json(cents: int) -> float:
    """Euros as a JSON number.

    Exact for display: cents are integers below 2**53, the division is correctly rounded, and a
    float's repr is the shortest decimal that maps back to it, so 1250 prints as 12.5.
    """
    return cents / CENTS_PER_EURO


def grams_to_json(grams: int) -> float:
    """Kilograms as a JSON number (same exactness argument as `cents_to_json`)."""
    return grams / GRAMS_PER_KG


def _group_thousands(digits: str) -> str:
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return _NBSP.join(groups)


def format_euros(cents: int, *, symbol: bool = True) -> str:
    """1234550 → '12 345,50 €' (French conventions)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), CENTS_PER_EURO)
    text = f"{sign}{_group_thousands(str(whole))},{rest:02d}"
    return f"{text} €" if symbol else text


def format_kg(grams: int, *, unit: bool = True) -> str:
    """12500 → '12,5 kg'; 1000 → '1 kg'; 250 → '0,25 kg'."""
    sign = "-" if grams < 0 else ""
    whole, rest = divmod(abs(grams), GRAMS_PER_KG)
    text = sign + _group_thousands(str(whole))
    if rest:
        text += "," + f"{rest:03d}".rstrip("0")
    return f"{text} kg" if unit else text


_FRENCH_NUMBER = re.compile(
    r"^\s*([+-]?)\s*(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[,.](\d+))?\s*$"
)


def parse_french_decimal(text: str) -> Decimal:
    """'12,50', '1 234,5', '12.5' → Decimal; raises PrecisionError on anything else."""
    cleaned = text.strip().removesuffix("€").removesuffix("kg").strip()
    match = _FRENCH_NUMBER.match(cleaned)
    if not match:
        raise PrecisionError(f"nombre illisible : {text!r}")
    sign, whole, fraction = match.groups()
    whole = re.sub(r"\s", "", whole)
    return Decimal(f"{sign}{whole}.{fraction or '0'}")


def format_percent(basis_points: int) -> str:
    """2000 → '20', 550 → '5,5' (French decimal comma)."""
    whole, rest = divmod(basis_points, 100)
    return f"{whole},{rest:02d}".rstrip("0").rstrip(",") if rest else str(whole)


def units_to_api(value: Any) -> Any:
    """Report values in euros and kilograms: `x_cents` → `x`, `x_g` → `x_kg`."""
    if isinstance(value, dict):
        converted: dict[str, Any] = {}
        for key, item in value.items():
            if key.endswith("_cents"):
                converted[key.removesuffix("_cents")] = _convert(item, cents_to_json)
            elif key.endswith("_g"):
                converted[key.removesuffix("_g") + "_kg"] = _convert(item, grams_to_json)
            else:
                converted[key] = units_to_api(item)
        return converted
    if isinstance(value, list):
        return [units_to_api(v) for v in value]
    return value


def _convert(value: Any, convert: Callable[[int], float]) -> Any:
    if isinstance(value, dict):
        return {k: _convert(v, convert) for k, v in value.items()}
    return None if value is None else convert(value)
