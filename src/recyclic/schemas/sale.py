"""Sales (tickets), refunds, receipts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BeforeValidator, Field, WithJsonSchema, model_validator

from recyclic.models.sale import LineUnit, SaleStatus
from recyclic.schemas.common import (
    CentsAsEuros,
    Euros,
    GramsAsKg,
    Kilograms,
    ResponseSchema,
    Schema,
)
from recyclic.services.cash.pricing import LineInput, PaymentInput
from recyclic.utils.formatting import PrecisionError, to_decimal

MAX_QUANTITY = 10_000
MAX_WEIGHT_G = 10_000_000  # 10,000 kg
MAX_UNIT_PRICE_CENTS = 100_000_00


def _percent_to_bp(value: Any) -> int:
    number = to_decimal(value)
    basis_points = number * 100
    if basis_points != basis_points.to_integral_value():
        raise PrecisionError("remise en % : au plus 2 décimales")
    return int(basis_points)


Percent = Annotated[
    int,
    BeforeValidator(_percent_to_bp),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01}),
]


class SaleLineIn(Schema):
    category: str = Field(min_length=1, max_length=16, examples=["MOB"])
    description: str | None = Field(None, max_length=500)
    quantity: int = Field(1, ge=1, le=MAX_QUANTITY)
    unit: Literal["piece", "kg"] = "piece"
    unit_price: Euros = Field(ge=0, le=MAX_UNIT_PRICE_CENTS, description="Prix unitaire ou au kg.")
    weight_kg: Kilograms | None = Field(None, gt=0, le=MAX_WEIGHT_G)
    discount_percent: Percent | None = Field(None, ge=0, le=10_000)
    discount_amount: Euros | None = Field(None, ge=0, le=MAX_UNIT_PRICE_CENTS)

    @model_validator(mode="after")
    def _coherent(self) -> SaleLineIn:
        if self.discount_percent is not None and self.discount_amount is not None:
            raise ValueError("une seule remise : en pourcentage ou en montant")
        if self.unit == "kg" and self.weight_kg is None:
            raise ValueError("une vente au kg demande le poids (weight_kg)")
        return self

    def to_input(self) -> LineInput:
        return LineInput(
            category=self.category.strip().upper(),
            description=self.description.strip() if self.description else None,
            quantity=self.quantity,
            unit=self.unit,
            unit_price_cents=self.unit_price,
            weight_g=self.weight_kg,
            discount_percent_bp=self.discount_percent,
            discount_cents=self.discount_amount,
        )


class PaymentIn(Schema):
    method: str = Field(min_length=1, max_length=32, examples=["cash"])
    amount: Euros = Field(ge=0, le=10_000_000_00)

    def to_input(self) -> PaymentInput:
        return PaymentInput(method=self.method.strip().lower(), amount_cents=self.amount)


class SaleCreate(Schema):
    id: uuid.UUID | None = Field(
        None, description="UUID du client : renvoyer le même rend l'envoi idempotent."
    )
    session_id: uuid.UUID
    created_at: AwareDatetime | None = Field(None, description="Heure du ticket fait hors ligne.")
    items: list[SaleLineIn] = Field(min_length=1, max_length=200)
    payments: list[PaymentIn] = Field(default_factory=list, max_length=10)


class RefundItem(Schema):
    line_id: uuid.UUID
    quantity: int = Field(ge=1, le=MAX_QUANTITY)


class RefundCreate(Schema):
    session_id: uuid.UUID
    items: list[RefundItem] | None = Field(None, max_length=200, description="Absent : tout.")
    reason: str = Field(min_length=3, max_length=500)
    method: str = Field(min_length=1, max_length=32, description="Moyen de remboursement.")


class SaleLineOut(ResponseSchema):
    id: uuid.UUID
    category: str
    description: str | None
    quantity: int
    unit: LineUnit
    unit_price: CentsAsEuros = Field(validation_alias="unit_price_cents")
    discount: CentsAsEuros = Field(validation_alias="discount_cents")
    line_total: CentsAsEuros = Field(validation_alias="line_total_cents")
    weight_kg: GramsAsKg | None = Field(validation_alias="weight_g")
    refund_of_line: uuid.UUID | None = None


class PaymentOut(ResponseSchema):
    method: str
    amount: CentsAsEuros = Field(validation_alias="amount_cents")


class SaleOut(ResponseSchema):
    id: uuid.UUID
    site_id: uuid.UUID
    session_id: uuid.UUID
    cashier_id: uuid.UUID
    status: SaleStatus
    number: int | None = Field(None, description="Numéro de ticket (séquence du journal).")
    items: list[SaleLineOut]
    payments: list[PaymentOut]
    total: CentsAsEuros
    change: CentsAsEuros
    refund_of: uuid.UUID | None
    refund_reason: str | None = None
    created_at: datetime
    received_at: datetime


class DailyTotal(ResponseSchema):
    date: str
    timezone: str
    sales_count: int
    refunds_count: int
    total: CentsAsEuros
    by_payment_method: dict[str, CentsAsEuros]
