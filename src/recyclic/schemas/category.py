"""Category bodies."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from recyclic.schemas.common import (
    BasisPointsAsPercent,
    CentsAsEuros,
    Euros,
    GramsAsKg,
    Kilograms,
    PatchSchema,
    ResponseSchema,
    Schema,
)
from recyclic.utils.formatting import to_decimal


class CategoryOut(ResponseSchema):
    """A category with its regulatory mapping."""

    code: str = Field(examples=["EEE-5"])
    label: str
    family: str
    weee_category: int | None = Field(description="Catégorie DEEE réglementaire (1–7).")
    flow: str | None = Field(description="Flux de déclaration (GEM_F, GEM_HF, ECR, PAM…).")
    eco_organism: str | None
    active: bool
    display_order: int
    default_unit_weight_kg: GramsAsKg | None = Field(None, validation_alias="default_unit_weight_g")
    vat_rate: BasisPointsAsPercent = Field(validation_alias="vat_rate_bp")
    price_min: CentsAsEuros | None = Field(None, validation_alias="price_min_cents")
    price_max: CentsAsEuros | None = Field(None, validation_alias="price_max_cents")


def _percent_bp(value: Any) -> int:
    number = to_decimal(value)
    basis_points = number * 100
    if basis_points != basis_points.to_integral_value() or not 0 <= basis_points <= 10_000:
        raise ValueError("taux de TVA en % entre 0 et 100, au plus 2 décimales")
    return int(basis_points)


VatRate = Annotated[
    int,
    BeforeValidator(_percent_bp),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01}),
]
_CODE = r"^[A-Z0-9][A-Z0-9-]{0,15}$"
_NAME = r"^[a-z0-9_-]{1,64}$"


class CategoryCreate(Schema):
    """A new category (codes are stable: exports and history refer to them)."""

    code: str = Field(pattern=_CODE, examples=["REE"])
    label: str = Field(min_length=1, max_length=200)
    family: str = Field(min_length=1, max_length=16, pattern=_CODE)
    weee_category: int | None = Field(None, ge=1, le=7)
    flow: str | None = Field(None, max_length=16)
    eco_organism: str | None = Field(None, pattern=_NAME)
    price_min: Euros | None = Field(None, ge=0, le=100_000_00)
    price_max: Euros | None = Field(None, ge=0, le=100_000_00)
    default_unit_weight_kg: Kilograms | None = Field(None, gt=0, le=10_000_000)
    vat_rate: VatRate = 2000
    active: bool = True
    display_order: int = Field(500, ge=0, le=100_000)


class CategoryUpdate(PatchSchema):
    """Changes to a category; the code never changes; null clears the optional fields."""

    nullable = frozenset(
        {
            "weee_category",
            "flow",
            "eco_organism",
            "price_min",
            "price_max",
            "default_unit_weight_kg",
        }
    )

    label: str | None = Field(None, min_length=1, max_length=200)
    weee_category: int | None = Field(None, ge=1, le=7)
    flow: str | None = Field(None, max_length=16)
    eco_organism: str | None = Field(None, pattern=_NAME)
    price_min: Euros | None = Field(None, ge=0, le=100_000_00)
    price_max: Euros | None = Field(None, ge=0, le=100_000_00)
    default_unit_weight_kg: Kilograms | None = Field(None, gt=0, le=10_000_000)
    vat_rate: VatRate | None = None
    active: bool | None = None
    display_order: int | None = Field(None, ge=0, le=100_000)
