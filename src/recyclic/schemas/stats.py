"""Dashboard figures."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from recyclic.schemas.common import CentsAsEuros, GramsAsKg, ResponseSchema


class CategoryFigures(ResponseSchema):
    """One category's figures over the period: in, sold, recycled, disposed of, given."""

    category: str
    label: str
    eco_organism: str | None = Field(None, description="Éco-organisme sur ce site.")
    deposits_count: int = Field(description="Dépôts validés.")
    quantity: int = Field(description="Objets ou lots déposés (dépôts validés).")
    weight_in_kg: GramsAsKg = Field(description="Poids entré (dépôts validés).")
    items_sold: int = Field(0, description="Quantités vendues, nettes des remboursements.")
    weight_sold_kg: GramsAsKg = Field(
        0, description="Poids vendu (poids de ligne, sinon quantité × poids unitaire par défaut)."
    )
    sales_amount: CentsAsEuros = Field(0, description="Ventes nettes (remises, remboursements).")
    weight_recycled_kg: GramsAsKg = Field(0, description="Sorties vers éco-organisme, recycleur.")
    weight_disposed_kg: GramsAsKg = Field(0, description="Sorties en déchèterie.")
    weight_donated_kg: GramsAsKg = Field(0, description="Sorties en don (réemploi).")


class Totals(ResponseSchema):
    """What came in (validated deposits)."""

    deposits_count: int
    weight_in_kg: GramsAsKg


class SalesTotals(ResponseSchema):
    """What was sold, net of refunds and discounts."""

    items_sold: int
    weight_sold_kg: GramsAsKg
    sales_amount: CentsAsEuros


class OutboundTotals(ResponseSchema):
    """What left the shop other than by sale (outbound flows)."""

    weight_recycled_kg: GramsAsKg
    weight_disposed_kg: GramsAsKg
    weight_donated_kg: GramsAsKg


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
    sales_totals: SalesTotals
    outbound_totals: OutboundTotals
    ai_accuracy: AIAccuracy
