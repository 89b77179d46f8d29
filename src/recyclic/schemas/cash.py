"""Cash registers and cash sessions."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import Field, field_validator, model_validator

from recyclic.models.cash import SessionStatus
from recyclic.schemas.common import CentsAsEuros, Euros, PatchSchema, ResponseSchema, Schema
from recyclic.utils.formatting import PrecisionError, euros_to_cents

# Euro notes and coins, as the keys of a count by denomination ({"50": 1, "0.2": 3}).
DENOMINATIONS_CENTS = {
    euros_to_cents(value): value
    for value in (
        "500",
        "200",
        "100",
        "50",
        "20",
        "10",
        "5",
        "2",
        "1",
        "0.5",
        "0.2",
        "0.1",
        "0.05",
        "0.02",
        "0.01",
    )
}
MAX_CASH_CENTS = 10_000_000_00


class RegisterOut(ResponseSchema):
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    is_active: bool
    created_at: datetime


class RegisterDetailOut(RegisterOut):
    proposed_float: CentsAsEuros | None = Field(
        None, description="Fond de caisse gardé à la dernière clôture (proposé à l'ouverture)."
    )


class RegisterCreate(Schema):
    name: str = Field(min_length=1, max_length=100)
    site_id: uuid.UUID | None = Field(None, description="Super admin uniquement.")


class RegisterUpdate(PatchSchema):
    name: str | None = Field(None, min_length=1, max_length=100)
    is_active: bool | None = None


class SessionOpen(Schema):
    register_id: uuid.UUID
    opening_amount: Euros = Field(ge=0, le=MAX_CASH_CENTS)
    opening_comment: str | None = Field(None, max_length=1000)


class MovementCreate(Schema):
    amount: Euros = Field(
        ge=-MAX_CASH_CENTS, le=MAX_CASH_CENTS, description="Positif : apport ; négatif : retrait."
    )
    reason: str = Field(min_length=1, max_length=500)

    @field_validator("amount")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("le montant ne peut pas être nul")
        return value


class MovementOut(ResponseSchema):
    id: uuid.UUID
    session_id: uuid.UUID
    amount: CentsAsEuros = Field(validation_alias="amount_cents")
    reason: str
    created_by: uuid.UUID
    created_at: datetime


class SessionClose(Schema):
    actual_amount: Euros | None = Field(None, ge=0, le=MAX_CASH_CENTS)
    count: dict[str, int] | None = Field(
        None, description='Comptage par coupure, ex. {"50": 1, "0.2": 3}.'
    )
    variance_comment: str | None = Field(None, max_length=1000)
    kept_float: Euros | None = Field(None, ge=0, le=MAX_CASH_CENTS)

    @field_validator("count")
    @classmethod
    def _denominations(cls, value: dict[str, int] | None) -> dict[str, int] | None:
        if value is None:
            return None
        for key, number in value.items():
            try:
                cents = euros_to_cents(Decimal(key))
            except (PrecisionError, ArithmeticError, ValueError):
                raise ValueError(f"coupure inconnue : {key}") from None
            if cents not in DENOMINATIONS_CENTS:
                raise ValueError(f"coupure inconnue : {key}")
            if isinstance(number, bool) or not 0 <= number <= 100_000:
                raise ValueError(f"nombre invalide pour la coupure {key}")
        return value

    @model_validator(mode="after")
    def _amount_or_count(self) -> SessionClose:
        if self.actual_amount is None and self.count is None:
            raise ValueError("indiquez le montant compté (actual_amount) ou le comptage (count)")
        return self

    def counted_cents(self) -> int:
        """The counted cash: the count by denomination when given, else actual_amount."""
        if self.count is not None:
            counted = sum(euros_to_cents(Decimal(k)) * n for k, n in self.count.items())
            if self.actual_amount is not None and self.actual_amount != counted:
                raise ValueError("le comptage ne correspond pas au montant indiqué")
            return counted
        assert self.actual_amount is not None
        return self.actual_amount


class SessionOut(ResponseSchema):
    id: uuid.UUID
    site_id: uuid.UUID
    register_id: uuid.UUID
    cashier_id: uuid.UUID
    status: SessionStatus
    opening_amount: CentsAsEuros
    opening_comment: str | None
    expected_amount: CentsAsEuros | None
    actual_amount: CentsAsEuros | None
    variance: CentsAsEuros | None
    variance_comment: str | None
    kept_float: CentsAsEuros | None
    bank_deposit: CentsAsEuros | None
    opened_at: datetime
    closed_at: datetime | None
    stale: bool = Field(description="Ouverte depuis plus de 24 h.")
    live_totals: dict[str, Any] | None = None
    closing_report: dict[str, Any] | None = None
