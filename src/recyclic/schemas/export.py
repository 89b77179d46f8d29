"""Export parameters and the JSON form of the eco-organism exports."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from recyclic.schemas.common import CentsAsEuros, GramsAsKg, ResponseSchema

PeriodKindParam = Literal["daily", "weekly", "monthly", "quarterly", "yearly"]
EcoFormatParam = Literal["csv", "csv-fr", "xlsx", "json"]
FileFormatParam = Literal["csv", "csv-fr", "xlsx"]


class EcoRowOut(ResponseSchema):
    """One category's figures (spec §7), in kilograms and euros."""

    category_code: str
    category_label: str
    weee_category: int | None
    flow: str | None
    eco_organism: str | None = Field(description="Éco-organisme de la catégorie sur ce site.")
    deposits_count: int = Field(description="Dépôts validés.")
    weight_in_kg: GramsAsKg = Field(description="Poids des dépôts validés.")
    items_sold: int = Field(description="Quantités vendues, nettes des remboursements.")
    weight_sold_kg: GramsAsKg = Field(
        description="Poids vendu (poids de ligne, sinon quantité × poids unitaire par défaut)."
    )
    sales_amount_eur: CentsAsEuros = Field(description="Ventes nettes (remises, remboursements).")
    weight_recycled_kg: GramsAsKg = Field(description="Sorties vers éco-organisme ou recycleur.")
    weight_disposed_kg: GramsAsKg = Field(description="Sorties en déchèterie.")
    weight_donated_kg: GramsAsKg = Field(description="Sorties en don (réemploi).")


class EcoExportOut(ResponseSchema):
    """An eco-organism export (`eco_organism` null: every category)."""

    site_id: uuid.UUID
    site: str
    eco_organism: str | None
    timezone: str
    period_kind: str
    period_label: str
    period_start: date
    period_end: date = Field(description="Inclus.")
    generated_at: datetime
    rows: list[EcoRowOut]
