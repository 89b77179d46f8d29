"""Dashboard figures."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from recyclic.schemas.common import GramsAsKg, ResponseSchema


class CategoryFigures(ResponseSchema):
    """One category's figures over the period (more columns join with sales and outflows)."""

    category: str
    label: str
    deposits_count: int = Field(description="Dépôts validés.")
    quantity: int = Field(description="Objets ou lots déposés (dépôts validés).")
    weight_in_kg: GramsAsKg = Field(description="Poids entré (dépôts validés).")


class Totals(ResponseSchema):
    deposits_count: int
    weight_in_kg: GramsAsKg


class Accuracy(ResponseSchema):
    suggestions: int = Field(
        description="Dépôts validés pour lesquels l'IA a proposé une catégorie."
    )
    first_choice_kept: int = Field(description="Dont le premier choix de l'IA a été gardé.")
    accuracy_percent: float | None = Field(
        description="Part gardée, en pourcentage (null sans proposition)."
    )


class ProviderAccuracy(Accuracy):
    provider: str = Field(examples=["gemini", "local"])


class AIAccuracy(Accuracy):
    by_provider: list[ProviderAccuracy]


class SummaryOut(ResponseSchema):
    """Figures of a site over a period of days (inclusive, cut in the site's time zone)."""

    site_id: uuid.UUID
    timezone: str
    period_start: date
    period_end: date
    categories: list[CategoryFigures]
    totals: Totals
    ai_accuracy: AIAccuracy
