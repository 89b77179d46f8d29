"""Outbound flow bodies (weights in kg)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from recyclic.models.outbound_flow import OutboundDestination
from recyclic.schemas.common import GramsAsKg, Kilograms, PatchSchema, ResponseSchema, Schema
from recyclic.schemas.deposit import CategoryCode
from recyclic.utils.formatting import GRAMS_PER_KG

# A skip or a full truck weighs tonnes, not hundreds of tonnes: beyond, it is a typing error.
MAX_OUTBOUND_KG = 100_000


def _weight_bounds(grams: int) -> int:
    if grams <= 0:
        raise ValueError("le poids doit être supérieur à 0 kg")
    if grams > MAX_OUTBOUND_KG * GRAMS_PER_KG:
        raise ValueError(f"poids invraisemblable : {MAX_OUTBOUND_KG} kg (100 t) au maximum")
    return grams


OutboundWeight = Annotated[
    Kilograms,
    AfterValidator(_weight_bounds),
    WithJsonSchema(
        {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": MAX_OUTBOUND_KG,
            "multipleOf": 0.001,
            "description": "Poids remis en kg (3 décimales au plus).",
        }
    ),
]


def _optional_text(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# The length applies to the text, not to null (which clears the field).
Partner = Annotated[Annotated[str, Field(max_length=200)] | None, BeforeValidator(_optional_text)]
DocumentRef = Annotated[
    Annotated[str, Field(max_length=100)] | None, BeforeValidator(_optional_text)
]
FlowNotes = Annotated[
    Annotated[str, Field(max_length=2_000)] | None, BeforeValidator(_optional_text)
]


class OutboundFlowCreate(Schema):
    """A lot handed over: to an eco-organism or a recycler (recycled), to a déchèterie
    (disposed), or given away (donation)."""

    site_id: uuid.UUID | None = Field(None, description="Super admin uniquement.")
    date: dt.date = Field(description="Date de la sortie (fuseau du site), pas dans le futur.")
    category: CategoryCode
    weight_kg: OutboundWeight
    destination: OutboundDestination
    partner: Partner = Field(None, description="Partenaire (ex. Ecologic, déchèterie de Caen).")
    document_ref: DocumentRef = Field(None, description="Référence du bon d'enlèvement.")
    notes: FlowNotes = None


class OutboundFlowUpdate(PatchSchema):
    """Changes; absent fields are left as they are, null clears the optional ones."""

    date: dt.date | None = None
    category: CategoryCode | None = None
    weight_kg: OutboundWeight | None = None
    destination: OutboundDestination | None = None
    partner: Partner = None
    document_ref: DocumentRef = None
    notes: FlowNotes = None

    nullable = frozenset({"partner", "document_ref", "notes"})


class OutboundFlowOut(ResponseSchema):
    id: uuid.UUID
    site_id: uuid.UUID
    date: dt.date
    category: str
    weight_kg: GramsAsKg = Field(validation_alias="weight_g")
    destination: OutboundDestination
    partner: str | None
    document_ref: str | None
    notes: str | None
    created_by: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
