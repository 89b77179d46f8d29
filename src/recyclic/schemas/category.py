"""Category bodies."""

from __future__ import annotations

from pydantic import Field

from recyclic.schemas.common import BasisPointsAsPercent, CentsAsEuros, GramsAsKg, ResponseSchema


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
