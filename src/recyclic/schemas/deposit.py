"""Deposit bodies: creation, changes, classification and validation (weights in kg)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StrictInt,
    WithJsonSchema,
    field_validator,
)

from recyclic.models.deposit import AIProvider, Channel, DepositStatus, Destination, DonorType
from recyclic.schemas.common import GramsAsKg, Kilograms, PatchSchema, ResponseSchema, Schema
from recyclic.utils.formatting import GRAMS_PER_KG

MAX_DESCRIPTION_CHARS = 4_000
MAX_NOTES_CHARS = 2_000
# The same bounds as a sale line (spec §4): beyond, it is a typing error, not a deposit.
MAX_QUANTITY = 10_000
MAX_WEIGHT_KG = 10_000


def _weight_bounds(grams: int) -> int:
    if grams <= 0:
        raise ValueError("le poids doit être supérieur à 0 kg")
    if grams > MAX_WEIGHT_KG * GRAMS_PER_KG:
        raise ValueError(f"poids invraisemblable : {MAX_WEIGHT_KG} kg au maximum")
    return grams


DepositWeight = Annotated[
    Kilograms,
    AfterValidator(_weight_bounds),
    WithJsonSchema(
        {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": MAX_WEIGHT_KG,
            "multipleOf": 0.001,
            "description": "Poids du lot entier en kg (3 décimales au plus).",
        }
    ),
]
# Strict: 2.5 items or "3" are typing errors, not numbers to round.
Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]


def _category_code(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


CategoryCode = Annotated[
    str,
    BeforeValidator(_category_code),
    Field(min_length=1, max_length=16, examples=["EEE-5"], description="Code de catégorie."),
]


def _optional_text(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# The length applies to the text, not to null (which clears the field): on the union it would
# be a TypeError, hence a 500, for `{"description": null}`.
Description = Annotated[
    Annotated[str, Field(max_length=MAX_DESCRIPTION_CHARS)] | None, BeforeValidator(_optional_text)
]
Notes = Annotated[
    Annotated[str, Field(max_length=MAX_NOTES_CHARS)] | None, BeforeValidator(_optional_text)
]

_POSTAL_CODE = re.compile(r"^\d{5}$")
# Two-digit prefixes no French postal code uses: 00, 96 and 99 (97 and 98 are overseas
# departments and territories, and Monaco, 20 is Corsica).
_UNUSED_PREFIXES = frozenset({"00", "96", "99"})


def _postal_code(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    code = re.sub(r"[\s\u00a0\u202f]", "", value)
    if not code:
        return None
    if not _POSTAL_CODE.match(code) or code[:2] in _UNUSED_PREFIXES:
        raise ValueError(
            "code postal français à 5 chiffres attendu (ex. 14000, 97400) ; "
            "laissez vide pour une provenance étrangère"
        )
    return code


PostalCode = Annotated[
    str | None,
    BeforeValidator(_postal_code),
    WithJsonSchema(
        {
            "type": ["string", "null"],
            "pattern": r"^\d{5}$",
            "description": "Code postal de provenance (France, outre-mer compris).",
        }
    ),
]


class DepositCreate(Schema):
    """A new deposit: a draft, or classified at once when a description or category is given."""

    site_id: uuid.UUID | None = Field(None, description="Super admin uniquement.")
    description: Description = Field(
        None, description="Texte dicté ou tapé ; classé aussitôt par l'IA si aucune catégorie."
    )
    category: CategoryCode | None = Field(None, description="Catégorie choisie par une personne.")
    quantity: Quantity | None = None
    weight_kg: DepositWeight | None = None
    destination: Destination | None = None
    donor_type: DonorType | None = None
    postal_code: PostalCode = None
    channel: Channel = Channel.DROP_OFF


class DepositUpdate(PatchSchema):
    """Changes to a deposit; absent fields are left as they are, null clears optional ones.

    `status: "cancelled"` cancels a draft or classified deposit; other statuses are reached
    through `/classify` and `/validate`.
    """

    description: Description = None
    category: CategoryCode | None = None
    quantity: Quantity | None = None
    weight_kg: DepositWeight | None = None
    destination: Destination | None = None
    donor_type: DonorType | None = None
    postal_code: PostalCode = None
    channel: Channel | None = None
    validation_notes: Notes = None
    status: Literal["cancelled"] | None = None

    nullable = frozenset(
        {
            "description",
            "quantity",
            "weight_kg",
            "destination",
            "donor_type",
            "postal_code",
            "validation_notes",
        }
    )


class DepositValidate(Schema):
    """Validation: keep or correct the category, give what is still missing."""

    category: CategoryCode | None = Field(None, description="Absent : la catégorie proposée.")
    quantity: Quantity | None = None
    weight_kg: DepositWeight | None = None
    destination: Destination | None = None
    notes: Notes = None


class ClassifyText(Schema):
    """Classify a typed or dictated description."""

    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION_CHARS)

    @field_validator("description")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("la description est vide : décrivez l'objet déposé")
        return value


class Alternative(ResponseSchema):
    category: str
    confidence: int = Field(ge=0, le=100)


class DepositOut(ResponseSchema):
    """A deposit as the API shows it (the server's audio path is never shown)."""

    id: uuid.UUID
    site_id: uuid.UUID
    status: DepositStatus
    description: str | None
    transcription: str | None
    category: str | None
    quantity: int | None
    weight_kg: GramsAsKg | None = Field(validation_alias="weight_g")
    destination: Destination | None
    donor_type: DonorType | None
    postal_code: str | None
    channel: Channel
    ai_category: str | None
    ai_confidence: int | None
    ai_alternatives: list[Alternative] | None
    ai_provider: AIProvider | None
    ai_first_choice_kept: bool | None = Field(
        description="À la validation : la catégorie finale est-elle le premier choix de l'IA ?"
    )
    human_validated: bool
    validation_notes: str | None
    has_audio: bool
    audio_deleted_at: datetime | None
    created_by: uuid.UUID
    validated_by: uuid.UUID | None
    validated_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ClassificationOut(ResponseSchema):
    """What the AI proposed, and the deposit as it now stands."""

    category: str
    confidence: int = Field(ge=0, le=100)
    alternatives: list[Alternative]
    transcription: str | None
    quantity: int | None
    weight_kg: GramsAsKg | None
    provider: AIProvider
    deposit: DepositOut
